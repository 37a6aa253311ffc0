/**
 * Buffered exchanges: a request sent and its whole response read, as the RestClient needs for everything but
 * streams and watches.
 *
 * Any HttpClient can do this through {@link generic}. NodeTransport's client also carries a direct implementation
 * ({@link attach}) that drives node:http without the platform's per-request machinery (an AbortController, a
 * FinalizationRegistry entry, a URL parse, the response wrapper), which was most of the client CPU of a small GET.
 * The direct path is found by a symbol on the client object, so any wrapper a user puts around the client
 * (`HttpClient.mapRequest`, a test double) drops it and requests go through the wrapper as usual.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** A response read whole. */
export interface Buffered {
  readonly status: number
  /** Lower-cased names; repeated headers joined with ", " (set-cookie with "\n" is not expected from an apiserver). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

export type Exchange = (
  request: HttpClientRequest.HttpClientRequest
) => Effect.Effect<Buffered, HttpClientError.HttpClientError>

const ExchangeId: unique symbol = Symbol.for("effect-kube/internal/transport/Exchange")

/** The client, with `exchange` as its buffered fast path. */
export const attach = (client: HttpClient.HttpClient, exchange: Exchange): HttpClient.HttpClient =>
  Object.defineProperty(client, ExchangeId, { value: exchange, enumerable: false })

/** The whole body as bytes. Not `response.arrayBuffer`: @effect/platform-node 0.108 builds it quadratically. */
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

/** The exchange for any HttpClient: its own direct path when it has one, otherwise `execute` and a full read. */
export const exchangeFor = (client: HttpClient.HttpClient): Exchange => {
  const direct = (client as unknown as { readonly [ExchangeId]?: Exchange })[ExchangeId]
  return direct ?? ((request) => Effect.flatMap(client.execute(request), buffer))
}

/** Whether `client` carries a direct path (for tests). */
export const hasDirect = (client: HttpClient.HttpClient): boolean => ExchangeId in client
