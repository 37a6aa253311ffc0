// The real kubectl v1.35 against the simulated cluster: `effect-kube fake-apiserver --simulate` (the shell command,
// on real time) and FakeApiServer.listen({ simulate }).
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile, spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { streamAll } from "./fixtures/fake/client.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const kubectl = (home: string, kubeconfig: string, args: ReadonlyArray<string>, input?: string) =>
  Effect.async<Run>((resume) => {
    const child = execFile(
      ensureKubectl(),
      ["--kubeconfig", kubeconfig, "--request-timeout", "10s", ...args],
      { env: { HOME: home, PATH: process.env.PATH ?? "" }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    if (input !== undefined) child.stdin?.end(input)
    return Effect.sync(() => child.kill())
  })

const tmpHome = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "simulate-kubectl-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const okWith = (home: string, kubeconfig: string) => (...args: ReadonlyArray<string>) =>
  Effect.map(kubectl(home, kubeconfig, args), (r) => {
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    return r.stdout
  })

describe("kubectl v1.35 against the simulated cluster", () => {
  it.live(
    "effect-kube fake-apiserver --simulate: kubectl delete ns empties and removes the namespace",
    () =>
      Effect.gen(function*() {
        const home = yield* tmpHome
        const kubeconfig = Path.join(home, "kubeconfig")
        const child = spawn(
          process.execPath,
          ["--import", "tsx", "src/cli/main.ts", "fake-apiserver", "--simulate", "--write-kubeconfig", kubeconfig],
          { cwd: root, stdio: ["ignore", "pipe", "pipe"] }
        )
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
        let ready = false
        for (let i = 0; i < 120 && !ready; i++) {
          ready = yield* Effect.promise(() => Fs.access(kubeconfig).then(() => true, () => false))
          if (!ready) yield* Effect.sleep("250 millis")
        }
        expect(ready).toBe(true)
        const ok = okWith(home, kubeconfig)
        yield* ok("create", "namespace", "team")
        yield* ok("-n", "team", "create", "configmap", "settings", "--from-literal=a=b")
        yield* ok("-n", "team", "create", "secret", "generic", "token", "--from-literal=t=x")
        yield* ok("-n", "team", "create", "serviceaccount", "bot")
        // A workload too: its controllers keep trying to create pods while the namespace empties.
        yield* ok("-n", "team", "create", "deployment", "web", "--image=nginx", "--replicas=2")
        let pods = ""
        for (let i = 0; i < 40 && pods.split("\n").filter((l) => l !== "").length < 2; i++) {
          yield* Effect.sleep("250 millis")
          pods = yield* ok("-n", "team", "get", "pods", "-o", "name")
        }
        expect(pods.split("\n").filter((l) => l !== "")).toHaveLength(2)
        expect(yield* ok("delete", "namespace", "team")).toBe(`namespace "team" deleted\n`)
        // kubectl waited for the namespace to be gone; its contents went first.
        const after = yield* kubectl(home, kubeconfig, ["get", "namespace", "team"])
        expect(after.code).toBe(1)
        expect(after.stderr).toContain(`namespaces "team" not found`)
        const left = yield* kubectl(home, kubeconfig, [
          "-n",
          "team",
          "get",
          "configmaps,secrets,serviceaccounts,deployments,replicasets,pods"
        ])
        expect(left.stdout).toBe("")
        expect(left.stderr).toBe("No resources found in team namespace.\n")
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "kubectl delete deploy --cascade=foreground removes Pods, then the ReplicaSet, then the Deployment",
    () =>
      Effect.gen(function*() {
        const home = yield* tmpHome
        const kubeconfig = Path.join(home, "kubeconfig")
        // Owners and dependents made by hand here, so no workload controller is needed (or may interfere).
        const listening = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig, simulate: { workloads: false } })
        const ok = okWith(home, kubeconfig)
        yield* ok("create", "deployment", "web", "--image=nginx")
        const deployUid = yield* ok("get", "deployment", "web", "-o", "jsonpath={.metadata.uid}")
        const owned = (kind: string, name: string, uid: string) =>
          `[{"apiVersion":"apps/v1","kind":"${kind}","name":"${name}","uid":"${uid}","controller":true,"blockOwnerDeletion":true}]`
        yield* Effect.flatMap(
          kubectl(
            home,
            kubeconfig,
            ["create", "-f", "-"],
            JSON.stringify({
              apiVersion: "apps/v1",
              kind: "ReplicaSet",
              metadata: { name: "web-5d9c", ownerReferences: JSON.parse(owned("Deployment", "web", deployUid)) },
              spec: {
                replicas: 2,
                selector: { matchLabels: { app: "web" } },
                template: {
                  metadata: { labels: { app: "web" } },
                  spec: { containers: [{ name: "c", image: "nginx" }] }
                }
              }
            })
          ),
          (r) => Effect.sync(() => expect(r.code).toBe(0))
        )
        const rsUid = yield* ok("get", "replicaset", "web-5d9c", "-o", "jsonpath={.metadata.uid}")
        for (const name of ["web-5d9c-a", "web-5d9c-b"]) {
          const r = yield* kubectl(
            home,
            kubeconfig,
            ["create", "-f", "-"],
            JSON.stringify({
              apiVersion: "v1",
              kind: "Pod",
              metadata: {
                name,
                labels: { app: "web" },
                ownerReferences: JSON.parse(owned("ReplicaSet", "web-5d9c", rsUid))
              },
              spec: { containers: [{ name: "c", image: "nginx" }] }
            })
          )
          expect(r.code).toBe(0)
        }
        const before = yield* listening.server.resourceVersion
        expect(yield* ok("delete", "deployment", "web", "--cascade=foreground")).toBe(
          `deployment.apps "web" deleted from default namespace\n`
        )
        expect(yield* ok("get", "deployments,replicasets,pods", "-o", "name")).toBe("")
        // The order, from the watch history: every DELETED carries the resourceVersion of its deletion.
        const deletedAt = (path: string) =>
          Effect.map(
            streamAll(`${path}?watch=true&resourceVersion=${before}&timeoutSeconds=1`),
            (lines) =>
              lines.filter((l: any) => l.type === "DELETED").map((l: any) => Number(l.object.metadata.resourceVersion))
          ).pipe(Effect.provideService(HttpClient.HttpClient, listening.server.httpClient))
        const pods = yield* deletedAt("/api/v1/namespaces/default/pods")
        const replicaSets = yield* deletedAt("/apis/apps/v1/namespaces/default/replicasets")
        const deployments = yield* deletedAt("/apis/apps/v1/namespaces/default/deployments")
        expect(pods).toHaveLength(2)
        expect(replicaSets).toHaveLength(1)
        expect(deployments).toHaveLength(1)
        expect(Math.max(...pods)).toBeLessThan(replicaSets[0]!)
        expect(replicaSets[0]!).toBeLessThan(deployments[0]!)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "with the simulated Deployment controller: --cascade=foreground removes its Pods, ReplicaSet, Deployment",
    () =>
      Effect.gen(function*() {
        const home = yield* tmpHome
        const kubeconfig = Path.join(home, "kubeconfig")
        const listening = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig, simulate: true })
        const ok = okWith(home, kubeconfig)
        yield* ok("create", "deployment", "web", "--image=nginx", "--replicas=2")
        // Bounded: the simulated pods are Ready within a second of real time.
        let pods = ""
        for (let i = 0; i < 40 && pods.split("\n").filter((l) => l !== "").length < 2; i++) {
          yield* Effect.sleep("250 millis")
          pods = yield* ok("get", "pods", "-l", "app=web", "-o", "name")
        }
        expect(pods.split("\n").filter((l) => l !== "")).toHaveLength(2)
        const before = yield* listening.server.resourceVersion
        expect(yield* ok("delete", "deployment", "web", "--cascade=foreground")).toBe(
          `deployment.apps "web" deleted from default namespace\n`
        )
        expect(yield* ok("get", "deployments,replicasets,pods", "-o", "name")).toBe("")
        const deletedAt = (path: string) =>
          Effect.map(
            streamAll(`${path}?watch=true&resourceVersion=${before}&timeoutSeconds=1`),
            (lines) =>
              lines.filter((l: any) => l.type === "DELETED").map((l: any) => Number(l.object.metadata.resourceVersion))
          ).pipe(Effect.provideService(HttpClient.HttpClient, listening.server.httpClient))
        const podsGone = yield* deletedAt("/api/v1/namespaces/default/pods")
        const replicaSets = yield* deletedAt("/apis/apps/v1/namespaces/default/replicasets")
        const deployments = yield* deletedAt("/apis/apps/v1/namespaces/default/deployments")
        expect(podsGone).toHaveLength(2)
        expect(replicaSets).toHaveLength(1)
        expect(deployments).toHaveLength(1)
        expect(Math.max(...podsGone)).toBeLessThan(replicaSets[0]!)
        expect(replicaSets[0]!).toBeLessThan(deployments[0]!)
      }).pipe(Effect.scoped),
    60_000
  )
})
