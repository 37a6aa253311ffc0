/**
 * `effect-kube get -o jsonpath=...` against `kubectl get -o jsonpath=...` (v1.35) on the same listening fake:
 * the same bytes on stdout, the same error line and exit code, template by template.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as JsonPath from "../src/cli/jsonPath.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { ours } from "./support/cli.js"

const seed = `apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: default, labels: {app: web, "app.kubernetes.io/name": web}}
spec:
  containers:
  - {name: c, image: "nginx:1.27", ports: [{containerPort: 80, name: http}, {containerPort: 443}]}
  - {name: side, image: busybox, env: [{name: A, value: "x<y&z"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p2, namespace: default, labels: {app: api}}
spec:
  containers:
  - {name: c, image: redis, resources: {limits: {cpu: "0.5"}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: default}
data: {a: "1", b: "two"}
`

// [arguments after `get`, the -o value]
const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
  [["pods"], "jsonpath={.items[*].metadata.name}"],
  [["pods"], "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[*].image}{\"\\n\"}{end}"],
  [["pods"], "jsonpath={.items[?(@.metadata.labels.app==\"web\")].metadata.name}"],
  [["pods"], "jsonpath={.items[?(@.metadata.labels.app!='web')].metadata.name}"],
  [["pods"], "jsonpath={.items[*].spec.containers[?(@.ports)].name}"],
  [["pods"], "jsonpath={.items[0].spec.containers[0].ports[?(@.containerPort>100)].containerPort}"],
  [["pods"], "jsonpath={.items[-1:].metadata.name}"],
  [["pods"], "jsonpath={.items[0:2:1].metadata.name} and {.items[1].metadata.name}"],
  [["pods"], "jsonpath={.items[0].spec.containers[0,1].name}"],
  [["pods"], "jsonpath={.items[0].metadata.labels.app\\.kubernetes\\.io/name}"],
  [["pods"], "jsonpath={.items[0].metadata.labels['app']}"],
  [["pods"], "jsonpath={.items[0].metadata.labels}"],
  [["pods"], "jsonpath={.items[0].spec.containers[1].env}"],
  [["pods"], "jsonpath={.items[0].spec.containers[1].env[0].value}"],
  [["pods"], "jsonpath={.items[1].spec.containers[0].resources}"],
  [["pods"], "jsonpath={..image}"],
  [["pods"], "jsonpath={.items[*].spec.containers[0].ports[*].containerPort}"],
  [["pods"], "jsonpath={.items[*].missing.field}"],
  [["pods"], "jsonpath=names: {.items[*].metadata.name}\n"],
  [["pods"], "jsonpath={.kind} {.apiVersion}"],
  [["pods"], "jsonpath={range .items[*]}[{.metadata.name}]{range .spec.containers[*]} {.name}{end}{\"\\n\"}{end}"],
  [["pods"], "jsonpath-as-json={.items[*].metadata.name}"],
  [["pod", "p1"], "jsonpath={.metadata.name}/{.spec.containers[*].name}"],
  [["configmap", "cfg"], "jsonpath={.data.*}"],
  [["configmap", "cfg"], "jsonpath={.data}"],
  [["configmap", "cfg"], "jsonpath={@.data.b}{$.metadata.namespace}"],
  // An object with managedFields (made by kubectl create): jsonpath sees them, json and yaml leave them out.
  [["configmap", "made"], "jsonpath={.metadata.managedFields[*].manager}"],
  [["configmap", "made"], "json"],
  [["configmap", "made"], "yaml"],
  // Errors: parse errors and evaluation errors.
  [["pods"], "jsonpath={.items[*].metadata.name"],
  [["pods"], "jsonpath={.items[x]}"],
  [["pods"], "jsonpath={end}"],
  [["pods"], "jsonpath={.items[5]}"],
  [["pods"], "jsonpath={.kind[0]}"],
  [["pods"], "jsonpath={.items[?(@.metadata.name>1)]}"],
  [["pods"], "jsonpath="],
  [["pods"], "jsonpath"]
]

const kubectl = (home: string, args: ReadonlyArray<string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    const child = execFile(
      ensureKubectl(),
      args,
      { env: { HOME: home, PATH: "" }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
          stdout,
          stderr
        }))
    )
    return Effect.sync(() => child.kill())
  })

// kubectl prints Go's %#v of the object after an evaluation error; ours prints JSON there: the lines before it must match.
const comparable = (stderr: string) => stderr.split("\tobject given to jsonpath engine was:")[0]

// A wildcard over a map walks it in Go's map order, which is random from one kubectl run to the next: those outputs
// are compared as sets of words.
const mapOrder = new Set(["jsonpath={.data.*}"])
const words = (output: string, stdout: string) => mapOrder.has(output) ? stdout.split(" ").sort().join(" ") : stdout

describe("get -o jsonpath compared with kubectl", () => {
  it.live(
    "templates over a list and over one object: same output, errors and exit codes",
    () =>
      Effect.gen(function*() {
        const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-jsonpath-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
        const kubeconfig = Path.join(home, "kubeconfig")
        const fake = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig })
        yield* fake.server.seedYaml(seed)
        const flags = ["--kubeconfig", kubeconfig, "--cache-dir", Path.join(home, "cache")]
        const made = yield* kubectl(home, [...flags, "create", "configmap", "made", "--from-literal=k=v"])
        expect(made.stdout).toBe("configmap/made created\n")
        for (const [args, output] of cases) {
          const theirs = yield* kubectl(home, [...flags, "get", ...args, "-o", output])
          const mine = yield* Effect.promise(() => ours(["get", ...args, "-o", output, ...flags]))
          expect({
            output,
            code: mine.code,
            stdout: words(output, mine.stdout),
            stderr: comparable(mine.stderr)
          }).toEqual({
            output,
            code: theirs.code,
            stdout: words(output, theirs.stdout),
            stderr: comparable(theirs.stderr)
          })
        }
      }).pipe(Effect.scoped),
    { timeout: 90_000 }
  )
})

describe("JsonPath", () => {
  it("prints Go's forms of numbers and escapes HTML in JSON", () => {
    const data = { a: 0.00001, b: 1e21, c: 2.5, d: [{ x: "<" }], e: true }
    expect(JsonPath.execute(JsonPath.parse("{.a} {.b} {.c} {.d} {.e}"), data)).toBe(
      "1e-05 1e+21 2.5 [{\"x\":\"\\u003c\"}] true"
    )
  })
})
