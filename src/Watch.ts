/**
 * Watches as Streams: the `WatchEvent` wire schema and the NDJSON decoding the RestClient applies to a watch
 * response. An `ERROR` event ends the stream with the typed error its Status maps to (a too-old resourceVersion
 * gives `Expired` or `Gone`: relist and watch again); the server closing the response (its `timeoutSeconds`
 * elapsed) ends the stream without error, and interrupting the stream closes the connection.
 *
 * @since 0.1.0
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { decoderFor, parseJson } from "./internal/restClient/decode.js"
import { type ApiError, DecodeError, fromStatus, type RequestContext, Status } from "./KubeError.js"
import { defaults as defaultLimits } from "./Limits.js"

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

// One context per request for errors inside events' objects, rather than a copy per event.
const objectContexts = new WeakMap<RequestContext, RequestContext>()

const objectContext = (ctx: RequestContext): RequestContext => {
  let objectCtx = objectContexts.get(ctx)
  if (objectCtx === undefined) {
    objectCtx = { ...ctx, pathPrefix: "$.object" }
    objectContexts.set(ctx, objectCtx)
  }
  return objectCtx
}

/**
 * The line decoder of one watch: the object's decoder is made once, not looked up per event.
 */
const eventDecoder = <A, I>(
  schema: Schema.Schema<A, I>
): (line: string, ctx: RequestContext) => Either.Either<WatchEvent<A>, ApiError | DecodeError> => {
  const decodeObject = decoderFor(schema)
  const decodeEventType = decoderFor(EventType)
  const decodeStatus = decoderFor(Status)
  const decodeBookmark = decoderFor(Bookmark)
  return (line, ctx) => {
    const json = parseJson(line, ctx)
    if (Either.isLeft(json)) return Either.left(json.left)
    const head = decodeEventType(json.right, ctx)
    if (Either.isLeft(head)) return Either.left(head.left)
    const type = head.right.type
    const object = (json.right as { readonly object?: unknown }).object
    const objectCtx = objectContext(ctx)
    switch (type) {
      case "ERROR": {
        const status = decodeStatus(object ?? {}, objectCtx)
        if (Either.isLeft(status)) return Either.left(status.left)
        return Either.left(fromStatus({ ...ctx, code: status.right.code ?? 500, status: status.right }))
      }
      case "BOOKMARK": {
        const bookmark = decodeBookmark(object, objectCtx)
        return Either.isLeft(bookmark) ? Either.left(bookmark.left) : Either.right({ type, object: bookmark.right })
      }
      default: {
        const decoded = decodeObject(object, objectCtx)
        return Either.isLeft(decoded) ? Either.left(decoded.left) : Either.right({ type, object: decoded.right })
      }
    }
  }
}

/**
 * Decodes one NDJSON line into an event; an ERROR event becomes its mapped error. The object is decoded only after
 * the event type is known, so a DecodeError points at the object's field (`$.object.metadata.name`).
 *
 * @since 0.1.0
 * @category conversions
 */
export const decodeEvent = <A, I>(
  schema: Schema.Schema<A, I>,
  line: string,
  ctx: RequestContext
): Either.Either<WatchEvent<A>, ApiError | DecodeError> => eventDecoder(schema)(line, ctx)

/**
 * Decodes a stream of text lines into events, failing on the first ERROR event with its mapped error. Blank lines
 * are skipped.
 *
 * @since 0.1.0
 * @category conversions
 */
export const decodeLines = <A, I, E, R>(
  input: Stream.Stream<string, E, R>,
  schema: Schema.Schema<A, I>,
  ctx: RequestContext
): Stream.Stream<WatchEvent<A>, E | ApiError | DecodeError, R> =>
  Stream.suspend(() => {
    const decode = eventDecoder(schema)
    return input.pipe(
      Stream.filter((line) => line.trim() !== ""),
      Stream.mapEffect((line) => decode(line, ctx))
    )
  })

/**
 * Decodes a watch response body (bytes in arbitrary chunks) into events.
 *
 * @since 0.1.0
 * @category conversions
 */
export const decodeBytes = <A, I, E, R>(
  body: Stream.Stream<Uint8Array, E, R>,
  schema: Schema.Schema<A, I>,
  ctx: RequestContext
): Stream.Stream<WatchEvent<A>, E | ApiError | DecodeError, R> =>
  Stream.pipeThroughChannelOrFail(body, Channel.suspend(() => eventsChannel<A, I, E>(schema, ctx)))

// What decodeLines(lines(body)) does, one network chunk at a time: lines are cut at "\n" bytes (never inside a
// UTF-8 sequence), each decoded on its own, and a chunk's events go downstream together. The per-line stream steps
// cost more than the JSON.parse they wrap (the benchmark's watch of 50,000 pods: bench/RESULTS.md).
const eventsChannel = <A, I, E>(
  schema: Schema.Schema<A, I>,
  ctx: RequestContext
): Channel.Channel<
  Chunk.Chunk<WatchEvent<A>>,
  Chunk.Chunk<Uint8Array>,
  ApiError | DecodeError | E,
  E,
  unknown,
  unknown
> => {
  // The unfinished line's pieces, joined once its end arrives: appending each chunk to it was quadratic.
  let pending: Array<Uint8Array> = []
  let pendingSize = 0
  const maxLine = ctx.maxResponseBytes ?? defaultLimits.maxResponseBytes
  const tooLong = (): DecodeError =>
    new DecodeError({
      method: ctx.method,
      url: ctx.url,
      path: "$",
      detail: `a watch event is larger than ${maxLine} bytes (Limits.maxResponseBytes)`
    })
  const takePending = (last: Uint8Array): Uint8Array => {
    pending.push(last)
    const joined = pending.length === 1 ? last : Buffer.concat(pending, pendingSize + last.length)
    pending = []
    pendingSize = 0
    return joined
  }
  let first = true
  const decode = eventDecoder(schema)
  const decodeLine = (bytes: Uint8Array, start: number, end: number, out: Array<WatchEvent<A>>) => {
    if (end > start && bytes[end - 1] === 13) end--
    if (end <= start) return undefined
    let line = Buffer.isBuffer(bytes)
      ? bytes.toString("utf8", start, end)
      : Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8")
    if (first) {
      first = false
      // TextDecoder, which decodeLines' callers use, drops a byte order mark at the start.
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1)
    }
    if (line.trim() === "") return undefined
    const event = decode(line, ctx)
    if (Either.isLeft(event)) return event.left
    out.push(event.right)
    return undefined
  }
  const emit = (out: Array<WatchEvent<A>>, error: ApiError | DecodeError | undefined) => {
    const written = out.length > 0 ? Channel.write(Chunk.unsafeFromArray(out)) : Channel.void
    return error === undefined ? written : Channel.zipRight(written, Channel.fail(error))
  }
  const loop: Channel.Channel<
    Chunk.Chunk<WatchEvent<A>>,
    Chunk.Chunk<Uint8Array>,
    ApiError | DecodeError | E,
    E,
    unknown,
    unknown
  > = Channel.readWithCause({
    onInput: (input: Chunk.Chunk<Uint8Array>) => {
      const out: Array<WatchEvent<A>> = []
      for (const chunk of input) {
        let start = 0
        let newline = chunk.indexOf(10)
        if (pending.length > 0 && newline !== -1) {
          if (pendingSize + newline > maxLine) return emit(out, tooLong())
          const joined = takePending(chunk.subarray(0, newline))
          const error = decodeLine(joined, 0, joined.length, out)
          if (error !== undefined) return emit(out, error)
          start = newline + 1
          newline = chunk.indexOf(10, start)
        }
        while (newline !== -1) {
          if (newline - start > maxLine) return emit(out, tooLong())
          const error = decodeLine(chunk, start, newline, out)
          if (error !== undefined) return emit(out, error)
          start = newline + 1
          newline = chunk.indexOf(10, start)
        }
        if (start < chunk.length) {
          // A copy: the transport may reuse the chunk's memory.
          pending.push(Uint8Array.from(chunk.subarray(start)))
          pendingSize += chunk.length - start
          if (pendingSize > maxLine) return emit(out, tooLong())
        }
      }
      return Channel.zipRight(emit(out, undefined), loop)
    },
    onFailure: (cause) => Channel.failCause(cause),
    onDone: () => {
      if (pending.length === 0) return Channel.void
      const last = takePending(new Uint8Array(0))
      const out: Array<WatchEvent<A>> = []
      return emit(out, decodeLine(last, 0, last.length, out))
    }
  })
  return loop
}
