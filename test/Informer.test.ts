import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Clientset from "../src/Clientset.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { ConfigMapResource } from "../src/generated/core/v1.js"
import * as Informer from "../src/Informer.js"
import * as SharedInformers from "../src/SharedInformers.js"
import * as Testing from "../src/testing.js"

const fast = { backoff: Schedule.spaced("1 millis") }
const fakeLayer = (options: FakeApiServer.Options = {}) => Testing.layerFake(options, { qps: -1, retry: "none" })
const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(fakeLayer(options))
const withShared = (options: FakeApiServer.Options = {}) =>
  Effect.provide(SharedInformers.layer.pipe(Layer.provideMerge(fakeLayer(options))))

const cm = (name: string, labels: Record<string, string> = {}, namespace = "default") => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels },
  data: { v: name }
})

const names = (objects: ReadonlyArray<{ readonly metadata?: { readonly name?: string | undefined } | undefined }>) =>
  objects.map((o) => o.metadata?.name).sort()

const describeEvent = (e: Informer.InformerEvent<any>) => `${e._tag} ${e.object.metadata?.name}`

describe("Informer", () => {
  it.scopedLive("syncs the store, indexes it and follows changes", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(cm("a", { app: "web" }), cm("b", { app: "db" }), cm("c", { app: "web" }, "other"))
      const informer = yield* Informer.make(cs.coreV1.configMaps(""), {
        ...fast,
        indexers: { app: (o) => [o.metadata?.labels?.app ?? ""] },
        transform: (o) => {
          const { managedFields: _, ...metadata } = o.metadata ?? {}
          return { ...o, metadata }
        }
      })
      yield* informer.waitForSync
      expect(yield* informer.store.size).toBe(3)
      expect(names(yield* informer.store.list({ namespace: "default" }))).toEqual(["a", "b"])
      expect(names(yield* informer.store.list({ labelSelector: "app=web" }))).toEqual(["a", "c"])
      expect(names(yield* informer.store.byIndex("app", "web"))).toEqual(["a", "c"])
      expect(yield* informer.store.indexValues("app").pipe(Effect.map((v) => [...v].sort()))).toEqual(["db", "web"])
      expect(Option.isSome(yield* informer.store.get("other", "c"))).toBe(true)
      expect((yield* informer.store.keys).slice().sort()).toEqual(["default/a", "default/b", "other/c"])
      expect((yield* Effect.flip(informer.store.byIndex("nope", "x")))._tag).toBe("StoreQueryError")
      expect((yield* Effect.flip(informer.store.list({ labelSelector: "a in (" })))._tag).toBe("StoreQueryError")

      const seen = yield* informer.events.pipe(Stream.take(6), Stream.runCollect, Effect.fork)
      yield* Effect.sleep("20 millis")
      const cms = cs.coreV1.configMaps("default")
      yield* cms.create(cm("d") as any)
      yield* cms.patch("a", "merge", { data: { v: "changed" } })
      yield* cms.delete("b")
      const events = [...(yield* Fiber.join(seen))].map(describeEvent)
      // The subscriber first hears of the three cached objects, then of the changes in order.
      expect(events.slice(0, 3).sort()).toEqual(["Added a", "Added b", "Added c"])
      expect(events.slice(3)).toEqual(["Added d", "Updated a", "Deleted b"])
      expect(names(yield* informer.store.list())).toEqual(["a", "c", "d"])
      const a = Option.getOrThrow(yield* informer.store.get("default", "a"))
      expect(a.data?.v).toBe("changed")
      expect(Option.getOrThrow(yield* informer.store.resourceVersion)).toBe(yield* fake.resourceVersion)
    }).pipe(withFake()))

  it.scopedLive("after a 410 relist, objects removed while the watch was down are reported Deleted", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      const cms = cs.coreV1.configMaps("default")
      yield* fake.seed(cm("a"), cm("b"), cm("c"))
      // Every watch fails while the history moves on, so the resume finds its resourceVersion compacted.
      yield* fake.failNext({ match: { path: /watch=true/ }, status: 500, reason: "InternalError" })
      const informer = yield* Informer.make(cms, { ...fast, streamingList: false })
      yield* informer.waitForSync
      const events = yield* informer.events.pipe(Stream.drop(3), Stream.take(7), Stream.runCollect, Effect.fork)
      yield* Effect.sleep("20 millis")
      yield* cms.delete("b")
      for (let i = 0; i < 6; i++) yield* cms.create(cm(`n${i}`) as any)
      yield* fake.clearFaults
      const seen = [...(yield* Fiber.join(events))].map(describeEvent)
      expect(seen.sort()).toEqual(["Added n0", "Added n1", "Added n2", "Added n3", "Added n4", "Added n5", "Deleted b"])
      expect(names(yield* informer.store.list())).toEqual(["a", "c", "n0", "n1", "n2", "n3", "n4", "n5"])
      const relists = (yield* fake.requests).filter((r) => r.method === "GET" && !r.url.includes("watch"))
      expect(relists.length).toBe(2)
    }).pipe(withFake({ historySize: 5 })))

  it.scopedLive("against an apiserver without streaming lists, falls back to list + watch and stays there", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      const cms = cs.coreV1.configMaps("default")
      yield* fake.seed(cm("a"), cm("b"), cm("c"))
      // The first watch after the list finds its resourceVersion expired: the informer must relist.
      yield* fake.failNext({ match: { path: /[?&]resourceVersion=\d/ }, status: 410, reason: "Expired", times: 1 })
      const informer = yield* Informer.make(cms, { ...fast, pageSize: 2 })
      yield* informer.waitForSync
      expect(names(yield* informer.store.list())).toEqual(["a", "b", "c"])
      const gets = Effect.map(fake.requests, (rs) => rs.filter((r) => r.method === "GET").map((r) => r.url))
      const lists = Effect.map(gets, (us) => us.filter((u) => !u.includes("watch=true")).length)
      for (let i = 0; i < 100 && (yield* lists) < 4; i++) yield* Effect.sleep("50 millis")
      const seen = yield* informer.events.pipe(Stream.drop(3), Stream.take(2), Stream.runCollect, Effect.fork)
      yield* Effect.sleep("20 millis")
      yield* cms.create(cm("d") as any)
      yield* cms.delete("a")
      expect([...(yield* Fiber.join(seen))].map(describeEvent)).toEqual(["Added d", "Deleted a"])
      expect(names(yield* informer.store.list())).toEqual(["b", "c", "d"])
      const urls = yield* gets
      // One refused streaming list, then pages and watches from resourceVersions only, the relist included.
      expect(urls[0]).toContain("sendInitialEvents=true")
      expect(urls.filter((u) => u.includes("sendInitialEvents") || u.includes("resourceVersionMatch"))).toHaveLength(1)
      expect(
        urls.slice(1, 7).map((u) => u.includes("watch=true") ? "watch" : u.includes("continue=") ? "next" : "list")
      )
        .toEqual(["list", "next", "watch", "list", "next", "watch"])
      for (const u of urls.filter((u) => u.includes("watch=true")).slice(1)) expect(u).toMatch(/resourceVersion=\d+/)
    }).pipe(withFake({ watchList: false })))

  it.scopedLive("two hundred informers for one key share one watch", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.seed(cm("a"), cm("b"))
      const shared = yield* SharedInformers.SharedInformers
      const informers = yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        () => shared.resource(ConfigMapResource, { namespace: "default" }),
        { concurrency: 20 }
      )
      yield* Effect.forEach(informers, (i) => i.waitForSync, { discard: true })
      expect(new Set(informers).size).toBe(1)
      expect(yield* shared.running).toHaveLength(1)
      const reads = (yield* fake.requests).filter((r) => r.method === "GET" && r.url.includes("configmaps"))
      expect(reads).toHaveLength(1)
      expect(names(yield* informers[0]!.store.list())).toEqual(["a", "b"])
      // A different selector is a different informer.
      yield* Effect.scoped(Effect.gen(function*() {
        const other = yield* shared.resource(ConfigMapResource, { namespace: "default", labelSelector: "app=x" })
        yield* other.waitForSync
        expect(yield* shared.running).toHaveLength(2)
      }))
      expect(yield* shared.running).toHaveLength(1)
    }).pipe(withShared()))

  it.scoped("the informer stops when the last scope using it closes", () =>
    Effect.gen(function*() {
      const shared = yield* SharedInformers.SharedInformers
      const first = yield* Effect.scoped(Effect.gen(function*() {
        const a = yield* shared.resource(ConfigMapResource, { namespace: "default" })
        const b = yield* Effect.scoped(shared.resource(ConfigMapResource, { namespace: "default" }))
        expect(b).toBe(a)
        expect(yield* shared.running).toHaveLength(1)
        return a
      }))
      expect(yield* shared.running).toHaveLength(0)
      const again = yield* shared.resource(ConfigMapResource, { namespace: "default" })
      expect(again).not.toBe(first)
    }).pipe(withShared()))

  it.effect("resync re-delivers every cached object as Updated(obj, obj)", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(cm("a"), cm("b"))
      const informer = yield* Informer.make(cs.coreV1.configMaps("default"), { resyncPeriod: "1 minute" })
      yield* informer.waitForSync
      const events = yield* informer.events.pipe(Stream.take(4), Stream.runCollect, Effect.fork)
      yield* TestClock.adjust("59 seconds")
      expect(Option.isNone(yield* Fiber.poll(events))).toBe(true)
      yield* TestClock.adjust("1 second")
      const all = [...(yield* Fiber.join(events))]
      expect(all.map(describeEvent).slice(2).sort()).toEqual(["Updated a", "Updated b"])
      const updated = all[2] as Informer.Updated<any>
      expect(updated.old).toBe(updated.object)
    }).pipe(withFake(), Effect.scoped))
})
