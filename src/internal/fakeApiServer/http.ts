/**
 * The two transports over one Router: an in-process HttpClient (no socket; streams stay streams through a web
 * ReadableStream) and a node:http / node:https server on 127.0.0.1.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import type { Auth, Router } from "./router.js"
import type { ApiReply, ApiRequest } from "./types.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const bodyBytes = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<Uint8Array | undefined, unknown> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(undefined)
    case "Uint8Array":
      return Effect.succeed(body.body)
    case "Raw":
      return Effect.succeed(
        typeof body.body === "string"
          ? encoder.encode(body.body)
          : body.body instanceof Uint8Array
          ? body.body
          : encoder.encode(JSON.stringify(body.body))
      )
    case "Stream":
      return body.stream.pipe(
        Stream.runCollect,
        Effect.map((chunks) => Buffer.concat([...chunks]))
      )
    case "FormData":
      return Effect.succeed(undefined)
  }
}

const contentTypeOf = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const header = request.headers["content-type"]
  if (header !== undefined) return header
  const body = request.body
  return body._tag === "Uint8Array" || body._tag === "Stream" ? body.contentType : undefined
}

const toWebResponse = (reply: ApiReply): Effect.Effect<Response> => {
  const headers = new Headers({ "content-type": reply.contentType, ...reply.headers })
  if (reply._tag === "Body") {
    return Effect.succeed(new Response(reply.status === 204 ? null : reply.body, { status: reply.status, headers }))
  }
  const binary = !reply.contentType.startsWith("application/json") && !reply.contentType.startsWith("text/")
  // Push-based: the stream runs in its own fiber of the caller's runtime and enqueues whole chunks, which costs far
  // less per event than a pull per element; cancelling the body interrupts the fiber (and unsubscribes the watch).
  return Effect.map(Effect.runtime<never>(), (runtime) => {
    const runFork = Runtime.runFork(runtime)
    let fiber: Fiber.RuntimeFiber<void> | undefined
    let pulled: (() => void) | undefined
    // Once the reader is `highWaterMark` chunks behind, the producer waits for its next pull: a reader that stops
    // reading stops the stream (and the watch's backlog bound applies) instead of growing this queue.
    const waitForPull = Effect.async<void>((resume) => {
      pulled = () => resume(Effect.void)
    })
    const readable = new ReadableStream<Uint8Array>({
      start(controller) {
        fiber = runFork(
          Stream.runForEachChunk(reply.stream, (chunk) =>
            Effect.suspend(() => {
              if (binary) {
                for (const piece of chunk) controller.enqueue(typeof piece === "string" ? encoder.encode(piece) : piece)
              } else {
                let text = ""
                for (const piece of chunk) text += typeof piece === "string" ? piece : decoder.decode(piece)
                controller.enqueue(encoder.encode(text))
              }
              return (controller.desiredSize ?? 1) > 0 ? Effect.void : waitForPull
            })).pipe(
              Effect.ensuring(Effect.sync(() => {
                try {
                  controller.close()
                } catch {
                  // already cancelled by the reader
                }
              }))
            )
        )
      },
      pull() {
        const resume = pulled
        pulled = undefined
        resume?.()
      },
      cancel() {
        if (fiber !== undefined) runFork(Fiber.interrupt(fiber))
      }
    }, { highWaterMark: 64 })
    return new Response(readable, { status: reply.status, headers })
  })
}

/** An HttpClient answering from the router in the caller's fiber: TestClock and interruption apply. */
export const inProcessClient = (router: Router, auth: Auth | undefined): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const bytes = yield* bodyBytes(request).pipe(
        Effect.mapError((cause) =>
          new HttpClientError.RequestError({
            request,
            reason: "Encode",
            cause,
            description: "reading the request body"
          })
        )
      )
      const headers: Record<string, string> = { ...request.headers }
      const contentType = contentTypeOf(request)
      if (contentType !== undefined) headers["content-type"] = contentType
      const apiRequest: ApiRequest = {
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: bytes === undefined ? undefined : decoder.decode(bytes),
        bytes
      }
      const reply = yield* router.handle(apiRequest, auth)
      const response = yield* toWebResponse(reply)
      return HttpClientResponse.fromWeb(request, response)
    })
  )

/** A node request handler running each request as a fiber of `runtime`, interrupted when the client goes away. */
export const nodeHandler = (router: Router, auth: Auth, runtime: Runtime.Runtime<never>) => {
  const runFork = Runtime.runFork(runtime)
  return (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    const chunks: Array<Buffer> = []
    const limit = router.options.limits.maxRequestBodyBytes
    let received = 0
    // Past the limit the rest is read and dropped: memory stays bounded and the client still gets its 413.
    req.on("data", (c: Buffer) => {
      received += c.length
      if (received <= limit) chunks.push(c)
      else chunks.length = 0
    })
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v
      }
      const bytes = chunks.length === 0 ? undefined : Buffer.concat(chunks)
      const apiRequest: ApiRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: bytes?.toString("utf8"),
        bytes,
        bodyTooLarge: received > limit
      }
      const fiber = runFork(
        Effect.gen(function*() {
          const reply = yield* router.handle(apiRequest, auth)
          const out: Record<string, string> = { "content-type": reply.contentType, ...reply.headers }
          if (reply._tag === "Body") {
            res.writeHead(reply.status, { ...out, "content-length": String(Buffer.byteLength(reply.body)) })
            res.end(req.method === "HEAD" ? undefined : reply.body)
            return
          }
          res.writeHead(reply.status, { ...out, "cache-control": "no-cache, private" })
          res.flushHeaders()
          // Waiting for 'drain' lets a client that does not read push back on the stream (the watch's backlog
          // bound then applies) instead of node buffering every event in the socket's write queue.
          yield* Stream.runForEach(reply.stream, (chunk) =>
            res.write(chunk)
              ? Effect.void
              : Effect.async<void>((resume) => {
                const done = () => {
                  res.off("drain", done)
                  res.off("close", done)
                  resume(Effect.void)
                }
                res.on("drain", done)
                res.on("close", done)
                return Effect.sync(() => {
                  res.off("drain", done)
                  res.off("close", done)
                })
              }))
          res.end()
        }).pipe(
          Effect.catchAllCause(() =>
            Effect.sync(() => {
              if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" })
              res.end()
            })
          )
        )
      )
      res.on("close", () => {
        if (!res.writableFinished) runFork(Fiber.interrupt(fiber))
      })
    })
  }
}
