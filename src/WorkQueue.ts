/**
 * The work queue under every controller: client-go's `util/workqueue` rate-limiting, delaying queue. Keys (usually
 * `namespace/name`) are deduplicated while they wait, a key is never handed to two workers at once, and a key added
 * while a worker holds it is handed out again once that worker is done (client-go's dirty and processing sets).
 *
 * | client-go                                  | effect-kube                               |
 * | ------------------------------------------ | ----------------------------------------- |
 * | `workqueue.NewRateLimitingQueue(limiter)`  | `WorkQueue.make({ rateLimiter })`         |
 * | `q.Add(k)` / `q.AddAfter(k, d)`            | `queue.add(k)` / `queue.addAfter(k, d)`   |
 * | `q.AddRateLimited(k)` / `q.Forget(k)`      | `queue.addRateLimited(k)` / `queue.forget(k)` |
 * | `q.Get()` ... `q.Done(k)`                  | `queue.process(handler, { concurrency })` |
 * | `q.ShutDownWithDrain()`                    | `queue.shutdown` (drops waiting keys, awaits in-flight ones) |
 *
 * Metrics (effect/Metric, tagged `name=<queue name>`), as client-go's workqueue metrics provider names them:
 * `workqueue_depth`, `workqueue_adds_total`, `workqueue_queue_duration_seconds`, `workqueue_work_duration_seconds`,
 * `workqueue_retries_total`, `workqueue_unfinished_work_seconds`, `workqueue_longest_running_processor_seconds`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as WorkQueue from "effect-kube/WorkQueue"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const queue = yield* WorkQueue.make({ name: "pods" })
 *   yield* queue.add("default/nginx")
 *   yield* queue.add("default/nginx") // deduplicated: still one entry
 *   yield* Effect.fork(queue.process((key) => Effect.log(`reconcile ${key}`), { concurrency: 2 }))
 * }))
 * ```
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as limiters from "./internal/controller/rateLimiter.js"
import * as internal from "./internal/controller/workQueue.js"
import { metrics, type RateLimiter, type WorkQueue } from "./WorkQueueModel.js"

export type { Metrics, ProcessOptions, RateLimiter, WorkQueue } from "./WorkQueueModel.js"
export { metrics } from "./WorkQueueModel.js"

/**
 * client-go's `ItemExponentialFailureRateLimiter`: `base * 2^failures` per key, capped at `max`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const exponentialRateLimiter = (options: {
  readonly base: Duration.DurationInput
  readonly max: Duration.DurationInput
}): RateLimiter => limiters.exponential(internal.toMillis(options.base), internal.toMillis(options.max))

/**
 * client-go's `BucketRateLimiter`: one token bucket over all keys (`qps` refill, `burst` capacity), so a storm of
 * failures cannot retry faster than `qps` overall.
 *
 * @since 0.2.0
 * @category constructors
 */
export const bucketRateLimiter = (options: { readonly qps: number; readonly burst: number }): RateLimiter =>
  limiters.bucket(options.qps, options.burst)

/**
 * client-go's `MaxOfRateLimiter`: the longest delay of several limiters.
 *
 * @since 0.2.0
 * @category constructors
 */
export const maxOfRateLimiter = (...rateLimiters: ReadonlyArray<RateLimiter>): RateLimiter =>
  limiters.maxOf(rateLimiters)

/**
 * client-go's `DefaultControllerRateLimiter` (what controller-runtime uses): the slower of a per-key exponential
 * backoff from 5 ms doubling to 1000 s and a 10 qps, burst 100 token bucket. A fresh one per call: limiters hold
 * state.
 *
 * @since 0.2.0
 * @category constructors
 */
export const defaultControllerRateLimiter = (): RateLimiter =>
  limiters.maxOf([limiters.exponential(5, 1_000_000), limiters.bucket(10, 100)])

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** The `name` tag on the queue's metrics. Default "workqueue". */
  readonly name?: string | undefined
  /** Default {@link defaultControllerRateLimiter}. */
  readonly rateLimiter?: RateLimiter | undefined
}

/**
 * A queue living as long as the scope; closing the scope shuts it down.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<WorkQueue, never, Scope.Scope> =>
  internal.make(options.name ?? "workqueue", options.rateLimiter ?? defaultControllerRateLimiter(), metrics)
