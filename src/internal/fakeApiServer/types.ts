/**
 * Shared shapes of the fake apiserver engine: the request as the engine sees it (already off the wire, transport
 * independent) and the reply it produces (a whole body or a stream of text chunks).
 */
import type * as Stream from "effect/Stream"

/** A JSON object as stored: plain data, never mutated once stored. */
export type Obj = Record<string, any>

export interface ApiRequest {
  readonly method: string
  /** Path without the query, percent-decoded segments are decoded by the router. */
  readonly path: string
  readonly query: URLSearchParams
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  /** The body as received, for binary media types (protobuf). */
  readonly bytes?: Uint8Array | undefined
  /** The body was over the size limit and was not kept (the node face stops buffering at the limit). */
  readonly bodyTooLarge?: boolean | undefined
}

export type ApiReply =
  | {
    readonly _tag: "Body"
    readonly status: number
    readonly contentType: string
    readonly body: string | Uint8Array
    readonly headers?: Readonly<Record<string, string>> | undefined
  }
  | {
    readonly _tag: "Stream"
    readonly status: number
    readonly contentType: string
    readonly stream: Stream.Stream<string | Uint8Array>
    readonly headers?: Readonly<Record<string, string>> | undefined
  }

export const json = (status: number, body: unknown, contentType = "application/json"): ApiReply => ({
  _tag: "Body",
  status,
  contentType,
  body: JSON.stringify(body)
})

export const text = (status: number, body: string, contentType = "text/plain; charset=utf-8"): ApiReply => ({
  _tag: "Body",
  status,
  contentType,
  body
})

export const isObj = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)

export const clone = <A>(a: A): A => structuredClone(a)
