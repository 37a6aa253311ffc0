/**
 * Bounds on what the client accepts from a server, a kubeconfig or a credential plugin, so a hostile or broken
 * peer gets a typed error instead of exhausting memory, the stack or patience.
 *
 * Defaults ({@link defaults}):
 * - `maxResponseBytes` 512,000,000: a buffered response body, after gzip inflation (the inflater stops there), and
 *   one watch event or log line. About the longest string V8 can hold (0x1fffffe8 characters), so every list a real
 *   apiserver returns fits; a larger body would crash the process while it is turned into text.
 * - `maxJsonDepth` 10,000: nesting of a decoded JSON body, Go's `encoding/json` limit (which the apiserver and
 *   client-go use), so any object a real server stores decodes.
 * - `execTimeout` 5 minutes: how long an exec credential plugin may run before it is killed and fails with
 *   `CredentialsError` reason `ExecTimeout` (client-go has no bound; an interactive login needs minutes, a stuck
 *   plugin would otherwise hang every request).
 *
 * Exceeding a response limit fails with `DecodeError` whose detail names the limit (`Limits.maxResponseBytes`,
 * `Limits.maxJsonDepth`). Change them with {@link layer} or `Effect.provideService(Limits, ...)` around the code
 * that builds the clients (the RestClient reads them when it is made).
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly maxResponseBytes: number
  readonly maxJsonDepth: number
  readonly execTimeout: Duration.Duration
}

/**
 * @since 0.2.0
 * @category constants
 */
export const defaults: Service = {
  maxResponseBytes: 512_000_000,
  maxJsonDepth: 10_000,
  execTimeout: Duration.minutes(5)
}

/**
 * The limits in effect; {@link defaults} unless provided.
 *
 * @since 0.2.0
 * @category tags
 */
export class Limits extends Context.Reference<Limits>()("effect-kube/Limits", { defaultValue: () => defaults }) {}

/**
 * The defaults with `options` overriding some of them.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Partial<Service>): Service => ({ ...defaults, ...options })

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Partial<Service>): Layer.Layer<Limits> => Layer.succeed(Limits, make(options))
