import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Clientset from "../src/Clientset.js"
import * as Controller from "../src/Controller.js"
import * as EventRecorder from "../src/EventRecorder.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Finalizer from "../src/Finalizer.js"
import { ConfigMapResource, SecretResource } from "../src/generated/core/v1.js"
import type { ConfigMap } from "../src/generated/core/v1.js"
import * as SharedInformers from "../src/SharedInformers.js"
import * as Testing from "../src/testing.js"
import * as WorkQueue from "../src/WorkQueue.js"

const fakeLayer = Testing.layerFake({ namespace: "default" }, { qps: -1, retry: "none" })
const withShared = Effect.provide(SharedInformers.layer.pipe(Layer.provideMerge(fakeLayer)))

/** Polls `check` every 10 ms (at most 500 times) until it returns true. */
const eventually = (what: string, check: Effect.Effect<boolean, any, any>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* check) return
      yield* Effect.sleep("10 millis")
    }
    throw new Error(`timed out waiting for ${what}`)
  })

const cm = (name: string, data: Record<string, string> = { v: "1" }) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  data
})

class Flaky extends Error {
  readonly _tag = "Flaky"
}

describe("Controller", () => {
  it.scopedLive("reconciles each object, owner changes trigger the owner, and steady state writes nothing", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const secrets = cs.coreV1.secrets("default")
      const reconciled: Array<string> = []
      // For each ConfigMap, a Secret owned by it holding the same data: create it if missing, fix it if it drifted.
      const reconcile = (object: ConfigMap) =>
        Effect.gen(function*() {
          reconciled.push(`${object.metadata?.name}:${object.data?.v}`)
          const name = `${object.metadata!.name}-copy`
          const want = object.data?.v ?? ""
          const current = yield* secrets.get(name).pipe(Effect.option)
          if (Option.isNone(current)) {
            yield* secrets.create({
              metadata: {
                name,
                namespace: "default",
                ownerReferences: [Controller.controllerReference(object, ConfigMapResource)]
              },
              stringData: { v: want }
            })
          } else if (Buffer.from(current.value.data?.v ?? "", "base64").toString() !== want) {
            yield* secrets.update({ ...current.value, data: { v: Buffer.from(want).toString("base64") } })
          }
          return Controller.done
        }).pipe(Effect.orDie)
      yield* cs.coreV1.configMaps("default").create(cm("a"))
      const run = yield* Effect.fork(Controller.make({ for: ConfigMapResource, owns: [SecretResource], reconcile }))
      yield* eventually("the copy", Effect.map(secrets.get("a-copy").pipe(Effect.option), Option.isSome))
      // the owned Secret's creation reconciles the owner once more; that pass changes nothing
      yield* eventually("quiet", Effect.sync(() => reconciled.length >= 2))
      const rv = (yield* secrets.get("a-copy")).metadata?.resourceVersion
      yield* Effect.sleep("100 millis")
      expect((yield* secrets.get("a-copy")).metadata?.resourceVersion).toBe(rv)
      // someone edits the owned Secret: the owner is reconciled and the drift repaired
      const drifted = yield* secrets.get("a-copy")
      yield* secrets.update({ ...drifted, data: { v: Buffer.from("tampered").toString("base64") } })
      yield* eventually(
        "repair",
        Effect.map(secrets.get("a-copy"), (s) => Buffer.from(s.data?.v ?? "", "base64").toString() === "1")
      )
      // a spec change reaches reconcile as the latest cached object
      yield* cs.coreV1.configMaps("default").update(cm("a", { v: "2" }))
      yield* eventually(
        "update",
        Effect.map(secrets.get("a-copy"), (s) => Buffer.from(s.data?.v ?? "", "base64").toString() === "2")
      )
      expect(reconciled).toContain("a:2")
      yield* Fiber.interrupt(run)
    }).pipe(withShared))

  it.scopedLive("failed reconciles back off through the rate limiter and reset on success", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const retries: Array<number> = []
      let failures = 3
      const run = yield* Effect.fork(Controller.make({
        for: ConfigMapResource,
        rateLimiter: WorkQueue.exponentialRateLimiter({ base: "20 millis", max: "1 second" }),
        reconcile: (_object, ctx) =>
          Effect.suspend(() => {
            retries.push(ctx.retries)
            return failures-- > 0 ? Effect.fail(new Flaky("not yet")) : Effect.succeed(Controller.done)
          })
      }))
      yield* cs.coreV1.configMaps("default").create(cm("b"))
      yield* eventually("success", Effect.sync(() => retries.length >= 4))
      expect(retries).toEqual([0, 1, 2, 3])
      // success forgot the key: the next change starts from zero
      yield* cs.coreV1.configMaps("default").update(cm("b", { v: "2" }))
      yield* eventually("next", Effect.sync(() => retries.length >= 5))
      expect(retries[4]).toBe(0)
      yield* Fiber.interrupt(run)
    }).pipe(withShared))

  it.effect("interrupting the controller returns when the in-flight reconcile ends, well before the grace period", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      yield* cs.coreV1.configMaps("default").create(cm("a") as any)
      let started = false
      let ended = false
      const running = yield* Effect.fork(Controller.make({
        for: ConfigMapResource,
        gracePeriod: "30 seconds",
        reconcile: () =>
          Effect.gen(function*() {
            started = true
            yield* Effect.sleep("2 seconds")
            ended = true
            return Controller.done
          })
      }))
      for (let i = 0; i < 200 && !started; i++) yield* TestClock.adjust("10 millis")
      expect(started).toBe(true)
      const stopping = yield* Effect.fork(Fiber.interrupt(running))
      yield* TestClock.adjust("1 second")
      expect(stopping.unsafePoll()).toBeNull()
      for (let i = 0; i < 20 && stopping.unsafePoll() === null; i++) yield* TestClock.adjust("100 millis")
      expect(ended).toBe(true)
      expect(stopping.unsafePoll()).not.toBeNull()
      yield* Fiber.join(stopping)
    }).pipe(withShared))

  it.scopedLive("a deleted object is reconciled once more with its last state, or skipped by option", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const seen: Array<string> = []
      const skipped: Array<string> = []
      const make = (out: Array<string>, reconcileDeleted: boolean) =>
        Controller.make({
          for: ConfigMapResource,
          reconcileDeleted,
          reconcile: (object, ctx) =>
            Effect.sync(() =>
              out.push(`${ctx.deleted ? "deleted" : "live"} ${object.metadata?.name} ${object.data?.v}`)
            )
              .pipe(Effect.as(Controller.done))
        })
      const a = yield* Effect.fork(make(seen, true))
      const b = yield* Effect.fork(make(skipped, false))
      yield* cs.coreV1.configMaps("default").create(cm("c", { v: "last" }))
      yield* eventually("live", Effect.sync(() => seen.length >= 1 && skipped.length >= 1))
      yield* cs.coreV1.configMaps("default").delete("c")
      yield* eventually("deleted", Effect.sync(() => seen.length >= 2))
      yield* Effect.sleep("50 millis")
      expect(seen).toEqual(["live c last", "deleted c last"])
      expect(skipped).toEqual(["live c last"])
      yield* Fiber.interrupt(a)
      yield* Fiber.interrupt(b)
    }).pipe(withShared))

  it("predicates: generation, labels, annotations, and their combinations", () => {
    const obj = (
      generation: number,
      labels: Record<string, string> = {},
      annotations: Record<string, string> = {}
    ) => ({
      metadata: { name: "x", generation, labels, annotations }
    })
    const upd = (old: Controller.KubeObject, object: Controller.KubeObject) => ({
      _tag: "Updated" as const,
      old,
      object
    })
    expect(Controller.generationChanged(upd(obj(1), obj(1, { a: "b" })))).toBe(false)
    expect(Controller.generationChanged(upd(obj(1), obj(2)))).toBe(true)
    expect(Controller.generationChanged({ _tag: "Added", object: obj(1) })).toBe(true)
    expect(Controller.labelsChanged(upd(obj(1, { a: "b" }), obj(2, { a: "b" })))).toBe(false)
    expect(Controller.labelsChanged(upd(obj(1, { a: "b" }), obj(1, { a: "c" })))).toBe(true)
    expect(Controller.annotationsChanged(upd(obj(1, {}, { x: "1" }), obj(1, {}, {})))).toBe(true)
    const either = Controller.or(Controller.generationChanged, Controller.labelsChanged)
    expect(either(upd(obj(1), obj(1, { a: "b" })))).toBe(true)
    expect(either(upd(obj(1, {}, { x: "1" }), obj(1, {}, { x: "2" })))).toBe(false)
    expect(Controller.and(Controller.generationChanged, Controller.labelsChanged)(upd(obj(1), obj(2)))).toBe(false)
  })
})

describe("Finalizer", () => {
  it.scopedLive("adds the finalizer before apply, runs cleanup exactly once on deletion, then lets the object go", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer.FakeApiServer
      const configMaps = cs.coreV1.configMaps("default")
      const applied: Array<ReadonlyArray<string>> = []
      let cleanups = 0
      const run = yield* Effect.fork(Controller.make({
        for: ConfigMapResource,
        reconcile: (object) =>
          Finalizer.apply(configMaps, "example.com/cleanup", object, {
            apply: (o) =>
              Effect.sync(() => applied.push(o.metadata?.finalizers ?? [])).pipe(Effect.as(Controller.done)),
            cleanup: () => Effect.sync(() => cleanups++).pipe(Effect.as(Controller.done))
          })
      }))
      yield* configMaps.create(cm("f"))
      yield* eventually("apply", Effect.sync(() => applied.length > 0))
      expect(applied[0]).toEqual(["example.com/cleanup"])
      yield* configMaps.delete("f")
      const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "f" }
      yield* eventually("gone", Effect.map(fake.get(ref), Option.isNone))
      yield* Effect.sleep("50 millis")
      expect(cleanups).toBe(1)
      yield* Fiber.interrupt(run)
    }).pipe(withShared))

  it.scopedLive("the test op refuses to overwrite a finalizer list that changed since it was read", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const configMaps = cs.coreV1.configMaps("default")
      const stale = yield* configMaps.create(cm("g"))
      yield* configMaps.patch("g", "merge", { metadata: { finalizers: ["someone.else/keep"] } })
      const error = yield* Effect.flip(Finalizer.apply(configMaps, "example.com/cleanup", stale, {
        apply: () => Effect.succeed(Controller.done),
        cleanup: () => Effect.succeed(Controller.done)
      }))
      expect(error._tag).toBe("Invalid")
      expect((yield* configMaps.get("g")).metadata?.finalizers).toEqual(["someone.else/keep"])
    }).pipe(withShared))
})

describe("EventRecorder", () => {
  it.effect("folds repeats into an EventSeries within the window, starts anew after it, and rate limits floods", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u1" } }
      const recorder = yield* EventRecorder.make({
        reportingController: "example.com/ctl",
        burst: 4,
        refillSeconds: 300
      })
      const backoff = { type: "Warning" as const, reason: "BackOff", action: "Restart", note: "crash" }
      yield* recorder.event(pod, backoff)
      yield* TestClock.adjust("1 minute")
      yield* recorder.event(pod, backoff)
      yield* TestClock.adjust("1 minute")
      yield* recorder.event(pod, backoff)
      let list = (yield* cs.eventsV1.events("default").list()).items
      expect(list).toHaveLength(1)
      expect(list[0]!.series?.count).toBe(3)
      expect(list[0]!.reportingController).toBe("example.com/ctl")
      expect(list[0]!.regarding?.name).toBe("web")
      // a different reason is a different event
      yield* recorder.event(pod, { ...backoff, reason: "Pulled", type: "Normal" })
      list = (yield* cs.eventsV1.events("default").list()).items
      expect(list).toHaveLength(2)
      // burst 4 used up: a flood writes nothing more, but the repeats are counted for the next allowed write
      for (let i = 0; i < 50; i++) yield* recorder.event(pod, backoff)
      list = (yield* cs.eventsV1.events("default").list()).items
      expect(list).toHaveLength(2)
      expect(list.find((e) => e.reason === "BackOff")!.series?.count).toBe(3)
      yield* TestClock.adjust("5 minutes")
      yield* recorder.event(pod, backoff)
      list = (yield* cs.eventsV1.events("default").list()).items
      expect(list.find((e) => e.reason === "BackOff")!.series?.count).toBe(54)
      // six quiet minutes close the series: the next occurrence is a new Event
      yield* TestClock.adjust("7 minutes")
      yield* recorder.event(pod, backoff)
      list = (yield* cs.eventsV1.events("default").list()).items
      expect(list.filter((e) => e.reason === "BackOff")).toHaveLength(2)
    }).pipe(Effect.provide(fakeLayer)))
})
