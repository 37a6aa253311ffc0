/**
 * What can go wrong when talking to an API server: one tagged error per Kubernetes `Status.reason`, plus transport,
 * decode and invalid-request failures. Users coming from client-go's `errors.IsNotFound` find the same guards here.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * One field-level problem inside a `Status` (for `Invalid`, a field and what is wrong with it).
 *
 * @since 0.1.0
 * @category schemas
 */
export const StatusCause = Schema.Struct({
  reason: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  field: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type StatusCause = typeof StatusCause.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const StatusDetails = Schema.Struct({
  name: Schema.optional(Schema.String),
  group: Schema.optional(Schema.String),
  kind: Schema.optional(Schema.String),
  uid: Schema.optional(Schema.String),
  causes: Schema.optional(Schema.Array(StatusCause)),
  retryAfterSeconds: Schema.optional(Schema.Number)
})

/**
 * meta/v1 `Status`: what the API server sends with every failure (and for some successful deletes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Status = Schema.Struct({
  kind: Schema.optional(Schema.String),
  apiVersion: Schema.optional(Schema.String),
  metadata: Schema.optional(Schema.Struct({
    resourceVersion: Schema.optional(Schema.String),
    continue: Schema.optional(Schema.String),
    remainingItemCount: Schema.optional(Schema.Number),
    selfLink: Schema.optional(Schema.String)
  })),
  status: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  reason: Schema.optional(Schema.String),
  details: Schema.optional(StatusDetails),
  code: Schema.optional(Schema.Number)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Status = typeof Status.Type

const apiFields = {
  /** HTTP method of the failed request. */
  method: Schema.String,
  /** URL of the failed request, without userinfo; headers (and so credentials) are never recorded. */
  url: Schema.String,
  /** HTTP status code (for watch ERROR events, the code inside the Status). */
  code: Schema.Number,
  status: Status
}

/**
 * Members shared by every error the API server answered with.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiErrorFields {
  readonly method: string
  readonly url: string
  readonly code: number
  readonly status: Status
}

const describe = (self: ApiErrorFields): string => `${self.status.message ?? ""} (${self.method} ${self.url})`

/**
 * What the library knows about one Kubernetes `Status.reason`.
 *
 * @since 0.2.0
 * @category models
 */
export interface ReasonSpec {
  /** The HTTP code the API server sends with the reason. */
  readonly code: number
  /**
   * Whether an answer with `code` and a reason the client does not know becomes this reason (client-go's
   * `errors.IsNotFound` and friends fall back to the code). Exactly one reason per code is the fallback.
   */
  readonly codeFallback: boolean
  /** The server says the same request may succeed later (throttled, timed out, unavailable). */
  readonly retryable: boolean
}

/**
 * The table every API error is built from: one row per Kubernetes `Status.reason`. The error classes, the
 * {@link ApiError} union, {@link apiErrorTags}, the lookups of {@link fromStatus}, the `isX` guards and
 * {@link isRetryable} all follow from it.
 *
 * @since 0.2.0
 * @category constants
 */
export const reasons = {
  NotFound: { code: 404, codeFallback: true, retryable: false },
  AlreadyExists: { code: 409, codeFallback: false, retryable: false },
  Conflict: { code: 409, codeFallback: true, retryable: false },
  Invalid: { code: 422, codeFallback: true, retryable: false },
  BadRequest: { code: 400, codeFallback: true, retryable: false },
  Unauthorized: { code: 401, codeFallback: true, retryable: false },
  Forbidden: { code: 403, codeFallback: true, retryable: false },
  MethodNotAllowed: { code: 405, codeFallback: true, retryable: false },
  NotAcceptable: { code: 406, codeFallback: true, retryable: false },
  Gone: { code: 410, codeFallback: true, retryable: false },
  Expired: { code: 410, codeFallback: false, retryable: false },
  RequestEntityTooLarge: { code: 413, codeFallback: true, retryable: false },
  UnsupportedMediaType: { code: 415, codeFallback: true, retryable: false },
  TooManyRequests: { code: 429, codeFallback: true, retryable: true },
  ServerTimeout: { code: 500, codeFallback: false, retryable: true },
  Timeout: { code: 504, codeFallback: true, retryable: true },
  InternalError: { code: 500, codeFallback: true, retryable: false },
  ServiceUnavailable: { code: 503, codeFallback: true, retryable: true }
} as const satisfies Record<string, ReasonSpec>

/**
 * A Kubernetes `Status.reason` the library has an error class for.
 *
 * @since 0.2.0
 * @category models
 */
export type Reason = keyof typeof reasons

/**
 * The class every reason's error extends: a `Schema.TaggedError` named after the reason, with the request, the code
 * and the Status; its `message` is the Status message and the request.
 *
 * @since 0.2.0
 * @category models
 */
export interface ApiErrorClass<Self, R extends Reason>
  extends Schema.TaggedErrorClass<Self, R, { readonly _tag: Schema.tag<R> } & typeof apiFields>
{}

const ApiErrorClass = <Self>() => <R extends Reason>(reason: R): ApiErrorClass<Self, R> =>
  class extends Schema.TaggedError<{}>(`effect-kube/${reason}`)(reason, apiFields) {
    override get message(): string {
      return describe(this)
    }
  } as any

/**
 * 404, or reason `NotFound`.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends ApiErrorClass<NotFound>()("NotFound") {}

/**
 * 409 with reason `AlreadyExists`: a create named an object that exists.
 *
 * @since 0.1.0
 * @category errors
 */
export class AlreadyExists extends ApiErrorClass<AlreadyExists>()("AlreadyExists") {}

/**
 * 409 with reason `Conflict` (usually a stale resourceVersion): re-read and try again, see `RetryPolicy.retryOnConflict`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends ApiErrorClass<Conflict>()("Conflict") {}

/**
 * 422 with reason `Invalid`; `causes` lists the fields the server rejected.
 *
 * @since 0.1.0
 * @category errors
 */
export class Invalid extends ApiErrorClass<Invalid>()("Invalid") {
  /** The per-field problems from `status.details.causes`. */
  get causes(): ReadonlyArray<StatusCause> {
    return this.status.details?.causes ?? []
  }
}

/**
 * 400, reason `BadRequest`.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends ApiErrorClass<BadRequest>()("BadRequest") {}

/**
 * 401, reason `Unauthorized`: the credentials were missing or rejected (after one refresh, when one was possible).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends ApiErrorClass<Unauthorized>()("Unauthorized") {}

/**
 * 403, reason `Forbidden`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends ApiErrorClass<Forbidden>()("Forbidden") {}

/**
 * 405, reason `MethodNotAllowed`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodNotAllowed extends ApiErrorClass<MethodNotAllowed>()("MethodNotAllowed") {}

/**
 * 406, reason `NotAcceptable`.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotAcceptable extends ApiErrorClass<NotAcceptable>()("NotAcceptable") {}

/**
 * 410 with reason `Gone` (or no known reason): the requested resourceVersion is no longer available.
 *
 * @since 0.1.0
 * @category errors
 */
export class Gone extends ApiErrorClass<Gone>()("Gone") {}

/**
 * 410 with reason `Expired`: a watch resourceVersion or list continue token is too old.
 *
 * @since 0.1.0
 * @category errors
 */
export class Expired extends ApiErrorClass<Expired>()("Expired") {}

/**
 * 413, reason `RequestEntityTooLarge`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestEntityTooLarge extends ApiErrorClass<RequestEntityTooLarge>()("RequestEntityTooLarge") {}

/**
 * 415, reason `UnsupportedMediaType`.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedMediaType extends ApiErrorClass<UnsupportedMediaType>()("UnsupportedMediaType") {}

/**
 * 429, reason `TooManyRequests` (server-side priority and fairness, or eviction budgets).
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequests extends ApiErrorClass<TooManyRequests>()("TooManyRequests") {}

/**
 * Reason `ServerTimeout`: the server could not finish in time and the client may retry.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerTimeout extends ApiErrorClass<ServerTimeout>()("ServerTimeout") {}

/**
 * 504, reason `Timeout`: the request may still complete on the server.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends ApiErrorClass<Timeout>()("Timeout") {}

/**
 * 500 (and other 5xx without a more precise reason), reason `InternalError`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalError extends ApiErrorClass<InternalError>()("InternalError") {}

/**
 * 503, reason `ServiceUnavailable`.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends ApiErrorClass<ServiceUnavailable>()("ServiceUnavailable") {}

/**
 * Any other non-2xx answer: an unknown reason and a code without a better match. `body` holds the start of the raw
 * response body when it was not a Status.
 *
 * @since 0.1.0
 * @category errors
 */
export class StatusError extends Schema.TaggedError<StatusError>("effect-kube/StatusError")("StatusError", {
  ...apiFields,
  body: Schema.String
}) {
  override get message(): string {
    return describe(this)
  }
}

// The class of every reason; `satisfies` makes a table row without its class (or a class under the wrong reason)
// a compile error.
const classes = {
  NotFound,
  AlreadyExists,
  Conflict,
  Invalid,
  BadRequest,
  Unauthorized,
  Forbidden,
  MethodNotAllowed,
  NotAcceptable,
  Gone,
  Expired,
  RequestEntityTooLarge,
  UnsupportedMediaType,
  TooManyRequests,
  ServerTimeout,
  Timeout,
  InternalError,
  ServiceUnavailable
} as const satisfies { readonly [R in Reason]: new(fields: ApiErrorFields) => ApiErrorFields & { readonly _tag: R } }

/**
 * Every error that carries a Status from the server.
 *
 * @since 0.1.0
 * @category models
 */
export type ApiError = InstanceType<(typeof classes)[Reason]> | StatusError

/**
 * The `_tag` of an {@link ApiError}: a {@link Reason} or `StatusError`.
 *
 * @since 0.2.0
 * @category models
 */
export type ApiErrorTag = ApiError["_tag"]

/**
 * The {@link ApiError} with the given tag(s): `ApiErrorOf<"NotFound" | "Conflict">` is `NotFound | Conflict`.
 *
 * @since 0.2.0
 * @category models
 */
export type ApiErrorOf<T extends ApiErrorTag> = Extract<ApiError, { readonly _tag: T }>

/**
 * Every {@link ApiErrorTag}, in the table's order with `StatusError` last.
 *
 * @since 0.2.0
 * @category constants
 */
export const apiErrorTags: ReadonlyArray<ApiErrorTag> = [...(Object.keys(reasons) as Array<Reason>), "StatusError"]

/**
 * Why the connection failed. `Timeout` is the client-side request timeout.
 *
 * @since 0.1.0
 * @category models
 */
export type TransportReason = "ConnectionRefused" | "ConnectionReset" | "Timeout" | "Tls" | "Other"

/**
 * The request got no HTTP answer. `sent` is false only when the server cannot have seen the request (connection
 * refused, DNS or TLS failure), which makes even a create safe to send again.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly method: string
  readonly url: string
  readonly reason: TransportReason
  readonly sent: boolean
  /** Text of the underlying error (for example `connect ECONNREFUSED 127.0.0.1:6443`). */
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.method} ${this.url}: ${this.detail}`
  }
}

/**
 * The request a decoded body belongs to, named in a {@link DecodeError}: what `Watch.decodeEvent` and the decoders
 * take so a failure says which request and where in its body.
 *
 * @since 0.2.0
 * @category models
 */
export interface RequestContext {
  readonly method: string
  readonly url: string
  /** Where the decoded value sits in the body, for error paths; `$` when absent. */
  readonly pathPrefix?: string | undefined
  /** `Limits.maxResponseBytes`, for one watch event; the default when absent. */
  readonly maxResponseBytes?: number | undefined
  /** `Limits.maxJsonDepth`; the default when absent. */
  readonly maxJsonDepth?: number | undefined
}

/**
 * A 2xx body did not match the caller's Schema (or was not JSON). `path` names where in the body it went wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly method: string
  readonly url: string
  /** JSON path of the first problem, `$` for the whole body. */
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `decoding the response of ${this.method} ${this.url} at ${this.path}: ${this.detail}`
  }
}

/**
 * The request could not be built: a name or namespace that cannot be a path segment, a missing resource. Nothing was
 * sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Data.TaggedError("InvalidRequest")<{
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/**
 * Everything a RestClient call can fail with, apart from credential errors.
 *
 * @since 0.1.0
 * @category models
 */
export type KubeError = ApiError | TransportError | DecodeError | InvalidRequest

// Tags every typed-client operation may fail with; the rest are per operation.
const commonTags = [
  "Unauthorized",
  "Forbidden",
  "BadRequest",
  "MethodNotAllowed",
  "NotAcceptable",
  "TooManyRequests",
  "ServerTimeout",
  "Timeout",
  "InternalError",
  "ServiceUnavailable",
  "StatusError"
] as const

/**
 * The API errors each typed-client operation declares (`ResourceClient.GetError` and the others are computed from
 * these lists). An answer outside an operation's list reaches the caller as a `StatusError` with the same code and
 * Status, so the declared union is the one callers see.
 *
 * @since 0.2.0
 * @category constants
 */
export const operationErrorTags = {
  common: commonTags,
  get: [...commonTags, "NotFound"],
  list: [...commonTags, "NotFound", "Gone", "Expired"],
  create: [...commonTags, "NotFound", "AlreadyExists", "Conflict", "Invalid", "RequestEntityTooLarge"],
  update: [...commonTags, "NotFound", "Conflict", "Invalid", "RequestEntityTooLarge"],
  patch: [...commonTags, "NotFound", "Conflict", "Invalid", "RequestEntityTooLarge", "UnsupportedMediaType"],
  delete: [...commonTags, "NotFound", "Conflict"],
  deleteCollection: [...commonTags, "NotFound"],
  log: [...commonTags, "NotFound"],
  evict: [...commonTags, "NotFound", "Conflict", "Invalid"]
} as const satisfies Record<string, ReadonlyArray<ApiErrorTag>>

/**
 * A key of {@link operationErrorTags}.
 *
 * @since 0.2.0
 * @category models
 */
export type Operation = keyof typeof operationErrorTags

/**
 * The API errors an operation declares: `OperationApiError<"get">` is the common ones and `NotFound`.
 *
 * @since 0.2.0
 * @category models
 */
export type OperationApiError<Op extends Operation> = ApiErrorOf<(typeof operationErrorTags)[Op][number]>

const tagSet: ReadonlySet<string> = new Set(apiErrorTags)

const guard = <T extends ApiErrorTag>(tag: T) => (u: unknown): u is ApiErrorOf<T> => Predicate.isTagged(u, tag)

/**
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tagSet.has(u._tag)

/**
 * @since 0.1.0
 * @category guards
 */
export const isKubeError = (u: unknown): u is KubeError =>
  isApiError(u) || isTransportError(u) || isDecodeError(u) || isInvalidRequest(u)

/**
 * @since 0.1.0
 * @category guards
 */
export const isNotFound = guard("NotFound")
/**
 * @since 0.1.0
 * @category guards
 */
export const isAlreadyExists = guard("AlreadyExists")
/**
 * @since 0.1.0
 * @category guards
 */
export const isConflict = guard("Conflict")
/**
 * @since 0.1.0
 * @category guards
 */
export const isInvalid = guard("Invalid")
/**
 * @since 0.1.0
 * @category guards
 */
export const isBadRequest = guard("BadRequest")
/**
 * @since 0.1.0
 * @category guards
 */
export const isUnauthorized = guard("Unauthorized")
/**
 * @since 0.1.0
 * @category guards
 */
export const isForbidden = guard("Forbidden")
/**
 * @since 0.1.0
 * @category guards
 */
export const isMethodNotAllowed = guard("MethodNotAllowed")
/**
 * @since 0.2.0
 * @category guards
 */
export const isNotAcceptable = guard("NotAcceptable")
/**
 * Like client-go's `IsGone`: reason Gone or an unrecognised 410.
 *
 * @since 0.1.0
 * @category guards
 */
export const isGone = guard("Gone")
/**
 * Like client-go's `IsResourceExpired`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isExpired = guard("Expired")
/**
 * Gone or Expired: the resourceVersion is too old, relist.
 *
 * @since 0.1.0
 * @category guards
 */
export const isGoneOrExpired = (u: unknown): u is Gone | Expired => isGone(u) || isExpired(u)
/**
 * @since 0.2.0
 * @category guards
 */
export const isRequestEntityTooLarge = guard("RequestEntityTooLarge")
/**
 * @since 0.2.0
 * @category guards
 */
export const isUnsupportedMediaType = guard("UnsupportedMediaType")
/**
 * @since 0.1.0
 * @category guards
 */
export const isTooManyRequests = guard("TooManyRequests")
/**
 * @since 0.1.0
 * @category guards
 */
export const isServerTimeout = guard("ServerTimeout")
/**
 * @since 0.1.0
 * @category guards
 */
export const isTimeout = guard("Timeout")
/**
 * @since 0.1.0
 * @category guards
 */
export const isInternalError = guard("InternalError")
/**
 * @since 0.1.0
 * @category guards
 */
export const isServiceUnavailable = guard("ServiceUnavailable")
/**
 * @since 0.2.0
 * @category guards
 */
export const isStatusError = guard("StatusError")
/**
 * @since 0.1.0
 * @category guards
 */
export const isTransportError = (u: unknown): u is TransportError => Predicate.isTagged(u, "TransportError")
/**
 * @since 0.1.0
 * @category guards
 */
export const isDecodeError = (u: unknown): u is DecodeError => Predicate.isTagged(u, "DecodeError")
/**
 * @since 0.2.0
 * @category guards
 */
export const isInvalidRequest = (u: unknown): u is InvalidRequest => Predicate.isTagged(u, "InvalidRequest")

/**
 * The server said the same request may succeed later: a reason the table marks retryable (`TooManyRequests`,
 * `ServerTimeout`, `Timeout`, `ServiceUnavailable`) or a Status with `details.retryAfterSeconds` (client-go's
 * `SuggestsClientDelay`). Whether retrying is safe for the verb is {@link RetryPolicy}'s call.
 *
 * @since 0.2.0
 * @category guards
 */
export const isRetryable = (u: unknown): u is ApiError => {
  if (!isApiError(u)) return false
  if (u._tag !== "StatusError" && reasons[u._tag].retryable) return true
  return (u.status.details?.retryAfterSeconds ?? 0) > 0
}

type Ctor = new(fields: ApiErrorFields) => ApiError

// An unknown reason falls back to the code, as client-go's `errors.IsNotFound` and friends do.
const byCode = new Map<number, Reason>()
for (const reason of Object.keys(reasons) as Array<Reason>) {
  if (reasons[reason].codeFallback) byCode.set(reasons[reason].code, reason)
}

// client-go's wording (`NewGenericServerResponse`) for a failure whose body is not a Status, by code; the reason
// is the code's fallback in the table.
const genericMessages: Record<number, (body: string) => string> = {
  400: () => "the server rejected our request for an unknown reason",
  401: () => "the server has asked for the client to provide credentials",
  403: (body) => body,
  404: () => "the server could not find the requested resource",
  405: () => "the server does not allow this method on the requested resource",
  406: (body) => body === "" ? "the server was unable to respond with a content type that the client supports" : body,
  409: () => "the server reported a conflict",
  415: (body) => body,
  422: (body) => body,
  429: () => "the server has received too many requests and has asked us to try again later",
  503: () => "the server is currently unable to handle the request",
  504: () => "the server was unable to return a response in the time allotted, but may still be processing the request"
}

/**
 * The Status client-go synthesises for an error body that is not a Status (plain text, HTML from a proxy, empty).
 *
 * @since 0.1.0
 * @category constructors
 */
export const genericStatus = (code: number, body: string): Status => {
  const message = genericMessages[code]
  const trimmed = body.trim()
  const failure = { kind: "Status", apiVersion: "v1", status: "Failure", code } as const
  if (message !== undefined) return { ...failure, reason: byCode.get(code)!, message: message(trimmed) }
  if (code >= 500) {
    return {
      ...failure,
      reason: "InternalError",
      message: `an error on the server (${JSON.stringify(trimmed)}) has prevented the request from succeeding`
    }
  }
  return {
    ...failure,
    message: `the server responded with the status code ${code} but did not return more information`
  }
}

/**
 * The one place a failed response becomes a typed error: by `Status.reason` when it is a known one, else by HTTP
 * code, else {@link StatusError}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStatus = (options: {
  readonly method: string
  readonly url: string
  readonly code: number
  readonly status: Status
  readonly body?: string | undefined
}): ApiError => {
  const fields: ApiErrorFields = {
    method: options.method,
    url: options.url,
    code: options.code,
    status: options.status
  }
  const reason = options.status.reason ?? ""
  const known = Object.hasOwn(reasons, reason) ? reason as Reason : byCode.get(options.code)
  if (known !== undefined) return new (classes[known] as Ctor)(fields)
  return new StatusError({ ...fields, body: (options.body ?? "").slice(0, 4096) })
}
