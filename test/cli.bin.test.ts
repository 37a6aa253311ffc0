import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

describe("bin/effect-kube.js", () => {
  it("runs from any working directory, as an installed bin is run", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-bin-"))
    const kubeconfig = path.join(cwd, "config")
    fs.writeFileSync(
      kubeconfig,
      "apiVersion: v1\nkind: Config\ncurrent-context: here\ncontexts:\n- name: here\n  context: {cluster: c, user: u}\n" +
        "clusters:\n- name: c\n  cluster: {server: https://127.0.0.1:6443}\nusers:\n- name: u\n  user: {}\n"
    )
    const result = spawnSync(
      process.execPath,
      [path.join(root, "bin", "effect-kube.js"), "config", "current-context", "--kubeconfig", kubeconfig],
      { cwd, encoding: "utf8", timeout: 60_000, env: { ...process.env, HOME: cwd, KUBECONFIG: "" } }
    )
    fs.rmSync(cwd, { recursive: true, force: true })
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe("here\n")
    expect(result.status).toBe(0)
  })
})
