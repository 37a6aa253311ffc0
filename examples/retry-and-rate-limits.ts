/**
 * Retries and client-side rate limiting, with faults injected into the fake apiserver:
 *
 * - a 429 with `Retry-After: 1` is retried after (at least) that second, as the server asked;
 * - a 503 on a GET is retried with exponential backoff, up to `maxRetries`, then surfaces as ServiceUnavailable;
 * - qps/burst: one token bucket shared by every client; the burst goes out at once, the rest at `qps` per second.
 *
 * client-go: `rest.Config{QPS: 5, Burst: 2}` and the client's built-in Retry-After handling (`WithRetry`).
 *
 *   npm run example examples/retry-and-rate-limits.ts     (fake only: it injects faults)
 */
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import type * as Kube from "effect-kube/Kube"
import * as RetryPolicy from "effect-kube/RetryPolicy"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { isMain, runOnFake, say } from "./support.js"

/** Every retry decision the policy made, for the printout. */
const decisions: Array<string> = []

/** The stack's tuning: a small bucket, and a retry policy with a short fixed backoff that reports its decisions. */
export const tuning: Kube.Tuning = {
  qps: 5,
  burst: 2,
  retry: {
    maxRetries: 3,
    base: "100 millis",
    factor: 2,
    jitter: false,
    shouldRetry: (input) => {
      const retry = RetryPolicy.defaultShouldRetry(input)
      const outcome = input.outcome._tag === "Response"
        ? `HTTP ${input.outcome.code}${
          input.outcome.retryAfter ? ` (Retry-After ${Duration.format(input.outcome.retryAfter)})` : ""
        }`
        : `transport ${input.outcome.reason}`
      decisions.push(
        `attempt ${input.attempt}: ${input.request.method} ${input.request.resource} -> ${outcome}, ${
          retry ? "retry" : "give up"
        }`
      )
      return retry
    }
  }
}

const elapsed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const a = yield* effect
    return [a, (yield* Clock.currentTimeMillis) - start] as const
  })

const flushDecisions = Effect.suspend(() =>
  Effect.forEach(decisions.splice(0), (d) => say(`  ${d}`), { discard: true })
)

export const program = Effect.gen(function*() {
  const fake = yield* FakeApiServer.FakeApiServer
  const cs = yield* Clientset.Clientset
  const ns = cs.restClient.config.namespace
  const configMaps = cs.coreV1.configMaps(ns)
  const path = `/api/v1/namespaces/${ns}/configmaps`

  // 1. Throttled by the server once, with Retry-After: 1.
  yield* fake.failNext({
    match: { method: "GET", path },
    times: 1,
    status: 429,
    reason: "TooManyRequests",
    retryAfterSeconds: 1
  })
  const [list, waited] = yield* elapsed(configMaps.list())
  yield* say(`429 + Retry-After: 1 -> listed ${list.items.length} configmaps after ${waited} ms`)
  yield* flushDecisions

  // 2. Unavailable more often than the policy allows: the typed error comes back after 1 + 3 attempts.
  yield* fake.failNext({
    match: { method: "GET", path },
    times: 5,
    status: 503,
    reason: "ServiceUnavailable",
    message: "etcd is unhealthy"
  })
  const [outcome, took] = yield* elapsed(
    configMaps.get("shop-config").pipe(
      Effect.as("got it"),
      Effect.catchTag("ServiceUnavailable", (e) => Effect.succeed(`ServiceUnavailable: ${e.status.message}`))
    )
  )
  yield* say(`503 x5, maxRetries 3 -> ${outcome} (after ${took} ms of 100/200/400 ms backoff)`)
  yield* flushDecisions
  const attempts = (yield* fake.requests).filter((r) => r.url.startsWith(`${path}/shop-config`)).length
  yield* say(`  the fake's request log shows ${attempts} attempts: the first and maxRetries = 3 retries`)
  yield* fake.clearFaults

  // Let the token bucket refill after the retries above.
  yield* Effect.sleep(Duration.millis(500))

  // 3. qps 5, burst 2: two requests leave at once, then one every 200 ms. Waits over a second are logged, as
  // client-go's "Waited for ... due to client-side throttling".
  const start = yield* Clock.currentTimeMillis
  const times = yield* Effect.forEach(
    [1, 2, 3, 4, 5, 6],
    () => Effect.zipRight(configMaps.get("shop-config"), Effect.map(Clock.currentTimeMillis, (t) => t - start)),
    { concurrency: "unbounded" }
  )
  yield* say(`6 concurrent gets with qps 5, burst 2 finished at ${times.map((t) => `${t}`).join(", ")} ms`)
})

if (isMain(import.meta.url)) runOnFake(program, { tuning })
