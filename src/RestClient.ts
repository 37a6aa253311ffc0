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
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { Credentials, Service as CredentialsService } from "./Credentials.js"
import * as internal from "./internal/restClient/client.js"
import { lines as splitLines } from "./internal/restClient/lines.js"
import type { KubeError } from "./KubeError.js"
import type { KubeRequest } from "./KubeRequest.js"
import * as RateLimit from "./RateLimit.js"
import type { RestConfig, Service as RestConfigService } from "./RestConfig.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as warnings from "./WarningHandler.js"
import type { WatchEvent } from "./Watch.js"

/**
 * What `Credentials.authorize` fails with.
 *
 * @since 0.1.0
 * @category models
 */
export type CredentialsError = Effect.Effect.Error<ReturnType<CredentialsService["authorize"]>>

/**
 * Everything a RestClient call can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type RestClientError = KubeError | CredentialsError

/**
 * A successful response read whole.
 *
 * @since 0.1.0
 * @category models
 */
export interface RawResponse {
  readonly status: number
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly text: string
}

/**
 * One page of a paged list.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListPage<A> {
  readonly kind?: string | undefined
  readonly apiVersion?: string | undefined
  readonly resourceVersion?: string | undefined
  readonly continue?: string | undefined
  readonly remainingItemCount?: number | undefined
  readonly items: ReadonlyArray<A>
  /** True on the first page after an expired continue token made the list start again. */
  readonly restarted: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ListPagesOptions {
  /** Items per page when the request has no `limit` of its own; client-go's pager uses 500. */
  readonly pageSize?: number | undefined
  /** How many times an expired continue token may restart the list; default 3. */
  readonly maxRestarts?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly config: RestConfigService
  /** Sends the request and decodes the 2xx JSON body with `schema`. */
  readonly execute: <A, I>(request: KubeRequest, schema: Schema.Schema<A, I>) => Effect.Effect<A, RestClientError>
  /** Sends the request and returns the 2xx body as bytes and text. */
  readonly executeRaw: (request: KubeRequest) => Effect.Effect<RawResponse, RestClientError>
  /**
   * The 2xx body as it arrives (followed logs, proxied streams). The per-request timeout covers only the wait for the
   * response headers. Interrupting the stream closes the connection.
   */
  readonly stream: (request: KubeRequest) => Stream.Stream<Uint8Array, RestClientError>
  /** A watch (a `list` request is turned into a watch). See the `Watch` module for the event semantics. */
  readonly watch: <A, I>(
    request: KubeRequest,
    schema: Schema.Schema<A, I>
  ) => Stream.Stream<WatchEvent<A>, RestClientError>
  /**
   * Pages of a list, following `continue` tokens. `schema` decodes one item. When a continue token has expired (410
   * Expired), the list starts again from the first page (a new snapshot) and that page is marked `restarted`;
   * client-go's pager instead does one unpaged full list, which a stream cannot offer without repeating items it
   * already emitted.
   */
  readonly listPages: <A, I>(
    request: KubeRequest,
    schema: Schema.Schema<A, I>,
    options?: ListPagesOptions
  ) => Stream.Stream<ListPage<A>, RestClientError>
  /**
   * The items of every page. After a restart, items whose `metadata.uid` was already emitted are skipped, so each
   * object appears at most once (as it was in the snapshot it was first seen in).
   */
  readonly listAll: <A, I>(
    request: KubeRequest,
    schema: Schema.Schema<A, I>,
    options?: ListPagesOptions
  ) => Stream.Stream<A, RestClientError>
}

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
