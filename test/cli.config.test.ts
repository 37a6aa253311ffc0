import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { command } from "../src/cli/config.js"

const root = path.resolve(__dirname, "..")
const fixtures = path.join(root, "test", "fixtures", "kubeconfig")
const fixture = (name: string) => path.join(fixtures, name)
const kubectl = ensureKubectl()

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-cli-config-"))
const home = path.join(tmpRoot, "home")
fs.mkdirSync(home)
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))

interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `effect-kube config ...` in-process with a captured console and the given environment. */
const ours = (args: ReadonlyArray<string>, env: Record<string, string>): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    const out: Array<string> = []
    const err: Array<string> = []
    const base = yield* Effect.console
    const captured: Console.Console = {
      ...base,
      log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void out.push(parts.join(" "))),
      error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void err.push(parts.join(" ")))
    }
    const code = yield* command(args).pipe(
      Effect.withConsole(captured),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ HOME: home, ...env })))),
      Effect.provide(NodeContext.layer)
    )
    const text = (lines: Array<string>) => (lines.length === 0 ? "" : `${lines.join("\n")}\n`)
    return { code, stdout: text(out), stderr: text(err) }
  })

const theirs = (args: ReadonlyArray<string>, env: Record<string, string>): Outcome => {
  const result = spawnSync(kubectl, ["config", "--request-timeout=5s", ...args], {
    env: { HOME: home, PATH: "", ...env },
    encoding: "utf8",
    timeout: 20_000
  })
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

const parseOutput = (text: string, json: boolean): unknown => (json ? JSON.parse(text) : text)

describe("config view vs kubectl", () => {
  const sources: Array<{ readonly name: string; readonly env: Record<string, string>; readonly args: Array<string> }> =
    [
      {
        name: "merged KUBECONFIG",
        env: { KUBECONFIG: [fixture("merge-a.yaml"), fixture("merge-b.yaml")].join(":") },
        args: []
      },
      { name: "relative paths", env: {}, args: [`--kubeconfig=${fixture("relative/nested/config.yaml")}`] },
      { name: "contexts", env: {}, args: ["--kubeconfig", fixture("contexts.yaml"), "--context=prod"] },
      { name: "impersonation and data", env: {}, args: ["--kubeconfig", fixture("impersonation.yaml")] },
      { name: "exec", env: {}, args: ["--kubeconfig", fixture("exec.yaml"), "--context", "exec-beta"] }
    ]
  const variants: Array<Array<string>> = [[], ["--raw", "-ojson"], ["--minify", "--output=json"], ["--minify", "--raw"]]
  // only these two have files or data for --flatten to act on
  const flattenVariants: Array<Array<string>> = [["--flatten", "-o=json"], ["--minify", "--flatten"]]
  for (const source of sources) {
    const withFlatten = source.name === "relative paths" || source.name === "impersonation and data"
    for (const variant of withFlatten ? [...variants, ...flattenVariants] : variants) {
      const args = ["view", ...source.args, ...variant]
      it.effect(`${source.name}: ${variant.join(" ") || "(defaults)"}`, () =>
        Effect.gen(function*() {
          const result = yield* ours(args, source.env)
          const reference = theirs(args, source.env)
          expect(reference.stderr).toBe("")
          expect(result.stderr).toBe("")
          expect(result.code).toBe(reference.code)
          const json = variant.some((a) => a.includes("json"))
          expect(parseOutput(result.stdout, json)).toEqual(parseOutput(reference.stdout, json))
          // text too: kubectl's printers are matched byte for byte on these inputs
          expect(result.stdout).toBe(reference.stdout)
        }))
    }
  }

  it.effect("a missing --kubeconfig file shows an empty config, in YAML and JSON", () =>
    Effect.gen(function*() {
      for (const extra of [[], ["-o", "json"]]) {
        const args = ["view", `--kubeconfig=${path.join(tmpRoot, "missing.yaml")}`, ...extra]
        const result = yield* ours(args, {})
        const reference = theirs(args, {})
        expect([result.code, result.stdout, result.stderr]).toEqual([
          reference.code,
          reference.stdout,
          reference.stderr
        ])
      }
    }))
})

describe("errors vs kubectl: same exit code and message", () => {
  const write = (name: string, content: string) => {
    const file = path.join(tmpRoot, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
    return file
  }
  const dangling = write(
    "dangling.yaml",
    "current-context: x\ncontexts:\n- name: x\n  context: {cluster: gone, user: u}\nusers:\n- name: u\n  user: {}\n"
  )
  const danglingUser = write(
    "dangling-user.yaml",
    "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: gone}\n" +
      "clusters:\n- name: c\n  cluster: {server: 'https://c'}\n"
  )
  const b64 = write("b64.yaml", "users:\n- name: u\n  user:\n    client-key-data: c2VjcmV0LWtleQ\n")
  const flattenMissing = write(
    "flatten/config.yaml",
    "clusters:\n- name: c\n  cluster: {server: 'https://c', certificate-authority: missing/ca.crt}\n"
  )
  const malformed = write("malformed.yaml", "clusters: [\n  - foo: bar\n  x")
  const noCurrent = fixture("merge-c.yaml")

  const exact: Array<{ readonly name: string; readonly args: Array<string>; readonly env?: Record<string, string> }> = [
    { name: "minify without current-context", args: ["view", "--minify", `--kubeconfig=${noCurrent}`] },
    {
      name: "minify with unknown --context",
      args: ["view", "--minify", "--context=nope", `--kubeconfig=${noCurrent}`]
    },
    { name: "minify, context names a missing cluster", args: ["view", "--minify", `--kubeconfig=${dangling}`] },
    { name: "minify, context names a missing user", args: ["view", "--minify", `--kubeconfig=${danglingUser}`] },
    { name: "flatten with a missing CA file", args: ["view", "--flatten", `--kubeconfig=${flattenMissing}`] },
    { name: "current-context not set", args: ["current-context", `--kubeconfig=${noCurrent}`] },
    { name: "current-context, missing file", args: ["current-context", `--kubeconfig=${path.join(tmpRoot, "nope")}`] },
    {
      name: "current-context from a merge",
      args: ["current-context"],
      env: { KUBECONFIG: [fixture("merge-c.yaml"), fixture("merge-b.yaml"), fixture("merge-a.yaml")].join(":") }
    }
  ]
  for (const c of exact) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const result = yield* ours(c.args, c.env ?? {})
        const reference = theirs(c.args, c.env ?? {})
        expect([result.code, result.stdout, result.stderr]).toEqual([
          reference.code,
          reference.stdout,
          reference.stderr
        ])
      }))
  }

  it.effect("invalid base64: kubectl's message, plus the key", () =>
    Effect.gen(function*() {
      const args = ["view", `--kubeconfig=${b64}`]
      const result = yield* ours(args, {})
      const reference = theirs(args, {})
      expect(reference.code).toBe(1)
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`${reference.stderr.trimEnd()} (at users["u"].user.client-key-data)\n`)
      expect(result.stderr).not.toContain("c2VjcmV0LWtleQ")
    }))

  it.effect("malformed YAML: same exit code and message prefix", () =>
    Effect.gen(function*() {
      const args = ["view", `--kubeconfig=${malformed}`]
      const result = yield* ours(args, {})
      const reference = theirs(args, {})
      const prefix = `error: error loading config file "${malformed}": yaml: line `
      expect(reference.code).toBe(1)
      expect(reference.stderr.startsWith(prefix)).toBe(true)
      expect(result.code).toBe(1)
      expect(result.stderr.startsWith(prefix)).toBe(true)
    }))

  it.effect("flag errors: unknown flag, bad output format, unexpected arguments, unknown subcommand", () =>
    Effect.gen(function*() {
      const kubeconfig = `--kubeconfig=${fixture("basic.yaml")}`
      const cases: Array<Array<string>> = [
        ["view", "--foo", kubeconfig],
        ["view", "-o", "xml", kubeconfig],
        ["view", "extra", kubeconfig],
        ["frobnicate", kubeconfig],
        ["view", kubeconfig, "--context"]
      ]
      for (const args of cases) {
        const result = yield* ours(args, {})
        const reference = theirs(args, {})
        expect(result.code).toBe(reference.code)
        const firstLine = (text: string) => text.split("\n")[0]!.replace(/allowed formats are: .*/, "")
        expect(firstLine(result.stderr)).toBe(firstLine(reference.stderr).replaceAll("kubectl", "effect-kube"))
      }
    }))
})

describe("the effect-kube binary", () => {
  it("runs `config view` end to end through src/cli/main.ts", () => {
    const env = { HOME: home, PATH: process.env.PATH ?? "", KUBECONFIG: fixture("basic.yaml") }
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "config", "view", "--minify", "-o", "json"],
      { cwd: root, env, encoding: "utf8", timeout: 60_000 }
    )
    const reference = theirs(["view", "--minify", "-o", "json"], { KUBECONFIG: fixture("basic.yaml") })
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(reference.stdout))
    const missing = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "config", "view", "--minify"],
      { cwd: root, env: { ...env, KUBECONFIG: fixture("merge-c.yaml") }, encoding: "utf8", timeout: 60_000 }
    )
    expect(missing.status).toBe(1)
    expect(missing.stderr).toBe("error: current-context must exist in order to minify\n")
  })
})
