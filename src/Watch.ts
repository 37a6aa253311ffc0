/**
 * Watches as Streams: the `WatchEvent` wire schema and the NDJSON decoding the RestClient applies to a watch
 * response. An `ERROR` event ends the stream with the typed error its Status maps to (a too-old resourceVersion
 * gives `Expired` or `Gone`: relist and watch again); the server closing the response (its `timeoutSeconds`
 * elapsed) ends the stream without error, and interrupting the stream closes the connection.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { decodeValue, parseJson, type RequestContext } from "./internal/restClient/decode.js"
import { lines } from "./internal/restClient/lines.js"
import { type ApiError, type DecodeError, fromStatus, Status } from "./KubeError.js"

/**
 * The object of a BOOKMARK event: only its kind and `metadata.resourceVersion` (and annotations such as
 * `k8s.io/initial-events-end`) are set.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Bookmark = Schema.Struct({
  kind: Schema.optional(Schema.String),
  apiVersion: Schema.optional(Schema.String),
  metadata: Schema.Struct({
    resourceVersion: Schema.String,
    annotations: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
  })
})

/**
 * @since 0.1.0
 * @category models
 */
export type Bookmark = typeof Bookmark.Type

/**
 * An event delivered by a watch stream. ERROR events never appear: they fail the stream.
 *
 * @since 0.1.0
 * @category models
 */
export type WatchEvent<A> =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED"; readonly object: A }
  | { readonly type: "BOOKMARK"; readonly object: Bookmark }

/**
 * An event as it arrives on the wire, ERROR included.
 *
 * @since 0.1.0
 * @category models
 */
export type WireEvent<A> = WatchEvent<A> | { readonly type: "ERROR"; readonly object: Status }

/**
 * The schema of one watch event line for objects of `object`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WatchEvent = <A, I>(object: Schema.Schema<A, I>) =>
  Schema.Union(
    Schema.Struct({ type: Schema.Literal("ADDED", "MODIFIED", "DELETED"), object }),
    Schema.Struct({ type: Schema.Literal("BOOKMARK"), object: Bookmark }),
    Schema.Struct({ type: Schema.Literal("ERROR"), object: Status })
  )

const EventType = Schema.Struct({ type: Schema.Literal("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR") })

/**
 * Decodes one NDJSON line into an event; an ERROR event becomes its mapped error. The object is decoded only after
 * the event type is known, so a DecodeError points at the object's field (`$.object.metadata.name`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEvent = <A, I>(
  schema: Schema.Schema<A, I>,
  line: string,
  ctx: RequestContext
): Either.Either<WatchEvent<A>, ApiError | DecodeError> =>
  Either.flatMap(parseJson(line, ctx), (json): Either.Either<WatchEvent<A>, ApiError | DecodeError> => {
    const head = decodeValue(EventType, json, ctx)
    if (Either.isLeft(head)) return Either.left(head.left)
    const type = head.right.type
    const object = (json as { readonly object?: unknown }).object
    const objectCtx = { ...ctx, pathPrefix: "$.object" }
    switch (type) {
      case "ERROR": {
        const status = decodeValue(Status, object ?? {}, objectCtx)
        if (Either.isLeft(status)) return Either.left(status.left)
        return Either.left(fromStatus({ ...ctx, code: status.right.code ?? 500, status: status.right }))
      }
      case "BOOKMARK":
        return Either.map(decodeValue(Bookmark, object, objectCtx), (bookmark) => ({ type, object: bookmark }))
      default:
        return Either.map(decodeValue(schema, object, objectCtx), (decoded) => ({ type, object: decoded }))
    }
  })

/**
 * Decodes a stream of text lines into events, failing on the first ERROR event with its mapped error. Blank lines
 * are skipped.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeLines = <A, I, E, R>(
  input: Stream.Stream<string, E, R>,
  schema: Schema.Schema<A, I>,
  ctx: RequestContext
): Stream.Stream<WatchEvent<A>, E | ApiError | DecodeError, R> =>
  input.pipe(
    Stream.filter((line) => line.trim() !== ""),
    Stream.mapEffect((line) => decodeEvent(schema, line, ctx))
  )

/**
 * Decodes a watch response body (bytes in arbitrary chunks) into events.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeBytes = <A, I, E, R>(
  body: Stream.Stream<Uint8Array, E, R>,
  schema: Schema.Schema<A, I>,
  ctx: RequestContext
): Stream.Stream<WatchEvent<A>, E | ApiError | DecodeError, R> => decodeLines(lines(body), schema, ctx)
