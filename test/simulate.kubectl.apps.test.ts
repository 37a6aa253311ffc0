// kubectl v1.35 against the simulated StatefulSet, DaemonSet and EndpointSlice controllers over HTTP, on real time
// with the default small delays: rollout status / history / undo of a StatefulSet (ControllerRevisions), rollout
// status / history / undo of a DaemonSet, and `kubectl get endpointslices` for a Service selecting the StatefulSet's pods.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureHelm, ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { runTool } from "./support/tool.js"

const manifests = [
  "apiVersion: v1",
  "kind: Service",
  "metadata: {name: web}",
  "spec:",
  "  clusterIP: None",
  "  selector: {app: web}",
  "  ports: [{name: http, port: 80, targetPort: http}]",
  "---",
  "apiVersion: apps/v1",
  "kind: StatefulSet",
  "metadata: {name: web}",
  "spec:",
  "  serviceName: web",
  "  replicas: 2",
  "  selector: {matchLabels: {app: web}}",
  "  template:",
  "    metadata: {labels: {app: web}}",
  "    spec:",
  "      containers: [{name: app, image: 'nginx:1.27', ports: [{name: http, containerPort: 8080}]}]",
  "---",
  "apiVersion: apps/v1",
  "kind: DaemonSet",
  "metadata: {name: agent}",
  "spec:",
  "  selector: {matchLabels: {app: agent}}",
  "  template:",
  "    metadata: {labels: {app: agent}}",
  "    spec:",
  "      containers: [{name: agent, image: 'fluentd:1'}]",
  ""
].join("\n")

const lastLine = (s: string) => s.trim().split("\n").at(-1)

describe("kubectl v1.35 against simulated StatefulSets, DaemonSets and EndpointSlices", () => {
  it.live(
    "rollout status / history / undo of a StatefulSet and a DaemonSet, get endpointslices and controllerrevisions",
    () =>
      Effect.gen(function*() {
        const home = yield* Effect.acquireRelease(
          Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "simulate-apps-"))),
          (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
        )
        const kubeconfig = Path.join(home, "kubeconfig")
        yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig, simulate: { nodes: 2 } })
        const file = Path.join(home, "all.yaml")
        yield* Effect.promise(() => Fs.writeFile(file, manifests))
        const k = ensureKubectl()
        const ok = (...args: ReadonlyArray<string>) =>
          Effect.map(runTool(k, home, ["--kubeconfig", kubeconfig, ...args], 40_000), (r) => {
            expect(r.stderr, `kubectl ${args.join(" ")}`).toBe("")
            expect(r.code, `kubectl ${args.join(" ")}: ${r.stdout}`).toBe(0)
            return r.stdout
          })
        yield* ok("apply", "-f", file)
        expect(lastLine(yield* ok("rollout", "status", "statefulset/web", "--timeout=30s"))).toBe(
          "partitioned roll out complete: 2 new pods have been updated..."
        )
        expect(lastLine(yield* ok("rollout", "status", "daemonset/agent", "--timeout=30s"))).toBe(
          `daemon set "agent" successfully rolled out`
        )
        expect(yield* ok("get", "daemonset", "agent", "-o", "jsonpath={.status.numberAvailable}")).toBe("2")

        yield* ok("set", "image", "daemonset/agent", "agent=fluentd:2")
        expect(lastLine(yield* ok("rollout", "status", "daemonset/agent", "--timeout=30s"))).toBe(
          `daemon set "agent" successfully rolled out`
        )
        expect(yield* ok("rollout", "undo", "daemonset/agent")).toBe("daemonset.apps/agent rolled back\n")
        expect(lastLine(yield* ok("rollout", "status", "daemonset/agent", "--timeout=30s"))).toBe(
          `daemon set "agent" successfully rolled out`
        )
        const agents = yield* ok(
          "get",
          "pods",
          "-l",
          "app=agent",
          "-o",
          "jsonpath={.items[*].spec.containers[0].image}"
        )
        expect(agents).toBe("fluentd:1 fluentd:1")
        const dsHistory = yield* ok("rollout", "history", "daemonset/agent")
        expect(dsHistory.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(["2", "3"])

        yield* ok("set", "image", "statefulset/web", "app=nginx:1.28")
        expect(lastLine(yield* ok("rollout", "status", "statefulset/web", "--timeout=30s"))).toBe(
          "partitioned roll out complete: 2 new pods have been updated..."
        )
        const history = yield* ok("rollout", "history", "statefulset/web")
        expect(history.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(["1", "2"])
        expect(yield* ok("rollout", "undo", "statefulset/web")).toBe("statefulset.apps/web rolled back\n")
        expect(lastLine(yield* ok("rollout", "status", "statefulset/web", "--timeout=30s"))).toBe(
          "partitioned roll out complete: 2 new pods have been updated..."
        )
        const images = yield* ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}")
        expect(images).toBe("nginx:1.27 nginx:1.27")
        // The undo brought revision 1 forward as revision 3.
        const after = yield* ok("rollout", "history", "statefulset/web")
        expect(after.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(["2", "3"])

        const [revHeader, ...revRows] = (yield* ok("get", "controllerrevisions", "-l", "app=web")).trim().split("\n")
        expect(revHeader!.split(/\s+/)).toEqual(["NAME", "CONTROLLER", "REVISION", "AGE"])
        expect(revRows.map((l) => l.split(/\s+/).slice(1, 3)).sort()).toEqual([
          ["statefulset.apps/web", "2"],
          ["statefulset.apps/web", "3"]
        ])

        const ips = (yield* ok("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}")).split(" ")
        const slices = yield* ok("get", "endpointslices", "-l", "kubernetes.io/service-name=web")
        const [header, row, ...rest] = slices.trim().split("\n")
        expect(rest).toEqual([])
        expect(header!.split(/\s+/)).toEqual(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"])
        const [name, type, ports, endpoints] = row!.split(/\s+/)
        expect(name).toMatch(/^web-[a-z0-9]{5}$/)
        expect([type, ports]).toEqual(["IPv4", "8080"])
        expect(endpoints!.split(",").sort()).toEqual([...ips].sort())
        const hostnames = yield* ok(
          "get",
          "endpointslices",
          "-l",
          "kubernetes.io/service-name=web",
          "-o",
          "jsonpath={.items[0].endpoints[*].hostname}"
        )
        expect(hostnames.split(" ").sort()).toEqual(["web-0", "web-1"])
      }).pipe(Effect.scoped),
    120_000
  )
  it.live(
    "helm install --wait of a chart with a StatefulSet (claims), a DaemonSet and a headless Service",
    () =>
      Effect.gen(function*() {
        const home = yield* Effect.acquireRelease(
          Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "simulate-apps-helm-"))),
          (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
        )
        const kubeconfig = Path.join(home, "kubeconfig")
        yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig, simulate: true })
        const chart = Path.join(home, "chart")
        yield* Effect.promise(async () => {
          await Fs.mkdir(Path.join(chart, "templates"), { recursive: true })
          await Fs.writeFile(Path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: db\nversion: 0.1.0\n")
          await Fs.writeFile(
            Path.join(chart, "templates", "all.yaml"),
            manifests.replace(
              "      containers: [{name: app, image: 'nginx:1.27', ports: [{name: http, containerPort: 8080}]}]\n",
              [
                "      containers: [{name: app, image: 'nginx:1.27', ports: [{name: http, containerPort: 8080}]}]",
                "  volumeClaimTemplates:",
                "  - metadata: {name: data}",
                "    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}",
                ""
              ].join("\n")
            )
          )
        })
        const run = (bin: string, ...args: ReadonlyArray<string>) =>
          Effect.map(runTool(bin, home, ["--kubeconfig", kubeconfig, ...args], 40_000), (r) => {
            expect(r.stderr, `${Path.basename(bin)} ${args.join(" ")}`).toBe("")
            expect(r.code, `${Path.basename(bin)} ${args.join(" ")}: ${r.stdout}`).toBe(0)
            return r.stdout
          })
        expect(yield* run(ensureHelm(), "install", "r1", chart, "--wait", "--timeout", "30s")).toContain(
          "STATUS: deployed"
        )
        const k = ensureKubectl()
        expect(yield* run(k, "get", "statefulset", "web", "-o", "jsonpath={.status.readyReplicas}")).toBe("2")
        expect(yield* run(k, "get", "pvc", "-o", "name")).toBe(
          "persistentvolumeclaim/data-web-0\npersistentvolumeclaim/data-web-1\n"
        )
      }).pipe(Effect.scoped),
    90_000
  )
})
