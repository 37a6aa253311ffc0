/**
 * Client-side rate limiting with client-go's semantics: a token bucket refilled at `qps` tokens per second holding at
 * most `burst` tokens. One limiter per layer, shared by every client built on it; a RestConfig with a negative qps
 * gets {@link unlimited}.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RestConfig from "./RestConfig.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Waits for a token. `describe` names the request (`GET:https://...`) for the slow-wait log line and is only
   * evaluated when the wait was long.
   */
  readonly take: (describe: () => string) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RateLimit extends Context.Tag("effect-kube/RateLimit")<RateLimit, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Tokens added per second. A negative value disables limiting; 0 means the default of 5, as in client-go. */
  readonly qps: number
  /** Bucket size; 0 means the default of 10. */
  readonly burst: number
  /** Waits at least this long are logged (client-go: longer than 1 second). */
  readonly logThreshold?: Duration.DurationInput | undefined
}

/**
 * A limiter that never waits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unlimited: Service = { take: () => Effect.void }

/**
 * Builds a token-bucket limiter that lives as long as `scope`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options) =>
  Effect.gen(function*() {
    if (options.qps < 0) return unlimited
    const qps = options.qps === 0 ? RestConfig.defaultQps : options.qps
    const burst = options.burst <= 0 ? RestConfig.defaultBurst : Math.floor(options.burst)
    const threshold = Duration.toMillis(Duration.decode(options.logThreshold ?? Duration.seconds(1)))
    return bucket(qps, burst, threshold, yield* Clock.currentTimeMillis)
  })

/**
 * client-go's limiter (golang.org/x/time/rate under `flowcontrol.NewTokenBucketRateLimiter`): tokens refill
 * continuously at `qps` up to `burst`; a take with no token left reserves the next one (the count goes negative)
 * and sleeps until it is due, so waiters are served in arrival order. Plain state, no fiber: a take that finds a
 * token costs one clock read (Effect's RateLimiter woke its refill fiber on every take, about half the client CPU
 * of a small GET in the pipeline). An interrupted wait gives its token back unless later waiters reserved after it.
 */
const bucket = (qps: number, burst: number, threshold: number, start: number): Service => {
  let tokens = burst
  let last = start
  // When the latest reservation is due: a cancelled reservation only returns what no later one depends on.
  let lastDue = start
  const perMilli = qps / 1000
  const advance = (now: number) => {
    if (now > last) {
      tokens = Math.min(burst, tokens + (now - last) * perMilli)
      last = now
    }
  }
  const cancel = (due: number) =>
    Effect.clockWith((clock) =>
      Effect.sync(() => {
        advance(clock.unsafeCurrentTimeMillis())
        const restore = 1 - Math.max(0, lastDue - due) * perMilli
        if (restore > 0) tokens = Math.min(burst, tokens + restore)
        if (due === lastDue) lastDue = due - 1 / perMilli
      })
    )
  const take = (describe: () => string): Effect.Effect<void> =>
    Effect.clockWith((clock) => {
      const now = clock.unsafeCurrentTimeMillis()
      advance(now)
      tokens -= 1
      if (tokens >= 0) return Effect.void
      // Rounded up to the millisecond (the clock's resolution), never early; the epsilon absorbs float error.
      const wait = Math.max(1, Math.ceil(-tokens / perMilli - 1e-6))
      const due = now + wait
      lastDue = Math.max(lastDue, due)
      return Effect.sleep(Duration.millis(wait)).pipe(
        Effect.onInterrupt(() => cancel(due)),
        Effect.zipRight(Effect.suspend(() => {
          const waited = clock.unsafeCurrentTimeMillis() - now
          return waited > threshold
            ? Effect.logInfo(
              `Waited for ${
                formatWait(waited)
              } due to client-side throttling, not priority and fairness, request: ${describe()}`
            )
            : Effect.void
        }))
      )
    })
  return { take }
}

const formatWait = (millis: number): string =>
  millis >= 1000 ? `${(millis / 1000).toFixed(3).replace(/\.?0+$/, "")}s` : `${millis}ms`

/**
 * A limiter with the given rate.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<RateLimit> => Layer.scoped(RateLimit, make(options))

/**
 * A limiter from the RestConfig's `qps` and `burst`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFromRestConfig: Layer.Layer<RateLimit, never, RestConfig.RestConfig> = Layer.scoped(
  RateLimit,
  Effect.flatMap(RestConfig.RestConfig, (config) => make({ qps: config.qps, burst: config.burst }))
)

/**
 * @since 0.1.0
 * @category layers
 * @deprecated Use {@link layerFromRestConfig}: in Effect's vocabulary `layerConfig` reads an Effect `Config`.
 */
export const layerConfig: Layer.Layer<RateLimit, never, RestConfig.RestConfig> = layerFromRestConfig

/**
 * No client-side limiting.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerUnlimited: Layer.Layer<RateLimit> = Layer.succeed(RateLimit, unlimited)
