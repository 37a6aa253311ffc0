// The simulated cluster's workloads in-process under TestClock: a Deployment rolls out through ReplicaSets to pods
// that are scheduled onto simulated nodes and become Ready, with the status and conditions the controllers write.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { deployment, get, patch, post, put } from "./fixtures/fake/client.js"
import { eventually } from "./fixtures/fake/simulate.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const ns = "/apis/apps/v1/namespaces/default"
const json = (path: string) => Effect.map(get(path), (r) => r.json)
const items = (path: string) => Effect.map(get(path), (r) => (r.json?.items ?? []) as Array<any>)
const condition = (o: any, type: string) => (o?.status?.conditions ?? []).find((c: any) => c.type === type)
const available = (d: any) =>
  condition(d, "Available")?.status === "True" && condition(d, "Progressing")?.reason === "NewReplicaSetAvailable" &&
  d.status?.updatedReplicas === d.spec.replicas && d.status?.availableReplicas === d.spec.replicas

describe("simulated workloads", () => {
  it.effect("a Deployment becomes Available: ReplicaSet, scheduled pods, Ready, status and conditions", () =>
    Effect.gen(function*() {
      expect((yield* post(`${ns}/deployments`, deployment("web", 3))).status).toBe(201)
      const d = yield* eventually(json(`${ns}/deployments/web`), available, { step: "100 millis" })
      expect(d.status).toMatchObject({
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3
      })
      expect(condition(d, "Available")).toMatchObject({ reason: "MinimumReplicasAvailable" })
      expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1")

      const [rs, ...more] = yield* items(`${ns}/replicasets`)
      expect(more).toEqual([])
      const hash = rs.metadata.labels["pod-template-hash"]
      expect(rs.metadata.name).toBe(`web-${hash}`)
      expect(rs.spec.selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash })
      expect(rs.metadata.annotations).toMatchObject({
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4"
      })
      expect(rs.metadata.ownerReferences).toEqual([{
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: d.metadata.uid,
        controller: true,
        blockOwnerDeletion: true
      }])
      expect(rs.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 })

      const pods = yield* items("/api/v1/namespaces/default/pods")
      expect(pods.length).toBe(3)
      for (const p of pods) {
        expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`))
        expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: "ReplicaSet", name: rs.metadata.name })
        expect(p.spec.nodeName).toBe("sim-node-0")
        expect(p.status.phase).toBe("Running")
        expect(p.status.podIP).toMatch(/^10\.244\.0\.\d+$/)
        expect(condition(p, "Ready").status).toBe("True")
        expect(p.status.containerStatuses[0]).toMatchObject({ name: "app", ready: true, started: true })
      }
      expect(new Set(pods.map((p) => p.status.podIP)).size).toBe(3)
      const nodes = yield* items("/api/v1/nodes")
      expect(nodes.map((n) => n.metadata.name)).toEqual(["sim-node-0"])
      expect(condition(nodes[0], "Ready")).toMatchObject({ status: "True", reason: "KubeletReady" })
    }).pipe(withFake({ simulate: true })))

  it.effect("rolls a new template out with RollingUpdate, keeps history, and rolls back to it", () =>
    Effect.gen(function*() {
      yield* post(`${ns}/deployments`, deployment("web", 4))
      yield* eventually(json(`${ns}/deployments/web`), available, { step: "100 millis" })
      const v2 = yield* patch(
        `${ns}/deployments/web`,
        { spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28" }] } } } },
        "application/strategic-merge-patch+json"
      )
      expect(v2.status).toBe(200)
      // Never more than replicas + maxSurge (25% of 4 rounds up to 1) pods, never fewer than 3 available. Pods
      // replaced are Terminating a while (graceful deletion) and, as for the controllers, do not count.
      let maxPods = 0
      let terminatingSeen = 0
      let minAvailable = 4
      const d2 = yield* eventually(
        Effect.gen(function*() {
          const all = yield* items("/api/v1/namespaces/default/pods")
          const pods = all.filter((p) => p.metadata.deletionTimestamp === undefined).length
          terminatingSeen = Math.max(terminatingSeen, all.length - pods)
          const d = yield* json(`${ns}/deployments/web`)
          maxPods = Math.max(maxPods, pods)
          minAvailable = Math.min(minAvailable, d.status.availableReplicas ?? 0)
          return d
        }),
        (d) => d.status.observedGeneration === 2 && available(d),
        { step: "50 millis", tries: 200 }
      )
      expect(maxPods).toBe(5)
      expect(terminatingSeen).toBeGreaterThan(0)
      expect(minAvailable).toBeGreaterThanOrEqual(3)
      expect(d2.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("2")
      const rss = yield* items(`${ns}/replicasets`)
      expect(rss.map((r) => [r.metadata.annotations["deployment.kubernetes.io/revision"], r.spec.replicas]).sort())
        .toEqual([["1", 0], ["2", 4]])
      const pods = yield* eventually(items("/api/v1/namespaces/default/pods"), (ps) => ps.length === 4)
      expect(pods.map((p) => p.spec.containers[0].image)).toEqual([
        "nginx:1.28",
        "nginx:1.28",
        "nginx:1.28",
        "nginx:1.28"
      ])

      // What `kubectl rollout undo` does: the old ReplicaSet's template back into the deployment.
      const old = rss.find((r) => r.metadata.annotations["deployment.kubernetes.io/revision"] === "1")
      const { "pod-template-hash": _h, ...labels } = old.spec.template.metadata.labels
      const back = yield* patch(`${ns}/deployments/web`, [{
        op: "replace",
        path: "/spec/template",
        value: { ...old.spec.template, metadata: { ...old.spec.template.metadata, labels } }
      }], "application/json-patch+json")
      expect(back.status).toBe(200)
      const d3 = yield* eventually(
        json(`${ns}/deployments/web`),
        (d) => d.status.observedGeneration === 3 && available(d),
        { step: "50 millis", tries: 200 }
      )
      expect(d3.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3")
      const after = yield* items(`${ns}/replicasets`)
      expect(after.length).toBe(2)
      const revived = after.find((r) => r.metadata.uid === old.metadata.uid)
      expect(revived.metadata.annotations).toMatchObject({
        "deployment.kubernetes.io/revision": "3",
        "deployment.kubernetes.io/revision-history": "1"
      })
      expect(revived.spec.replicas).toBe(4)
    }).pipe(withFake({ simulate: true })))

  it.effect("Recreate scales the old ReplicaSet to zero before the new one starts", () =>
    Effect.gen(function*() {
      const d = deployment("db", 2) as any
      d.spec.strategy = { type: "Recreate" }
      yield* post(`${ns}/deployments`, d)
      const first = yield* eventually(json(`${ns}/deployments/db`), available, { step: "100 millis" })
      yield* put(`${ns}/deployments/db`, {
        ...first,
        spec: {
          ...first.spec,
          template: { ...first.spec.template, metadata: { labels: { app: "db", v: "2" } } }
        }
      })
      let overlap = false
      yield* eventually(
        Effect.gen(function*() {
          const pods = yield* items("/api/v1/namespaces/default/pods")
          if (pods.some((p) => p.metadata.labels.v === "2") && pods.some((p) => p.metadata.labels.v === undefined)) {
            overlap = true
          }
          return yield* json(`${ns}/deployments/db`)
        }),
        (d) => d.status.observedGeneration === 2 && available(d),
        { step: "50 millis", tries: 200 }
      )
      expect(overlap).toBe(false)
    }).pipe(withFake({ simulate: true })))

  it.effect("a pod that never becomes ready keeps the Deployment unavailable until the progress deadline", () =>
    Effect.gen(function*() {
      const d = deployment("stuck", 1) as any
      d.spec.progressDeadlineSeconds = 30
      yield* post(`${ns}/deployments`, d)
      const unavailable = yield* eventually(
        json(`${ns}/deployments/stuck`),
        (d) => (d.status?.replicas ?? 0) === 1 && condition(d, "Available") !== undefined,
        { step: "100 millis" }
      )
      expect(condition(unavailable, "Available")).toMatchObject({
        status: "False",
        reason: "MinimumReplicasUnavailable"
      })
      const timedOut = yield* eventually(
        json(`${ns}/deployments/stuck`),
        (d) => condition(d, "Progressing")?.status === "False",
        { step: "5 seconds", tries: 20 }
      )
      expect(condition(timedOut, "Progressing")).toMatchObject({
        reason: "ProgressDeadlineExceeded",
        message: `ReplicaSet "${(yield* items(`${ns}/replicasets`))[0].metadata.name}" has timed out progressing.`
      })
      const pod = (yield* items("/api/v1/namespaces/default/pods"))[0]
      expect(pod.status.phase).toBe("Running")
      expect(condition(pod, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady" })
    }).pipe(
      withFake({
        simulate: { pods: { behavior: (pod) => pod.metadata.name.startsWith("stuck-") ? "NeverReady" : undefined } }
      })
    ))
})
