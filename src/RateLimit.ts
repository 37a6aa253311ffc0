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
import * as RateLimiter from "effect/RateLimiter"
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
    // Effect's token bucket adds one token every interval/limit, so interval = burst / qps seconds.
    const limiter = yield* RateLimiter.make({ limit: burst, interval: Duration.millis((burst * 1000) / qps) })
    const threshold = Duration.toMillis(Duration.decode(options.logThreshold ?? Duration.seconds(1)))
    const take = (describe: () => string) =>
      Effect.gen(function*() {
        const start = yield* Clock.currentTimeMillis
        yield* limiter(Effect.void)
        const waited = (yield* Clock.currentTimeMillis) - start
        if (waited > threshold) {
          yield* Effect.logInfo(
            `Waited for ${
              formatWait(waited)
            } due to client-side throttling, not priority and fairness, request: ${describe()}`
          )
        }
      })
    return { take } satisfies Service
  })

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
