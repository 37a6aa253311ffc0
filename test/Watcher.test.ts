import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Clientset from "../src/Clientset.js"
import * as DynamicClient from "../src/DynamicClient.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Testing from "../src/testing.js"
import * as Watcher from "../src/Watcher.js"

const fast = { backoff: Schedule.spaced("1 millis") }
const withFake = (options: FakeApiServer.Options = {}) =>
  Effect.provide(Testing.layerFake(options, { qps: -1, retry: "none" }))

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  data
})

const summary = (e: Watcher.Event<any>) =>
  e._tag === "Init" ? "Init" : e._tag === "InitDone" ? "InitDone" : `${e._tag} ${e.object.metadata?.name}`

const pathOf = (entry: FakeApiServer.RequestLogEntry) => `${entry.method} ${entry.url}`

describe("Watcher", () => {
  it.live("streaming list, then the watch from its end", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(cm("a"), cm("b"))
      const events = yield* Watcher.watch(cs.coreV1.configMaps("default"), fast).pipe(
        Stream.tap((e) => e._tag === "InitDone" ? cs.coreV1.configMaps("default").create(cm("c") as any) : Effect.void),
        Stream.take(5),
        Stream.runCollect
      )
      expect(Chunk.toArray(events).map(summary)).toEqual(["Init", "InitApply a", "InitApply b", "InitDone", "Apply c"])
      const requests = (yield* fake.requests).filter((r) => r.method === "GET").map(pathOf)
      expect(requests).toHaveLength(1)
      expect(requests[0]).toContain("sendInitialEvents=true")
      expect(requests[0]).toContain("resourceVersionMatch=NotOlderThan")
      expect(requests[0]).toContain("allowWatchBookmarks=true")
    }).pipe(withFake()))

  it.live("falls back to a paged list when the server rejects streaming lists", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(cm("a"), cm("b"), cm("c"))
      yield* fake.failNext({ match: { path: /sendInitialEvents=true/ }, status: 422, reason: "Invalid" })
      const events = yield* Watcher.watch(cs.coreV1.configMaps("default"), { ...fast, pageSize: 2 }).pipe(
        Stream.take(5),
        Stream.runCollect
      )
      expect(Chunk.toArray(events).map(summary)).toEqual([
        "Init",
        "InitApply a",
        "InitApply b",
        "InitApply c",
        "InitDone"
      ])
      const requests = (yield* fake.requests).filter((r) => r.method === "GET").map(pathOf)
      expect(requests[0]).toContain("sendInitialEvents=true")
      expect(requests[1]).toContain("limit=2")
      expect(requests[2]).toContain("continue=")
    }).pipe(withFake()))

  it.live("resumes from the last resourceVersion after a cut, without a relist", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      const cms = cs.coreV1.configMaps("default")
      yield* fake.seed(cm("a"))
      yield* fake.cutWatch({ match: { path: /watch/ }, afterEvents: 3, times: 1 })
      const events = yield* Watcher.watch(cms, fast).pipe(
        Stream.tap((e) =>
          e._tag === "InitDone"
            ? Effect.zipRight(cms.create(cm("b") as any), cms.create(cm("c") as any))
            : Effect.void
        ),
        Stream.take(5),
        Stream.runCollect
      )
      expect(Chunk.toArray(events).map(summary)).toEqual(["Init", "InitApply a", "InitDone", "Apply b", "Apply c"])
      const requests = (yield* fake.requests).filter((r) => r.method === "GET").map(pathOf)
      expect(requests).toHaveLength(2)
      expect(requests[1]).not.toContain("sendInitialEvents")
      expect(requests[1]).toMatch(/resourceVersion=\d+/)
    }).pipe(withFake()))

  it.live("Forbidden ends the stream with the typed error", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.failNext({ status: 403, reason: "Forbidden", message: "configmaps is forbidden" })
      const error = yield* Watcher.watch(cs.coreV1.configMaps("default"), fast).pipe(Stream.runDrain, Effect.flip)
      expect(error._tag).toBe("Forbidden")
    }).pipe(withFake()))

  it.live("a dynamic client, cluster-wide", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const dynamic = yield* DynamicClient.DynamicClient
      yield* fake.seed(cm("a"), { ...cm("b"), metadata: { name: "b", namespace: "other" } })
      const events = yield* Watcher.watch(dynamic.resource({ group: "", version: "v1", resource: "configmaps" }), fast)
        .pipe(Stream.take(4), Stream.runCollect)
      expect(Chunk.toArray(events).map(summary)).toEqual(["Init", "InitApply a", "InitApply b", "InitDone"])
    }).pipe(withFake()))
})
