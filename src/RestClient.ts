/**
 * The request pipeline, client-go's `rest.RESTClient`: renders a {@link KubeRequest.KubeRequest}, authorises it,
 * takes a rate-limiter token, sends it, retries by the {@link RetryPolicy.RetryPolicy}, maps failures to typed
 * errors (`KubeError`), passes `Warning` headers to the {@link WarningHandler} and decodes bodies with the caller's
 * Schema, keeping fields the Schema does not name.
 *
 * After a 401 it asks `Credentials.invalidate` whether fresh credentials could help and, if so, sends once more.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import type { Credentials } from "./Credentials.js"
import * as internal from "./internal/restClient/client.js"
import { lines as splitLines } from "./internal/restClient/lines.js"
import * as RateLimit from "./RateLimit.js"
import type { Service } from "./RestClientModel.js"
import type { RestConfig } from "./RestConfig.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as warnings from "./WarningHandler.js"

export type {
  CredentialsError,
  ListPage,
  ListPagesOptions,
  RawResponse,
  RestClientError,
  Service
} from "./RestClientModel.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class RestClient extends Context.Tag("effect-kube/RestClient")<RestClient, Service>() {}

/**
 * One `Warning` response header (RFC 7234: `299 - "text"`).
 *
 * @since 0.1.0
 * @category models
 */
export type Warning = warnings.Warning

/**
 * @since 0.1.0
 * @category models
 */
export type WarningHandlerService = warnings.WarningHandlerService

/**
 * Where `Warning` headers go. The default logs each distinct warning text once per process at warning level, like
 * kubectl's `Warning: ...` lines. Provide your own with `Layer.succeed(WarningHandler, ...)`, or
 * {@link collectWarnings} in tests.
 *
 * @since 0.1.0
 * @category tags
 */
export const WarningHandler: typeof warnings.WarningHandler = warnings.WarningHandler

/**
 * @since 0.1.0
 * @category tags
 */
export type WarningHandler = warnings.WarningHandler

/**
 * A handler that logs each distinct warning once, remembering texts in `seen`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const logOnce: (seen: Set<string>) => WarningHandlerService = warnings.logOnce

/**
 * A handler that drops warnings.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ignoreWarnings: WarningHandlerService = warnings.ignoreWarnings

/**
 * A handler that keeps every warning (duplicates included), and an effect reading them back.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collectWarnings: Effect.Effect<{
  readonly handler: WarningHandlerService
  readonly warnings: Effect.Effect<ReadonlyArray<Warning>>
}> = warnings.collectWarnings

/**
 * Splits a byte stream into lines (UTF-8, `\n` or `\r\n`), for example a followed log from {@link RestClient.stream}.
 *
 * @since 0.1.0
 * @category utils
 */
export const lines: <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<string, E, R> = splitLines

/**
 * Builds a RestClient from its inputs. The WarningHandler is read here (default when absent).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  HttpClient.HttpClient | RestConfig | Credentials | RateLimit.RateLimit | RetryPolicy.RetryPolicy
> = internal.make

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  RestClient,
  never,
  HttpClient.HttpClient | RestConfig | Credentials | RateLimit.RateLimit | RetryPolicy.RetryPolicy
> = Layer.effect(RestClient, make)

/**
 * The RestClient with a rate limiter from the RestConfig's qps/burst and the default RetryPolicy; both are also
 * provided, so other clients built on this layer share the same limiter.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithDefaults: Layer.Layer<
  RestClient | RateLimit.RateLimit | RetryPolicy.RetryPolicy,
  never,
  HttpClient.HttpClient | RestConfig | Credentials
> = layer.pipe(Layer.provideMerge(Layer.merge(RateLimit.layerFromRestConfig, RetryPolicy.layerDefault)))
