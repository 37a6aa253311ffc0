/**
 * One API call as an immutable value, like client-go's `rest.Request` builder: verb, group/version, namespace,
 * resource, name, subresource, query parameters from typed options, body, headers and timeout. Combinators are dual,
 * so both `KubeRequest.namespace(req, "ns")` and `req.pipe(KubeRequest.namespace("ns"))` work.
 *
 * `url(request, server)` renders exactly the URL client-go (and so kubectl) sends for the same call: Go's path
 * escaping, query keys sorted, the server's path prefix kept.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import * as Predicate from "effect/Predicate"
import * as goUrl from "./internal/restClient/goUrl.js"
import { InvalidRequest } from "./KubeError.js"

/**
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("effect-kube/KubeRequest")

/**
 * @since 0.1.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * Kubernetes API verbs. `watch` is a GET with `watch=true`; `deletecollection` a DELETE on the collection.
 *
 * @since 0.1.0
 * @category models
 */
export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection"

/**
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * Patch flavours: RFC 6902 `json`, RFC 7386 `merge`, Kubernetes `strategic` merge, and server-side `apply`.
 *
 * @since 0.1.0
 * @category models
 */
export type PatchType = "json" | "merge" | "strategic" | "apply"

/**
 * The Content-Type each patch type is sent with.
 *
 * @since 0.1.0
 * @category constants
 */
export const patchContentType: { readonly [K in PatchType]: string } = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml"
}

/**
 * A request body: a JSON value (serialised by the client) or raw bytes with their content type.
 *
 * @since 0.1.0
 * @category models
 */
export type Body =
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array; readonly contentType: string }

/**
 * @since 0.1.0
 * @category models
 */
export interface KubeRequest extends Pipeable {
  readonly [TypeId]: TypeId
  readonly verb: Verb
  readonly method: Method
  readonly patchType?: PatchType | undefined
  /** "" for the core group (served under `/api`). */
  readonly group: string
  readonly version: string
  readonly namespace?: string | undefined
  readonly resource?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
  /** For raw requests: a path below the server (and its prefix); group, resource and name are then ignored. */
  readonly absPath?: string | undefined
  /** Query parameters in the order added; rendering sorts keys as Go's `url.Values.Encode` does. */
  readonly params: ReadonlyArray<readonly [string, string]>
  readonly body?: Body | undefined
  readonly headers: Readonly<Record<string, string>>
  /** Sent as the `timeout` query parameter and enforced by the client; defaults to `RestConfig.timeout`. */
  readonly timeout?: Duration.Duration | undefined
}

/**
 * Where a request points. Every field is optional; missing ones stay unset.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly group?: string | undefined
  readonly version?: string | undefined
  readonly namespace?: string | undefined
  readonly resource?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
}

/**
 * Query parameters for list, watch and deletecollection (meta/v1 ListOptions).
 *
 * @since 0.1.0
 * @category options
 */
export interface ListOptions {
  readonly labelSelector?: string | undefined
  readonly fieldSelector?: string | undefined
  readonly limit?: number | undefined
  readonly continue?: string | undefined
  readonly resourceVersion?: string | undefined
  readonly resourceVersionMatch?: "NotOlderThan" | "Exact" | undefined
  readonly timeoutSeconds?: number | undefined
  readonly allowWatchBookmarks?: boolean | undefined
  readonly sendInitialEvents?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category options
 */
export interface GetOptions {
  readonly resourceVersion?: string | undefined
}

/**
 * @since 0.1.0
 * @category options
 */
export interface CreateOptions {
  /** `["All"]` for a server-side dry run. */
  readonly dryRun?: ReadonlyArray<string> | undefined
  readonly fieldManager?: string | undefined
  readonly fieldValidation?: "Ignore" | "Warn" | "Strict" | undefined
}

/**
 * @since 0.1.0
 * @category options
 */
export interface UpdateOptions extends CreateOptions {}

/**
 * @since 0.1.0
 * @category options
 */
export interface PatchOptions extends CreateOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  readonly force?: boolean | undefined
}

/**
 * meta/v1 DeleteOptions. Sent as the JSON body of the DELETE, as kubectl does.
 *
 * @since 0.1.0
 * @category options
 */
export interface DeleteOptions {
  readonly gracePeriodSeconds?: number | undefined
  readonly preconditions?:
    | { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined }
    | undefined
  readonly orphanDependents?: boolean | undefined
  readonly propagationPolicy?: "Orphan" | "Background" | "Foreground" | undefined
  readonly dryRun?: ReadonlyArray<string> | undefined
}

const Proto = {
  [TypeId]: TypeId,
  pipe() {
    return pipeArguments(this, arguments)
  }
}

type Fields = Omit<KubeRequest, TypeId | "pipe">

const build = (fields: Fields): KubeRequest => Object.assign(Object.create(Proto), fields)

const modify = (self: KubeRequest, patch: Partial<Fields>): KubeRequest => {
  const { [TypeId]: _, ...fields } = self as KubeRequest & Fields
  return build({ ...fields, ...patch })
}

/**
 * @since 0.1.0
 * @category guards
 */
export const isKubeRequest = (u: unknown): u is KubeRequest => Predicate.hasProperty(u, TypeId)

const verbMethod: { readonly [V in Verb]: Method } = {
  get: "GET",
  list: "GET",
  watch: "GET",
  create: "POST",
  update: "PUT",
  patch: "PATCH",
  delete: "DELETE",
  deletecollection: "DELETE"
}

/**
 * A request for `verb` at `target`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (verb: Verb, target: Target = {}): KubeRequest =>
  build({
    verb,
    method: verbMethod[verb],
    group: target.group ?? "",
    version: target.version ?? "v1",
    namespace: target.namespace,
    resource: target.resource,
    name: target.name,
    subresource: target.subresource,
    params: [],
    headers: {}
  })

/**
 * @since 0.1.0
 * @category constructors
 */
export const get = (target: Target): KubeRequest => make("get", target)

/**
 * @since 0.1.0
 * @category constructors
 */
export const list = (target: Target): KubeRequest => make("list", target)

/**
 * A watch: a GET on the collection with `watch=true` added when rendered.
 *
 * @since 0.1.0
 * @category constructors
 */
export const watch = (target: Target): KubeRequest => make("watch", target)

/**
 * @since 0.1.0
 * @category constructors
 */
export const create = (target: Target, body: unknown): KubeRequest =>
  modify(make("create", target), { body: { _tag: "Json", value: body } })

/**
 * @since 0.1.0
 * @category constructors
 */
export const update = (target: Target, body: unknown): KubeRequest =>
  modify(make("update", target), { body: { _tag: "Json", value: body } })

/**
 * A PATCH; the Content-Type follows `patchType`. `body` is the patch document (for `apply`, the object as JSON, as
 * kubectl sends it).
 *
 * @since 0.1.0
 * @category constructors
 */
export const patch = (target: Target, patchType: PatchType, body: unknown): KubeRequest =>
  modify(make("patch", target), { patchType, body: { _tag: "Json", value: body } })

/**
 * A DELETE of one object (`delete` is a reserved word).
 *
 * @since 0.1.0
 * @category constructors
 */
export const del = (target: Target): KubeRequest => make("delete", target)

/**
 * @since 0.1.0
 * @category constructors
 */
export const deleteCollection = (target: Target): KubeRequest => make("deletecollection", target)

/**
 * A request for a path below the server, like `kubectl get --raw`: the query string, if any, becomes parameters
 * (re-encoded and sorted, as client-go's `RequestURI` does).
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw = (pathAndQuery: string, method: Method = "GET"): KubeRequest => {
  const q = pathAndQuery.indexOf("?")
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)
  const params: Array<readonly [string, string]> = []
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(pathAndQuery.slice(q + 1))) params.push([k, v])
  }
  const verb: Verb = method === "POST"
    ? "create"
    : method === "PUT"
    ? "update"
    : method === "PATCH"
    ? "patch"
    : method === "DELETE"
    ? "delete"
    : "get"
  return build({ verb, method, group: "", version: "", absPath: path, params, headers: {} })
}

/**
 * @since 0.1.0
 * @category combinators
 */
export const namespace: {
  (namespace: string | undefined): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, namespace: string | undefined): KubeRequest
} = dual(2, (self: KubeRequest, namespace: string | undefined) => modify(self, { namespace }))

/**
 * @since 0.1.0
 * @category combinators
 */
export const name: {
  (name: string | undefined): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, name: string | undefined): KubeRequest
} = dual(2, (self: KubeRequest, name: string | undefined) => modify(self, { name }))

/**
 * @since 0.1.0
 * @category combinators
 */
export const resource: {
  (resource: string): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, resource: string): KubeRequest
} = dual(2, (self: KubeRequest, resource: string) => modify(self, { resource }))

/**
 * A subresource such as `status`, `scale`, `log`, `eviction`; may hold further segments (`proxy/healthz`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const subresource: {
  (subresource: string | undefined): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, subresource: string | undefined): KubeRequest
} = dual(2, (self: KubeRequest, subresource: string | undefined) => modify(self, { subresource }))

/**
 * @since 0.1.0
 * @category combinators
 */
export const groupVersion: {
  (group: string, version: string): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, group: string, version: string): KubeRequest
} = dual(3, (self: KubeRequest, group: string, version: string) => modify(self, { group, version }))

/**
 * @since 0.1.0
 * @category combinators
 */
export const verb: {
  (verb: Verb): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, verb: Verb): KubeRequest
} = dual(2, (self: KubeRequest, verb: Verb) => modify(self, { verb, method: verbMethod[verb] }))

/**
 * Adds a query parameter (a key may repeat, as with client-go's `Param`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const param: {
  (key: string, value: string | number | boolean): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, key: string, value: string | number | boolean): KubeRequest
} = dual(
  3,
  (self: KubeRequest, key: string, value: string | number | boolean) =>
    modify(self, { params: [...self.params, [key, String(value)]] })
)

/**
 * Sets query parameters, replacing any values already held for the same keys. `undefined` removes a key.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setParams: {
  (
    params: Readonly<Record<string, string | number | boolean | ReadonlyArray<string> | undefined>>
  ): (self: KubeRequest) => KubeRequest
  (
    self: KubeRequest,
    params: Readonly<Record<string, string | number | boolean | ReadonlyArray<string> | undefined>>
  ): KubeRequest
} = dual(
  2,
  (
    self: KubeRequest,
    params: Readonly<Record<string, string | number | boolean | ReadonlyArray<string> | undefined>>
  ) => {
    // Options left unset (the common case) change nothing: no new request.
    let changes = false
    for (const k in params) {
      if (params[k] !== undefined || self.params.some(([name]) => name === k)) {
        changes = true
        break
      }
    }
    if (!changes) return self
    const keys = new Set(Object.keys(params))
    const next: Array<readonly [string, string]> = self.params.filter(([k]) => !keys.has(k))
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) continue
      if (typeof v === "object") { for (const item of v) next.push([k, item]) }
      else next.push([k, String(v)])
    }
    return modify(self, { params: next })
  }
)

/**
 * Sets the ListOptions parameters, leaving out zero values as client-go does (`limit: 0`, `allowWatchBookmarks:
 * false`).
 *
 * @since 0.1.0
 * @category options
 */
export const listOptions: {
  (options: ListOptions): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, options: ListOptions): KubeRequest
} = dual(2, (self: KubeRequest, o: ListOptions) =>
  setParams(self, {
    labelSelector: o.labelSelector || undefined,
    fieldSelector: o.fieldSelector || undefined,
    limit: o.limit !== undefined && o.limit > 0 ? o.limit : undefined,
    continue: o.continue || undefined,
    resourceVersion: o.resourceVersion || undefined,
    resourceVersionMatch: o.resourceVersionMatch || undefined,
    timeoutSeconds: o.timeoutSeconds,
    allowWatchBookmarks: o.allowWatchBookmarks ? true : undefined,
    sendInitialEvents: o.sendInitialEvents
  }))

/**
 * @since 0.1.0
 * @category options
 */
export const getOptions: {
  (options: GetOptions): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, options: GetOptions): KubeRequest
} = dual(
  2,
  (self: KubeRequest, o: GetOptions) => setParams(self, { resourceVersion: o.resourceVersion || undefined })
)

const writeParams = (o: PatchOptions) => ({
  dryRun: o.dryRun !== undefined && o.dryRun.length > 0 ? o.dryRun : undefined,
  fieldManager: o.fieldManager || undefined,
  fieldValidation: o.fieldValidation || undefined,
  force: o.force
})

/**
 * @since 0.1.0
 * @category options
 */
export const createOptions: {
  (options: CreateOptions): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, options: CreateOptions): KubeRequest
} = dual(2, (self: KubeRequest, o: CreateOptions) => setParams(self, writeParams(o)))

/**
 * @since 0.1.0
 * @category options
 */
export const updateOptions: {
  (options: UpdateOptions): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, options: UpdateOptions): KubeRequest
} = dual(2, (self: KubeRequest, o: UpdateOptions) => setParams(self, writeParams(o)))

/**
 * @since 0.1.0
 * @category options
 */
export const patchOptions: {
  (options: PatchOptions): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, options: PatchOptions): KubeRequest
} = dual(2, (self: KubeRequest, o: PatchOptions) => setParams(self, writeParams(o)))

/**
 * The DeleteOptions JSON object in the field order Go serialises it, without unset fields.
 *
 * @since 0.1.0
 * @category options
 */
export const deleteOptionsBody = (o: DeleteOptions): Record<string, unknown> => {
  const body: Record<string, unknown> = {}
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds
  if (o.preconditions !== undefined) {
    const p: Record<string, unknown> = {}
    if (o.preconditions.uid !== undefined) p.uid = o.preconditions.uid
    if (o.preconditions.resourceVersion !== undefined) p.resourceVersion = o.preconditions.resourceVersion
    body.preconditions = p
  }
  if (o.orphanDependents !== undefined) body.orphanDependents = o.orphanDependents
  if (o.propagationPolicy !== undefined) body.propagationPolicy = o.propagationPolicy
  if (o.dryRun !== undefined && o.dryRun.length > 0) body.dryRun = o.dryRun
  return body
}

/**
 * Puts DeleteOptions in the request body, as kubectl does for `delete` and `deletecollection`.
 *
 * @since 0.1.0
 * @category options
 */
export const deleteOptions: {
  (options: DeleteOptions): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, options: DeleteOptions): KubeRequest
} = dual(
  2,
  (self: KubeRequest, o: DeleteOptions) => modify(self, { body: { _tag: "Json", value: deleteOptionsBody(o) } })
)

/**
 * Sets a JSON body.
 *
 * @since 0.1.0
 * @category combinators
 */
export const body: {
  (value: unknown): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, value: unknown): KubeRequest
} = dual(2, (self: KubeRequest, value: unknown) => modify(self, { body: { _tag: "Json", value } }))

/**
 * Sets a raw body with its content type.
 *
 * @since 0.1.0
 * @category combinators
 */
export const bodyBytes: {
  (bytes: Uint8Array, contentType: string): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, bytes: Uint8Array, contentType: string): KubeRequest
} = dual(
  3,
  (self: KubeRequest, bytes: Uint8Array, contentType: string) =>
    modify(self, { body: { _tag: "Bytes", bytes, contentType } })
)

/**
 * Sets a header (names are lower-cased). Authorization is added by `Credentials`, not here.
 *
 * @since 0.1.0
 * @category combinators
 */
export const header: {
  (key: string, value: string): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, key: string, value: string): KubeRequest
} = dual(
  3,
  (self: KubeRequest, key: string, value: string) =>
    modify(self, { headers: { ...self.headers, [key.toLowerCase()]: value } })
)

/**
 * A per-request timeout, overriding `RestConfig.timeout`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const timeout: {
  (timeout: Duration.DurationInput | undefined): (self: KubeRequest) => KubeRequest
  (self: KubeRequest, timeout: Duration.DurationInput | undefined): KubeRequest
} = dual(
  2,
  (self: KubeRequest, timeout: Duration.DurationInput | undefined) =>
    modify(self, { timeout: timeout === undefined ? undefined : Duration.decode(timeout) })
)

/**
 * True for requests that do not change anything on the server, and so may be sent again after a failure whose
 * outcome is unknown.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSafe = (self: KubeRequest): boolean => self.method === "GET" || self.method === "HEAD"

/**
 * The Content-Type of the body, if any.
 *
 * @since 0.1.0
 * @category accessors
 */
export const contentType = (self: KubeRequest): string | undefined => {
  if (self.body === undefined) return undefined
  if (self.body._tag === "Bytes") return self.body.contentType
  return self.patchType !== undefined && self.verb === "patch" ? patchContentType[self.patchType] : "application/json"
}

/**
 * Checks what client-go checks when the request is built: names and namespaces must be usable as one path segment,
 * and a named or namespaced request needs a resource.
 *
 * @since 0.1.0
 * @category utils
 */
export const validate = (self: KubeRequest): Either.Either<KubeRequest, InvalidRequest> => {
  if (self.absPath !== undefined) return Either.right(self)
  const check = (what: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined
    if (value === "") return `${what} may not be empty`
    const problems = goUrl.pathSegmentProblems(value)
    return problems.length > 0 ? `invalid ${what} ${JSON.stringify(value)}: [${problems.join(", ")}]` : undefined
  }
  const problem = check("resource name", self.name) ?? check("namespace", self.namespace) ??
    check("resource", self.resource) ??
    ((self.name !== undefined || self.subresource !== undefined) && self.resource === undefined
      ? "a resource is required with a name or subresource"
      : undefined)
  return problem === undefined ? Either.right(self) : Either.left(new InvalidRequest({ detail: problem }))
}

/**
 * The path below the server (without the server's own prefix), before escaping: `/api/v1/namespaces/x/pods/p`.
 *
 * @since 0.1.0
 * @category conversions
 */
export const path = (self: KubeRequest, serverPath = ""): string => {
  if (self.absPath !== undefined) {
    let p = goUrl.joinPath(serverPath, self.absPath)
    // client-go keeps a single raw path's trailing slash, which path.Join would drop.
    if (self.absPath.endsWith("/") && (serverPath.length > 1 || self.absPath.length > 1)) p += "/"
    return p === "" ? "/" : p
  }
  let p = goUrl.joinPath(serverPath, self.group === "" ? "/api" : "/apis", self.group, self.version)
  if (self.namespace !== undefined && self.namespace !== "") p = goUrl.joinPath(p, "namespaces", self.namespace)
  if (self.resource !== undefined) p = goUrl.joinPath(p, self.resource.toLowerCase())
  if (self.name !== undefined || self.subresource !== undefined) {
    p = goUrl.joinPath(p, self.name ?? "", self.subresource ?? "")
  }
  return p
}

/**
 * The query parameters as sent: the request's own, `watch=true` for a watch, `timeout` when set.
 *
 * @since 0.1.0
 * @category conversions
 */
export const query = (self: KubeRequest): string => {
  if (self.verb !== "watch" && self.timeout === undefined) return goUrl.encodeQuery(self.params)
  const params: Array<readonly [string, string]> = [...self.params]
  if (self.verb === "watch" && !params.some(([k]) => k === "watch")) params.push(["watch", "true"])
  if (self.timeout !== undefined && Duration.toMillis(self.timeout) > 0) {
    params.push(["timeout", goUrl.formatDuration(self.timeout)])
  }
  return goUrl.encodeQuery(params)
}

/**
 * The full URL for `server` (scheme, host, port and optional path prefix, as in `RestConfig.server`). Userinfo in
 * `server` is dropped.
 *
 * @since 0.1.0
 * @category conversions
 */
export const url: {
  (server: string): (self: KubeRequest) => string
  (self: KubeRequest, server: string): string
} = dual(2, (self: KubeRequest, server: string): string => {
  const base = serverBase(server)
  const q = query(self)
  return `${base.origin}${goUrl.escapePath(path(self, base.path))}${q === "" ? "" : "?" + q}`
})

// A client renders every URL against the same server: its parse is remembered (a few servers at most).
const serverBases = new Map<string, { readonly origin: string; readonly path: string }>()

const serverBase = (server: string): { readonly origin: string; readonly path: string } => {
  let base = serverBases.get(server)
  if (base === undefined) {
    const url = new URL(server)
    base = { origin: `${url.protocol}//${url.host}`, path: url.pathname === "/" ? "" : url.pathname }
    if (serverBases.size >= 16) serverBases.clear()
    serverBases.set(server, base)
  }
  return base
}
