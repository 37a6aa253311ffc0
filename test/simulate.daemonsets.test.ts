// The simulated daemonset controller in-process under TestClock: a pod per fit node, pinned by node affinity;
// nodeSelector, taints and tolerations, cordons; a node added later gets its pod; RollingUpdate within
// maxUnavailable or surging by maxSurge; the status fields the controller writes.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { simulatedNode } from "../src/internal/fakeApiServer/simulate/scheduling.js"
import { del, get, patch, post } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const apps = "/apis/apps/v1/namespaces/default"
const core = "/api/v1/namespaces/default"
const json = (path: string) => Effect.map(get(path), (r) => r.json)
const items = (path: string) => Effect.map(get(path), (r) => (r.json?.items ?? []) as Array<any>)
const ready = (p: any) => (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True")

const daemonSet = (name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "agent", image: "fluentd:1" }], ...podSpec }
    },
    ...spec
  }
})

const rolledOut = (d: any) =>
  d.status?.observedGeneration === d.metadata.generation &&
  (d.status?.updatedNumberScheduled ?? 0) === d.status?.desiredNumberScheduled &&
  (d.status?.numberAvailable ?? 0) === d.status?.desiredNumberScheduled

const podsOf = (name: string) =>
  Effect.map(items(`${core}/pods`), (pods) => pods.filter((p) => p.metadata.labels?.app === name))

describe("simulated DaemonSets", () => {
  it.effect("one pod per node, pinned to it by node affinity, with the daemon tolerations and status", () =>
    Effect.gen(function*() {
      expect((yield* post(`${apps}/daemonsets`, daemonSet("agent"))).status).toBe(201)
      const ds = yield* eventually(
        json(`${apps}/daemonsets/agent`),
        (d) => rolledOut(d) && d.status.desiredNumberScheduled === 3,
        { step: "100 millis" }
      )
      const [revision, ...more] = yield* items(`${apps}/controllerrevisions`)
      expect(more).toEqual([])
      const hash = revision.metadata.labels["controller-revision-hash"]
      expect(revision.metadata.name).toBe(`agent-${hash}`)
      expect(revision).toMatchObject({ revision: 1, metadata: { labels: { app: "agent" } } })
      expect(revision.metadata.ownerReferences[0]).toMatchObject({ kind: "DaemonSet", name: "agent", controller: true })
      expect(ds.status).toEqual({
        currentNumberScheduled: 3,
        numberMisscheduled: 0,
        desiredNumberScheduled: 3,
        numberReady: 3,
        observedGeneration: 1,
        updatedNumberScheduled: 3,
        numberAvailable: 3
      })
      const pods = yield* podsOf("agent")
      expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(["sim-node-0", "sim-node-1", "sim-node-2"])
      for (const p of pods) {
        expect(p.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/)
        expect(p.metadata.labels).toEqual({ app: "agent", "controller-revision-hash": hash })
        expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [p.spec.nodeName] }] }]
        })
        const tolerations = p.spec.tolerations.map((t: any) => `${t.key}:${t.effect}`)
        expect(tolerations).toEqual(expect.arrayContaining([
          "node.kubernetes.io/not-ready:NoExecute",
          "node.kubernetes.io/unreachable:NoExecute",
          "node.kubernetes.io/disk-pressure:NoSchedule",
          "node.kubernetes.io/memory-pressure:NoSchedule",
          "node.kubernetes.io/pid-pressure:NoSchedule",
          "node.kubernetes.io/unschedulable:NoSchedule"
        ]))
        expect(ready(p)).toBe(true)
      }

      // A cordoned node keeps its daemon pod (the pods tolerate the cordon), and a deleted pod comes back.
      yield* patch("/api/v1/nodes/sim-node-1", { spec: { unschedulable: true } }, "application/merge-patch+json")
      const victim = pods.find((p) => p.spec.nodeName === "sim-node-1")
      expect((yield* del(`${core}/pods/${victim.metadata.name}`)).status).toBe(200)
      const replaced = yield* eventually(
        podsOf("agent"),
        (ps) => ps.some((p) => p.spec.nodeName === "sim-node-1" && p.metadata.uid !== victim.metadata.uid && ready(p)),
        { step: "100 millis" }
      )
      expect(replaced).toHaveLength(3)
    }).pipe(withFake({ simulate: { nodes: 3 } })))

  it.effect("nodeSelector and taints choose the nodes; a node added later gets its pod; a relabelled one loses it", () =>
    Effect.gen(function*() {
      yield* eventually(items("/api/v1/nodes"), (nodes) => nodes.length === 3)
      yield* patch(
        "/api/v1/nodes/sim-node-0",
        { metadata: { labels: { disk: "ssd" } } },
        "application/merge-patch+json"
      )
      yield* patch(
        "/api/v1/nodes/sim-node-1",
        {
          metadata: { labels: { disk: "ssd" } },
          spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] }
        },
        "application/merge-patch+json"
      )
      yield* post(`${apps}/daemonsets`, daemonSet("ssd", {}, { nodeSelector: { disk: "ssd" } }))
      yield* post(
        `${apps}/daemonsets`,
        daemonSet("tolerant", {}, {
          nodeSelector: { disk: "ssd" },
          tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }]
        })
      )
      const ssd = yield* eventually(json(`${apps}/daemonsets/ssd`), (d) => rolledOut(d) && d.status.numberReady === 1, {
        step: "100 millis"
      })
      expect(ssd.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0 })
      expect((yield* podsOf("ssd")).map((p) => p.spec.nodeName)).toEqual(["sim-node-0"])
      yield* eventually(json(`${apps}/daemonsets/tolerant`), (d) => rolledOut(d) && d.status.numberReady === 2, {
        step: "100 millis"
      })
      expect((yield* podsOf("tolerant")).map((p) => p.spec.nodeName).sort()).toEqual(["sim-node-0", "sim-node-1"])

      // A node registered later (Ready, with the label): the DaemonSet's pod is created and bound there.
      const node = simulatedNode("late-node", 7, new Date(0).toISOString())
      node.metadata.labels = { ...node.metadata.labels, disk: "ssd" }
      expect((yield* post("/api/v1/nodes", node)).status).toBe(201)
      const grown = yield* eventually(
        json(`${apps}/daemonsets/ssd`),
        (d) => d.status?.desiredNumberScheduled === 2 && d.status?.currentNumberScheduled === 2
      )
      expect(grown.status.numberUnavailable).toBe(1)
      const late = yield* eventually(podsOf("ssd"), (ps) => ps.some((p) => p.spec.nodeName === "late-node"))
      expect(late).toHaveLength(2)

      // The label goes: the pod there is deleted.
      yield* patch("/api/v1/nodes/sim-node-0", { metadata: { labels: { disk: null } } }, "application/merge-patch+json")
      const shrunk = yield* eventually(podsOf("ssd"), (ps) => ps.every((p) => p.spec.nodeName !== "sim-node-0"))
      expect(shrunk.map((p) => p.spec.nodeName)).toEqual(["late-node"])
      expect((yield* json(`${apps}/daemonsets/ssd`)).status).toMatchObject({
        desiredNumberScheduled: 1,
        currentNumberScheduled: 1,
        numberMisscheduled: 0
      })
    }).pipe(withFake({ simulate: { nodes: 3 } })))

  it.effect("RollingUpdate never has more than maxUnavailable nodes without an available pod", () =>
    Effect.gen(function*() {
      yield* post(
        `${apps}/daemonsets`,
        daemonSet("agent", { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } } })
      )
      yield* eventually(json(`${apps}/daemonsets/agent`), (d) => rolledOut(d) && d.status.numberAvailable === 4, {
        step: "100 millis"
      })
      yield* patch(
        `${apps}/daemonsets/agent`,
        { spec: { template: { spec: { containers: [{ name: "agent", image: "fluentd:2" }] } } } },
        "application/strategic-merge-patch+json"
      )
      let fewest = 4
      const done = yield* eventually(
        Effect.gen(function*() {
          const pods = yield* podsOf("agent")
          const availableNodes = new Set(pods.filter(ready).map((p) => p.spec.nodeName))
          fewest = Math.min(fewest, availableNodes.size)
          return yield* json(`${apps}/daemonsets/agent`)
        }),
        (d) => d.status?.observedGeneration === 2 && rolledOut(d),
        { step: "50 millis", tries: 200 }
      )
      expect(fewest).toBe(2)
      expect(done.status).toMatchObject({ desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 4 })
      const images = (yield* podsOf("agent")).map((p) => p.spec.containers[0].image)
      expect(images).toEqual(["fluentd:2", "fluentd:2", "fluentd:2", "fluentd:2"])
      const revisions = yield* items(`${apps}/controllerrevisions`)
      expect(revisions.map((r) => r.revision).sort()).toEqual([1, 2])
    }).pipe(withFake({ simulate: { nodes: 4 } })))

  it.effect("RollingUpdate with maxSurge starts the new pod beside the old one and keeps every node available", () =>
    Effect.gen(function*() {
      yield* post(
        `${apps}/daemonsets`,
        daemonSet("agent", {
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }
        })
      )
      yield* eventually(json(`${apps}/daemonsets/agent`), (d) => rolledOut(d) && d.status.numberAvailable === 2, {
        step: "100 millis"
      })
      yield* patch(
        `${apps}/daemonsets/agent`,
        { spec: { template: { spec: { containers: [{ name: "agent", image: "fluentd:2" }] } } } },
        "application/strategic-merge-patch+json"
      )
      let fewest = 2
      let most = 0
      yield* eventually(
        Effect.gen(function*() {
          const pods = yield* podsOf("agent")
          fewest = Math.min(fewest, new Set(pods.filter(ready).map((p) => p.spec.nodeName)).size)
          // Pods the kubelet is still stopping (graceful termination) are not counted against the surge.
          most = Math.max(most, pods.filter((p) => p.metadata.deletionTimestamp === undefined).length)
          return yield* json(`${apps}/daemonsets/agent`)
        }),
        (d) => d.status?.observedGeneration === 2 && rolledOut(d),
        { step: "50 millis", tries: 200 }
      )
      expect(fewest).toBe(2)
      expect(most).toBe(3)
      yield* quiesce(5)
      expect((yield* podsOf("agent")).map((p) => p.spec.containers[0].image)).toEqual(["fluentd:2", "fluentd:2"])
    }).pipe(withFake({ simulate: { nodes: 2 } })))
})
