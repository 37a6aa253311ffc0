/**
 * The bin's grammar against the real kubectl v1.35: every global flag before, between and after the command words,
 * as `--flag=value` and `--flag value`, on `config view --minify` (stdout, stderr and exit code byte for byte, with
 * "kubectl" read as "effect-kube"), and kubectl's errors for missing values and unknown flags.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { ours } from "./support/cli.js"

const kubectl = ensureKubectl()
const kubeconfig = Path.join(__dirname, "fixtures", "manifests", "kubeconfig.yaml")
const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-grammar-"))
afterAll(() => Fs.rmSync(home, { recursive: true, force: true }))

interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const theirs = (argv: ReadonlyArray<string>): Outcome => {
  const r = spawnSync(kubectl, argv, { env: { HOME: home, PATH: "" }, encoding: "utf8", timeout: 20_000 })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.replaceAll("kubectl", "effect-kube") }
}

const globalFlags: ReadonlyArray<readonly [string, string | undefined]> = [
  ["--kubeconfig", kubeconfig],
  ["--context", "x2"],
  ["--cluster", "c2"],
  ["--user", "u2"],
  ["-n", "zz"],
  ["--namespace", "zz"],
  ["-s", "https://o.example:1"],
  ["--server", "https://o.example:1"],
  ["--token", "tok"],
  ["--as", "bob"],
  ["--as-group", "g1"],
  ["--as-uid", "42"],
  ["--certificate-authority", "/nonexistent/ca.crt"],
  ["--client-certificate", "/nonexistent/c.crt"],
  ["--client-key", "/nonexistent/c.key"],
  ["--insecure-skip-tls-verify", undefined],
  ["--tls-server-name", "other.example"],
  ["--request-timeout", "5s"],
  ["-v", "0"],
  ["--v", "0"]
]

describe("global flags in every position, compared with kubectl", () => {
  for (const [flag, value] of globalFlags) {
    const forms = value === undefined
      ? [[flag], [`${flag}=true`]]
      : flag.startsWith("--")
      ? [[flag, value], [`${flag}=${value}`]]
      : [[flag, value], [`${flag}=${value}`], [`${flag}${value}`]]
    it(`${flag}`, { timeout: 60_000 }, async () => {
      for (const form of forms) {
        const base = flag === "--kubeconfig" ? [] : ["--kubeconfig", kubeconfig]
        const lines = [
          [...form, ...base, "config", "view", "--minify"],
          [...base, "config", ...form, "view", "--minify"],
          [...base, "config", "view", "--minify", ...form]
        ]
        for (const argv of lines) {
          const expected = theirs(argv)
          expect({ argv, ...(await ours(argv)) }).toEqual({ argv, ...expected })
        }
      }
    })
  }

  it("kubectl's errors: missing values, unknown flags, bad values", { timeout: 60_000 }, async () => {
    const cases = [
      ["--context"],
      ["config", "view", "--context"],
      ["-n"],
      ["config", "view", "-n"],
      ["--foo", "config", "view"],
      ["config", "view", "--foo"],
      ["--v=abc", "config", "view"],
      ["--insecure-skip-tls-verify=maybe", "config", "view"],
      ["--kubeconfig", kubeconfig, "--context=nope", "config", "view", "--minify"],
      ["--kubeconfig", kubeconfig, "--context", "x2", "config", "current-context"]
    ]
    for (const argv of cases) {
      expect({ argv, ...(await ours(argv)) }).toEqual({ argv, ...theirs(argv) })
    }
  })
})
