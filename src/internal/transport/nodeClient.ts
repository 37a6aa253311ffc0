/**
 * The HttpClient on node:http / node:https that the transport builds on its agents.
 *
 * It does what `NodeHttpClient.make` of @effect/platform-node does, minus costs that dominated a small GET in the
 * benchmark (bench/RESULTS.md): a request with an in-memory body is written with one `end()` call instead of a
 * concurrently forked writer fiber waiting for `finish`; the body is read with plain listeners and joined once (the
 * platform's `arrayBuffer` concatenates the buffer again on every chunk, which is quadratic); headers are converted
 * once per response. Streaming and FormData bodies are written as the platform does. Request spans, trace
 * propagation, interruption (the request is aborted) and `MaxBodySize` behave as with any `HttpClient.make` client.
 */
import * as NodeSink from "@effect/platform-node/NodeSink"
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import * as Zlib from "node:zlib"
import { Handoff } from "../handoff.js"
import type { Agents } from "./agent.js"
import type * as direct from "./direct.js"
import { BodyTooLarge } from "./errors.js"
import { safeRequest } from "./redact.js"

const noop = () => {}

/** Reads the whole body once; `max` bounds its size (IncomingMessage.MaxBodySize). */
const readBody = (
  source: Http.IncomingMessage,
  max: number | undefined,
  onError: (cause: unknown) => HttpClientError.ResponseError
): Effect.Effect<Buffer, HttpClientError.ResponseError> =>
  Effect.async<Buffer, HttpClientError.ResponseError>((resume) => {
    if (source.readableEnded) {
      resume(Effect.fail(onError(new Error("the response body was already read"))))
      return
    }
    const chunks: Array<Buffer> = []
    let size = 0
    const cleanup = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onFailure)
    }
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (max !== undefined && size > max) {
        cleanup()
        source.destroy()
        resume(Effect.fail(onError(new Error("maxBytes exceeded"))))
      }
    }
    const onEnd = () => {
      cleanup()
      resume(Effect.succeed(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    }
    const onFailure = (cause: unknown) => {
      cleanup()
      resume(Effect.fail(onError(cause)))
    }
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onFailure)
    return Effect.sync(() => {
      cleanup()
      source.destroy()
    })
  })

/**
 * A streamed body: chunks are taken from `data` events as they arrive and handed downstream together, each read
 * taking everything queued. The platform's `fromReadable` pulls with `read()`, which copies all buffered chunks
 * into one new buffer on every read (about 3% of a watch's CPU in the benchmark). The source is paused while more
 * than `highWaterMark` bytes wait, so a slow consumer holds the socket back instead of buffering without bound.
 */
export const bodyStream = <E>(source: Readable, onError: (cause: unknown) => E): Stream.Stream<Uint8Array, E> =>
  Stream.unwrapScoped(Effect.suspend(() => {
    if (!source.readable) return Effect.succeed(Stream.empty)
    const highWaterMark = 1024 * 1024
    let queued = 0
    const handoff = new Handoff<Uint8Array, E>({
      onTake: () => {
        queued = 0
        if (source.isPaused()) source.resume()
      }
    })
    const onData = (chunk: Uint8Array) => {
      handoff.unsafeOffer(chunk)
      queued += chunk.length
      if (queued > highWaterMark) source.pause()
    }
    const onEnd = () => handoff.unsafeDone(Exit.void)
    const onFailure = (cause: unknown) => handoff.unsafeDone(Exit.fail(onError(cause)))
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onFailure)
    return Effect.as(
      Effect.addFinalizer(() =>
        Effect.sync(() => {
          source.off("data", onData)
          source.off("end", onEnd)
          source.off("error", onFailure)
          if (!source.closed) source.destroy()
        })
      ),
      handoff.stream
    )
  }))

const maxBodySize: Effect.Effect<number | undefined> = Effect.map(
  IncomingMessage.MaxBodySize,
  (size) => Option.isSome(size) ? Number(size.value) : undefined
)

class NodeResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private textResult: Exit.Exit<string, HttpClientError.ResponseError> | undefined
  private textWaiters: Array<(exit: Exit.Exit<string, HttpClientError.ResponseError>) => void> | undefined

  constructor(readonly request: HttpClientRequest.HttpClientRequest, readonly source: Http.IncomingMessage) {
    super()
  }

  private readonly onError = (cause: unknown) =>
    new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })

  get status(): number {
    return this.source.statusCode!
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers)
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.source.headers["set-cookie"]
    return this.cachedCookies = Array.isArray(header) ? Cookies.fromSetCookie(header) : Cookies.empty
  }

  get remoteAddress(): Option.Option<string> {
    return Option.fromNullable(this.source.socket?.remoteAddress)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return bodyStream(this.source, this.onError)
  }

  /** Read once and remembered, so `text` and `json` can both be used, as with the platform's responses. */
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.suspend(() => {
      if (this.textResult !== undefined) return this.textResult
      if (this.textWaiters !== undefined) {
        const waiters = this.textWaiters
        return Effect.async<string, HttpClientError.ResponseError>((resume) => {
          waiters.push(resume)
        })
      }
      this.textWaiters = []
      return Effect.flatMap(maxBodySize, (max) => readBody(this.source, max, this.onError)).pipe(
        Effect.map((buffer) => buffer.toString("utf8")),
        Effect.exit,
        Effect.flatMap((exit) => {
          this.textResult = exit
          const waiters = this.textWaiters ?? []
          this.textWaiters = undefined
          for (const waiter of waiters) waiter(exit)
          return exit
        })
      )
    })
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => text === "" ? null : JSON.parse(text) as unknown,
        catch: this.onError
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: this.onError
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.flatMap(
      maxBodySize,
      (max) =>
        Effect.map(
          readBody(this.source, max, this.onError),
          (buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer
        )
    )
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () => {
        const init: ResponseInit = { headers: new globalThis.Headers(this.source.headers as Record<string, string>) }
        if (this.source.statusCode) (init as { status?: number }).status = this.source.statusCode
        if (this.source.statusMessage) (init as { statusText?: string }).statusText = this.source.statusMessage
        return new Response(Readable.toWeb(this.source) as ReadableStream, init).formData()
      },
      catch: this.onError
    })
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

// The request was authorised by then: the error keeps a copy without credentials or body (see redact.ts).
const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.RequestError({ request: safeRequest(request), reason: "Transport", cause })

const waitForResponse = (
  nodeRequest: Http.ClientRequest,
  request: HttpClientRequest.HttpClientRequest,
  send: () => void
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
    const onError = (cause: unknown) => resume(Effect.fail(transportError(request, cause)))
    const onResponse = (response: Http.IncomingMessage) => {
      // Later socket errors surface on the response; a listener stays so they never become uncaught.
      nodeRequest.off("error", onError)
      nodeRequest.on("error", noop)
      resume(Effect.succeed(new NodeResponse(safeRequest(request), response)))
    }
    nodeRequest.on("error", onError)
    nodeRequest.on("response", onResponse)
    nodeRequest.on("upgrade", onResponse)
    send()
    return Effect.sync(() => {
      nodeRequest.off("error", onError)
      nodeRequest.on("error", noop)
      nodeRequest.off("response", onResponse)
      nodeRequest.off("upgrade", onResponse)
      nodeRequest.destroy()
    })
  })

/** Bodies produced over time; the request is written concurrently with waiting for the answer, as the platform does. */
const sendStreamingBody = (
  nodeRequest: Http.ClientRequest,
  request: HttpClientRequest.HttpClientRequest,
  body: HttpClientRequest.HttpClientRequest["body"]
): Effect.Effect<void, HttpClientError.RequestError> => {
  if (body._tag === "FormData") {
    const response = new Response(body.formData)
    response.headers.forEach((value, key) => nodeRequest.setHeader(key, value))
    return Effect.tryPromise({
      try: () => pipeline(Readable.fromWeb(response.body! as any), nodeRequest),
      catch: (cause) => transportError(request, cause)
    })
  }
  if (body._tag === "Stream") {
    return Stream.run(
      Stream.mapError(
        body.stream,
        (cause) => new HttpClientError.RequestError({ request: safeRequest(request), reason: "Encode", cause })
      ),
      NodeSink.fromWritable(() => nodeRequest, (cause) => transportError(request, cause))
    )
  }
  return Effect.void
}

export const make = (agent: Agents): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.suspend(() => {
      const options: Http.RequestOptions = {
        method: request.method,
        headers: request.headers,
        signal
      }
      const nodeRequest = url.protocol === "https:"
        ? Https.request(url, { ...options, agent: agent.https })
        : Http.request(url, { ...options, agent: agent.http })
      const body = request.body
      switch (body._tag) {
        case "Empty":
          return waitForResponse(nodeRequest, request, () => nodeRequest.end())
        case "Uint8Array":
        case "Raw":
          return waitForResponse(nodeRequest, request, () => nodeRequest.end(body.body))
        default:
          return Effect.zipRight(
            sendStreamingBody(nodeRequest, request, body),
            waitForResponse(nodeRequest, request, noop),
            { concurrent: true }
          )
      }
    })
  )

interface Target {
  readonly https: boolean
  readonly hostname: string
  readonly port: string | undefined
}

// Requests go to one server, so its origin is parsed once rather than once per request.
const targets = new Map<string, Target>()

const targetOf = (origin: string): Target => {
  let target = targets.get(origin)
  if (target === undefined) {
    const url = new URL(origin)
    // Node wants an IPv6 literal without its brackets.
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
    target = { https: url.protocol === "https:", hostname, port: url.port === "" ? undefined : url.port }
    if (targets.size > 64) targets.clear()
    targets.set(origin, target)
  }
  return target
}

const urlParts = (request: HttpClientRequest.HttpClientRequest): { origin: string; path: string } => {
  let url = request.url
  if (request.urlParams.length > 0 || Option.isSome(request.hash)) {
    url = UrlParams.makeUrl(url, request.urlParams, request.hash).pipe(
      Either.getOrThrowWith((cause) => cause)
    ).toString()
  }
  const scheme = url.indexOf("://")
  const slash = scheme < 0 ? -1 : url.indexOf("/", scheme + 3)
  // Anything but a plain escaped origin + path (which is what the RestClient renders) goes through URL parsing.
  if (slash < 0 || !safePath.test(url.slice(slash))) {
    const parsed = new URL(url)
    return { origin: parsed.origin, path: parsed.pathname + parsed.search }
  }
  return { origin: url.slice(0, slash), path: url.slice(slash) }
}

const safePath = /^\/[\x21-\x22\x24-\x7e]*$/

/** How {@link roundTrip} treats one request. */
export interface RoundTripOptions {
  /** Milliseconds to wait for the response headers. */
  readonly headerTimeout?: number | undefined
  /** The cause a header timeout fails with. */
  readonly onTimeout: () => unknown
  /** Turns a transport failure into what the caller fails with (TLS classification). */
  readonly classify: (error: HttpClientError.RequestError) => HttpClientError.HttpClientError
  /** Undo `Content-Encoding: gzip` (the caller asked for it). */
  readonly decompress: boolean
  /** Largest body accepted, compressed or inflated (`Limits.maxResponseBytes`). */
  readonly maxBytes?: number | undefined
}

/**
 * One request and its whole response without the platform client: no AbortController, no FinalizationRegistry, no
 * response wrapper, and a single asynchronous step (send, read, decompress).
 *
 * Interruption destroys the request, through an observer of the waiting fiber rather than the async step's
 * canceler. Effect wraps an async step that returns a canceler in an uninterruptible region with exit handlers;
 * on loopback GETs (bench/getLadder.ts) that wrapping doubled the garbage collection time of a request (2.5-2.8 ->
 * 5.1-6.4 µs of GC pauses a GET, the typed path 2.8-3.9 -> 6.4-9.7), although it costs about 1 µs in memory. An
 * interrupted fiber always exits (a timeout or a race runs its contender in a fiber of its own), so the request is
 * destroyed once that fiber's finalizers have run; a finished exchange removes its observer.
 */
export const roundTrip = (
  agent: Agents,
  request: HttpClientRequest.HttpClientRequest,
  headers: Http.OutgoingHttpHeaders,
  options: RoundTripOptions
): Effect.Effect<direct.Buffered, HttpClientError.HttpClientError> =>
  Effect.withFiberRuntime((fiber) => {
    const max = Context.get(fiber.currentContext, IncomingMessage.MaxBodySize)
    const platformLimit = Option.isSome(max) ? Number(max.value) : undefined
    const limit = platformLimit === undefined
      ? options.maxBytes
      : options.maxBytes === undefined
      ? platformLimit
      : Math.min(platformLimit, options.maxBytes)
    let parts: { origin: string; path: string }
    try {
      parts = urlParts(request)
    } catch (cause) {
      return Effect.fail(
        new HttpClientError.RequestError({ request: safeRequest(request), reason: "InvalidUrl", cause })
      )
    }
    const target = targetOf(parts.origin)
    const body = request.body
    return Effect.async<direct.Buffered, HttpClientError.HttpClientError>((resume) => {
      const exchange = new Exchange(resume, request, limit, options, fiber)
      const nodeOptions: Http.RequestOptions = {
        method: request.method,
        hostname: target.hostname,
        port: target.port,
        path: parts.path,
        headers,
        agent: target.https ? agent.https : agent.http
      }
      const nodeRequest = target.https ? Https.request(nodeOptions) : Http.request(nodeOptions)
      exchange.start(nodeRequest)
      if (body._tag === "Uint8Array" || body._tag === "Raw") nodeRequest.end(body.body)
      else nodeRequest.end()
    })
  })

/** Node's headers as strings; without the encoding headers once the body is decompressed. */
const headersOf = (source: Http.IncomingHttpHeaders, decompressed: boolean): Record<string, string> => {
  if (!decompressed && source["set-cookie"] === undefined) return source as Record<string, string>
  const headers: Record<string, string> = {}
  for (const name in source) {
    if (decompressed && (name === "content-encoding" || name === "content-length")) continue
    const value = source[name]!
    headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

const isGzip = (encoding: string | undefined): boolean =>
  encoding !== undefined && encoding.trim().toLowerCase() === "gzip"

type Resume = (effect: Effect.Effect<direct.Buffered, HttpClientError.HttpClientError>) => void

/**
 * The state of one buffered exchange. Everything it holds is dropped when it finishes, so a finished exchange that
 * the young generation happened to promote keeps nothing else alive.
 */
class Exchange {
  private node: Http.ClientRequest | undefined
  private chunks: Array<Buffer> | undefined
  private size = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private resume: Resume | undefined,
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly limit: number | undefined,
    private readonly options: RoundTripOptions,
    private fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  ) {}

  /** Called when the waiting fiber exits; only an interrupted fiber exits with the exchange still pending. */
  private readonly onFiberExit = (): void => this.cancel()

  start(node: Http.ClientRequest): void {
    this.node = node
    this.fiber!.addObserver(this.onFiberExit)
    // Stays attached after the response: later socket errors must never become uncaught exceptions.
    node.on("error", this.onError)
    node.on("response", this.onResponse)
    const { headerTimeout, onTimeout } = this.options
    if (headerTimeout !== undefined) {
      this.timer = setTimeout(() => {
        this.onError(onTimeout())
        node.destroy()
      }, headerTimeout)
    }
  }

  cancel(): void {
    const node = this.node
    this.finish()
    node?.destroy()
  }

  private finish(): Resume | undefined {
    const resume = this.resume
    this.resume = undefined
    this.fiber?.removeObserver(this.onFiberExit)
    this.fiber = undefined
    this.node = undefined
    this.chunks = undefined
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    return resume
  }

  private tooLarge(): unknown {
    const limit = this.limit!
    // The platform's own MaxBodySize keeps its historical cause.
    return limit === this.options.maxBytes
      ? new BodyTooLarge({ limit, url: this.request.url })
      : new Error("maxBytes exceeded")
  }

  private readonly onError = (cause: unknown): void => {
    this.finish()?.(Effect.fail(this.options.classify(transportError(this.request, cause))))
  }

  private readonly onResponse = (response: Http.IncomingMessage): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.chunks = []
    response.on("data", (chunk: Buffer) => {
      const chunks = this.chunks
      if (chunks === undefined) return
      chunks.push(chunk)
      this.size += chunk.length
      if (this.limit !== undefined && this.size > this.limit) {
        const node = this.node
        this.onError(this.tooLarge())
        node?.destroy()
      }
    })
    response.on("error", this.onError)
    response.on("end", () => {
      const chunks = this.chunks
      if (chunks === undefined) return
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size)
      const status = response.statusCode!
      if (!this.options.decompress || body.length === 0 || !isGzip(response.headers["content-encoding"])) {
        this.finish()?.(Effect.succeed({ status, headers: headersOf(response.headers, false), body }))
        return
      }
      const headers = headersOf(response.headers, true)
      // Still pending while the body inflates: an interruption now just drops the result.
      this.node = undefined
      this.chunks = undefined
      // The inflater stops at the limit: a small body may inflate to gigabytes.
      const inflateOptions: Zlib.ZlibOptions = this.limit === undefined ? {} : { maxOutputLength: this.limit }
      Zlib.gunzip(body, inflateOptions, (error, inflated) => {
        if (this.resume === undefined) return
        if (error !== null) {
          this.onError((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE" ? this.tooLarge() : error)
        } else this.finish()?.(Effect.succeed({ status, headers, body: inflated }))
      })
    })
  }
}
