/**
 * The RestClient's contracts: its service interface, responses, list pages and the errors its calls fail with.
 * Re-exported by `RestClient`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { Service as CredentialsService } from "./CredentialsModel.js"
import type { KubeError } from "./KubeError.js"
import type { KubeRequest } from "./KubeRequest.js"
import type { Service as RestConfigService } from "./RestConfigModel.js"
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
