import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as WorkQueue from "../src/WorkQueue.js"

/** mulberry32: a small seeded generator, so a failing schedule can be replayed from its seed. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

describe("WorkQueue rate limiters: client-go's numbers", () => {
  it("ItemExponentialFailureRateLimiter: 5 ms doubling, capped at 1000 s, per key, reset by forget", () => {
    const l = WorkQueue.exponentialRateLimiter({ base: "5 millis", max: "1000 seconds" })
    const seq = Array.from({ length: 20 }, () => l.when("a", 0))
    expect(seq.slice(0, 6)).toEqual([5, 10, 20, 40, 80, 160])
    // 5 ms * 2^17 = 655.36 s is the last step under the cap; 2^18 would be 1310.72 s.
    expect(seq[17]).toBe(655_360)
    expect(seq[18]).toBe(1_000_000)
    expect(seq[19]).toBe(1_000_000)
    expect(l.numRequeues("a")).toBe(20)
    expect(l.when("b", 0)).toBe(5)
    l.forget("a")
    expect(l.numRequeues("a")).toBe(0)
    expect(l.when("a", 0)).toBe(5)
    // far past any float range the cap still holds
    for (let i = 0; i < 2000; i++) l.when("c", 0)
    expect(l.when("c", 0)).toBe(1_000_000)
  })

  it("BucketRateLimiter: burst 100 free, then 100 ms per token at 10 qps, refilled over time", () => {
    const l = WorkQueue.bucketRateLimiter({ qps: 10, burst: 100 })
    const at0 = Array.from({ length: 103 }, (_, i) => l.when(`k${i}`, 1_000))
    expect(at0.slice(0, 100).every((d) => d === 0)).toBe(true)
    expect(at0.slice(100).map(Math.round)).toEqual([100, 200, 300])
    // 1 s later 10 tokens are back, 3 of them owed: the next 7 are free, the 8th waits 100 ms
    const later = Array.from({ length: 8 }, (_, i) => Math.round(l.when(`m${i}`, 2_000)))
    expect(later).toEqual([0, 0, 0, 0, 0, 0, 0, 100])
    // a long idle spell refills only up to the burst
    const idle = Array.from({ length: 101 }, (_, i) => Math.round(l.when(`n${i}`, 1_000_000)))
    expect(idle.filter((d) => d === 0).length).toBe(100)
    expect(idle[100]).toBe(100)
    expect(l.numRequeues("k0")).toBe(0)
  })

  it("DefaultControllerRateLimiter: the slower of the two", () => {
    const l = WorkQueue.defaultControllerRateLimiter()
    // one key failing: the exponential term dominates while the bucket has tokens
    expect([1, 2, 3, 4].map(() => l.when("a", 0))).toEqual([5, 10, 20, 40])
    // a storm of 200 distinct keys at one instant: the bucket dominates past the burst
    const storm = Array.from({ length: 200 }, (_, i) => l.when(`s${i}`, 0))
    expect(storm[95]).toBe(5)
    expect(Math.round(storm[199]!)).toBe(10_400)
    expect(l.numRequeues("a")).toBe(4)
    l.forget("a")
    expect(l.when("a", 100_000)).toBe(5)
  })
})

describe("WorkQueue", () => {
  it.scoped("deduplicates waiting keys and hands them out in FIFO order", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-dedup" })
      yield* q.add("a")
      yield* q.add("b")
      yield* q.add("a")
      expect(yield* q.length).toBe(2)
      expect(yield* q.take).toEqual(Option.some("a"))
      expect(yield* q.take).toEqual(Option.some("b"))
      expect(yield* q.length).toBe(0)
      const adds = yield* Metric.value(Metric.tagged(WorkQueue.metrics.adds, "name", "t-dedup"))
      expect(adds.count).toBe(3)
    }))

  it.scoped("a key added while taken waits until done, then is queued once", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-dirty" })
      yield* q.add("a")
      expect(yield* q.take).toEqual(Option.some("a"))
      yield* q.add("a")
      yield* q.add("a")
      expect(yield* q.length).toBe(0)
      // a second taker must not get "a" while it is taken
      const second = yield* Effect.fork(q.take)
      yield* Effect.yieldNow()
      expect(second.unsafePoll()).toBeNull()
      yield* q.done("a")
      expect(yield* Fiber.join(second)).toEqual(Option.some("a"))
      yield* q.done("a")
      expect(yield* q.length).toBe(0)
      expect(yield* q.inFlight).toBe(0)
    }))

  it.scoped("addAfter waits on the clock and keeps the earlier of two delays", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-after" })
      yield* q.addAfter("a", "10 seconds")
      yield* q.addAfter("a", "3 seconds")
      yield* q.addAfter("a", "20 seconds")
      yield* q.addAfter("now", 0)
      expect(yield* q.length).toBe(1)
      yield* TestClock.adjust("2999 millis")
      expect(yield* q.length).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* q.length).toBe(2)
      yield* TestClock.adjust("30 seconds")
      expect(yield* q.length).toBe(2)
    }))

  it.scoped("addRateLimited backs off per key, forget resets it, retries are counted", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-limited" })
      for (let i = 0; i < 3; i++) yield* q.addRateLimited("a")
      // three failures: the pending add keeps the earliest time (5 ms)
      expect(yield* q.numRequeues("a")).toBe(3)
      yield* TestClock.adjust("4 millis")
      expect(yield* q.length).toBe(0)
      yield* TestClock.adjust("1 millis")
      expect(yield* q.length).toBe(1)
      yield* q.forget("a")
      expect(yield* q.numRequeues("a")).toBe(0)
      const retries = yield* Metric.value(Metric.tagged(WorkQueue.metrics.retries, "name", "t-limited"))
      expect(retries.count).toBe(3)
    }))

  it.scoped("shutdown drops waiting and delayed keys, lets the in-flight handler finish, then take ends", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-shutdown" })
      const processed: Array<string> = []
      const started = yield* Deferred.make<void>()
      const worker = yield* Effect.fork(q.process((key) =>
        Effect.gen(function*() {
          yield* Deferred.succeed(started, undefined)
          yield* Effect.sleep("5 seconds")
          processed.push(key)
        })
      ))
      yield* q.add("a")
      yield* Deferred.await(started)
      yield* q.add("b")
      yield* q.addAfter("c", "1 second")
      const stopping = yield* Effect.fork(q.shutdown)
      yield* q.add("d")
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(stopping)
      yield* Fiber.join(worker)
      expect(processed).toEqual(["a"])
      expect(yield* q.take).toEqual(Option.none())
      expect(yield* q.length).toBe(0)
    }))

  it.scoped("interrupting process gives in-flight handlers their grace period, then interrupts them", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-grace" })
      const finished: Array<string> = []
      const interrupted: Array<string> = []
      const bothStarted = yield* Deferred.make<void>()
      let started = 0
      const worker = yield* Effect.fork(q.process(
        (key) =>
          Effect.gen(function*() {
            if (++started === 2) yield* Deferred.succeed(bothStarted, undefined)
            yield* Effect.sleep(key === "short" ? "1 second" : "1 hour")
            finished.push(key)
          }).pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted.push(key)))),
        { concurrency: 2, gracePeriod: "10 seconds" }
      ))
      yield* q.add("short")
      yield* q.add("long")
      yield* Deferred.await(bothStarted)
      const stopping = yield* Effect.fork(Fiber.interrupt(worker))
      for (let i = 0; i < 11; i++) yield* TestClock.adjust("1 second")
      yield* Fiber.join(stopping)
      expect(finished).toEqual(["short"])
      expect(interrupted).toEqual(["long"])
      expect(yield* q.inFlight).toBe(0)
    }))

  it.scoped("interrupting process returns as soon as the in-flight handlers end, not at the grace period", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-grace-early" })
      const started = yield* Deferred.make<void>()
      const finished: Array<string> = []
      const worker = yield* Effect.fork(q.process(
        (key) =>
          Effect.gen(function*() {
            yield* Deferred.succeed(started, undefined)
            yield* Effect.sleep("1 second")
            finished.push(key)
          }),
        { gracePeriod: "10 seconds" }
      ))
      yield* q.add("a")
      yield* Deferred.await(started)
      const stopping = yield* Effect.fork(Fiber.interrupt(worker))
      yield* TestClock.adjust("900 millis")
      expect(stopping.unsafePoll()).toBeNull()
      yield* TestClock.adjust("100 millis")
      // The handler ended at 1 s: nothing else may hold the interrupt back (no clock time passes from here on).
      yield* Fiber.join(stopping)
      expect(finished).toEqual(["a"])
      expect(yield* q.inFlight).toBe(0)
    }))

  it.scoped("an interrupted process takes no more keys: idle workers stop at once, later keys wait for the next", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-stop-idle" })
      const seen: Array<string> = []
      const started = yield* Deferred.make<void>()
      const first = yield* Effect.fork(q.process(
        (key) =>
          Effect.gen(function*() {
            seen.push(key)
            yield* Deferred.succeed(started, undefined)
            yield* Effect.sleep("2 seconds")
          }),
        { concurrency: 3, gracePeriod: "10 seconds" }
      ))
      yield* q.add("a")
      yield* Deferred.await(started)
      const stopping = yield* Effect.fork(Fiber.interrupt(first))
      yield* Effect.yieldNow()
      // Two workers were idle and have stopped; the busy one finishes "a" but must not take "b".
      yield* q.add("b")
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(stopping)
      expect(seen).toEqual(["a"])
      expect(yield* q.inFlight).toBe(0)
      expect(yield* q.length).toBe(1)
      const second = yield* Effect.fork(q.process((key) => Effect.sync(() => seen.push(key))))
      yield* TestClock.adjust("1 millis")
      expect(seen).toEqual(["a", "b"])
      yield* Fiber.interrupt(second)
    }))

  it.scoped("a handler that dies is logged and its key handed back", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "t-die" })
      let calls = 0
      const worker = yield* Effect.fork(
        q.process(() => Effect.sync(() => calls++).pipe(Effect.zipRight(Effect.die("boom"))))
      )
      yield* q.add("a")
      yield* TestClock.adjust("1 millis")
      yield* q.add("a")
      yield* TestClock.adjust("1 millis")
      expect(calls).toBe(2)
      expect(yield* q.inFlight).toBe(0)
      yield* Fiber.interrupt(worker)
    }))

  it.effect("random schedules: no key processed concurrently, no add lost, retries converge", () =>
    Effect.gen(function*() {
      for (let seed = 1; seed <= 15; seed++) {
        const random = rng(seed)
        yield* Effect.scoped(Effect.gen(function*() {
          const q = yield* WorkQueue.make({ name: `t-prop-${seed}` })
          const keys = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => `ns/k${i}`)
          const concurrency = 1 + Math.floor(random() * 4)
          let seq = 0
          const running = new Map<string, number>()
          let violations = 0
          const adds: Array<{ key: string; seq: number }> = []
          const starts = new Map<string, Array<number>>()
          const failuresLeft = new Map(keys.map((k) => [k, Math.floor(random() * 3)]))
          const durations = Array.from({ length: 400 }, () => Math.floor(random() * 50))
          let d = 0
          const handler = (key: string) =>
            Effect.gen(function*() {
              if ((running.get(key) ?? 0) > 0) violations++
              running.set(key, (running.get(key) ?? 0) + 1)
              starts.set(key, [...(starts.get(key) ?? []), ++seq])
              yield* Effect.sleep(Duration.millis(durations[d++ % durations.length]!))
              running.set(key, running.get(key)! - 1)
              const left = failuresLeft.get(key)!
              if (left > 0) {
                failuresLeft.set(key, left - 1)
                yield* q.addRateLimited(key)
              } else {
                yield* q.forget(key)
              }
            })
          const worker = yield* Effect.fork(q.process(handler, { concurrency }))
          const ops = 10 + Math.floor(random() * 40)
          const script = Array.from({ length: ops }, () => ({
            gap: Math.floor(random() * 30),
            key: keys[Math.floor(random() * keys.length)]!,
            after: random() < 0.2 ? Math.floor(random() * 100) : 0
          }))
          const driver = yield* Effect.fork(Effect.forEach(script, (op) =>
            Effect.sleep(Duration.millis(op.gap)).pipe(
              Effect.zipRight(
                op.after > 0
                  ? Effect.sleep(Duration.millis(op.after)).pipe(
                    Effect.zipRight(Effect.suspend(() => {
                      adds.push({ key: op.key, seq: ++seq })
                      return q.add(op.key)
                    })),
                    Effect.fork
                  )
                  : Effect.suspend(() => {
                    adds.push({ key: op.key, seq: ++seq })
                    return q.add(op.key)
                  })
              )
            ), { discard: true }))
          // the script spans at most 50 * 30 ms + 100 ms of virtual time, handlers 50 ms each, backoffs 10 ms
          yield* TestClock.adjust("10 seconds")
          yield* Fiber.join(driver)
          expect(violations, `seed ${seed}`).toBe(0)
          for (const add of adds) {
            const after = (starts.get(add.key) ?? []).some((s) => s > add.seq)
            expect(after, `seed ${seed}: add of ${add.key} at step ${add.seq} was never processed`).toBe(true)
          }
          expect(yield* q.length).toBe(0)
          expect(yield* q.inFlight).toBe(0)
          yield* Fiber.interrupt(worker)
        }))
      }
    }))
})
