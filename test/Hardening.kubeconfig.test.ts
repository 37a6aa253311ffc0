/**
 * Issue 20: kubeconfig YAML scalars read as kubectl v1.35 reads them, and the fake's kubeconfig writer.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as YAML from "yaml"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { writeAtomically } from "../src/internal/fakeApiServer/kubeconfig.js"
import { parseWith } from "../src/internal/kubeconfig/load.js"

const kubectl = ensureKubectl()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-kc-"))

// Numbers, booleans, nulls and dates in their YAML 1.1 and 1.2 spellings, and near misses of each.
const scalars = [
  "e1",
  "e0",
  "E0",
  "e10",
  "1e3",
  "1.5e3",
  "0x10",
  "0o17",
  "017",
  "08",
  "1_000",
  "0b101",
  "+12",
  "12.5",
  "1.",
  ".5",
  ".",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "Y",
  "true",
  "True",
  "FALSE",
  "null",
  "~",
  "Null",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "1:20",
  "190:20:30",
  "'e1'",
  "\"0x10\""
]

const document = (value: string) =>
  [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${value}`,
    "  cluster:",
    "    server: https://127.0.0.1:1",
    "contexts:",
    "- name: c",
    "  context:",
    `    cluster: ${value}`,
    "    user: u",
    `    namespace: ${value}`,
    "users:",
    "- name: u",
    "  user:",
    `    token: ${value}`,
    "current-context: c",
    ""
  ].join("\n")

describe("kubeconfig scalars as kubectl reads them", () => {
  it("each scalar is the same string, or refused, in both", () => {
    const mismatches: Array<string> = []
    for (const [i, value] of scalars.entries()) {
      const file = path.join(dir, `scalar-${i}.yaml`)
      fs.writeFileSync(file, document(value))
      const result = spawnSync(kubectl, ["config", "view", "--minify", "--raw", "-o", "json"], {
        env: { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: file },
        encoding: "utf8",
        timeout: 20_000
      })
      const theirs = result.status === 0
        ? { ok: true, token: JSON.parse(result.stdout).users[0].user.token as string | undefined }
        : { ok: false, token: undefined }
      const parsed = parseWith(YAML, document(value), file)
      const ours = Either.isRight(parsed)
        ? { ok: true, token: parsed.right.config.users?.[0]?.user?.token }
        : { ok: false, token: undefined }
      // kubectl drops a null token; ours reads it as absent or empty.
      const normalise = (t: string | undefined) => t === "" ? undefined : t
      if (theirs.ok !== ours.ok || normalise(theirs.token) !== normalise(ours.token)) {
        mismatches.push(`${value}: kubectl ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours)}`)
      }
    }
    expect(mismatches).toEqual([])
  }, 120_000)

  it("the scalars the issue saw rejected load as strings", () => {
    for (const value of ["e1", "e0", "E0", "e10"]) {
      const parsed = parseWith(YAML, document(value), "t")
      expect(Either.isRight(parsed) && parsed.right.config.clusters?.[0]?.name).toBe(value)
    }
  })
})

describe("the fake's kubeconfig writer", () => {
  it("writes with mode 0600 and leaves no temp file", async () => {
    const target = path.join(dir, "written", "config")
    await writeAtomically(target, "token: t\n")
    expect(fs.readFileSync(target, "utf8")).toBe("token: t\n")
    expect(fs.statSync(target).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(path.dirname(target))).toEqual(["config"])
  })

  it("refuses a symlinked target and leaves what it points at alone", async () => {
    const victim = path.join(dir, "victim")
    fs.writeFileSync(victim, "untouched")
    const link = path.join(dir, "link-config")
    fs.symlinkSync(victim, link)
    await expect(writeAtomically(link, "token: secret\n")).rejects.toThrow(/symbolic link/)
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched")
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
  })
})
