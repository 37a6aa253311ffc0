/**
 * An in-process `HttpClient` for tests: it answers each request from a script or a handler function and records what
 * it was sent. Nothing touches the network.
 *
 * ```ts
 * const mock = MockServer.make(MockServer.script([
 *   { status: 503 },                                  // first request
 *   { status: 200, json: { kind: "Pod" } }           // second request (and any later ones)
 * ]))
 * const layer = MockServer.restClientLayer(mock)      // RestClient over the mock, no rate limit, no retry backoff
 * // ... run the program with `layer`, then inspect mock.requests: method, url, headers, body, signal
 * ```
 *
 * Replies:
 * - `{ status, headers, json }` or `{ status, headers, body }` (text or bytes) for a whole body;
 * - `{ status, chunks }` for a body sent in pieces (strings or bytes, in order), `hold: true` to keep the response
 *   open after the last chunk until the client aborts (a watch that never ends);
 * - `{ fail: "ECONNRESET" }` (any Node error code) for a transport failure before a response.
 * `RecordedRequest.signal` is the request's AbortSignal: after a stream is interrupted, `signal.aborted` is true.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, type Service as CredentialsService } from "../../src/Credentials.js"
import * as RateLimit from "../../src/RateLimit.js"
import * as RestClient from "../../src/RestClient.js"
import { RestConfig, type Service as RestConfigService } from "../../src/RestConfig.js"
import * as RetryPolicy from "../../src/RetryPolicy.js"

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly signal: AbortSignal
}

export type Reply =
  | {
    readonly status?: number
    readonly headers?: Readonly<Record<string, string>>
    readonly json?: unknown
    readonly body?: string | Uint8Array
    readonly chunks?: ReadonlyArray<string | Uint8Array>
    readonly hold?: boolean
  }
  | { readonly fail: string; readonly message?: string }

export type Handler = (request: RecordedRequest, index: number) => Reply | Effect.Effect<Reply>

export interface MockServer {
  readonly client: HttpClient.HttpClient
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /** Every request received, in order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** The URLs received, in order. */
  readonly urls: () => ReadonlyArray<string>
}

/** Answers the n-th request with the n-th reply; requests after the last get the last reply again. */
export const script = (replies: ReadonlyArray<Reply>): Handler => (_, index) =>
  replies[Math.min(index, replies.length - 1)] ?? { status: 500, body: "mock script is empty" }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  if (body._tag === "Uint8Array") return decoder.decode(body.body)
  if (body._tag === "Raw") return typeof body.body === "string" ? body.body : String(body.body)
  return ""
}

const toBytes = (chunk: string | Uint8Array): Uint8Array => typeof chunk === "string" ? encoder.encode(chunk) : chunk

const respond = (
  request: HttpClientRequest.HttpClientRequest,
  reply: Reply,
  signal: AbortSignal
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  if ("fail" in reply) {
    const cause = Object.assign(new Error(reply.message ?? `mock transport failure ${reply.fail}`), {
      code: reply.fail
    })
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
  }
  const headers = new Headers(reply.headers ?? {})
  let body: ConstructorParameters<typeof Response>[0] = null
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json)
    if (!headers.has("content-type")) headers.set("content-type", "application/json")
  } else if (reply.body !== undefined) {
    body = typeof reply.body === "string" ? reply.body : new Uint8Array(reply.body)
  } else if (reply.chunks !== undefined) {
    const chunks = reply.chunks.map(toBytes)
    const hold = reply.hold === true
    body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        if (!hold) controller.close()
        else signal.addEventListener("abort", () => controller.error(new Error("aborted")), { once: true })
      }
    })
  }
  const status = reply.status ?? 200
  const nullBody = status === 204 || status === 304
  return Effect.succeed(
    HttpClientResponse.fromWeb(request, new Response(nullBody ? null : body, { status, headers }))
  )
}

export const make = (handler: Handler): MockServer => {
  const requests: Array<RecordedRequest> = []
  const client = HttpClient.make((request, url, signal) =>
    Effect.suspend(() => {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = String(v)
      const recorded: RecordedRequest = {
        method: request.method,
        url: url.toString(),
        headers,
        body: bodyText(request),
        signal
      }
      const index = requests.length
      requests.push(recorded)
      const reply = handler(recorded, index)
      return Effect.flatMap(Effect.isEffect(reply) ? reply : Effect.succeed(reply), (r) => respond(request, r, signal))
    })
  )
  return {
    client,
    layer: Layer.succeed(HttpClient.HttpClient, client),
    requests,
    urls: () => requests.map((r) => r.url)
  }
}

/** A RestConfig for tests, pointing at a host the mock answers for. */
export const testConfig = (overrides: Partial<RestConfigService> = {}): RestConfigService => ({
  server: "https://k8s.test:6443",
  tls: { insecure: false },
  disableCompression: false,
  auth: { _tag: "None" },
  namespace: "default",
  qps: -1,
  burst: 10,
  userAgent: "effect-kube/test",
  source: "test",
  ...overrides
})

/** Credentials that add a fixed bearer token and report whether invalidation helps. */
export const staticCredentials = (options: { readonly token?: string; readonly invalidate?: boolean } = {}) => {
  let invalidations = 0
  const service: CredentialsService = {
    authorize: (request) =>
      Effect.succeed(
        options.token === undefined
          ? request
          : HttpClientRequest.setHeader(request, "authorization", `Bearer ${options.token}`)
      ),
    invalidate: Effect.sync(() => {
      invalidations++
      return options.invalidate ?? false
    })
  }
  return { service, invalidations: () => invalidations, layer: Layer.succeed(Credentials, service) }
}

/**
 * A RestClient over `mock`. Defaults: no rate limit, RetryPolicy without jitter (so waits are exact under
 * TestClock), no credentials.
 */
export const restClientLayer = (
  mock: MockServer,
  options: {
    readonly config?: Partial<RestConfigService>
    readonly retry?: RetryPolicy.Service
    readonly rateLimit?: RateLimit.Service
    readonly credentials?: CredentialsService
    readonly warnings?: RestClient.WarningHandlerService
  } = {}
): Layer.Layer<RestClient.RestClient> => {
  const inputs = Layer.mergeAll(
    mock.layer,
    Layer.succeed(RestConfig, testConfig(options.config)),
    Layer.succeed(Credentials, options.credentials ?? staticCredentials().service),
    Layer.succeed(RateLimit.RateLimit, options.rateLimit ?? RateLimit.unlimited),
    Layer.succeed(RetryPolicy.RetryPolicy, options.retry ?? RetryPolicy.make({ jitter: false })),
    options.warnings === undefined ? Layer.empty : Layer.succeed(RestClient.WarningHandler, options.warnings)
  )
  return RestClient.layer.pipe(Layer.provide(inputs))
}
