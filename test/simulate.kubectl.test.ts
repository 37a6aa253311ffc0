// The simulated cluster against real clients over HTTP, on real time with the default small delays: kubectl v1.35's
// rollout status / undo / history and wait, and helm v4's install --wait of a chart with a Deployment and Service.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureHelm, ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { runTool } from "./support/tool.js"

const run = (bin: string, home: string, args: ReadonlyArray<string>, timeoutMs = 40_000) =>
  runTool(bin, home, args, timeoutMs)

const setup = Effect.gen(function*() {
  const home = yield* Effect.acquireRelease(
    Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "simulate-kubectl-"))),
    (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
  )
  const kubeconfig = Path.join(home, "kubeconfig")
  const listening = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig, simulate: true })
  const ok = (bin: string, ...args: ReadonlyArray<string>) =>
    Effect.map(run(bin, home, ["--kubeconfig", kubeconfig, ...args]), (r) => {
      expect(r.stderr, `${Path.basename(bin)} ${args.join(" ")}`).toBe("")
      expect(r.code, `${Path.basename(bin)} ${args.join(" ")}: ${r.stdout}`).toBe(0)
      return r.stdout
    })
  return { home, fake: listening.server, ok }
})

const lastLine = (s: string) => s.trim().split("\n").at(-1)

describe("simulated cluster with real clients", () => {
  it.live(
    "kubectl rollout status, set image, rollout undo and history, wait --for=condition=Available",
    () =>
      Effect.gen(function*() {
        const { ok } = yield* setup
        const k = ensureKubectl()
        yield* ok(k, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
        expect(lastLine(yield* ok(k, "rollout", "status", "deploy/web", "--timeout=20s"))).toBe(
          `deployment "web" successfully rolled out`
        )
        expect(yield* ok(k, "wait", "--for=condition=Available", "deploy/web", "--timeout=20s")).toBe(
          "deployment.apps/web condition met\n"
        )
        yield* ok(k, "set", "image", "deploy/web", "nginx=nginx:1.28")
        expect(lastLine(yield* ok(k, "rollout", "status", "deploy/web", "--timeout=20s"))).toBe(
          `deployment "web" successfully rolled out`
        )
        expect(yield* ok(k, "rollout", "undo", "deploy/web")).toBe("deployment.apps/web rolled back\n")
        expect(lastLine(yield* ok(k, "rollout", "status", "deploy/web", "--timeout=20s"))).toBe(
          `deployment "web" successfully rolled out`
        )
        // Undo brought revision 1's ReplicaSet back as revision 3: two ReplicaSets, revisions 2 and 3.
        const history = yield* ok(k, "rollout", "history", "deploy/web")
        expect(history.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(["2", "3"])
        // The replaced pods may still be Terminating (graceful termination), as kubectl get shows on a real cluster.
        const pods = JSON.parse(yield* ok(k, "get", "pods", "-o", "json")).items as ReadonlyArray<any>
        const images = pods.filter((p) => p.metadata.deletionTimestamp === undefined).map((p) =>
          p.spec.containers[0].image
        )
        expect(images).toEqual(["nginx:1.27", "nginx:1.27"])
        const rs = yield* ok(k, "get", "rs", "-o", "jsonpath={range .items[*]}{.spec.replicas}{\" \"}{end}")
        expect(rs.trim().split(" ").sort()).toEqual(["0", "2"])
        const ready = yield* ok(k, "get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}/{.spec.replicas}")
        expect(ready).toBe("2/2")
      }).pipe(Effect.scoped),
    90_000
  )

  it.live("helm install --wait of a chart with a Deployment and a Service", () =>
    Effect.gen(function*() {
      const { home, ok } = yield* setup
      const chart = Path.join(home, "chart")
      yield* Effect.promise(async () => {
        await Fs.mkdir(Path.join(chart, "templates"), { recursive: true })
        await Fs.writeFile(Path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n")
        await Fs.writeFile(Path.join(chart, "values.yaml"), "replicas: 2\n")
        await Fs.writeFile(
          Path.join(chart, "templates", "all.yaml"),
          [
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata: {name: '{{ .Release.Name }}-web'}",
            "spec:",
            "  replicas: {{ .Values.replicas }}",
            "  selector: {matchLabels: {app: web}}",
            "  template:",
            "    metadata: {labels: {app: web}}",
            "    spec:",
            "      containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: '{{ .Release.Name }}-web'}",
            "spec:",
            "  selector: {app: web}",
            "  ports: [{port: 80, targetPort: http}]",
            ""
          ].join("\n")
        )
      })
      const h = ensureHelm()
      const out = yield* ok(h, "install", "r1", chart, "--wait", "--timeout", "30s")
      expect(out).toContain("STATUS: deployed")
      const k = ensureKubectl()
      expect(yield* ok(k, "get", "deploy", "r1-web", "-o", "jsonpath={.status.availableReplicas}")).toBe("2")
    }).pipe(Effect.scoped), 90_000)
})
