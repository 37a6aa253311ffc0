/**
 * The RestClient pipeline: prepare -> [retry: rate limit -> authorise -> send -> classify] -> decode.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Credentials } from "../../Credentials.js"
import * as HttpExchange from "../../HttpExchange.js"
import {
  type ApiError,
  DecodeError,
  fromStatus,
  genericStatus,
  InvalidRequest,
  isExpired,
  isUnauthorized,
  Status,
  type Status as StatusType,
  TransportError
} from "../../KubeError.js"
import * as KubeRequest from "../../KubeRequest.js"
import { Limits } from "../../Limits.js"
import * as RateLimitModule from "../../RateLimit.js"
import { RateLimit } from "../../RateLimit.js"
import type {
  ListPage,
  ListPagesOptions,
  RawResponse,
  RestClientError,
  Service as RestClientService
} from "../../RestClientModel.js"
import { RestConfig } from "../../RestConfig.js"
import { type RetryInput, RetryPolicy } from "../../RetryPolicy.js"
import { WarningHandler } from "../../WarningHandler.js"
import * as Watch from "../../Watch.js"
import { decodeValue, parseJson, type RequestContext } from "./decode.js"
import { credentialsCause, fromCause } from "./transport.js"
import { parseWarnings } from "./warnings.js"

interface Prepared {
  readonly request: KubeRequest.KubeRequest
  readonly method: string
  readonly url: string
  readonly http: HttpClientRequest.HttpClientRequest
  readonly maxJsonDepth: number
  readonly maxResponseBytes: number
}

interface Failure {
  readonly error: RestClientError
  readonly outcome?: RetryInput["outcome"] | undefined
}

type Headers = Readonly<Record<string, string | undefined>>

/** UTF-8 text of a body without copying the bytes. */
const utf8 = (body: Uint8Array): string => Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8")

const reasonPhrases: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  410: "Gone",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** kubectl's `-v=6` line: `GET https://host/api/v1/pods 200 OK in 3 milliseconds`. */
export const requestLogLine = (method: string, url: string, status: number, millis: number): string =>
  `${method} ${url} ${status} ${reasonPhrases[status] ?? ""} in ${Math.round(millis)} milliseconds`.replace(
    "  ",
    " "
  )

/** Retry-After in its seconds form (client-go reads only that form). */
export const parseRetryAfter = (value: string | undefined): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (!/^\d+$/.test(trimmed)) return undefined
  return Duration.seconds(Number(trimmed))
}

/** The Status in an error body, or the one client-go would make up for a body that is not a Status. */
export const statusFromBody = (code: number, text: string, ctx: RequestContext): StatusType => {
  const json = parseJson(text, ctx)
  if (Either.isRight(json) && typeof json.right === "object" && json.right !== null) {
    const record = json.right as { kind?: unknown }
    if (record.kind === "Status") {
      const decoded = decodeValue(Status, json.right, ctx)
      if (Either.isRight(decoded)) return decoded.right
    }
  }
  return genericStatus(code, text)
}

const ListMeta = Schema.Struct({
  resourceVersion: Schema.optional(Schema.String),
  continue: Schema.optional(Schema.String),
  remainingItemCount: Schema.optional(Schema.Number)
})

const listSchema = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({
    kind: Schema.optional(Schema.String),
    apiVersion: Schema.optional(Schema.String),
    metadata: Schema.optional(ListMeta),
    items: Schema.optional(Schema.NullOr(Schema.Array(item)))
  })

const textDecoder = new TextDecoder()

/** A server URL that cannot be requested: every call fails with this instead of a defect. */
const checkServer = (server: string): InvalidRequest | undefined => {
  let url: URL
  try {
    url = new URL(server)
  } catch {
    return new InvalidRequest({ detail: `the server URL ${JSON.stringify(server)} does not parse as a URL` })
  }
  return url.protocol === "http:" || url.protocol === "https:"
    ? undefined
    : new InvalidRequest({ detail: `the server URL ${JSON.stringify(server)} must use http or https` })
}

const bodyTooLarge = (cause: unknown): number | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    if ((current as { _tag?: unknown })._tag === "BodyTooLarge") return (current as { limit: number }).limit
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const tooLargeError = (prepared: Prepared, limit: number): DecodeError =>
  new DecodeError({
    method: prepared.method,
    url: prepared.url,
    path: "$",
    detail: `the response body is larger than ${limit} bytes (Limits.maxResponseBytes)`
  })

/**
 * The media types a JSON client decodes (client-go's negotiator: JSON, and no content type at all means the one
 * asked for). Anything else, an HTML login page from a proxy say, is refused as client-go refuses it.
 */
const isJsonMediaType = (contentType: string | undefined): boolean => {
  if (contentType === undefined || contentType === "") return true
  const semicolon = contentType.indexOf(";")
  const media = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
  return media === "application/json"
}

const checkMediaType = (prepared: Prepared, contentType: string | undefined): Effect.Effect<void, DecodeError> =>
  isJsonMediaType(contentType) ? Effect.void : Effect.fail(
    new DecodeError({
      method: prepared.method,
      url: prepared.url,
      path: "$",
      // client-go's words when no decoder exists for the response's content type.
      detail: `serializer for ${contentType!.split(";")[0]!.trim()} doesn't exist`
    })
  )

/** Whether a Debug line would be logged under this minimum level. */
const debugEnabled = (minimum: LogLevel.LogLevel): boolean => LogLevel.lessThanEqual(minimum, LogLevel.Debug)

export const make = Effect.gen(function*() {
  const httpClient = yield* HttpClient.HttpClient
  const config = yield* RestConfig
  const credentials = yield* Credentials
  const rateLimit = yield* RateLimit
  const policy = yield* RetryPolicy
  const warnings = yield* WarningHandler
  const limits = yield* Limits
  const serverProblem = checkServer(config.server)

  // Plain synchronous work: a small GET is dominated by per-request overhead, so no generator or Effect here.
  const prepare = (input: KubeRequest.KubeRequest): Either.Either<Prepared, RestClientError> => {
    if (serverProblem !== undefined) return Either.left(serverProblem)
    const validated = KubeRequest.validate(input)
    if (Either.isLeft(validated)) return Either.left(validated.left)
    const valid = validated.right
    const request = valid.timeout === undefined && config.timeout !== undefined
      ? KubeRequest.timeout(valid, config.timeout)
      : valid
    const url = KubeRequest.url(request, config.server)
    // Header by header: the platform's `headers` option copies through object spreads of its Headers objects,
    // which V8 does slowly (their prototype is not Object.prototype): 0.8 µs a request against 0.2.
    let http = HttpClientRequest.setHeader(
      HttpClientRequest.make(request.method)(url),
      "accept",
      request.absPath !== undefined ? "application/json, */*" : "application/json"
    )
    http = HttpClientRequest.setHeader(http, "user-agent", config.userAgent)
    for (const name in request.headers) {
      const value = request.headers[name]
      if (value !== undefined) http = HttpClientRequest.setHeader(http, name, value)
    }
    const body = request.body
    if (body !== undefined) {
      const contentType = KubeRequest.contentType(request)!
      http = body._tag === "Json"
        ? HttpClientRequest.bodyText(http, JSON.stringify(body.value), contentType)
        : HttpClientRequest.bodyUint8Array(http, body.bytes, contentType)
    }
    return Either.right({
      request,
      method: request.method,
      url,
      http,
      maxJsonDepth: limits.maxJsonDepth,
      maxResponseBytes: limits.maxResponseBytes
    })
  }

  // The client's own buffered exchange when it carries one (NodeTransport's, or a wrapper made with
  // HttpExchange.mapRequest), else `execute` and a full read: either way through the HttpClient the layer was given.
  const exchange = HttpExchange.exchangeOf(httpClient)

  const handleWarnings = (prepared: Prepared, header: string) =>
    Effect.forEach(
      parseWarnings(header),
      (warning) => warnings.handle(warning, { method: prepared.method, url: prepared.url }),
      { discard: true }
    )

  const transportFailure = (prepared: Prepared, cause: unknown): Failure => {
    const credentialsError = credentialsCause(cause)
    if (credentialsError !== undefined) return { error: credentialsError as RestClientError }
    const tooLarge = bodyTooLarge(cause)
    // Not retried: the same server would send the same body.
    if (tooLarge !== undefined) return { error: tooLargeError(prepared, tooLarge) }
    const error = fromCause(prepared.method, prepared.url, cause)
    return { error, outcome: { _tag: "Transport", reason: error.reason, sent: error.sent } }
  }

  const timeoutFailure = (prepared: Prepared, timeout: Duration.Duration): Failure => {
    const error = new TransportError({
      method: prepared.method,
      url: prepared.url,
      reason: "Timeout",
      sent: true,
      detail: `the request timed out after ${Duration.format(timeout)}`
    })
    return { error, outcome: { _tag: "Transport", reason: "Timeout", sent: true } }
  }

  /** The `-v=6` line costs two clock reads and a string per request: it is only built when Debug is enabled. */
  const timed = <A extends { readonly status: number }>(
    prepared: Prepared,
    effect: Effect.Effect<A, Failure>
  ): Effect.Effect<A, Failure> =>
    Effect.withFiberRuntime((fiber) => {
      if (!debugEnabled(fiber.getFiberRef(FiberRef.currentMinimumLogLevel))) return effect
      return Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.tap(effect, (response) =>
          Effect.flatMap(Clock.currentTimeMillis, (end) =>
            Effect.logDebug(requestLogLine(prepared.method, prepared.url, response.status, end - start)))))
    })

  const apiFailure = (prepared: Prepared, status: number, headers: Headers, text: string): Failure => {
    const ctx = { method: prepared.method, url: prepared.url }
    const statusObject = statusFromBody(status, text, ctx)
    const error: ApiError = fromStatus({ ...ctx, code: status, status: statusObject, body: text })
    const retryAfter = parseRetryAfter(headers["retry-after"])
    return { error, outcome: { _tag: "Response", code: status, retryAfter } }
  }

  const authorize = (prepared: Prepared) =>
    Effect.mapError(credentials.authorize(prepared.http), (error): Failure => ({ error }))

  /** A buffered attempt: the whole body is read as part of it (every call but streams and watches). */
  const bufferedAttempt = (prepared: Prepared): Effect.Effect<HttpExchange.Buffered, Failure> =>
    Effect.flatMap(authorize(prepared), (authorized) =>
      timed(
        prepared,
        Effect.mapError(exchange(authorized), (cause) => transportFailure(prepared, cause))
      )).pipe(
        Effect.flatMap((response) => {
          const status = response.status
          // Only clients without the direct path get here with an oversized body, but before it becomes a string.
          if (response.body.length > prepared.maxResponseBytes) {
            return Effect.fail({ error: tooLargeError(prepared, prepared.maxResponseBytes) })
          }
          const checked = status >= 200 && status < 300
            ? Effect.succeed(response)
            : Effect.fail(apiFailure(prepared, status, response.headers, textDecoder.decode(response.body)))
          const header = response.headers["warning"]
          return header === undefined || header === ""
            ? checked
            : Effect.zipRight(handleWarnings(prepared, header), checked)
        })
      )

  /** A streaming attempt: the response is handed over once its headers are in. */
  const streamingAttempt = (prepared: Prepared): Effect.Effect<HttpClientResponse.HttpClientResponse, Failure> =>
    Effect.flatMap(authorize(prepared), (authorized) =>
      timed(
        prepared,
        Effect.mapError(httpClient.execute(authorized), (cause) => transportFailure(prepared, cause))
      )).pipe(
        Effect.flatMap((response) => {
          const status = response.status
          const checked = status >= 200 && status < 300 ? Effect.succeed(response) : Effect.flatMap(
            Effect.orElseSucceed(response.text, () => ""),
            (text) => Effect.fail(apiFailure(prepared, status, response.headers, text))
          )
          const header = response.headers["warning"]
          return header === undefined || header === ""
            ? checked
            : Effect.zipRight(handleWarnings(prepared, header), checked)
        })
      )

  /** One attempt under the request's timeout, after a rate-limiter token. */
  const limit = <A>(prepared: Prepared, exchange: Effect.Effect<A, Failure>): Effect.Effect<A, Failure> => {
    const timeout = prepared.request.timeout
    const limited = timeout === undefined || Duration.toMillis(timeout) <= 0
      ? exchange
      : Effect.timeoutFail(exchange, { duration: timeout, onTimeout: () => timeoutFailure(prepared, timeout) })
    return rateLimit === RateLimitModule.unlimited
      ? limited
      : Effect.zipRight(rateLimit.take(() => `${prepared.method}:${prepared.url}`), limited)
  }

  /** Prepares the request, then attempts until success, a failure that is not retried, or the policy gives up. */
  const run = <A, B>(
    input: KubeRequest.KubeRequest,
    attempt: (prepared: Prepared) => Effect.Effect<A, Failure>,
    done: (prepared: Prepared, value: A) => Effect.Effect<B, RestClientError>
  ): Effect.Effect<B, RestClientError> =>
    // Suspended so the request is prepared when the effect runs (a bad server URL is a defect, not a throw).
    Effect.suspend(() => {
      const ready = prepare(input)
      if (Either.isLeft(ready)) return Effect.fail(ready.left)
      const prepared = ready.right
      const once = limit(prepared, attempt(prepared))
      return Effect.flatMap(
        Effect.catchAll(once, (failure) => retrying(prepared, once, failure)),
        (value) => done(prepared, value)
      )
    })

  /** After a first failure: the retry loop. Most requests never get here, so its cost is only paid on failure. */
  const retrying = <A>(
    prepared: Prepared,
    attempt: Effect.Effect<A, Failure>,
    first: Failure
  ): Effect.Effect<A, RestClientError> =>
    Effect.gen(function*() {
      let driver: Schedule.ScheduleDriver<unknown, RetryInput> | undefined
      let failure = first
      let attempts = 1
      let reauthorised = false
      while (true) {
        // A 401 may be cured by fresh credentials: one more try that the retry policy does not count.
        if (isUnauthorized(failure.error) && !reauthorised) {
          reauthorised = true
          if (yield* credentials.invalidate) {
            const again = yield* Effect.either(attempt)
            if (Either.isRight(again)) return again.right
            failure = again.left
            continue
          }
        }
        const outcome = failure.outcome
        if (outcome === undefined || attempts > policy.maxRetries) return yield* Effect.fail(failure.error)
        const retryInput: RetryInput = { request: prepared.request, attempt: attempts, outcome }
        if (!policy.shouldRetry(retryInput)) return yield* Effect.fail(failure.error)
        const before = yield* Clock.currentTimeMillis
        driver ??= yield* Schedule.driver(policy.schedule)
        const next = yield* Effect.either(driver.next(retryInput))
        if (Either.isLeft(next)) return yield* Effect.fail(failure.error)
        const retryAfter = outcome._tag === "Response" && outcome.retryAfter !== undefined
          ? Duration.toMillis(outcome.retryAfter)
          : 0
        const waited = (yield* Clock.currentTimeMillis) - before
        if (retryAfter > waited) yield* Effect.sleep(Duration.millis(retryAfter - waited))
        yield* Effect.logDebug(
          `retrying ${prepared.method} ${prepared.url} (attempt ${attempts + 1}) after: ${failure.error.message}`
        )
        attempts++
        const result = yield* Effect.either(attempt)
        if (Either.isRight(result)) return result.right
        failure = result.left
      }
    })

  const executeRaw = (request: KubeRequest.KubeRequest): Effect.Effect<RawResponse, RestClientError> =>
    run(request, bufferedAttempt, (_, response) =>
      Effect.succeed({
        status: response.status,
        headers: response.headers,
        body: response.body,
        text: utf8(response.body)
      }))

  /**
   * A 2xx body: refused when its media type has no JSON decoder, and a `Status` whose status is `Failure` is the
   * error it describes (client-go's transformResponse does both).
   */
  const decodeSuccess = <A, I>(
    schema: Schema.Schema<A, I>,
    prepared: Prepared,
    response: HttpExchange.Buffered
  ): Effect.Effect<A, RestClientError> => {
    const contentType = response.headers["content-type"]
    if (!isJsonMediaType(contentType)) return checkMediaType(prepared, contentType) as Effect.Effect<never, DecodeError>
    const text = utf8(response.body)
    const json = parseJson(text, prepared)
    if (Either.isLeft(json)) return json.left
    const value = json.right as { kind?: unknown; status?: unknown } | null
    if (
      typeof value === "object" && value !== null && value.kind === "Status" && value.status !== undefined &&
      value.status !== "Success"
    ) {
      const status = decodeValue(Status, value, prepared)
      if (Either.isRight(status)) {
        return Effect.fail(fromStatus({
          method: prepared.method,
          url: prepared.url,
          code: status.right.code ?? response.status,
          status: status.right,
          body: text
        }))
      }
    }
    return decodeValue(schema, value, prepared)
  }

  const execute = <A, I>(request: KubeRequest.KubeRequest, schema: Schema.Schema<A, I>) =>
    run(request, bufferedAttempt, (prepared, response) => decodeSuccess(schema, prepared, response))

  const bodyStream = (
    prepared: Prepared,
    response: HttpClientResponse.HttpClientResponse
  ): Stream.Stream<Uint8Array, RestClientError> =>
    Stream.mapError(response.stream, (cause) => fromCause(prepared.method, prepared.url, cause))

  const stream = (request: KubeRequest.KubeRequest): Stream.Stream<Uint8Array, RestClientError> =>
    Stream.unwrap(
      run(request, streamingAttempt, (prepared, response) => Effect.succeed(bodyStream(prepared, response)))
    )

  const watch = <A, I>(request: KubeRequest.KubeRequest, schema: Schema.Schema<A, I>) => {
    const watchRequest = request.verb === "list" ? KubeRequest.verb(request, "watch") : request
    return Stream.unwrap(
      run(
        watchRequest,
        streamingAttempt,
        (prepared, response) =>
          Effect.map(
            checkMediaType(prepared, response.headers["content-type"]),
            (): Stream.Stream<Watch.WatchEvent<A>, RestClientError> =>
              Watch.decodeBytes(bodyStream(prepared, response), schema, prepared)
          )
      )
    )
  }

  const listPages = <A, I>(
    request: KubeRequest.KubeRequest,
    schema: Schema.Schema<A, I>,
    options?: ListPagesOptions
  ): Stream.Stream<ListPage<A>, RestClientError> => {
    const decode = listSchema(schema)
    const hasLimit = request.params.some(([k]) => k === "limit")
    const first = hasLimit ? request : KubeRequest.setParams(request, { limit: options?.pageSize ?? 500 })
    const maxRestarts = options?.maxRestarts ?? 3
    const from = (
      token: string | undefined,
      restarts: number,
      restarted: boolean
    ): Stream.Stream<ListPage<A>, RestClientError> =>
      Stream.unwrap(Effect.gen(function*() {
        // With a continue token the snapshot is fixed by the token; the server rejects a resourceVersion beside it.
        const pageRequest = token === undefined
          ? first
          : KubeRequest.setParams(first, {
            continue: token,
            resourceVersion: undefined,
            resourceVersionMatch: undefined
          })
        const result = yield* Effect.either(execute(pageRequest, decode))
        if (Either.isLeft(result)) {
          if (token !== undefined && isExpired(result.left) && restarts < maxRestarts) {
            yield* Effect.logDebug(`continue token expired, listing ${KubeRequest.url(first, config.server)} again`)
            return from(undefined, restarts + 1, true)
          }
          return Stream.fail(result.left)
        }
        const list = result.right
        const next = list.metadata?.continue
        const page: ListPage<A> = {
          kind: list.kind,
          apiVersion: list.apiVersion,
          resourceVersion: list.metadata?.resourceVersion,
          continue: next === "" ? undefined : next,
          remainingItemCount: list.metadata?.remainingItemCount,
          items: list.items ?? [],
          restarted
        }
        const head = Stream.succeed(page)
        return next === undefined || next === "" ? head : Stream.concat(head, from(next, restarts, false))
      }))
    return from(undefined, 0, false)
  }

  const uidOf = (item: unknown): string | undefined => {
    const metadata = (item as { metadata?: { uid?: unknown } } | null)?.metadata
    return typeof metadata?.uid === "string" ? metadata.uid : undefined
  }

  const listAll = <A, I>(
    request: KubeRequest.KubeRequest,
    schema: Schema.Schema<A, I>,
    options?: ListPagesOptions
  ): Stream.Stream<A, RestClientError> =>
    Stream.suspend(() => {
      const seen = new Set<string>()
      let restarted = false
      return listPages(request, schema, options).pipe(
        Stream.mapConcat((page) => {
          if (page.restarted) restarted = true
          const out: Array<A> = []
          for (const item of page.items) {
            const uid = uidOf(item)
            if (uid !== undefined) {
              if (restarted && seen.has(uid)) continue
              seen.add(uid)
            }
            out.push(item)
          }
          return out
        })
      )
    })

  return { config, execute, executeRaw, stream, watch, listPages, listAll } satisfies RestClientService
})
