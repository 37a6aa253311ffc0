// Graceful pod termination on the simulated cluster, in-process under TestClock: a delete leaves a running pod
// Terminating with its grace period, the simulated kubelet stops its containers and removes it; pods that no
// kubelet runs, finished pods and `gracePeriodSeconds: 0` go at once; without `simulate` nothing changes.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { del, get, patch, pod, post } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const pods = "/api/v1/namespaces/default/pods"
const running = (p: any) => p?.status?.phase === "Running"
const now = Effect.map(TestClock.currentTimeMillis, (t) => t)
const seconds = (iso: string) => Date.parse(iso) / 1000

const runningPod = (name: string, spec: Record<string, any> = {}) =>
  Effect.gen(function*() {
    expect((yield* post(pods, pod(name, { spec }))).status).toBe(201)
    return yield* eventually(Effect.map(get(`${pods}/${name}`), (r) => r.json), running, { step: "100 millis" })
  })

describe("graceful pod termination (simulated)", () => {
  it.effect("a delete leaves the pod Terminating; the kubelet stops its containers, then removes it", () =>
    Effect.gen(function*() {
      yield* runningPod("web")
      const t = yield* now
      const reply = yield* del(`${pods}/web`)
      expect(reply.status).toBe(200)
      // The default terminationGracePeriodSeconds (30): deletionTimestamp is when the grace period ends.
      expect(reply.json.metadata.deletionGracePeriodSeconds).toBe(30)
      expect(seconds(reply.json.metadata.deletionTimestamp)).toBe(Math.floor(t / 1000) + 30)
      const terminating = (yield* get(`${pods}/web`)).json
      expect(terminating.metadata.deletionTimestamp).toBe(reply.json.metadata.deletionTimestamp)
      expect(terminating.status.phase).toBe("Running")
      // A second delete with a longer period changes nothing.
      const again = yield* del(`${pods}/web`, { gracePeriodSeconds: 60 })
      expect(again.status).toBe(200)
      expect(again.json.metadata.deletionGracePeriodSeconds).toBe(30)

      // Gone after podTerminate (200 ms by default), well before the 30 s.
      yield* eventually(Effect.map(get(`${pods}/web`), (r) => r.status), (s) => s === 404, { step: "50 millis" })
      const elapsed = (yield* now) - t
      expect(elapsed).toBeGreaterThanOrEqual(200)
      expect(elapsed).toBeLessThan(1000)
    }).pipe(withFake({ simulate: true })))

  it.effect("the stopped status: containers terminated, not Ready, a terminal phase", () =>
    Effect.gen(function*() {
      yield* runningPod("web")
      yield* runningPod("job-pod", { restartPolicy: "Never" })
      // A finalizer keeps each pod after the kubelet's final delete, so the stopped status can be read.
      for (const name of ["web", "job-pod"]) {
        yield* patch(
          `${pods}/${name}`,
          { metadata: { finalizers: ["example.com/hold"] } },
          "application/merge-patch+json"
        )
        expect((yield* del(`${pods}/${name}`)).status).toBe(200)
      }
      const stopped = (name: string) =>
        eventually(Effect.map(get(`${pods}/${name}`), (r) => r.json), (p) =>
          p.metadata.deletionGracePeriodSeconds === 0, {
          step: "50 millis"
        })
      const web = yield* stopped("web")
      expect(web.status.phase).toBe("Succeeded")
      expect(web.status.containerStatuses[0]).toMatchObject({
        ready: false,
        started: false,
        state: { terminated: { exitCode: 0, reason: "Completed" } }
      })
      expect(web.status.conditions.find((c: any) =>
        c.type === "Ready"
      )).toMatchObject({
        status: "False",
        reason: "PodCompleted"
      })
      const job = yield* stopped("job-pod")
      expect(job.status.phase).toBe("Failed")
      expect(job.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 143, reason: "Error" })
      // The finalizer gone at a grace period of 0: the pod goes.
      yield* patch(`${pods}/web`, { metadata: { finalizers: null } }, "application/merge-patch+json")
      expect((yield* get(`${pods}/web`)).status).toBe(404)
    }).pipe(withFake({ simulate: true })))

  it.effect("a finalizer removed during the grace period does not end it early", () =>
    Effect.gen(function*() {
      yield* runningPod("web")
      yield* patch(`${pods}/web`, { metadata: { finalizers: ["example.com/hold"] } }, "application/merge-patch+json")
      yield* del(`${pods}/web`)
      yield* patch(`${pods}/web`, { metadata: { finalizers: null } }, "application/merge-patch+json")
      expect((yield* get(`${pods}/web`)).json.metadata.deletionTimestamp).toBeDefined()
      yield* eventually(Effect.map(get(`${pods}/web`), (r) => r.status), (s) => s === 404, { step: "50 millis" })
    }).pipe(withFake({ simulate: true })))

  it.effect("the grace period bounds the stop, and a shorter second delete shortens it", () =>
    Effect.gen(function*() {
      yield* runningPod("web", { terminationGracePeriodSeconds: 120 })
      const t = yield* now
      const first = yield* del(`${pods}/web`, { gracePeriodSeconds: 60 })
      expect(first.json.metadata.deletionGracePeriodSeconds).toBe(60)
      const second = yield* del(`${pods}/web?gracePeriodSeconds=5`)
      expect(second.status).toBe(200)
      expect(second.json.metadata.deletionGracePeriodSeconds).toBe(5)
      expect(seconds(second.json.metadata.deletionTimestamp)).toBe(Math.floor(t / 1000) + 5)
      yield* eventually(Effect.map(get(`${pods}/web`), (r) => r.status), (s) => s === 404, { step: "1 second" })
      const elapsed = (yield* now) - t
      expect(elapsed).toBeGreaterThanOrEqual(5000)
      expect(elapsed).toBeLessThan(7000)
    }).pipe(withFake({ simulate: { timing: { podTerminate: "10 minutes" } } })))

  it.effect("gracePeriodSeconds 0, pods on no node and finished pods are deleted at once", () =>
    Effect.gen(function*() {
      yield* runningPod("web")
      const zero = yield* del(`${pods}/web`, { gracePeriodSeconds: 0 })
      expect(zero.status).toBe(200)
      expect((yield* get(`${pods}/web`)).status).toBe(404)

      // Unschedulable: never bound, so nothing to stop.
      yield* post(pods, pod("nowhere", { spec: { nodeSelector: { disk: "none" } } }))
      yield* quiesce(5)
      expect((yield* get(`${pods}/nowhere`)).json.spec.nodeName).toBeUndefined()
      expect((yield* del(`${pods}/nowhere`)).status).toBe(200)
      expect((yield* get(`${pods}/nowhere`)).status).toBe(404)

      // Bound to a node no simulated kubelet runs: nothing would ever finish it.
      yield* post(pods, pod("elsewhere", { spec: { nodeName: "real-node" } }))
      yield* del(`${pods}/elsewhere`)
      expect((yield* get(`${pods}/elsewhere`)).status).toBe(404)

      yield* post(pods, pod("done", { spec: { restartPolicy: "Never" } }))
      yield* eventually(Effect.map(get(`${pods}/done`), (r) => r.json.status?.phase), (p) => p === "Succeeded", {
        step: "100 millis"
      })
      yield* del(`${pods}/done`)
      expect((yield* get(`${pods}/done`)).status).toBe(404)
    }).pipe(withFake({ simulate: true })))

  it.effect("without simulate a delete removes the pod at once, as before", () =>
    Effect.gen(function*() {
      yield* post(pods, pod("web", { spec: { nodeName: "sim-node-0" } }))
      const reply = yield* del(`${pods}/web`)
      expect(reply.status).toBe(200)
      expect(reply.json.metadata.deletionTimestamp).toBeUndefined()
      expect((yield* get(`${pods}/web`)).status).toBe(404)
    }).pipe(withFake()))

  it.effect("a ReplicaSet replaces a Terminating pod at once and does not count it", () =>
    Effect.gen(function*() {
      const rs = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "web" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx" }] } }
        }
      }
      yield* post("/apis/apps/v1/namespaces/default/replicasets", rs)
      const listed = Effect.map(get(pods), (r) => r.json.items as Array<any>)
      const before = yield* eventually(listed, (ps) => ps.length === 2 && ps.every(running), { step: "100 millis" })
      yield* del(`${pods}/${before[0].metadata.name}`)
      const during = yield* eventually(listed, (ps) => ps.length === 3, { step: "10 millis" })
      expect(during.filter((p) => p.metadata.deletionTimestamp !== undefined).length).toBe(1)
      const status = (yield* get("/apis/apps/v1/namespaces/default/replicasets/web")).json.status
      expect(status.replicas).toBe(2)
      const after = yield* eventually(listed, (ps) => ps.length === 2 && ps.every(running), { step: "100 millis" })
      expect(after.map((p) => p.metadata.name)).not.toContain(before[0].metadata.name)
    }).pipe(withFake({ simulate: true })))
})
