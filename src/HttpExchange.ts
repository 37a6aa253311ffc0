/**
 * Buffered exchanges: a request sent and its whole response read, which is what the RestClient needs for every call
 * but watches and streams (logs, exec).
 *
 * Any `HttpClient` can do this: {@link exchangeOf} falls back to `execute` and a full read of the body. A client may
 * also carry an exchange of its own ({@link withExchange}): NodeTransport's does, driving node:http without the
 * platform's per-request machinery (an AbortController, a FinalizationRegistry entry, a URL parse, the response
 * wrapper), which was most of the client CPU of a small GET. An exchange is interruptible: interrupting the fiber
 * destroys the request.
 *
 * Wrapping a client with the platform's combinators (`HttpClient.mapRequest`, `HttpClient.filterStatusOk`, a test
 * double) gives a client without an exchange, so the RestClient then goes through `execute` and the wrapper sees
 * every request. To keep the fast path while changing requests, wrap with {@link mapRequest} /
 * {@link mapRequestEffect} from this module: both the client and its exchange see the change.
 *
 * @example
 * ```ts
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as HttpExchange from "effect-kube/HttpExchange"
 * import * as NodeTransport from "effect-kube/NodeTransport"
 *
 * // Every request carries a header, and the RestClient keeps NodeTransport's buffered path.
 * export const tagged = Layer.effect(
 *   HttpClient.HttpClient,
 *   Effect.map(HttpClient.HttpClient, HttpExchange.mapRequest(HttpClientRequest.setHeader("x-team", "platform")))
 * ).pipe(Layer.provide(NodeTransport.layer))
 * ```
 *
 * @since 0.2.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Stream from "effect/Stream"

/**
 * A response read whole.
 *
 * @since 0.2.0
 * @category models
 */
export interface Buffered {
  readonly status: number
  /** Lower-cased names; repeated headers joined with ", " (set-cookie with "\n" is not expected from an apiserver). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/**
 * Sends a request and reads its whole response. Fails as `HttpClient.execute` would.
 *
 * @since 0.2.0
 * @category models
 */
export type Exchange = (
  request: HttpClientRequest.HttpClientRequest
) => Effect.Effect<Buffered, HttpClientError.HttpClientError>

/**
 * The key under which a client carries its own exchange.
 *
 * @since 0.2.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("effect-kube/HttpExchange")

/**
 * @since 0.2.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * A client that carries its own buffered exchange.
 *
 * @since 0.2.0
 * @category models
 */
export interface WithExchange extends HttpClient.HttpClient {
  readonly [TypeId]: Exchange
}

/**
 * Whether `client` carries an exchange of its own.
 *
 * @since 0.2.0
 * @category guards
 */
export const hasExchange = (client: HttpClient.HttpClient): client is WithExchange => TypeId in client

/**
 * A copy of `client` carrying `exchange` as its buffered path. The exchange must behave as `execute` followed by a
 * full read would: same request on the wire, same failures.
 *
 * @since 0.2.0
 * @category constructors
 */
export const withExchange: {
  (exchange: Exchange): (client: HttpClient.HttpClient) => WithExchange
  (client: HttpClient.HttpClient, exchange: Exchange): WithExchange
} = dual(2, (client: HttpClient.HttpClient, exchange: Exchange): WithExchange => {
  // A copy, not the caller's object: the platform's clients keep their state in own fields over a shared prototype.
  const copy = Object.create(Object.getPrototypeOf(client)) as Record<PropertyKey, unknown>
  for (const key of Reflect.ownKeys(client)) {
    if (key !== TypeId) copy[key] = (client as unknown as Record<PropertyKey, unknown>)[key]
  }
  Object.defineProperty(copy, TypeId, { value: exchange, enumerable: false })
  return copy as unknown as WithExchange
})

/**
 * The whole body of a stream as bytes, joined once. (`response.arrayBuffer` of @effect/platform-node 0.108 joins
 * the buffer again on every chunk.)
 *
 * @since 0.2.0
 * @category utils
 */
export const readBytes = <E>(stream: Stream.Stream<Uint8Array, E>): Effect.Effect<Uint8Array, E> =>
  Effect.map(Stream.runCollect(stream), (chunks): Uint8Array => {
    if (chunks.length === 1) return Chunk.unsafeHead(chunks)
    let size = 0
    for (const chunk of chunks) size += chunk.length
    const out = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  })

const buffer = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<Buffered, HttpClientError.ResponseError> =>
  Effect.map(
    // A response without a body (a web Response built with `null`) has no stream at all.
    Effect.catchIf(
      readBytes(response.stream),
      (error) => error.reason === "EmptyBody",
      () => Effect.succeed(new Uint8Array(0))
    ),
    (body) => ({ status: response.status, headers: response.headers, body })
  )

/**
 * The generic exchange of any client: `execute`, then the whole body.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromExecute = (client: HttpClient.HttpClient): Exchange => (request) =>
  Effect.flatMap(client.execute(request), buffer)

/**
 * The exchange to use with `client`: its own when it carries one, otherwise {@link fromExecute}.
 *
 * @since 0.2.0
 * @category accessors
 */
export const exchangeOf = (client: HttpClient.HttpClient): Exchange =>
  hasExchange(client) ? client[TypeId] : fromExecute(client)

/**
 * `HttpClient.mapRequest` that keeps the client's exchange: requests on both paths go through `f`.
 *
 * @since 0.2.0
 * @category combinators
 */
export const mapRequest: {
  (
    f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest
  ): (client: HttpClient.HttpClient) => HttpClient.HttpClient
  (
    client: HttpClient.HttpClient,
    f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest
  ): HttpClient.HttpClient
} = dual(2, (
  client: HttpClient.HttpClient,
  f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest
): HttpClient.HttpClient => {
  const mapped = HttpClient.mapRequest(client, f)
  if (!hasExchange(client)) return mapped
  const own = client[TypeId]
  return withExchange(mapped, (request) => own(f(request)))
})

/**
 * `HttpClient.mapRequestEffect` that keeps the client's exchange: requests on both paths go through `f` (which fails
 * as a client would, with an `HttpClientError`).
 *
 * @since 0.2.0
 * @category combinators
 */
export const mapRequestEffect: {
  (
    f: (
      request: HttpClientRequest.HttpClientRequest
    ) => Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>
  ): (client: HttpClient.HttpClient) => HttpClient.HttpClient
  (
    client: HttpClient.HttpClient,
    f: (
      request: HttpClientRequest.HttpClientRequest
    ) => Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>
  ): HttpClient.HttpClient
} = dual(2, (
  client: HttpClient.HttpClient,
  f: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.HttpClientError>
): HttpClient.HttpClient => {
  const mapped = HttpClient.mapRequestEffect(client, f)
  if (!hasExchange(client)) return mapped
  const own = client[TypeId]
  return withExchange(mapped, (request) => Effect.flatMap(f(request), own))
})
