/**
 * Timing behaviour of the watcher under TestClock: the backoff's growth, cap and reset, and the idle limit.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Clientset from "../src/Clientset.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Testing from "../src/testing.js"
import * as Watcher from "../src/Watcher.js"

const withFake = (options: FakeApiServer.Options = {}) =>
  Effect.provide(Testing.layerFake(options, { qps: -1, retry: "none" }))

const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" } })

const watchRequests = Effect.map(
  FakeApiServer.FakeApiServer,
  (fake) => Effect.map(fake.requests, (rs) => rs.filter((r) => r.url.includes("watch=true")).length)
).pipe(Effect.flatten)

/** Advances the clock in 100 ms steps for `millis`, recording the time of each new watch request. */
const record = (millis: number, start: number, times: Array<number>) =>
  Effect.gen(function*() {
    let seen = 0
    for (let t = 100; t <= millis; t += 100) {
      yield* TestClock.adjust("100 millis")
      const now = yield* watchRequests
      for (; seen < now; seen++) times.push(start + t)
    }
  })

describe("Watcher timing", () => {
  it.scoped("failed watches back off 800 ms doubling to 30 s, jittered", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.failNext({ match: { path: /watch=true/ }, status: 500, reason: "InternalError" })
      yield* Watcher.watch(cs.coreV1.configMaps("default"), { streamingList: false }).pipe(
        Stream.runDrain,
        Effect.forkScoped
      )
      const times: Array<number> = []
      yield* record(120_000, 0, times)
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      // 800, 1600, 3200, 6400, 12800 ms, each within the jitter (x0.8 to x1.2, give or take a 100 ms step).
      for (let i = 0; i < 5; i++) {
        const base = 800 * 2 ** i
        expect(gaps[i]).toBeGreaterThanOrEqual(base * 0.8 - 100)
        expect(gaps[i]).toBeLessThanOrEqual(base * 1.2 + 100)
      }
      // Then capped at 30 s (jittered).
      for (const gap of gaps.slice(6)) {
        expect(gap).toBeGreaterThanOrEqual(24_000 - 100)
        expect(gap).toBeLessThanOrEqual(36_000 + 100)
      }
      expect(gaps.length).toBeGreaterThanOrEqual(7)

      // Once the server answers again, the next attempt (at most a capped step later) holds.
      yield* fake.clearFaults
      yield* fake.seed(cm("x"))
      yield* TestClock.adjust("40 seconds")
      const before = yield* watchRequests
      expect(before).toBe(times.length + 1)
    }).pipe(withFake()))

  it.scoped("a healthy watch resets the backoff: the next failure waits the first step again", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(cm("a"))
      // Four failed watches push the backoff to its fifth step (6.4 s) before the fifth watch holds.
      yield* fake.failNext({ match: { path: /watch=true/ }, status: 500, reason: "InternalError", times: 4 })
      yield* Watcher.watch(cs.coreV1.configMaps("default"), { streamingList: false, timeoutSeconds: 5 }).pipe(
        Stream.runDrain,
        Effect.forkScoped
      )
      const times: Array<number> = []
      let now = 0
      const step = Effect.gen(function*() {
        yield* TestClock.adjust("100 millis")
        now += 100
        const count = yield* watchRequests
        while (times.length < count) times.push(now)
      })
      for (let i = 0; i < 300 && times.length < 5; i++) yield* step
      expect(times).toHaveLength(5)
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(gaps[3]).toBeGreaterThanOrEqual(6400 * 0.8 - 100)
      // The fifth watch delivers an event, then the server ends it at its 5 s timeout; the two watches after it fail.
      yield* fake.failNext({ match: { path: /watch=true/ }, status: 500, reason: "InternalError", times: 2 })
      yield* cs.coreV1.configMaps("default").create(cm("b") as any)
      for (let i = 0; i < 300 && times.length < 8; i++) yield* step
      expect(times).toHaveLength(8)
      const after = times.slice(5).map((t, i) => t - times[4 + i]!)
      // A clean end after a healthy watch resumes at once (the server's 5 s timeout is the whole gap) ...
      expect(after[0]).toBeGreaterThanOrEqual(5_000)
      expect(after[0]).toBeLessThanOrEqual(5_100)
      // ... and the failures after it start over at 800 ms, then 1.6 s, not at the 12.8 s the schedule had reached.
      expect(after[1]).toBeGreaterThanOrEqual(800 * 0.8 - 100)
      expect(after[1]).toBeLessThanOrEqual(800 * 1.2 + 100)
      expect(after[2]).toBeGreaterThanOrEqual(1600 * 0.8 - 100)
      expect(after[2]).toBeLessThanOrEqual(1600 * 1.2 + 100)
    }).pipe(withFake()))

  it.scoped("a watch that delivers nothing within the idle limit is abandoned and resumed", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.seed(cm("a"))
      const events: Array<string> = []
      yield* Watcher.watch(cs.coreV1.configMaps("default"), { idleTimeout: "10 seconds", timeoutSeconds: 3600 }).pipe(
        Stream.runForEach((e) => Effect.sync(() => events.push(e._tag))),
        Effect.forkScoped
      )
      yield* TestClock.adjust("100 millis")
      expect(yield* watchRequests).toBe(1)
      expect(events).toEqual(["Init", "InitApply", "InitDone"])
      yield* TestClock.adjust("9800 millis")
      expect(yield* watchRequests).toBe(1)
      // Abandoned at 10 s; resumed after the backoff's first step (640 to 960 ms).
      yield* TestClock.adjust("500 millis")
      expect(yield* watchRequests).toBe(1)
      yield* TestClock.adjust("600 millis")
      expect(yield* watchRequests).toBe(2)
      const last = (yield* fake.requests).at(-1)!
      expect(last.url).toMatch(/resourceVersion=\d+/)
      expect(last.url).not.toContain("sendInitialEvents")
      // Nothing was re-listed: the store-keeping consumer saw no new Init.
      expect(events).toEqual(["Init", "InitApply", "InitDone"])
    }).pipe(withFake({ bookmarkInterval: "1 hour" })))

  it.scoped("a consumer holding the watcher back for longer than the idle limit is not the source's silence", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pull = yield* Stream.toPull(
        Watcher.watch(cs.coreV1.configMaps("default"), { idleTimeout: "10 seconds", timeoutSeconds: 3600 })
      )
      // The first pull: the (empty) initial state; the watch is open after it.
      const initial: Array<string> = []
      while (!initial.includes("InitDone")) for (const e of yield* pull) initial.push(e._tag)
      yield* TestClock.adjust("100 millis")
      expect(yield* watchRequests).toBe(1)
      // More events than the watcher buffers, then nobody pulls for six idle limits.
      for (let i = 0; i < 400; i++) yield* cs.coreV1.configMaps("default").create(cm(`c${i}`))
      for (let t = 0; t < 60; t++) yield* TestClock.adjust("1 second")
      expect(yield* watchRequests).toBe(1)
      const names = new Set<string>()
      while (names.size < 400) {
        for (const e of yield* pull) if (e._tag === "Apply") names.add(e.object.metadata!.name!)
      }
      expect(yield* watchRequests).toBe(1)
    }).pipe(withFake({ bookmarkInterval: "1 hour" })))
})
