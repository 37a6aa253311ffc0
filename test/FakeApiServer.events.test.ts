// core/v1 and events.k8s.io/v1 Events are one storage, as in the apiserver: an event written through either API is
// read, listed, field-selected, watched and patched through the other in that API's own shape.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Clientset from "../src/Clientset.js"
import * as EventRecorder from "../src/EventRecorder.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Kube from "../src/Kube.js"
import { del, get, patch, post, streamLines } from "./fixtures/fake/client.js"
import { kubectl, listenWithHome } from "./fixtures/fake/kubectl.js"

const core = "/api/v1/namespaces/default/events"
const grouped = "/apis/events.k8s.io/v1/namespaces/default/events"
const withFake = Effect.provide(FakeApiServer.layer())

const pod = { apiVersion: "v1", kind: "Pod", namespace: "default", name: "web-0", uid: "u-1" }

const recorded = {
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name: "web-0.1", namespace: "default" },
  eventTime: "2026-12-03T10:00:00.000000Z",
  reportingController: "example.com/operator",
  reportingInstance: "operator-7f9",
  action: "Reconcile",
  reason: "Synced",
  type: "Normal",
  regarding: pod,
  note: "synced web-0"
}

const legacy = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "web-0.2", namespace: "default" },
  involvedObject: { ...pod, fieldPath: "spec.containers{app}" },
  reason: "Started",
  message: "Started container app",
  type: "Normal",
  source: { component: "kubelet", host: "node-1" },
  firstTimestamp: "2026-12-03T10:00:01Z",
  lastTimestamp: "2026-12-03T10:00:05Z",
  count: 3
}

const items = (path: string) => Effect.map(get(path), (r) => (r.json?.items ?? []) as Array<any>)
const names = (list: Array<any>) => list.map((e) => e.metadata.name).sort()

describe("Events through both APIs", () => {
  it.effect("an events.k8s.io event is a core event with the core field names, and the reverse", () =>
    Effect.gen(function*() {
      expect((yield* post(grouped, recorded)).status).toBe(201)
      expect((yield* post(core, legacy)).status).toBe(201)

      expect(names(yield* items(core))).toEqual(["web-0.1", "web-0.2"])
      expect(names(yield* items(grouped))).toEqual(["web-0.1", "web-0.2"])

      const asCore = (yield* get(`${core}/web-0.1`)).json
      expect(asCore).toMatchObject({
        apiVersion: "v1",
        kind: "Event",
        involvedObject: pod,
        reason: "Synced",
        message: "synced web-0",
        type: "Normal",
        action: "Reconcile",
        eventTime: "2026-12-03T10:00:00.000000Z",
        reportingComponent: "example.com/operator",
        reportingInstance: "operator-7f9",
        source: {},
        firstTimestamp: null,
        lastTimestamp: null
      })
      expect(asCore.note).toBeUndefined()
      expect(asCore.regarding).toBeUndefined()

      const asGrouped = (yield* get(`${grouped}/web-0.2`)).json
      expect(asGrouped).toMatchObject({
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        regarding: { ...pod, fieldPath: "spec.containers{app}" },
        reason: "Started",
        note: "Started container app",
        deprecatedSource: { component: "kubelet", host: "node-1" },
        deprecatedFirstTimestamp: "2026-12-03T10:00:01Z",
        deprecatedLastTimestamp: "2026-12-03T10:00:05Z",
        deprecatedCount: 3,
        eventTime: null
      })
      expect(asGrouped.message).toBeUndefined()
      expect(asGrouped.involvedObject).toBeUndefined()
      // One object: the same uid and resourceVersion through both.
      const same = (yield* get(`${core}/web-0.2`)).json
      expect(asGrouped.metadata.uid).toBe(same.metadata.uid)
      expect(asGrouped.metadata.resourceVersion).toBe(same.metadata.resourceVersion)
    }).pipe(withFake))

  it.effect("field selectors name each API's own fields and match events written through the other", () =>
    Effect.gen(function*() {
      yield* post(grouped, recorded)
      yield* post(core, legacy)
      yield* post(core, { ...legacy, metadata: { name: "db-0.1" }, involvedObject: { ...pod, name: "db-0" } })
      const selected = (path: string, selector: string) =>
        Effect.map(items(`${path}?fieldSelector=${encodeURIComponent(selector)}`), names)
      expect(yield* selected(core, "involvedObject.name=web-0")).toEqual(["web-0.1", "web-0.2"])
      expect(yield* selected(core, "reportingComponent=example.com/operator")).toEqual(["web-0.1"])
      expect(yield* selected(core, "source=kubelet")).toEqual(["db-0.1", "web-0.2"])
      expect(yield* selected(grouped, "regarding.name=web-0,reason=Started")).toEqual(["web-0.2"])
      expect(yield* selected(grouped, "reportingController=example.com/operator")).toEqual(["web-0.1"])
      // Each API refuses the other's field names, as the apiserver does.
      expect((yield* get(`${grouped}?fieldSelector=involvedObject.name%3Dweb-0`)).status).toBe(400)
      expect((yield* get(`${core}?fieldSelector=regarding.name%3Dweb-0`)).status).toBe(400)
      // A collection delete selects the same way.
      const gone = yield* del(`${grouped}?fieldSelector=${encodeURIComponent("regarding.name=db-0")}`)
      expect(gone.status).toBe(200)
      expect(names(gone.json.items)).toEqual(["db-0.1"])
      expect(names(yield* items(core))).toEqual(["web-0.1", "web-0.2"])
    }).pipe(withFake))

  it.effect("a core watch sees an events.k8s.io create and a patch through events.k8s.io, in core form", () =>
    Effect.gen(function*() {
      // Watched from the list's resourceVersion, so the writes below are replayed whenever the watch starts.
      const from = (yield* get(core)).json.metadata.resourceVersion
      const selector = encodeURIComponent("involvedObject.name=web-0")
      const watching = yield* Effect.fork(
        streamLines(`${core}?watch=true&resourceVersion=${from}&fieldSelector=${selector}`, 2)
      )
      expect((yield* post(grouped, recorded)).status).toBe(201)
      // An events.k8s.io recorder counts repeats in `series`.
      const series = { count: 2, lastObservedTime: "2026-12-03T10:00:09.000000Z" }
      const patched = yield* patch(`${grouped}/web-0.1`, { series }, "application/merge-patch+json")
      expect(patched.status).toBe(200)
      expect(patched.json).toMatchObject({ apiVersion: "events.k8s.io/v1", series, note: "synced web-0" })
      const lines = yield* Fiber.join(watching)
      expect(lines.map((l) => l.type)).toEqual(["ADDED", "MODIFIED"])
      expect(lines[0].object).toMatchObject({ apiVersion: "v1", message: "synced web-0", involvedObject: pod })
      expect(lines[1].object).toMatchObject({ apiVersion: "v1", series, message: "synced web-0" })

      // A core patch of an event written through events.k8s.io keeps what only events.k8s.io shows.
      const again = yield* patch(`${core}/web-0.1`, { message: "synced web-0 again" }, "application/merge-patch+json")
      expect(again.status).toBe(200)
      expect((yield* get(`${grouped}/web-0.1`)).json).toMatchObject({
        note: "synced web-0 again",
        series,
        reportingController: "example.com/operator",
        action: "Reconcile"
      })
    }).pipe(withFake))
})

describe("kubectl v1.35 and an events.k8s.io recorder", () => {
  it.live("kubectl get events and describe show what EventRecorder wrote", () =>
    Effect.gen(function*() {
      const { home, kubeconfig } = yield* listenWithHome("fake-events-kubectl-")
      yield* Effect.gen(function*() {
        const cs = yield* Clientset.Clientset
        const created = yield* cs.coreV1.pods("default").create({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "web-0" },
          spec: { containers: [{ name: "app", image: "nginx" }] }
        })
        const recorder = yield* EventRecorder.make({ reportingController: "example.com/operator" })
        yield* recorder.event({ apiVersion: "v1", kind: "Pod", ...created }, {
          type: "Warning",
          reason: "BackOff",
          action: "Restart",
          note: "back-off restarting app"
        })
      }).pipe(Effect.provide(Kube.layerKubeconfig({ path: kubeconfig }, { qps: -1 })))
      const k = (...args: ReadonlyArray<string>) =>
        Effect.map(kubectl(home, kubeconfig, args), (r) => {
          expect(r.stderr).toBe("")
          expect(r.code).toBe(0)
          return r.stdout
        })
      const table = yield* k("get", "events")
      expect(table).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m)
      expect(table).toMatch(/Warning\s+BackOff\s+pod\/web-0\s+back-off restarting app/)
      const json = JSON.parse(
        yield* k("get", "events", "--field-selector", "involvedObject.name=web-0", "-o", "json")
      )
      expect(json.items).toHaveLength(1)
      expect(json.items[0]).toMatchObject({
        apiVersion: "v1",
        reason: "BackOff",
        message: "back-off restarting app",
        reportingComponent: "example.com/operator",
        involvedObject: { kind: "Pod", name: "web-0" }
      })
      const described = yield* k("describe", "pod", "web-0")
      expect(described).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/)
      expect(described).toMatch(/Warning\s+BackOff\s+\S+\s+example\.com\/operator\s+back-off restarting app/)
    }).pipe(Effect.scoped), 60_000)
})
