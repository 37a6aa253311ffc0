import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as KubeError from "../src/KubeError.js"
import * as KubeRequest from "../src/KubeRequest.js"
import type * as RateLimit from "../src/RateLimit.js"
import * as RestClient from "../src/RestClient.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as MockServer from "./support/mockServer.js"

const getPod = KubeRequest.get({ resource: "pods", namespace: "ns", name: "p" })
const createPod = KubeRequest.create({ resource: "pods", namespace: "ns" }, { metadata: { name: "p" } })
const ok = { status: 200, json: { kind: "Pod", metadata: { name: "p" } } } as const

const settle = Effect.forEach(Array.from({ length: 20 }), () => Effect.yieldNow(), { discard: true })

/** Runs `request` against a scripted mock in a forked fiber so tests can move the TestClock. */
const start = (
  replies: ReadonlyArray<MockServer.Reply>,
  request: KubeRequest.KubeRequest,
  options: { readonly retry?: RetryPolicy.Service; readonly rateLimit?: RateLimit.Service } = {}
) =>
  Effect.gen(function*() {
    const mock = MockServer.make(MockServer.script(replies))
    const fiber = yield* Effect.fork(
      Effect.gen(function*() {
        const client = yield* RestClient.RestClient
        return yield* client.executeRaw(request)
      }).pipe(Effect.provide(MockServer.restClientLayer(mock, options)))
    )
    yield* settle
    return { mock, fiber }
  })

describe("RetryPolicy.defaultShouldRetry", () => {
  const rule = (request: KubeRequest.KubeRequest, outcome: RetryPolicy.RetryInput["outcome"]) =>
    RetryPolicy.defaultShouldRetry({ request, attempt: 1, outcome })
  const after = Duration.seconds(1)
  it("follows the documented table", () => {
    expect(rule(createPod, { _tag: "Response", code: 429, retryAfter: after })).toBe(true)
    expect(rule(createPod, { _tag: "Response", code: 500, retryAfter: after })).toBe(true)
    expect(rule(createPod, { _tag: "Response", code: 503 })).toBe(false)
    expect(rule(createPod, { _tag: "Response", code: 429 })).toBe(false)
    expect(rule(getPod, { _tag: "Response", code: 429 })).toBe(false)
    expect(rule(getPod, { _tag: "Response", code: 503 })).toBe(true)
    expect(rule(getPod, { _tag: "Response", code: 504 })).toBe(true)
    expect(rule(getPod, { _tag: "Response", code: 500 })).toBe(false)
    expect(rule(getPod, { _tag: "Response", code: 404, retryAfter: after })).toBe(false)
    expect(rule(getPod, { _tag: "Transport", reason: "ConnectionReset", sent: true })).toBe(true)
    expect(rule(createPod, { _tag: "Transport", reason: "ConnectionReset", sent: true })).toBe(false)
    expect(rule(createPod, { _tag: "Transport", reason: "ConnectionRefused", sent: false })).toBe(true)
    expect(rule(getPod, { _tag: "Transport", reason: "Timeout", sent: true })).toBe(false)
    expect(RetryPolicy.defaultShouldRetry({
      request: createPod,
      attempt: 4,
      outcome: { _tag: "Transport", reason: "ConnectionRefused", sent: false }
    })).toBe(false)
    const watch = KubeRequest.watch({ resource: "pods" })
    expect(rule(watch, { _tag: "Response", code: 503 })).toBe(true)
  })
})

describe("RestClient retries", () => {
  it.effect("429 with Retry-After on a create waits at least Retry-After, then replays", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 429, headers: { "retry-after": "3" } }, ok], createPod)
      expect(mock.requests.length).toBe(1)
      yield* TestClock.adjust("2999 millis")
      yield* settle
      expect(mock.requests.length).toBe(1)
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      expect(response.status).toBe(200)
      expect(mock.requests.map((r) => r.method)).toEqual(["POST", "POST"])
      expect(mock.requests[1]!.body).toBe(`{"metadata":{"name":"p"}}`)
    }))

  it.effect("the backoff is the floor when Retry-After is shorter", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 503, headers: { "retry-after": "0" } }, ok], getPod)
      yield* TestClock.adjust("499 millis")
      yield* settle
      expect(mock.requests.length).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(mock.requests.length).toBe(2)
    }))

  it.effect("503 on a GET is retried with exponential backoff", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 503 }, { status: 503 }, ok], getPod)
      yield* TestClock.adjust("500 millis")
      yield* settle
      expect(mock.requests.length).toBe(2)
      yield* TestClock.adjust("999 millis")
      yield* settle
      expect(mock.requests.length).toBe(2)
      yield* TestClock.adjust("1 millis")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(mock.requests.length).toBe(3)
    }))

  it.effect("503 without Retry-After on a create is not replayed", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 503 }, ok], createPod)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error._tag).toBe("ServiceUnavailable")
      expect(mock.requests.length).toBe(1)
    }))

  it.effect("a connection reset on a GET is retried", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ fail: "ECONNRESET", message: "read ECONNRESET" }, ok], getPod)
      yield* TestClock.adjust("500 millis")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(mock.requests.length).toBe(2)
    }))

  it.effect("a connection reset on a create is not replayed", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ fail: "ECONNRESET", message: "read ECONNRESET" }, ok], createPod)
      const error = yield* Effect.flip(Fiber.join(fiber))
      if (!KubeError.isTransportError(error)) throw new Error(`expected TransportError, got ${error._tag}`)
      expect(error.reason).toBe("ConnectionReset")
      expect(error.sent).toBe(true)
      expect(error.message).toBe("POST https://k8s.test:6443/api/v1/namespaces/ns/pods: read ECONNRESET")
      expect(mock.requests.length).toBe(1)
    }))

  it.effect("connection refused is retried even for a create: nothing was sent", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ fail: "ECONNREFUSED" }, ok], createPod)
      yield* TestClock.adjust("500 millis")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(mock.requests.length).toBe(2)
    }))

  it.effect("a 500 without Retry-After is final", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 500, body: "boom" }, ok], getPod)
      expect((yield* Effect.flip(Fiber.join(fiber)))._tag).toBe("InternalError")
      expect(mock.requests.length).toBe(1)
    }))

  it.effect("maxRetries bounds the attempts and every attempt takes a rate-limiter token", () =>
    Effect.gen(function*() {
      let tokens = 0
      const rateLimit: RateLimit.Service = { take: () => Effect.sync(() => void tokens++) }
      const { fiber, mock } = yield* start([{ status: 503 }], getPod, {
        retry: RetryPolicy.make({ maxRetries: 2, jitter: false }),
        rateLimit
      })
      yield* TestClock.adjust("10 seconds")
      expect((yield* Effect.flip(Fiber.join(fiber)))._tag).toBe("ServiceUnavailable")
      expect(mock.requests.length).toBe(3)
      expect(tokens).toBe(3)
    }))

  it.effect("RetryPolicy.none sends once", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 429, headers: { "retry-after": "1" } }, ok], getPod, {
        retry: RetryPolicy.none
      })
      expect((yield* Effect.flip(Fiber.join(fiber)))._tag).toBe("TooManyRequests")
      expect(mock.requests.length).toBe(1)
    }))

  it.effect("jittered backoff stays under the cap", () =>
    Effect.gen(function*() {
      const { fiber, mock } = yield* start([{ status: 503 }], getPod, {
        retry: RetryPolicy.make({ maxRetries: 4, base: "1 second", cap: "2 seconds" })
      })
      // 4 retries at most 2s each (cap applied after jitter).
      yield* TestClock.adjust("8 seconds")
      expect((yield* Effect.flip(Fiber.join(fiber)))._tag).toBe("ServiceUnavailable")
      expect(mock.requests.length).toBe(5)
    }))
})

describe("retryOnConflict", () => {
  const conflict = new KubeError.Conflict({ method: "PUT", url: "u", code: 409, status: { reason: "Conflict" } })

  it.effect("retries on Conflict until the update succeeds", () =>
    Effect.gen(function*() {
      let calls = 0
      const update = Effect.suspend(() => ++calls < 3 ? Effect.fail(conflict) : Effect.succeed("updated"))
      const fiber = yield* Effect.fork(RetryPolicy.retryOnConflict(update))
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toBe("updated")
      expect(calls).toBe(3)
    }))

  it.effect("gives up after client-go's five attempts", () =>
    Effect.gen(function*() {
      let calls = 0
      const update = Effect.suspend(() => (calls++, Effect.fail(conflict)))
      const fiber = yield* Effect.fork(RetryPolicy.retryOnConflict(update))
      yield* TestClock.adjust("1 second")
      expect(yield* Effect.flip(Fiber.join(fiber))).toBe(conflict)
      expect(calls).toBe(5)
    }))

  it.effect("is dual: piped, with the default or a given schedule", () =>
    Effect.gen(function*() {
      let calls = 0
      const update = Effect.suspend(() => ++calls < 3 ? Effect.fail(conflict) : Effect.succeed("updated"))
      const fiber = yield* Effect.fork(update.pipe(RetryPolicy.retryOnConflict()))
      yield* TestClock.adjust("1 second")
      expect([yield* Fiber.join(fiber), calls]).toEqual(["updated", 3])
      calls = 0
      const always = Effect.suspend(() => (calls++, Effect.fail(conflict)))
      const once = always.pipe(RetryPolicy.retryOnConflict(Schedule.recurs(1)))
      expect(yield* Effect.flip(once)).toBe(conflict)
      expect(calls).toBe(2)
    }))

  it.effect("other errors are not retried", () =>
    Effect.gen(function*() {
      let calls = 0
      const notFound = new KubeError.NotFound({ method: "GET", url: "u", code: 404, status: {} })
      const update = Effect.suspend(() => (calls++, Effect.fail(notFound)))
      expect(yield* Effect.flip(RetryPolicy.retryOnConflict(update))).toBe(notFound)
      expect(calls).toBe(1)
    }))

  it.effect("works with the RestClient's decoded results", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(MockServer.script([
        { status: 200, json: { metadata: { resourceVersion: "1" } } },
        {
          status: 409,
          json: { kind: "Status", reason: "Conflict", code: 409, message: "the object has been modified" }
        },
        { status: 200, json: { metadata: { resourceVersion: "2" } } },
        { status: 200, json: { metadata: { resourceVersion: "3" } } }
      ]))
      const Obj = Schema.Struct({ metadata: Schema.Struct({ resourceVersion: Schema.String }) })
      const target = { resource: "configmaps", namespace: "ns", name: "c" }
      const program = Effect.gen(function*() {
        const client = yield* RestClient.RestClient
        return yield* RetryPolicy.retryOnConflict(Effect.gen(function*() {
          const current = yield* client.execute(KubeRequest.get(target), Obj)
          return yield* client.execute(KubeRequest.update(target, current), Obj)
        }))
      }).pipe(Effect.provide(MockServer.restClientLayer(mock)))
      const fiber = yield* Effect.fork(program)
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(fiber)).metadata.resourceVersion).toBe("3")
      expect(mock.requests.map((r) => r.method)).toEqual(["GET", "PUT", "GET", "PUT"])
    }))
})
