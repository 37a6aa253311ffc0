import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { Credentials } from "../src/Credentials.js"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RateLimit from "../src/RateLimit.js"
import * as RestClient from "../src/RestClient.js"
import { RestConfig } from "../src/RestConfig.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as MockServer from "./support/mockServer.js"

const settle = Effect.forEach(Array.from({ length: 50 }), () => Effect.yieldNow(), { discard: true })

/** Starts `n` takes concurrently and returns a counter of completed ones. */
const fire = (limiter: RateLimit.Service, n: number) =>
  Effect.gen(function*() {
    let done = 0
    const fiber = yield* Effect.fork(
      Effect.forEach(Array.from({ length: n }), () => Effect.tap(limiter.take(() => "GET:x"), () => void done++), {
        concurrency: "unbounded",
        discard: true
      })
    )
    yield* settle
    return { done: () => done, fiber }
  })

describe("RateLimit", () => {
  it.scoped("client-go defaults: a burst of 10, then 5 per second", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ qps: 5, burst: 10 })
      const { done, fiber } = yield* fire(limiter, 16)
      expect(done()).toBe(10)
      yield* TestClock.adjust("199 millis")
      yield* settle
      expect(done()).toBe(10)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(done()).toBe(11)
      yield* TestClock.adjust("800 millis")
      yield* settle
      expect(done()).toBe(15)
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(fiber)
      expect(done()).toBe(16)
    }))

  it.scoped("tokens refill while idle, up to the burst", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ qps: 2, burst: 3 })
      const first = yield* fire(limiter, 3)
      expect(first.done()).toBe(3)
      yield* TestClock.adjust("10 seconds")
      yield* settle
      const second = yield* fire(limiter, 5)
      expect(second.done()).toBe(3)
      yield* TestClock.adjust("500 millis")
      yield* settle
      expect(second.done()).toBe(4)
    }))

  it.effect("takes in sequence: the burst without waiting, then one per 1/qps, a partial refill counted", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ qps: 5, burst: 2 })
      let done = 0
      const fiber = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 4 }), () => Effect.tap(limiter.take(() => "GET:x"), () => void done++), {
          discard: true
        })
      )
      yield* settle
      expect(done).toBe(2)
      yield* TestClock.adjust("199 millis")
      yield* settle
      expect(done).toBe(2)
      yield* TestClock.adjust("1 millis")
      yield* settle
      expect(done).toBe(3)
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(fiber)
      expect(done).toBe(4)
      // 100 ms idle is half a token: the next take waits the other 100 ms.
      yield* TestClock.adjust("100 millis")
      const next = yield* Effect.fork(limiter.take(() => "GET:x"))
      yield* settle
      expect(next.unsafePoll()).toBeNull()
      yield* TestClock.adjust("99 millis")
      yield* settle
      expect(next.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(next)
    }))

  it.effect("an interrupted wait gives its token back; a wait with later waiters behind it does not", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ qps: 1, burst: 1 })
      yield* limiter.take(() => "GET:x")
      const waiting = yield* Effect.fork(limiter.take(() => "GET:x"))
      yield* settle
      yield* Fiber.interrupt(waiting)
      // The cancelled reservation is returned: the next take waits one interval from the first, not two.
      const next = yield* Effect.fork(limiter.take(() => "GET:x"))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(next)
      const a = yield* Effect.fork(limiter.take(() => "GET:a"))
      const b = yield* Effect.fork(limiter.take(() => "GET:b"))
      yield* settle
      yield* Fiber.interrupt(a)
      // b reserved after a, so a's slot is not handed out again: a third take queues after b.
      const c = yield* Effect.fork(limiter.take(() => "GET:c"))
      yield* TestClock.adjust("2 seconds")
      yield* settle
      expect(b.unsafePoll()).not.toBeNull()
      expect(c.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(c)
    }))

  it.scoped("qps 0 and burst 0 mean client-go's defaults", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ qps: 0, burst: 0 })
      const { done } = yield* fire(limiter, 11)
      expect(done()).toBe(10)
      yield* TestClock.adjust("200 millis")
      yield* settle
      expect(done()).toBe(11)
    }))

  it.scoped("a negative qps disables limiting", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.make({ qps: -1, burst: 1 })
      expect(limiter).toBe(RateLimit.unlimited)
      const { done } = yield* fire(limiter, 100)
      expect(done()).toBe(100)
    }))

  it.scoped("a wait longer than a second is logged like client-go", () =>
    Effect.gen(function*() {
      const messages: Array<string> = []
      const logger = Logger.make(({ message }) => messages.push(String(Array.isArray(message) ? message[0] : message)))
      const limiter = yield* RateLimit.make({ qps: 1, burst: 1 })
      const fiber = yield* Effect.fork(
        Effect.forEach([1, 2, 3], (i) => limiter.take(() => `GET:https://k8s.test/api/v1/pods?i=${i}`), {
          discard: true
        }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      )
      yield* TestClock.adjust("1 second")
      yield* settle
      // Waits of exactly one second are not logged ("> 1s").
      expect(messages).toEqual([])
      yield* Fiber.interrupt(fiber)
      const slow = yield* RateLimit.make({ qps: 0.5, burst: 1 })
      const fiber2 = yield* Effect.fork(
        Effect.forEach([1, 2], (i) => slow.take(() => `GET:https://k8s.test/api/v1/pods?i=${i}`), {
          discard: true
        }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      )
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber2)
      expect(messages).toEqual([
        "Waited for 2s due to client-side throttling, not priority and fairness, request: GET:https://k8s.test/api/v1/pods?i=2"
      ])
    }))

  it.effect("one limiter per layer, shared by every RestClient built on it", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, json: {} }))
      const inputs = Layer.mergeAll(
        mock.layer,
        Layer.succeed(RestConfig, MockServer.testConfig({ qps: 1, burst: 2 })),
        Layer.succeed(Credentials, MockServer.staticCredentials().service),
        RetryPolicy.layerNone
      )
      // Both clients are built from one context, so they share its RateLimit.
      const shared = Layer.provideMerge(RateLimit.layerFromRestConfig, inputs)
      const program = Effect.gen(function*() {
        const a = yield* RestClient.make
        const b = yield* RestClient.make
        const request = KubeRequest.get({ resource: "pods", namespace: "ns", name: "p" })
        return yield* Effect.all([a, b, a].map((c) => c.execute(request, Schema.Unknown)), {
          concurrency: "unbounded"
        })
      })
      const fiber = yield* Effect.fork(Effect.scoped(program.pipe(Effect.provide(shared))))
      yield* settle
      expect(mock.requests.length).toBe(2)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(mock.requests.length).toBe(3)
    }))
})
