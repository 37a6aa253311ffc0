/**
 * The work queue's contracts: its service interface, process options, metrics and the per-item rate limiter.
 * Re-exported by `WorkQueue`; defined apart from it so the implementations under `internal/` can use them without
 * importing the module that wires them.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import type * as Option from "effect/Option"

// ---------------------------------------------------------------------------------------------------------------
// rate limiters
// ---------------------------------------------------------------------------------------------------------------

/**
 * client-go's `workqueue.TypedRateLimiter`: how long a key waits before it is retried. `when` records a failure
 * and returns the delay in milliseconds given the current time (epoch milliseconds, from the queue's `Clock`).
 * Implementations are synchronous and keep their own state; the queue calls them one at a time.
 *
 * @since 0.2.0
 * @category models
 */
export interface RateLimiter {
  readonly when: (key: string, nowMillis: number) => number
  /** Clears the key's failure history (after a success). */
  readonly forget: (key: string) => void
  /** Failures recorded for the key since the last `forget`. */
  readonly numRequeues: (key: string) => number
}

// ---------------------------------------------------------------------------------------------------------------
// the queue
// ---------------------------------------------------------------------------------------------------------------

/**
 * @since 0.2.0
 * @category models
 */
export interface WorkQueue {
  readonly name: string
  /** Queues the key unless it is already waiting; a key being processed is queued again once it is done. */
  readonly add: (key: string) => Effect.Effect<void>
  /**
   * Adds the key after `delay` (client-go `AddAfter`). A key with a pending delayed add keeps the earlier of the
   * two times; a delay of zero or less adds now.
   */
  readonly addAfter: (key: string, delay: Duration.DurationInput) => Effect.Effect<void>
  /** Adds the key after the rate limiter's delay for it, counting a retry. */
  readonly addRateLimited: (key: string) => Effect.Effect<void>
  /** Resets the key's backoff (call it when the key was processed successfully). */
  readonly forget: (key: string) => Effect.Effect<void>
  /** Retries the rate limiter has counted for the key since the last `forget`. */
  readonly numRequeues: (key: string) => Effect.Effect<number>
  /**
   * The next key, waiting for one (client-go `Get`). The caller owns it until `done(key)`. `None` once the queue is
   * shut down.
   */
  readonly take: Effect.Effect<Option.Option<string>>
  /** Hands a taken key back (client-go `Done`); if it was added meanwhile, it is queued again. */
  readonly done: (key: string) => Effect.Effect<void>
  /** Keys waiting to be taken (not counting delayed ones). */
  readonly length: Effect.Effect<number>
  /** Keys currently taken and not yet done. */
  readonly inFlight: Effect.Effect<number>
  readonly isShutdown: Effect.Effect<boolean>
  /**
   * Stops the queue: waiting and delayed keys are dropped, later adds are ignored, blocked `take`s return `None`,
   * and the effect completes once every taken key is done. Idempotent.
   */
  readonly shutdown: Effect.Effect<void>
  /**
   * Runs `concurrency` workers, each taking a key, running `handler` and handing the key back, until the queue is
   * shut down. Interrupting it lets in-flight handlers run on for up to `gracePeriod` (default 30 s) before they
   * are interrupted too. A handler that dies is logged and its key handed back.
   */
  readonly process: <R>(
    handler: (key: string) => Effect.Effect<void, never, R>,
    options?: ProcessOptions
  ) => Effect.Effect<void, never, R>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ProcessOptions {
  /** Workers, at least 1. Default 1. */
  readonly concurrency?: number | undefined
  /** How long in-flight handlers may run on once `process` is interrupted. Default 30 seconds. */
  readonly gracePeriod?: Duration.DurationInput | undefined
}

// ---------------------------------------------------------------------------------------------------------------
// metrics
// ---------------------------------------------------------------------------------------------------------------

// client-go's buckets: 10^-8 s up to 10^1 s, factor 10.
const durationBoundaries = MetricBoundaries.exponential({ start: 1e-8, factor: 10, count: 10 })

/**
 * The queue's metrics. Each carries the queue's `name` as a tag.
 *
 * @since 0.2.0
 * @category constants
 */
export const metrics = {
  depth: Metric.gauge("workqueue_depth", { description: "Current depth of the work queue" }),
  adds: Metric.counter("workqueue_adds_total", { description: "Adds handled by the work queue", incremental: true }),
  queueLatency: Metric.histogram(
    "workqueue_queue_duration_seconds",
    durationBoundaries,
    "Seconds a key waits in the work queue before it is taken"
  ),
  workDuration: Metric.histogram(
    "workqueue_work_duration_seconds",
    durationBoundaries,
    "Seconds processing a key takes"
  ),
  retries: Metric.counter("workqueue_retries_total", {
    description: "Rate-limited retries handled by the work queue",
    incremental: true
  }),
  unfinishedWork: Metric.gauge("workqueue_unfinished_work_seconds", {
    description: "Seconds of work in progress not yet observed by work_duration"
  }),
  longestRunningProcessor: Metric.gauge("workqueue_longest_running_processor_seconds", {
    description: "Seconds the longest running processor has been running"
  })
} as const

/**
 * @since 0.2.0
 * @category models
 */
export type Metrics = typeof metrics
