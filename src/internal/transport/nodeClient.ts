/**
 * The HttpClient on node:http / node:https that the transport builds on its agents.
 *
 * It does what `NodeHttpClient.make` of @effect/platform-node does, minus costs that dominated a small GET in the
 * benchmark (bench/RESULTS.md): a request with an in-memory body is written with one `end()` call instead of a
 * concurrently forked writer fiber waiting for `finish`; the body is read with plain listeners and joined once (the
 * platform's `arrayBuffer` concatenates the buffer again on every chunk, which is quadratic); headers are converted
 * once per response. Streaming and FormData bodies are written as the platform does. Request spans, trace
 * propagation, interruption (the request is aborted) and `MaxBodySize` behave as with any `HttpClient.make` client.
 *
 * @internal
 */
import type * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeSink from "@effect/platform-node/NodeSink"
import * as NodeStream from "@effect/platform-node/NodeStream"
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
import type * as Exit from "effect/Exit"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"

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
    return NodeStream.fromReadable<HttpClientError.ResponseError, Uint8Array>(() => this.source, this.onError)
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

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.RequestError({ request, reason: "Transport", cause })

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
      resume(Effect.succeed(new NodeResponse(request, response)))
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
      Stream.mapError(body.stream, (cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause })),
      NodeSink.fromWritable(() => nodeRequest, (cause) => transportError(request, cause))
    )
  }
  return Effect.void
}

/** @internal */
export const make = (agent: NodeHttpClient.HttpAgent): HttpClient.HttpClient =>
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

/** A response read whole, straight from node:http; `headers` as Node gives them. */
export interface BufferedResponse {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly body: Buffer
}

/**
 * One request and its whole response without the platform client: no AbortController, no FinalizationRegistry, no
 * response wrapper. Interruption destroys the request. `headerTimeout` (ms) bounds the wait for the response headers
 * and fails with `onTimeout()` as the cause.
 *
 * @internal
 */
export const roundTrip = (
  agent: NodeHttpClient.HttpAgent,
  request: HttpClientRequest.HttpClientRequest,
  headers: Http.OutgoingHttpHeaders,
  headerTimeout: number | undefined,
  onTimeout: () => unknown
): Effect.Effect<BufferedResponse, HttpClientError.RequestError> =>
  Effect.withFiberRuntime((fiber) => {
    const max = Context.get(fiber.currentContext, IncomingMessage.MaxBodySize)
    const limit = Option.isSome(max) ? Number(max.value) : undefined
    let parts: { origin: string; path: string }
    try {
      parts = urlParts(request)
    } catch (cause) {
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause }))
    }
    const target = targetOf(parts.origin)
    const body = request.body
    return Effect.async<BufferedResponse, HttpClientError.RequestError>((resume) => {
      let done = false
      let timer: ReturnType<typeof setTimeout> | undefined
      const finish = (effect: Effect.Effect<BufferedResponse, HttpClientError.RequestError>) => {
        if (done) return
        done = true
        if (timer !== undefined) clearTimeout(timer)
        resume(effect)
      }
      const fail = (cause: unknown) => finish(Effect.fail(transportError(request, cause)))
      const options: Http.RequestOptions = {
        method: request.method,
        hostname: target.hostname,
        port: target.port,
        path: parts.path,
        headers
      }
      const nodeRequest = target.https
        ? Https.request({ ...options, agent: agent.https })
        : Http.request({ ...options, agent: agent.http })
      // Stays attached after the response: later socket errors must never become uncaught exceptions.
      nodeRequest.on("error", fail)
      nodeRequest.on("response", (response: Http.IncomingMessage) => {
        if (timer !== undefined) {
          clearTimeout(timer)
          timer = undefined
        }
        const chunks: Array<Buffer> = []
        let size = 0
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          if (limit !== undefined && size > limit) {
            fail(new Error("maxBytes exceeded"))
            nodeRequest.destroy()
          }
        })
        response.on("error", fail)
        response.on("end", () =>
          finish(Effect.succeed({
            status: response.statusCode!,
            headers: response.headers,
            body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
          })))
      })
      if (headerTimeout !== undefined) {
        timer = setTimeout(() => {
          fail(onTimeout())
          nodeRequest.destroy()
        }, headerTimeout)
      }
      if (body._tag === "Uint8Array" || body._tag === "Raw") nodeRequest.end(body.body)
      else nodeRequest.end()
      return Effect.sync(() => {
        done = true
        if (timer !== undefined) clearTimeout(timer)
        nodeRequest.destroy()
      })
    })
  })
