/**
 * When and how long the RestClient waits before sending a failed request again.
 *
 * Defaults ({@link defaults}): at most 10 retries (client-go's limit for Retry-After responses); the wait is the
 * larger of an exponential backoff (500ms, doubling, jittered, capped at 10s) and the server's `Retry-After`.
 * What is retried ({@link defaultShouldRetry}):
 * - 429 and 5xx answers that carry `Retry-After`, for every verb: the server says it did not process the request;
 * - 503 and 504 without `Retry-After`, and connection resets, only for GET/HEAD (get, list, opening a watch);
 * - connection refused (and other failures before the request left), for every verb;
 * - never a TLS failure (a certificate that was not accepted, a refused handshake): it is not transient, and kubectl
 *   fails at once too.
 * Connection failures are retried at most {@link maxConnectionRetries} times, so an unreachable server fails in a
 * few seconds rather than after ten backoffs.
 * A create is therefore never replayed when the server may have acted on it. Every attempt takes a rate-limiter
 * token: retry sits outside the limiter.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type { TransportReason } from "./KubeError.js"
import { isConflict } from "./KubeError.js"
import * as KubeRequest from "./KubeRequest.js"

/**
 * What one failed attempt looked like.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryInput {
  readonly request: KubeRequest.KubeRequest
  /** Attempts made so far, including this one (1 after the first failure). */
  readonly attempt: number
  readonly outcome:
    | { readonly _tag: "Response"; readonly code: number; readonly retryAfter?: Duration.Duration | undefined }
    | { readonly _tag: "Transport"; readonly reason: TransportReason; readonly sent: boolean }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly maxRetries: number
  /** The backoff between attempts; its delays are the floor of each wait. Stopping early ends the retries. */
  readonly schedule: Schedule.Schedule<unknown, RetryInput>
  readonly shouldRetry: (input: RetryInput) => boolean
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RetryPolicy extends Context.Tag("effect-kube/RetryPolicy")<RetryPolicy, Service>() {}

/**
 * How many times {@link defaultShouldRetry} retries a request that got no HTTP answer.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxConnectionRetries = 3

/**
 * The rules listed in the module documentation.
 *
 * @since 0.1.0
 * @category predicates
 */
export const defaultShouldRetry = (input: RetryInput): boolean => {
  const safe = KubeRequest.isSafe(input.request)
  const outcome = input.outcome
  if (outcome._tag === "Response") {
    if (outcome.retryAfter !== undefined && (outcome.code === 429 || (outcome.code >= 500 && outcome.code <= 599))) {
      return true
    }
    return safe && (outcome.code === 503 || outcome.code === 504)
  }
  if (input.attempt > maxConnectionRetries || outcome.reason === "Tls") return false
  if (!outcome.sent) return true
  return safe && outcome.reason !== "Timeout"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly maxRetries?: number | undefined
  /** First backoff delay; default 500 millis. */
  readonly base?: Duration.DurationInput | undefined
  readonly factor?: number | undefined
  /** Longest backoff delay; default 10 seconds. */
  readonly cap?: Duration.DurationInput | undefined
  /** Randomise each delay by 80%..120%; default true. */
  readonly jitter?: boolean | undefined
  readonly shouldRetry?: ((input: RetryInput) => boolean) | undefined
}

/**
 * Exponential backoff with optional jitter and a cap.
 *
 * @since 0.1.0
 * @category constructors
 */
export const backoff = (options: Options = {}): Schedule.Schedule<unknown, RetryInput> => {
  const cap = Duration.decode(options.cap ?? Duration.seconds(10))
  const exponential = Schedule.exponential(options.base ?? Duration.millis(500), options.factor ?? 2)
  const jittered = options.jitter === false ? exponential : Schedule.jittered(exponential)
  return jittered.pipe(Schedule.modifyDelay((_, delay) => Duration.min(delay, cap)))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Service => ({
  maxRetries: options.maxRetries ?? 10,
  schedule: backoff(options),
  shouldRetry: options.shouldRetry ?? defaultShouldRetry
})

/**
 * The default policy.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: Service = make()

/**
 * Never retries.
 *
 * @since 0.1.0
 * @category constants
 */
export const none: Service = { maxRetries: 0, schedule: Schedule.stop, shouldRetry: () => false }

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<RetryPolicy> => Layer.succeed(RetryPolicy, make(options))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerDefault: Layer.Layer<RetryPolicy> = Layer.succeed(RetryPolicy, defaults)

/**
 * @since 0.1.0
 * @category layers
 */
export const layerNone: Layer.Layer<RetryPolicy> = Layer.succeed(RetryPolicy, none)

/**
 * client-go's `retry.DefaultRetry`: five attempts in all, 10ms apart with 10% jitter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultConflictSchedule: Schedule.Schedule<unknown, unknown> = Schedule.spaced(Duration.millis(10)).pipe(
  Schedule.jitteredWith({ min: 1, max: 1.1 }),
  Schedule.intersect(Schedule.recurs(4)),
  Schedule.asVoid
)

/**
 * Runs a read-modify-write `effect` again when it fails with `Conflict` (client-go's `retry.RetryOnConflict`); any
 * other failure, or the last Conflict once the schedule is exhausted, is returned as is. Dual:
 * `update.pipe(RetryPolicy.retryOnConflict())`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const retryOnConflict: {
  <E>(schedule?: Schedule.Schedule<unknown, E>): <A, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, schedule?: Schedule.Schedule<unknown, E>): Effect.Effect<A, E, R>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    schedule: Schedule.Schedule<unknown, E> = defaultConflictSchedule
  ): Effect.Effect<A, E, R> =>
    Effect.retry(effect, {
      schedule,
      while: (e: E) => isConflict(e)
    })
)
