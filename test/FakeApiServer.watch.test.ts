import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { configMap, del, get, patch, pod, post, streamAll, streamLines } from "./fixtures/fake/client.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const Fake = FakeApiServer.FakeApiServer
const configmaps = "/api/v1/namespaces/default/configmaps"
const summary = (events: ReadonlyArray<any>) =>
  events.map((e) => `${e.type} ${e.object?.metadata?.name ?? e.object?.metadata?.resourceVersion ?? ""}`)

/** Lets forked readers subscribe and timers fire, in bounded steps of TestClock time. */
const advance = (seconds: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < seconds; i++) yield* TestClock.adjust("1 second")
  })

const currentRv = Effect.flatMap(Fake, (f) => f.resourceVersion)

describe("FakeApiServer watch", () => {
  it.effect("without a resourceVersion: synthetic ADDED for the current state", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"), configMap("b"))
      const events = yield* streamLines(`${configmaps}?watch=true`, 2)
      expect(summary(events)).toEqual(["ADDED a", "ADDED b"])
      expect(events[0].object).toMatchObject({ kind: "ConfigMap", apiVersion: "v1" })
    }).pipe(withFake()))

  it.effect("from a resourceVersion: replays only later events, then streams live ones", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"), configMap("b"))
      const rv = yield* currentRv
      yield* patch(`${configmaps}/a`, { data: { x: "1" } }, "application/merge-patch+json")
      const reader = yield* Effect.fork(streamLines(`${configmaps}?watch=1&resourceVersion=${rv}`, 3))
      yield* advance(1)
      yield* post(configmaps, configMap("c"))
      yield* del(`${configmaps}/b`)
      const events = yield* Fiber.join(reader)
      expect(summary(events)).toEqual(["MODIFIED a", "ADDED c", "DELETED b"])
      expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(
        Number(events[1].object.metadata.resourceVersion)
      )
    }).pipe(withFake()))

  it.effect("selectors: leaving emits DELETED, entering emits ADDED", () =>
    Effect.gen(function*() {
      const rv = yield* currentRv
      const reader = yield* Effect.fork(
        streamLines(`${configmaps}?watch=true&resourceVersion=${rv}&labelSelector=app%3Dweb`, 4)
      )
      const label = (name: string, app: string) =>
        patch(`${configmaps}/${name}`, { metadata: { labels: { app } } }, "application/merge-patch+json")
      yield* post(configmaps, configMap("p", { app: "web" }))
      yield* post(configmaps, configMap("other", { app: "db" }))
      yield* label("p", "db")
      yield* label("other", "db2")
      yield* label("p", "web")
      yield* del(`${configmaps}/p`)
      const events = yield* Fiber.join(reader)
      expect(summary(events)).toEqual(["ADDED p", "DELETED p", "ADDED p", "DELETED p"])
    }).pipe(withFake()))

  it.effect("a resourceVersion older than the history gets an ERROR event with 410 Expired", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(...Array.from({ length: 10 }, (_, i) => configMap(`c${i}`)))
      const events = yield* streamAll(`${configmaps}?watch=true&resourceVersion=2`)
      expect(events).toHaveLength(1)
      expect(events[0].type).toBe("ERROR")
      expect(events[0].object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" })
      expect(events[0].object.message).toMatch(/^too old resource version: 2 \(\d+\)$/)
    }).pipe(withFake({ historySize: 3 })))

  it.effect("bookmarks periodically and at the end; timeoutSeconds ends the watch", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"))
      const reader = yield* Effect.fork(
        streamAll(`${configmaps}?watch=true&allowWatchBookmarks=true&timeoutSeconds=25`)
      )
      yield* advance(30)
      const events = yield* Fiber.join(reader)
      const rv = yield* currentRv
      expect(events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK", "BOOKMARK", "BOOKMARK"])
      expect(events[1].object).toEqual({ kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: rv } })
      const plain = yield* Effect.fork(streamAll(`${configmaps}?watch=true&timeoutSeconds=5`))
      yield* advance(6)
      expect(summary(yield* Fiber.join(plain))).toEqual(["ADDED a"])
    }).pipe(withFake({ bookmarkInterval: "10 seconds" })))

  it.effect("sendInitialEvents ends the initial state with an annotated BOOKMARK", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"))
      const events = yield* streamLines(
        `${configmaps}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
        2
      )
      expect(events[0].type).toBe("ADDED")
      expect(events[1].type).toBe("BOOKMARK")
      expect(events[1].object.metadata.annotations).toEqual({ "k8s.io/initial-events-end": "true" })
    }).pipe(withFake()))

  it.effect("watchList: false refuses streaming lists as an apiserver without the WatchList feature", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"))
      const refused = yield* get(
        `${configmaps}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`
      )
      expect(refused.status).toBe(422)
      expect(refused.json).toMatchObject({
        kind: "Status",
        reason: "Invalid",
        code: 422,
        details: {
          kind: "ListOptions",
          group: "meta.k8s.io",
          causes: [
            { reason: "FieldValueForbidden", field: "resourceVersionMatch" },
            { reason: "FieldValueForbidden", field: "sendInitialEvents" }
          ]
        }
      })
      expect((refused.json as any).message).toContain("ListOptions.meta.k8s.io \"\" is invalid")
      // Either field alone is refused; plain watches and lists are served as before.
      expect((yield* get(`${configmaps}?watch=true&sendInitialEvents=false`)).status).toBe(422)
      const plain = yield* streamLines(`${configmaps}?watch=true`, 1)
      expect(summary(plain)).toEqual(["ADDED a"])
      expect((yield* get(`${configmaps}?resourceVersionMatch=NotOlderThan&resourceVersion=1`)).status).toBe(200)
    }).pipe(withFake({ watchList: false })))

  it.effect("legacy /watch/ paths, for a collection and for one object", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"), configMap("b"))
      const all = yield* streamLines("/api/v1/watch/namespaces/default/configmaps", 2)
      expect(summary(all)).toEqual(["ADDED a", "ADDED b"])
      const rv = yield* currentRv
      const one = yield* Effect.fork(
        streamLines(`/api/v1/watch/namespaces/default/configmaps/b?resourceVersion=${rv}`, 1)
      )
      yield* patch(`${configmaps}/a`, { data: { z: "1" } }, "application/merge-patch+json")
      yield* patch(`${configmaps}/b`, { data: { z: "1" } }, "application/merge-patch+json")
      expect(summary(yield* Fiber.join(one))).toEqual(["MODIFIED b"])
      const cluster = yield* streamLines("/api/v1/watch/namespaces", 1)
      expect(cluster[0].object.kind).toBe("Namespace")
    }).pipe(withFake()))

  it.effect("fans out to 50 concurrent watchers", () =>
    Effect.gen(function*() {
      const rv = yield* currentRv
      const readers = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) =>
          Effect.fork(
            streamLines(`${configmaps}?watch=true&resourceVersion=${rv}${i % 2 === 0 ? "&labelSelector=k%3Dv" : ""}`, 2)
          )
      )
      yield* advance(1)
      yield* post(configmaps, configMap("x", { k: "v" }))
      yield* post(configmaps, configMap("y", { k: "v" }))
      const results = yield* Effect.forEach(readers, Fiber.join)
      for (const events of results) expect(summary(events)).toEqual(["ADDED x", "ADDED y"])
    }).pipe(withFake()))

  it.effect("Table watches carry column definitions in the first event only", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(pod("a", { status: { phase: "Running" } }), pod("b", { status: { phase: "Running" } }))
      const events = yield* streamLines("/api/v1/namespaces/default/pods?watch=true", 2, {
        accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
      })
      expect(events[0].object.kind).toBe("Table")
      expect(events[0].object.columnDefinitions.length).toBeGreaterThan(0)
      expect(events[1].object.columnDefinitions).toEqual([])
      expect(events[1].object.rows[0].cells.slice(0, 3)).toEqual(["b", "0/1", "Running"])
    }).pipe(withFake()))

  it.effect("faults: a cut watch ends after K events; latency delays", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(configMap("a"), configMap("b"), configMap("c"))
      yield* fake.cutWatch({ match: { path: configmaps }, times: 1, afterEvents: 2 })
      const cut = yield* streamAll(`${configmaps}?watch=true`)
      expect(summary(cut)).toEqual(["ADDED a", "ADDED b"])
      yield* fake.addLatency({ match: { path: "/version" }, times: 1, delay: "5 seconds" })
      const slow = yield* Effect.fork(get("/version"))
      yield* advance(4)
      expect(slow.unsafePoll()).toBeNull()
      yield* advance(2)
      expect((yield* Fiber.join(slow)).status).toBe(200)
    }).pipe(withFake()))

  it.effect("pod logs follow appended lines", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(pod("p"))
      const target = { namespace: "default", pod: "p" }
      yield* fake.setLogs(target, ["first"])
      const reader = yield* Effect.fork(streamLines("/api/v1/namespaces/default/pods/p/log?follow=true", 3))
      yield* advance(1)
      yield* fake.appendLogs(target, ["second", "third"])
      expect(yield* Fiber.join(reader)).toEqual(["first", "second", "third"])
    }).pipe(withFake()))
})
