import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const until = async (what: string, check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

describe("bin/effect-kube.js signals", () => {
  it("SIGTERM to the wrapper of a source checkout stops the fake apiserver it runs", async () => {
    // Only the source-checkout path spawns a child; with a build the wrapper is the server itself.
    if (fs.existsSync(path.join(root, "dist", "cli", "main.js"))) return
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-sig-"))
    const kubeconfig = path.join(cwd, "config")
    const wrapper = spawn(
      process.execPath,
      [path.join(root, "bin", "effect-kube.js"), "fake-apiserver", "--write-kubeconfig", kubeconfig],
      { cwd, stdio: "ignore", env: { ...process.env, HOME: cwd } }
    )
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
    wrapper.on("exit", (code, signal) => exited = { code, signal })
    try {
      await until("the kubeconfig", () => fs.existsSync(kubeconfig), 60_000)
      const port = Number(/server: http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(kubeconfig, "utf8"))?.[1])
      expect(await accepts(port)).toBe(true)
      wrapper.kill("SIGTERM")
      await until("the wrapper to exit", () => exited !== undefined, 20_000)
      // The child is gone too: nothing listens on its port any more.
      expect(await accepts(port)).toBe(false)
    } finally {
      if (exited === undefined) wrapper.kill("SIGKILL")
      fs.rmSync(cwd, { recursive: true, force: true })
    }
  }, 90_000)
})
