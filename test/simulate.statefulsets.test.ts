// The simulated statefulset controller in-process under TestClock: ordinals, OrderedReady and Parallel pod
// management, ControllerRevisions, RollingUpdate (highest ordinal first, partition) and OnDelete, claims from
// volumeClaimTemplates, and the status fields the controller writes.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { base, del, get, patch, post, statefulSet } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const apps = "/apis/apps/v1/namespaces/default"
const core = "/api/v1/namespaces/default"
const json = (path: string) => Effect.map(get(path), (r) => r.json)
const items = (path: string) => Effect.map(get(path), (r) => (r.json?.items ?? []) as Array<any>)
const ready = (p: any) =>
  p.status?.phase === "Running" &&
  (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True")
const byName = (pods: Array<any>) => [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))

const rolledOut = (s: any) =>
  s.status?.observedGeneration === s.metadata.generation && (s.status?.readyReplicas ?? 0) === s.spec.replicas &&
  s.status?.replicas === s.spec.replicas && s.status?.currentRevision === s.status?.updateRevision &&
  (s.status?.updatedReplicas ?? 0) === s.spec.replicas

/** Records the names of pods as their DELETED events arrive on a watch (in the order the store applied them). */
const recordDeletes = Effect.gen(function*() {
  const deleted = yield* Ref.make<ReadonlyArray<string>>([])
  const client = yield* HttpClient.HttpClient
  const fiber = yield* Effect.fork(
    client.execute(HttpClientRequest.get(`${base}${core}/pods?watch=true`)).pipe(
      Effect.flatMap((response) =>
        response.stream.pipe(
          Stream.decodeText(),
          Stream.splitLines,
          Stream.filter((l) => l.includes(`"type":"DELETED"`)),
          Stream.runForEach((l) => Ref.update(deleted, (d) => [...d, JSON.parse(l).object.metadata.name]))
        )
      ),
      Effect.scoped
    )
  )
  yield* quiesce(1)
  return { deleted, stop: Fiber.interrupt(fiber) }
})

describe("simulated StatefulSets", () => {
  it.effect("OrderedReady: pods web-0, web-1, web-2 one at a time, each after the one before is Ready", () =>
    Effect.gen(function*() {
      const sts = statefulSet("web", 3, {
        volumeClaimTemplates: [{
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }
        }]
      })
      expect((yield* post(`${apps}/statefulsets`, sts)).status).toBe(201)
      const seen: Array<string> = []
      const done = yield* eventually(
        Effect.gen(function*() {
          const pods = byName(yield* items(`${core}/pods`))
          // At every moment: a prefix of the ordinals, all Ready but the newest.
          expect(pods.map((p) => p.metadata.name)).toEqual(pods.map((_, i) => `web-${i}`))
          expect(pods.slice(0, -1).every(ready)).toBe(true)
          seen.push(pods.map((p) => `${p.metadata.name}:${ready(p) ? "R" : "-"}`).join(","))
          return yield* json(`${apps}/statefulsets/web`)
        }),
        rolledOut,
        { step: "50 millis", tries: 100 }
      )
      expect(seen).toContain("web-0:-")
      expect(seen).toContain("web-0:R,web-1:-")
      expect(seen).toContain("web-0:R,web-1:R,web-2:-")
      const revisions = yield* items(`${apps}/controllerrevisions`)
      expect(revisions).toHaveLength(1)
      const [revision] = revisions
      expect(revision.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/)
      expect(revision.revision).toBe(1)
      expect(revision.metadata.labels).toMatchObject({ app: "web" })
      expect(revision.metadata.ownerReferences).toEqual([{
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        name: "web",
        uid: done.metadata.uid,
        controller: true,
        blockOwnerDeletion: true
      }])
      expect(revision.data.spec.template.$patch).toBe("replace")
      expect(done.status).toEqual({
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        currentRevision: revision.metadata.name,
        updateRevision: revision.metadata.name,
        collisionCount: 0
      })
      const pods = byName(yield* items(`${core}/pods`))
      pods.forEach((p, i) => {
        expect(p.metadata.labels).toEqual({
          app: "web",
          "statefulset.kubernetes.io/pod-name": `web-${i}`,
          "apps.kubernetes.io/pod-index": String(i),
          "controller-revision-hash": revision.metadata.name
        })
        expect(p.spec).toMatchObject({ hostname: `web-${i}`, subdomain: "web" })
        expect(p.spec.volumes[0]).toEqual({ name: "data", persistentVolumeClaim: { claimName: `data-web-${i}` } })
        expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: "StatefulSet", name: "web", controller: true })
      })
      const claims = byName(yield* items(`${core}/persistentvolumeclaims`))
      expect(claims.map((c) => c.metadata.name)).toEqual(["data-web-0", "data-web-1", "data-web-2"])
      expect(claims[0].metadata.labels).toEqual({ app: "web" })
      expect(claims[0].spec.resources).toEqual({ requests: { storage: "1Gi" } })
      expect(claims[0].metadata.ownerReferences).toBeUndefined()

      // Scale down: the highest ordinal goes first; claims are retained (whenScaled: Retain).
      const { deleted, stop } = yield* recordDeletes
      yield* patch(`${apps}/statefulsets/web`, { spec: { replicas: 1 } }, "application/merge-patch+json")
      const one = yield* eventually(json(`${apps}/statefulsets/web`), (s) => s.status?.replicas === 1)
      yield* quiesce(3)
      expect(yield* Ref.get(deleted)).toEqual(["web-2", "web-1"])
      yield* stop
      expect(one.status).toMatchObject({ replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1 })
      expect((yield* items(`${core}/pods`)).map((p) => p.metadata.name)).toEqual(["web-0"])
      expect(yield* items(`${core}/persistentvolumeclaims`)).toHaveLength(3)
    }).pipe(withFake({ simulate: true })))

  it.effect("OrderedReady waits on a pod that never becomes ready; Parallel creates and removes them all at once", () =>
    Effect.gen(function*() {
      yield* post(`${apps}/statefulsets`, statefulSet("stuck", 3))
      yield* post(
        `${apps}/statefulsets`,
        statefulSet("par", 3, { podManagementPolicy: "Parallel", ordinals: { start: 5 } })
      )
      const par = yield* eventually(json(`${apps}/statefulsets/par`), (s) => s.status?.replicas === 3)
      // All three created before any could be Ready.
      expect(par.status.readyReplicas).toBeUndefined()
      yield* eventually(json(`${apps}/statefulsets/par`), rolledOut, { step: "100 millis" })
      const parPods = () =>
        Effect.map(
          items(`${core}/pods`),
          (ps) => ps.filter((p) => p.metadata.labels.app === "par").map((p) => p.metadata.name).sort()
        )
      expect(yield* parPods()).toEqual(["par-5", "par-6", "par-7"])
      // Scaled down from the highest ordinals; the start ordinal stays.
      yield* patch(`${apps}/statefulsets/par`, { spec: { replicas: 1 } }, "application/merge-patch+json")
      yield* eventually(parPods(), (names) => names.length === 1)
      expect(yield* parPods()).toEqual(["par-5"])
      yield* quiesce(100)
      const stuck = (yield* items(`${core}/pods`)).filter((p) => p.metadata.labels.app === "stuck")
      expect(stuck.map((p) => p.metadata.name)).toEqual(["stuck-0"])
      expect((yield* json(`${apps}/statefulsets/stuck`)).status).toMatchObject({ replicas: 1, availableReplicas: 0 })
    }).pipe(
      withFake({
        simulate: { pods: { behavior: (pod) => (pod.metadata.name === "stuck-0" ? "NeverReady" : undefined) } }
      })
    ))

  it.effect("RollingUpdate replaces the highest ordinal first and stops at the partition", () =>
    Effect.gen(function*() {
      yield* post(
        `${apps}/statefulsets`,
        statefulSet("db", 3, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } })
      )
      const v1 = yield* eventually(json(`${apps}/statefulsets/db`), rolledOut, { step: "100 millis" })
      const image = (p: any) => p.spec.containers[0].image
      yield* patch(
        `${apps}/statefulsets/db`,
        { spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28" }] } } } },
        "application/strategic-merge-patch+json"
      )
      const partitioned = yield* eventually(
        Effect.gen(function*() {
          const pods = byName(yield* items(`${core}/pods`))
          // db-1 never goes before db-2 has been replaced.
          if (pods.find((p) => p.metadata.name === "db-1" && image(p) === "nginx:1.28") !== undefined) {
            expect(image(pods.find((p) => p.metadata.name === "db-2"))).toBe("nginx:1.28")
          }
          return yield* json(`${apps}/statefulsets/db`)
        }),
        (s) => s.status?.updatedReplicas === 2 && s.status?.readyReplicas === 3,
        { step: "50 millis", tries: 100 }
      )
      expect(byName(yield* items(`${core}/pods`)).map(image)).toEqual(["nginx:1.27", "nginx:1.28", "nginx:1.28"])
      expect(partitioned.status).toMatchObject({
        observedGeneration: 2,
        replicas: 3,
        currentReplicas: 1,
        updatedReplicas: 2,
        currentRevision: v1.status.currentRevision
      })
      expect(partitioned.status.updateRevision).not.toBe(v1.status.currentRevision)
      const revisions = yield* items(`${apps}/controllerrevisions`)
      expect(revisions.map((r) => [r.metadata.name, r.revision]).sort()).toEqual(
        [[v1.status.currentRevision, 1], [partitioned.status.updateRevision, 2]].sort()
      )
      yield* patch(
        `${apps}/statefulsets/db`,
        { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } },
        "application/strategic-merge-patch+json"
      )
      const done = yield* eventually(json(`${apps}/statefulsets/db`), rolledOut, { step: "100 millis" })
      expect(done.status).toMatchObject({
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: partitioned.status.updateRevision
      })
      expect(byName(yield* items(`${core}/pods`)).map(image)).toEqual(["nginx:1.28", "nginx:1.28", "nginx:1.28"])
    }).pipe(withFake({ simulate: true })))

  it.effect("RollingUpdate of a Parallel set replaces up to maxUnavailable pods at a time", () =>
    Effect.gen(function*() {
      yield* post(
        `${apps}/statefulsets`,
        statefulSet("cache", 4, {
          podManagementPolicy: "Parallel",
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } }
        })
      )
      yield* eventually(json(`${apps}/statefulsets/cache`), rolledOut, { step: "100 millis" })
      yield* patch(
        `${apps}/statefulsets/cache`,
        { spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28" }] } } } },
        "application/strategic-merge-patch+json"
      )
      let fewestReady = 4
      yield* eventually(
        Effect.gen(function*() {
          const s = yield* json(`${apps}/statefulsets/cache`)
          fewestReady = Math.min(fewestReady, s.status?.readyReplicas ?? 0)
          return s
        }),
        (s) => s.status?.observedGeneration === 2 && rolledOut(s),
        { step: "50 millis", tries: 100 }
      )
      expect(fewestReady).toBe(2)
    }).pipe(withFake({ simulate: true })))

  it.effect("OnDelete updates a pod only when it is deleted; a restored template reuses its revision", () =>
    Effect.gen(function*() {
      yield* post(`${apps}/statefulsets`, statefulSet("q", 2, { updateStrategy: { type: "OnDelete" } }))
      const v1 = yield* eventually(json(`${apps}/statefulsets/q`), rolledOut, { step: "100 millis" })
      const setImage = (image: string) =>
        patch(
          `${apps}/statefulsets/q`,
          { spec: { template: { spec: { containers: [{ name: "app", image }] } } } },
          "application/strategic-merge-patch+json"
        )
      yield* setImage("nginx:1.28")
      yield* quiesce(100)
      const untouched = yield* json(`${apps}/statefulsets/q`)
      expect(untouched.status).toMatchObject({ observedGeneration: 2, currentReplicas: 2 })
      expect(untouched.status.updatedReplicas).toBeUndefined()
      expect(byName(yield* items(`${core}/pods`)).map((p) => p.spec.containers[0].image)).toEqual([
        "nginx:1.27",
        "nginx:1.27"
      ])
      expect((yield* del(`${core}/pods/q-1`)).status).toBe(200)
      const one = yield* eventually(
        json(`${apps}/statefulsets/q`),
        (s) => s.status?.updatedReplicas === 1 && s.status?.readyReplicas === 2,
        { step: "100 millis" }
      )
      const pods = byName(yield* items(`${core}/pods`))
      expect(pods.map((p) => p.spec.containers[0].image)).toEqual(["nginx:1.27", "nginx:1.28"])
      expect(pods[1].metadata.labels["controller-revision-hash"]).toBe(one.status.updateRevision)
      // Back to the first template: its revision comes to the front again instead of a new one.
      yield* setImage("nginx:1.27")
      const back = yield* eventually(json(`${apps}/statefulsets/q`), (s) => s.status?.observedGeneration === 3)
      expect(back.status.updateRevision).toBe(v1.status.updateRevision)
      const revisions = yield* items(`${apps}/controllerrevisions`)
      expect(revisions.map((r) => [r.metadata.name, r.revision]).sort()).toEqual(
        [[v1.status.updateRevision, 3], [one.status.updateRevision, 2]].sort()
      )
    }).pipe(withFake({ simulate: true })))

  it.effect("without the workload controllers, a StatefulSet makes no pods", () =>
    Effect.gen(function*() {
      yield* post(`${apps}/statefulsets`, statefulSet("idle", 2))
      yield* quiesce(50)
      expect(yield* items(`${core}/pods`)).toEqual([])
      expect(yield* items(`${apps}/controllerrevisions`)).toEqual([])
      // The status the apiserver's defaults give a new StatefulSet, never observed by a controller.
      expect((yield* json(`${apps}/statefulsets/idle`)).status).toEqual({ replicas: 0, availableReplicas: 0 })
    }).pipe(withFake({ simulate: { workloads: false } })))
})
