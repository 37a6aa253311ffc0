/**
 * `effect-kube wait` against a listening fake apiserver, next to the real kubectl v1.35 on the same server: the
 * lines printed and the exit codes must match (kubectl's client-go log noise on timeouts aside).
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { command } from "../src/cli/wait.js"
import * as FakeApiServer from "../src/FakeApiServer.js"

const seed = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } }
    },
    status: { conditions: [{ type: "Available", status: "True" }] }
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default" },
    spec: { containers: [{ name: "c", image: "nginx" }] },
    status: { phase: "Pending" }
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "two", namespace: "default" },
    spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] }
  }
]

const ours = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    const err: Array<string> = []
    const current = yield* Effect.console
    const console: Console.Console = {
      ...current,
      log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void out.push(a.join(" "))),
      error: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void err.push(a.join(" ")))
    }
    const code = yield* Console.withConsole(command(args), console).pipe(Effect.provide(NodeContext.layer))
    return { code, stdout: out.join("\n"), stderr: err.join("\n") }
  })

const theirs = (kubectl: string, args: ReadonlyArray<string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(kubectl, [...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
      resume(Effect.succeed({
        code,
        stdout: stdout.trim(),
        // client-go's reflector logs a line when the wait's context ends the watch: not part of the output.
        stderr: stderr.split("\n").filter((l) => l !== "" && !/^[EIW]\d{4} /.test(l)).join("\n")
      }))
    })
  })

describe("effect-kube wait", () => {
  it.live("matches kubectl's output and exit codes", () =>
    Effect.gen(function*() {
      const kubectl = ensureKubectl()
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-wait-"))
      const kubeconfig = path.join(tmp, "kubeconfig")
      const fake = yield* FakeApiServer.make({ seed })
      yield* fake.listen({ kubeconfigPath: kubeconfig })
      const cases: ReadonlyArray<ReadonlyArray<string>> = [
        ["--for=condition=Available", "deployment/web", "--timeout=5s"],
        ["--for=condition=available=true", "deployments", "web", "--timeout=5s"],
        ["--for=condition=Ready", "pod/p", "--timeout=1s"],
        ["--for=jsonpath={.status.phase}=Pending", "pod/p", "--timeout=5s"],
        ["--for=jsonpath={.status.phase}=Running", "pod/p", "--timeout=1s"],
        // The whole jsonpath grammar: filters (with their ==), wildcards, the relaxed form without braces.
        ["--for=jsonpath={.status.conditions[?(@.type==\"Ready\")].status}=True", "pod/two", "--timeout=5s"],
        ["--for=jsonpath=.status.phase=Pending", "pod/p", "--timeout=5s"],
        ["--for=jsonpath={.status.phase}", "pod/p", "--timeout=5s"],
        ["--for=jsonpath={.status.phase}='Pending'", "pod/p", "--timeout=5s"],
        ["--for=jsonpath={.spec.containers[*].name}=a", "pod/two", "--timeout=5s"],
        ["--for=jsonpath={.spec}=x", "pod/p", "--timeout=5s"],
        ["--for=jsonpath={.status.phase}=", "pod/p", "--timeout=5s"],
        ["--for=jsonpath={.status.nothing}=x", "pod/p", "--timeout=1s"],
        ["--for=delete", "pod/nope", "--timeout=1s"],
        ["--for=condition=Ready", "pod/nope", "--timeout=1s"],
        ["--for=condition=Available", "deployment/web", "deployment/nope", "--timeout=1s"],
        ["--for=bogus", "pod/p"],
        ["--for=condition=Available", "deployment"]
      ]
      for (const args of cases) {
        const full = [...args, "--kubeconfig", kubeconfig]
        const [a, b] = yield* Effect.all([ours(full), theirs(kubectl, ["wait", ...full])], { concurrency: 2 })
        expect({ args, ...a }).toEqual({ args, ...b })
      }
      // A deletion while waiting.
      const waiting = yield* Effect.fork(ours(["--for=delete", "pod/p", "--timeout=10s", "--kubeconfig", kubeconfig]))
      yield* Effect.sleep("500 millis")
      yield* fake.remove({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "p" })
      expect(yield* Fiber.join(waiting)).toEqual({ code: 0, stdout: "pod/p condition met", stderr: "" })
      fs.rmSync(tmp, { recursive: true, force: true })
    }).pipe(Effect.scoped), 60_000)
})
