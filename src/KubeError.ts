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
 * 404, or reason `NotFound`.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("effect-kube/NotFound")("NotFound", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 409 with reason `AlreadyExists`: a create named an object that exists.
 *
 * @since 0.1.0
 * @category errors
 */
export class AlreadyExists
  extends Schema.TaggedError<AlreadyExists>("effect-kube/AlreadyExists")("AlreadyExists", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * 409 with reason `Conflict` (usually a stale resourceVersion): re-read and try again, see `RetryPolicy.retryOnConflict`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>("effect-kube/Conflict")("Conflict", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 422 with reason `Invalid`; `causes` lists the fields the server rejected.
 *
 * @since 0.1.0
 * @category errors
 */
export class Invalid extends Schema.TaggedError<Invalid>("effect-kube/Invalid")("Invalid", apiFields) {
  /** The per-field problems from `status.details.causes`. */
  get causes(): ReadonlyArray<StatusCause> {
    return this.status.details?.causes ?? []
  }
  override get message(): string {
    return describe(this)
  }
}

/**
 * 400, reason `BadRequest`.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>("effect-kube/BadRequest")("BadRequest", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 401, reason `Unauthorized`: the credentials were missing or rejected (after one refresh, when one was possible).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized
  extends Schema.TaggedError<Unauthorized>("effect-kube/Unauthorized")("Unauthorized", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * 403, reason `Forbidden`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("effect-kube/Forbidden")("Forbidden", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 405, reason `MethodNotAllowed`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MethodNotAllowed
  extends Schema.TaggedError<MethodNotAllowed>("effect-kube/MethodNotAllowed")("MethodNotAllowed", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * 406, reason `NotAcceptable`.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotAcceptable
  extends Schema.TaggedError<NotAcceptable>("effect-kube/NotAcceptable")("NotAcceptable", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * 410 with reason `Gone` (or no known reason): the requested resourceVersion is no longer available.
 *
 * @since 0.1.0
 * @category errors
 */
export class Gone extends Schema.TaggedError<Gone>("effect-kube/Gone")("Gone", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 410 with reason `Expired`: a watch resourceVersion or list continue token is too old.
 *
 * @since 0.1.0
 * @category errors
 */
export class Expired extends Schema.TaggedError<Expired>("effect-kube/Expired")("Expired", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 413, reason `RequestEntityTooLarge`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestEntityTooLarge extends Schema.TaggedError<RequestEntityTooLarge>(
  "effect-kube/RequestEntityTooLarge"
)("RequestEntityTooLarge", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 415, reason `UnsupportedMediaType`.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>(
  "effect-kube/UnsupportedMediaType"
)("UnsupportedMediaType", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 429, reason `TooManyRequests` (server-side priority and fairness, or eviction budgets).
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequests
  extends Schema.TaggedError<TooManyRequests>("effect-kube/TooManyRequests")("TooManyRequests", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * Reason `ServerTimeout`: the server could not finish in time and the client may retry.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerTimeout
  extends Schema.TaggedError<ServerTimeout>("effect-kube/ServerTimeout")("ServerTimeout", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * 504, reason `Timeout`: the request may still complete on the server.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("effect-kube/Timeout")("Timeout", apiFields) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * 500 (and other 5xx without a more precise reason), reason `InternalError`.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalError
  extends Schema.TaggedError<InternalError>("effect-kube/InternalError")("InternalError", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

/**
 * 503, reason `ServiceUnavailable`.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable
  extends Schema.TaggedError<ServiceUnavailable>("effect-kube/ServiceUnavailable")("ServiceUnavailable", apiFields)
{
  override get message(): string {
    return describe(this)
  }
}

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

/**
 * Every error that carries a Status from the server.
 *
 * @since 0.1.0
 * @category models
 */
export type ApiError =
  | NotFound
  | AlreadyExists
  | Conflict
  | Invalid
  | BadRequest
  | Unauthorized
  | Forbidden
  | MethodNotAllowed
  | NotAcceptable
  | Gone
  | Expired
  | RequestEntityTooLarge
  | UnsupportedMediaType
  | TooManyRequests
  | ServerTimeout
  | Timeout
  | InternalError
  | ServiceUnavailable
  | StatusError

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

const apiTags = new Set<string>([
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "Invalid",
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "MethodNotAllowed",
  "NotAcceptable",
  "Gone",
  "Expired",
  "RequestEntityTooLarge",
  "UnsupportedMediaType",
  "TooManyRequests",
  "ServerTimeout",
  "Timeout",
  "InternalError",
  "ServiceUnavailable",
  "StatusError"
])

const hasTag = <T extends string>(tag: T) => (u: unknown): boolean => Predicate.isTagged(u, tag)

/**
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && apiTags.has(u._tag)

/**
 * @since 0.1.0
 * @category guards
 */
export const isKubeError = (u: unknown): u is KubeError =>
  isApiError(u) || Predicate.isTagged(u, "TransportError") || Predicate.isTagged(u, "DecodeError") ||
  Predicate.isTagged(u, "InvalidRequest")

/**
 * @since 0.1.0
 * @category guards
 */
export const isNotFound = hasTag("NotFound") as (u: unknown) => u is NotFound
/**
 * @since 0.1.0
 * @category guards
 */
export const isAlreadyExists = hasTag("AlreadyExists") as (u: unknown) => u is AlreadyExists
/**
 * @since 0.1.0
 * @category guards
 */
export const isConflict = hasTag("Conflict") as (u: unknown) => u is Conflict
/**
 * @since 0.1.0
 * @category guards
 */
export const isInvalid = hasTag("Invalid") as (u: unknown) => u is Invalid
/**
 * @since 0.1.0
 * @category guards
 */
export const isBadRequest = hasTag("BadRequest") as (u: unknown) => u is BadRequest
/**
 * @since 0.1.0
 * @category guards
 */
export const isUnauthorized = hasTag("Unauthorized") as (u: unknown) => u is Unauthorized
/**
 * @since 0.1.0
 * @category guards
 */
export const isForbidden = hasTag("Forbidden") as (u: unknown) => u is Forbidden
/**
 * @since 0.1.0
 * @category guards
 */
export const isMethodNotAllowed = hasTag("MethodNotAllowed") as (u: unknown) => u is MethodNotAllowed
/**
 * Like client-go's `IsGone`: reason Gone or an unrecognised 410.
 *
 * @since 0.1.0
 * @category guards
 */
export const isGone = hasTag("Gone") as (u: unknown) => u is Gone
/**
 * Like client-go's `IsResourceExpired`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isExpired = hasTag("Expired") as (u: unknown) => u is Expired
/**
 * Gone or Expired: the resourceVersion is too old, relist.
 *
 * @since 0.1.0
 * @category guards
 */
export const isGoneOrExpired = (u: unknown): u is Gone | Expired => isGone(u) || isExpired(u)
/**
 * @since 0.1.0
 * @category guards
 */
export const isTooManyRequests = hasTag("TooManyRequests") as (u: unknown) => u is TooManyRequests
/**
 * @since 0.1.0
 * @category guards
 */
export const isServerTimeout = hasTag("ServerTimeout") as (u: unknown) => u is ServerTimeout
/**
 * @since 0.1.0
 * @category guards
 */
export const isTimeout = hasTag("Timeout") as (u: unknown) => u is Timeout
/**
 * @since 0.1.0
 * @category guards
 */
export const isInternalError = hasTag("InternalError") as (u: unknown) => u is InternalError
/**
 * @since 0.1.0
 * @category guards
 */
export const isServiceUnavailable = hasTag("ServiceUnavailable") as (u: unknown) => u is ServiceUnavailable
/**
 * @since 0.1.0
 * @category guards
 */
export const isTransportError = hasTag("TransportError") as (u: unknown) => u is TransportError
/**
 * @since 0.1.0
 * @category guards
 */
export const isDecodeError = hasTag("DecodeError") as (u: unknown) => u is DecodeError

// kubectl's wording when a failure carries no Status (client-go's generic server response).
const genericMessages: Record<number, { readonly reason: string; readonly message: (body: string) => string }> = {
  400: { reason: "BadRequest", message: () => "the server rejected our request for an unknown reason" },
  401: { reason: "Unauthorized", message: () => "the server has asked for the client to provide credentials" },
  403: { reason: "Forbidden", message: (body) => body },
  404: { reason: "NotFound", message: () => "the server could not find the requested resource" },
  405: {
    reason: "MethodNotAllowed",
    message: () => "the server does not allow this method on the requested resource"
  },
  406: {
    reason: "NotAcceptable",
    message: (body) =>
      body === "" ? "the server was unable to respond with a content type that the client supports" : body
  },
  409: { reason: "Conflict", message: () => "the server reported a conflict" },
  415: { reason: "UnsupportedMediaType", message: (body) => body },
  422: { reason: "Invalid", message: (body) => body },
  429: {
    reason: "TooManyRequests",
    message: () => "the server has received too many requests and has asked us to try again later"
  },
  503: { reason: "ServiceUnavailable", message: () => "the server is currently unable to handle the request" },
  504: {
    reason: "Timeout",
    message: () =>
      "the server was unable to return a response in the time allotted, but may still be processing the request"
  }
}

/**
 * The Status client-go synthesises for an error body that is not a Status (plain text, HTML from a proxy, empty).
 *
 * @since 0.1.0
 * @category constructors
 */
export const genericStatus = (code: number, body: string): Status => {
  const known = genericMessages[code]
  const trimmed = body.trim()
  if (known !== undefined) {
    return {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code,
      reason: known.reason,
      message: known.message(trimmed)
    }
  }
  if (code >= 500) {
    return {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code,
      reason: "InternalError",
      message: `an error on the server (${JSON.stringify(trimmed)}) has prevented the request from succeeding`
    }
  }
  return {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code,
    message: `the server responded with the status code ${code} but did not return more information`
  }
}

type Ctor = new(fields: ApiErrorFields) => ApiError

const byReason: Record<string, Ctor> = {
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
}

// An unknown reason falls back to the code, as client-go's `errors.IsNotFound` and friends do.
const byCode: Record<number, Ctor> = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  405: MethodNotAllowed,
  406: NotAcceptable,
  409: Conflict,
  410: Gone,
  413: RequestEntityTooLarge,
  415: UnsupportedMediaType,
  422: Invalid,
  429: TooManyRequests,
  500: InternalError,
  503: ServiceUnavailable,
  504: Timeout
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
  const ctor = Object.hasOwn(byReason, reason) ? byReason[reason] : byCode[options.code]
  if (ctor !== undefined) return new ctor(fields)
  return new StatusError({ ...fields, body: (options.body ?? "").slice(0, 4096) })
}

/**
 * What kubectl prints for a failure from the server, without the `error: ` prefix kubectl adds for some of them:
 * `Error from server (NotFound): pods "x" not found`, `The Pod "x" is invalid: spec.containers: Required value`,
 * `You must be logged in to the server (Unauthorized)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const kubectlMessage = (error: ApiError): string => {
  const status = error.status
  const message = status.message ?? ""
  if (error._tag === "Unauthorized") return `error: You must be logged in to the server (${message})`
  if (error._tag === "Invalid" && status.reason === "Invalid") {
    const details = status.details
    const causes = details?.causes ?? []
    if (details === undefined || causes.length === 0) return `The request is invalid: ${message}`
    const head = `The ${details.kind ?? ""} ${JSON.stringify(details.name ?? "")} is invalid: `
    const line = (c: StatusCause) => (c.field !== undefined && c.field !== "" ? `${c.field}: ` : "") + (c.message ?? "")
    if (causes.length === 1) return head + line(causes[0]!)
    return head + "\n" + causes.map((c) => `* ${line(c)}`).join("\n")
  }
  const reason = status.reason ?? ""
  return reason === "" ? `Error from server: ${message}` : `Error from server (${reason}): ${message}`
}
