// Server-side Tables with the real apiserver's columns, as kubectl v1.35 prints them.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { kubectl, listenWithHome } from "./fixtures/fake/kubectl.js"

const header = (out: string) => out.split("\n")[0]!.trim().split(/\s{2,}/)

const seed = `
apiVersion: v1
kind: Event
metadata: {name: web.1, namespace: default}
involvedObject: {kind: Pod, name: web-1, namespace: default}
reason: Scheduled
message: Successfully assigned default/web-1 to node-1
type: Normal
source: {component: default-scheduler}
count: 2
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: default}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site, namespace: default}
spec:
  ingressClassName: nginx
  rules: [{host: example.com}]
  tls: [{hosts: [example.com]}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec: {accessModes: [ReadWriteOnce], storageClassName: standard, volumeName: pv-1, resources: {requests: {storage: 1Gi}}}
status: {phase: Bound, accessModes: [ReadWriteOnce], capacity: {storage: 1Gi}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader, namespace: default}
spec: {holderIdentity: pod-a}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {node-role.kubernetes.io/control-plane: ""}}
status:
  conditions: [{type: Ready, status: "True"}]
  addresses: [{type: InternalIP, address: 172.18.0.2}]
  nodeInfo: {kubeletVersion: v1.36.0, osImage: Debian, kernelVersion: "6.1", containerRuntimeVersion: "containerd://2.0"}
---
apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: default}
spec: {nodeName: node-1, containers: [{name: c, image: nginx}]}
`

describe("FakeApiServer tables", () => {
  it.live("events, cronjobs, ingresses, PVCs, leases, nodes, daemonsets, jobs", () =>
    Effect.gen(function*() {
      const { home, kubeconfig } = yield* listenWithHome("fake-apiserver-tables-", { seedYaml: seed })
      const k = (...args: ReadonlyArray<string>) =>
        Effect.map(kubectl(home, kubeconfig, args), (r) => {
          expect(r.stderr).toBe("")
          return r.stdout
        })
      const events = yield* k("get", "events")
      expect(header(events)).toStrictEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"])
      expect(events).toMatch(/Normal\s+Scheduled\s+pod\/web-1\s+Successfully assigned default\/web-1 to node-1/)
      expect(header(yield* k("get", "events", "-o", "wide"))).toStrictEqual([
        "LAST SEEN",
        "TYPE",
        "REASON",
        "OBJECT",
        "SUBOBJECT",
        "SOURCE",
        "MESSAGE",
        "FIRST SEEN",
        "COUNT",
        "NAME"
      ])
      const cron = yield* k("get", "cronjobs")
      expect(header(cron)).toStrictEqual(["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"])
      expect(cron).toMatch(/nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>/)
      const ing = yield* k("get", "ingress")
      expect(header(ing)).toStrictEqual(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"])
      expect(ing).toMatch(/site\s+nginx\s+example\.com\s+80, 443/)
      const pvc = yield* k("get", "pvc")
      expect(header(pvc)).toStrictEqual([
        "NAME",
        "STATUS",
        "VOLUME",
        "CAPACITY",
        "ACCESS MODES",
        "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS",
        "AGE"
      ])
      expect(pvc).toMatch(/data\s+Bound\s+pv-1\s+1Gi\s+RWO\s+standard\s+<unset>/)
      const lease = yield* k("get", "lease")
      expect(header(lease)).toStrictEqual(["NAME", "HOLDER", "AGE"])
      expect(lease).toMatch(/leader\s+pod-a/)
      const nodes = yield* k("get", "nodes", "-o", "wide")
      expect(header(nodes)).toStrictEqual([
        "NAME",
        "STATUS",
        "ROLES",
        "AGE",
        "VERSION",
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME"
      ])
      expect(nodes).toMatch(
        /node-1\s+Ready\s+control-plane\s+\S+\s+v1\.36\.0\s+172\.18\.0\.2\s+<none>\s+Debian\s+6\.1\s+containerd:\/\/2\.0/
      )
      yield* k("create", "job", "once", "--image=busybox")
      expect(header(yield* k("get", "jobs", "-o", "wide"))).toStrictEqual([
        "NAME",
        "STATUS",
        "COMPLETIONS",
        "DURATION",
        "AGE",
        "CONTAINERS",
        "IMAGES",
        "SELECTOR"
      ])
      expect((yield* kubectl(home, kubeconfig, ["get", "daemonsets", "-A"])).stderr).toBe("No resources found\n")
      // cordon and drain (eviction of the node's pods).
      expect(yield* k("cordon", "node-1")).toBe("node/node-1 cordoned\n")
      expect(yield* k("get", "nodes")).toMatch(/node-1\s+Ready,SchedulingDisabled/)
      const drain = yield* kubectl(home, kubeconfig, ["drain", "node-1", "--force", "--timeout=10s"])
      expect(drain.stdout).toMatch(/pod\/p1 evicted\nnode\/node-1 drained\n$/)
      expect((yield* kubectl(home, kubeconfig, ["get", "pod", "p1"])).code).toBe(1)
    }).pipe(Effect.scoped), 60_000)
})
