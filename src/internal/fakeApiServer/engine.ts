/**
 * The resource handlers of the fake apiserver: CRUD, lists with selectors and paging, watch, patch and apply,
 * delete with finalizers and preconditions, status and scale subresources, pod logs, CRDs and namespaces.
 * Handlers are synchronous over the store; only watch and log-follow replies carry a (lazy) Stream.
 */
import * as Duration from "effect/Duration"
import * as YAML from "yaml"
import type { ResourceInfo } from "../../Resource.js"
import { Logs } from "./logs.js"
import type { Allocator as AllocatorType } from "./objects.js"
import {
  Allocator,
  apiVersionOf,
  deepEqual,
  defaultOnCreate,
  listItem,
  nameProblem,
  newUid,
  randomSuffix,
  specChanged,
  timestamp,
  view,
  withoutVolatileMeta
} from "./objects.js"
import type { PatchEngine, PatchResult } from "./patch.js"
import type { Served } from "./registry.js"
import { readPath, Registry, writePath } from "./registry.js"
import type { FieldSelector, Matcher } from "./selectors.js"
import { fieldsFor, isParseError, labelSelectorToString, parseFieldSelector, parseLabelSelector } from "./selectors.js"
import * as S from "./status.js"
import { objectKey, Store } from "./store.js"
import { toTable } from "./table.js"
import type { ApiReply, ApiRequest, Obj } from "./types.js"
import { isObj, json, text } from "./types.js"
import { watchStream } from "./watch.js"

export interface EngineOptions {
  readonly resources: ReadonlyArray<ResourceInfo>
  readonly historySize: number
  readonly bookmarkInterval: Duration.Duration
  /** Server-side watch timeout when the client sends no timeoutSeconds. */
  readonly watchTimeout: Duration.Duration
  readonly patch: PatchEngine
}

export interface ResourceRequest {
  readonly served: Served
  readonly namespace: string | undefined
  readonly name: string | undefined
  readonly subresource: string | undefined
  /** Reached through the legacy `/watch/` prefix. */
  readonly legacyWatch: boolean
  readonly req: ApiRequest
  readonly now: number
  /** Fault injection: end a watch after this many events. */
  readonly cutWatchAfter?: number | undefined
}

const CRD_KEY = "apiextensions.k8s.io/customresourcedefinitions"
const NS_KEY = "/namespaces"

const bootstrapNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]

const isReply = (u: unknown): u is ApiReply =>
  isObj(u) && (u._tag === "Body" || u._tag === "Stream") && typeof u.status === "number"

/** Ways the client asked to see objects: plain, Table, or metadata only. */
type Rendering =
  | { readonly _tag: "Plain" }
  | { readonly _tag: "Table"; readonly apiVersion: string; readonly includeObject: "None" | "Metadata" | "Object" }
  | { readonly _tag: "Metadata" }

const renderingOf = (req: ApiRequest): Rendering => {
  const accept = req.headers["accept"] ?? ""
  for (const part of accept.split(",")) {
    const params = new Map(
      part.split(";").slice(1).map((p) => {
        const [k, v] = p.trim().split("=")
        return [k ?? "", v ?? ""] as const
      })
    )
    const as = params.get("as")
    if (as === "Table") {
      const include = req.query.get("includeObject")
      return {
        _tag: "Table",
        apiVersion: `meta.k8s.io/${params.get("v") ?? "v1"}`,
        includeObject: include === "None" || include === "Object" ? include : "Metadata"
      }
    }
    if (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") return { _tag: "Metadata" }
    if (as === undefined) return { _tag: "Plain" }
  }
  return { _tag: "Plain" }
}

const managerFromUserAgent = (ua: string | undefined) => {
  if (ua === undefined || ua === "") return "unknown"
  const slash = ua.indexOf("/")
  return slash > 0 ? ua.slice(0, slash) : ua
}

const encodeContinue = (rv: number, start: string) =>
  Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64url")

const decodeContinue = (token: string): { rv: number; start: string } | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"))
    if (isObj(parsed) && typeof parsed.rv === "number" && typeof parsed.start === "string") {
      return { rv: parsed.rv, start: parsed.start }
    }
  } catch {
    return undefined
  }
  return undefined
}

const tooOldContinue =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."

const patchTypes = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml"
} as const

export class Engine {
  readonly store: Store
  readonly registry: Registry
  readonly logs = new Logs()
  private readonly allocator: AllocatorType = new Allocator()

  constructor(readonly options: EngineOptions) {
    this.store = new Store(options.historySize)
    this.registry = new Registry(options.resources)
    const now = Date.now()
    for (const ns of bootstrapNamespaces) {
      this.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }, now)
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Programmatic access
  // -------------------------------------------------------------------------------------------------------------

  /** Finds the served resource for an apiVersion and kind (any version of the group when that one is not served). */
  servedFor(apiVersion: string, kind: string): Served | undefined {
    const slash = apiVersion.indexOf("/")
    const group = slash >= 0 ? apiVersion.slice(0, slash) : ""
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion
    return this.registry.byGroupVersionKind(group, version, kind) ?? this.registry.byGroupKind(group, kind)
  }

  /**
   * Stores an object as is (status included), filling in server-set metadata; an existing object is replaced.
   * A namespace that does not exist yet is created. Returns an error message for kinds the fake does not serve.
   */
  seed(input: unknown, now: number): string | undefined {
    if (!isObj(input)) return "a seeded object must be a JSON object"
    const apiVersion = String(input.apiVersion ?? "")
    const kind = String(input.kind ?? "")
    const served = this.servedFor(apiVersion, kind)
    if (served === undefined) {
      return `no resource serves ${kind} in ${apiVersion === "" ? "(no apiVersion)" : apiVersion}`
    }
    const meta: Obj = { ...(isObj(input.metadata) ? input.metadata : {}) }
    if (typeof meta.name !== "string" || meta.name === "") {
      if (typeof meta.generateName === "string") meta.name = meta.generateName + randomSuffix()
      else return `${kind} has no metadata.name`
    }
    if (served.info.namespaced) {
      if (typeof meta.namespace !== "string" || meta.namespace === "") meta.namespace = "default"
      this.ensureNamespace(meta.namespace, now)
    } else {
      delete meta.namespace
    }
    const key = objectKey(meta.namespace, meta.name)
    const prev = this.store.get(served.storageKey, key)
    let obj: Obj = { ...input, apiVersion: apiVersionOf(served.info.group, served.info.version), kind, metadata: meta }
    if (served.storageKey === NS_KEY) {
      obj = defaultOnCreate(served, { status: { phase: "Active" }, ...obj }, this.allocator)
    }
    if (served.storageKey === CRD_KEY) obj = withCrdStatus(obj, now)
    this.store.put(served.storageKey, key, (rv) => ({
      ...obj,
      metadata: {
        ...meta,
        uid: meta.uid ?? prev?.metadata?.uid ?? newUid(),
        creationTimestamp: meta.creationTimestamp ?? prev?.metadata?.creationTimestamp ?? timestamp(now),
        resourceVersion: rv,
        ...(meta.generation === undefined && isObj(obj.spec) ? { generation: 1 } : {})
      }
    }))
    if (served.storageKey === CRD_KEY) this.refreshCrds()
    return undefined
  }

  private ensureNamespace(name: string, now: number) {
    if (this.store.get(NS_KEY, objectKey(undefined, name)) === undefined) {
      this.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name } }, now)
    }
  }

  private refreshCrds() {
    const crds: Array<Obj> = []
    for (const [, crd] of this.store.scan(CRD_KEY, {}) ?? []) crds.push(crd)
    for (const dropped of this.registry.setCustomResourceDefinitions(crds)) this.store.dropResource(dropped)
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP face
  // -------------------------------------------------------------------------------------------------------------

  handle(r: ResourceRequest): ApiReply {
    const { served, req } = r
    const info = served.info
    if (info.namespaced && r.namespace === undefined && (r.name !== undefined || req.method === "POST")) {
      return req.method === "POST" && r.name === undefined ? S.methodNotAllowed() : S.resourceNotFound()
    }
    if (!info.namespaced && r.namespace !== undefined) return S.resourceNotFound()
    if (r.subresource !== undefined) {
      if (!info.subresources.includes(r.subresource)) return S.resourceNotFound()
      return this.subresource(r)
    }
    const verb = this.verbOf(r)
    if (verb === undefined || !info.verbs.includes(verb)) return S.methodNotAllowed()
    switch (verb) {
      case "get":
        return this.get(r)
      case "list":
        return this.list(r)
      case "watch":
        return this.watch(r)
      case "create":
        return this.create(r)
      case "update":
        return this.update(r, undefined)
      case "patch":
        return this.patch(r, undefined)
      case "delete":
        return this.delete(r)
      case "deletecollection":
        return this.deleteCollection(r)
    }
    return S.methodNotAllowed()
  }

  private verbOf(r: ResourceRequest): string | undefined {
    const watchParam = r.req.query.get("watch")
    const watching = r.legacyWatch || watchParam === "true" || watchParam === "1"
    switch (r.req.method) {
      case "GET":
        if (watching) return "watch"
        return r.name === undefined ? "list" : "get"
      case "POST":
        return r.name === undefined ? "create" : undefined
      case "PUT":
        return r.name === undefined ? undefined : "update"
      case "PATCH":
        return r.name === undefined ? undefined : "patch"
      case "DELETE":
        return r.name === undefined ? "deletecollection" : "delete"
    }
    return undefined
  }

  private key(r: ResourceRequest, name: string) {
    return objectKey(r.served.info.namespaced ? r.namespace : undefined, name)
  }

  private notFound(r: ResourceRequest, name: string) {
    return S.notFound(r.served.info.plural, r.served.info.group, name)
  }

  private dryRun(r: ResourceRequest) {
    return r.req.query.getAll("dryRun").includes("All")
  }

  private manager(r: ResourceRequest) {
    return r.req.query.get("fieldManager") ?? managerFromUserAgent(r.req.headers["user-agent"])
  }

  // --- rendering ---------------------------------------------------------------------------------------------

  private renderOne(r: ResourceRequest, status: number, obj: Obj): ApiReply {
    const rendering = renderingOf(r.req)
    const viewed = view(obj, r.served)
    switch (rendering._tag) {
      case "Plain":
        return json(status, viewed)
      case "Metadata":
        return json(status, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: viewed.metadata })
      case "Table":
        return json(status, {
          ...toTable(r.served, [viewed], r.now, { resourceVersion: viewed.metadata?.resourceVersion }, {
            includeObject: rendering.includeObject,
            includeColumns: true
          }),
          apiVersion: rendering.apiVersion
        })
    }
  }

  private renderList(r: ResourceRequest, items: ReadonlyArray<Obj>, listMeta: Obj): ApiReply {
    const rendering = renderingOf(r.req)
    const info = r.served.info
    switch (rendering._tag) {
      case "Plain":
        return json(200, {
          kind: info.listKind,
          apiVersion: apiVersionOf(info.group, info.version),
          metadata: listMeta,
          items: items.map((o) => listItem(o, r.served))
        })
      case "Metadata":
        return json(200, {
          kind: "PartialObjectMetadataList",
          apiVersion: "meta.k8s.io/v1",
          metadata: listMeta,
          items: items.map((o) => ({
            kind: "PartialObjectMetadata",
            apiVersion: "meta.k8s.io/v1",
            metadata: o.metadata
          }))
        })
      case "Table":
        return json(200, {
          ...toTable(r.served, items.map((o) => view(o, r.served)), r.now, listMeta, {
            includeObject: rendering.includeObject,
            includeColumns: true
          }),
          apiVersion: rendering.apiVersion
        })
    }
  }

  // --- reads ---------------------------------------------------------------------------------------------------

  private get(r: ResourceRequest): ApiReply {
    const obj = this.store.get(r.served.storageKey, this.key(r, r.name!))
    return obj === undefined ? this.notFound(r, r.name!) : this.renderOne(r, 200, obj)
  }

  private selectors(r: ResourceRequest): { label: Matcher; field: FieldSelector } | ApiReply {
    const label = parseLabelSelector(r.req.query.get("labelSelector"))
    if (isParseError(label)) return S.badRequest(label.message)
    const fields = fieldsFor(r.served.info.group, r.served.info.plural, r.served.selectableFields)
    const field = parseFieldSelector(r.req.query.get("fieldSelector"), fields)
    if (isParseError(field)) return S.badRequest(field.message)
    return { label, field }
  }

  private list(r: ResourceRequest): ApiReply {
    const sel = this.selectors(r)
    if (isReply(sel)) return sel
    const q = r.req.query
    const limitParam = Number(q.get("limit") ?? "0")
    const limit = Number.isFinite(limitParam) && limitParam > 0 ? Math.floor(limitParam) : 0
    const continueParam = q.get("continue")
    let atRv: number | undefined
    let startAfter: string | undefined
    if (continueParam !== null && continueParam !== "") {
      const token = decodeContinue(continueParam)
      if (token === undefined) {
        return S.badRequest(
          "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        )
      }
      if (token.rv < this.store.compactedRv) return S.expired(tooOldContinue)
      atRv = token.rv
      startAfter = token.start
    } else {
      const rvParam = q.get("resourceVersion")
      const match = q.get("resourceVersionMatch")
      if (rvParam !== null && rvParam !== "" && rvParam !== "0") {
        const rv = Number(rvParam)
        if (!Number.isInteger(rv) || rv < 0) {
          return S.badRequest(
            `resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: must be a valid resource version`
          )
        }
        if (rv > this.store.currentRv) {
          return S.failure(504, "Timeout", `Too large resource version: ${rv}, current: ${this.store.currentRv}`, {
            causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
            retryAfterSeconds: 1
          })
        }
        if (match === "Exact") {
          if (rv < this.store.compactedRv) {
            return S.expired(`The resourceVersion for the provided list is too old.`)
          }
          atRv = rv
        }
      } else if (match === "Exact") {
        return S.badRequest(
          "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""
        )
      }
    }
    const listRv = atRv ?? this.store.currentRv
    const namespace = r.served.info.namespaced ? r.namespace ?? sel.field.namespace : undefined
    const matches = (o: Obj) => sel.label(o) && sel.field.matches(o)
    const items: Array<Obj> = []
    let cont: string | undefined
    let remaining = 0
    // A pinned name is a point lookup: no scan over thousands of objects for `--field-selector metadata.name=x`.
    if (
      sel.field.name !== undefined && startAfter === undefined && atRv === undefined &&
      (namespace !== undefined || !r.served.info.namespaced)
    ) {
      const obj = this.store.get(r.served.storageKey, objectKey(namespace, sel.field.name))
      if (obj !== undefined && matches(obj)) items.push(obj)
    } else {
      const scan = this.store.scan(r.served.storageKey, { namespace, startAfter, atRv })
      if (scan === undefined) {
        return S.expired(
          atRv !== undefined && continueParam ? tooOldContinue : "The resourceVersion for the provided list is too old."
        )
      }
      let lastKey = ""
      let full = false
      for (const [key, obj] of scan) {
        if (!matches(obj)) continue
        if (full) {
          remaining++
          continue
        }
        items.push(obj)
        lastKey = key
        if (limit > 0 && items.length === limit) full = true
      }
      if (remaining > 0) cont = encodeContinue(listRv, lastKey)
    }
    const listMeta: Obj = { resourceVersion: String(listRv) }
    if (cont !== undefined) {
      listMeta.continue = cont
      listMeta.remainingItemCount = remaining
    }
    return this.renderList(r, items, listMeta)
  }

  private watch(r: ResourceRequest): ApiReply {
    const sel = this.selectors(r)
    if (isReply(sel)) return sel
    const q = r.req.query
    const rvParam = q.get("resourceVersion")
    let resourceVersion: number | undefined
    if (rvParam !== null && rvParam !== "" && rvParam !== "0") {
      const rv = Number(rvParam)
      if (!Number.isInteger(rv) || rv < 0) {
        return S.badRequest(
          `resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: must be a valid resource version`
        )
      }
      resourceVersion = rv
    }
    const timeoutParam = Number(q.get("timeoutSeconds") ?? "NaN")
    const timeout = Number.isFinite(timeoutParam) && timeoutParam > 0
      ? Duration.seconds(timeoutParam)
      : this.options.watchTimeout
    const nameFilter = r.name
    const label = sel.label
    const field = sel.field
    const matches = nameFilter === undefined
      ? (o: Obj) => label(o) && field.matches(o)
      : (o: Obj) => o.metadata?.name === nameFilter && label(o) && field.matches(o)
    const rendering = renderingOf(r.req)
    const render = (obj: Obj, first: boolean): unknown => {
      switch (rendering._tag) {
        case "Plain":
          return obj
        case "Metadata":
          return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata }
        case "Table":
          return {
            ...toTable(r.served, [obj], Date.now(), { resourceVersion: obj.metadata?.resourceVersion }, {
              includeObject: rendering.includeObject,
              includeColumns: first
            }),
            apiVersion: rendering.apiVersion
          }
      }
    }
    const stream = watchStream(this.store, {
      served: r.served,
      namespace: r.served.info.namespaced ? r.namespace : undefined,
      matches,
      resourceVersion,
      sendInitialEvents: q.get("sendInitialEvents") === "true",
      allowBookmarks: q.get("allowWatchBookmarks") === "true",
      bookmarkInterval: this.options.bookmarkInterval,
      timeout,
      cutAfter: r.cutWatchAfter,
      plain: rendering._tag === "Plain",
      render
    })
    return { _tag: "Stream", status: 200, contentType: "application/json", stream }
  }

  // --- writes --------------------------------------------------------------------------------------------------

  private parseBody(r: ResourceRequest): Obj | ApiReply {
    const body = r.req.body
    if (body === undefined || body.trim() === "") return S.badRequest("the request body is empty")
    const contentType = (r.req.headers["content-type"] ?? "application/json").toLowerCase()
    // Protobuf and CBOR bodies would need the Go types; the fake speaks JSON and YAML only.
    if (!contentType.includes("json") && !contentType.includes("yaml")) {
      return S.unsupportedMediaType(["application/json", "application/yaml"])
    }
    try {
      const parsed: unknown = contentType.includes("yaml") ? YAML.parse(body) : JSON.parse(body)
      if (!isObj(parsed)) return S.badRequest("the request body must be a JSON object")
      return parsed
    } catch (e) {
      return S.badRequest(
        `the body of the request could not be decoded: ${e instanceof Error ? e.message.split("\n")[0] : "invalid"}`
      )
    }
  }

  /** Checks apiVersion/kind of a body against the endpoint; fills them in when absent. */
  private checkTypeMeta(r: ResourceRequest, body: Obj, kind: string, apiVersion: string): Obj | ApiReply {
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
      return S.badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersion})`
      )
    }
    if (body.kind !== undefined && body.kind !== kind) {
      return S.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${kind})`)
    }
    void r
    return { ...body, apiVersion, kind, metadata: isObj(body.metadata) ? body.metadata : {} }
  }

  private checkNamespace(r: ResourceRequest, obj: Obj): Obj | ApiReply {
    if (!r.served.info.namespaced) {
      const { namespace: _ns, ...meta } = obj.metadata
      return { ...obj, metadata: meta }
    }
    const ns = obj.metadata.namespace
    if (ns !== undefined && ns !== "" && ns !== r.namespace) {
      return S.badRequest("the namespace of the provided object does not match the namespace sent on the request")
    }
    return { ...obj, metadata: { ...obj.metadata, namespace: r.namespace } }
  }

  private namespaceMissing(r: ResourceRequest): ApiReply | undefined {
    if (!r.served.info.namespaced) return undefined
    return this.store.get(NS_KEY, objectKey(undefined, r.namespace!)) === undefined
      ? S.notFound("namespaces", "", r.namespace!)
      : undefined
  }

  /** The request body as an object of the URL's kind, version and namespace, or the apiserver's refusal. */
  private checkedBody(r: ResourceRequest) {
    const parsed = this.parseBody(r)
    if (isReply(parsed)) return parsed
    const info = r.served.info
    const typed = this.checkTypeMeta(r, parsed, info.kind, apiVersionOf(info.group, info.version))
    if (isReply(typed)) return typed
    return this.checkNamespace(r, typed)
  }

  private create(r: ResourceRequest): ApiReply {
    const placed = this.checkedBody(r)
    if (isReply(placed)) return placed
    return this.createObject(r, placed, 201)
  }

  private createObject(r: ResourceRequest, input: Obj, status: number, prepared?: (obj: Obj) => Obj): ApiReply {
    const info = r.served.info
    let meta: Obj = { ...input.metadata }
    if (typeof meta.name !== "string" || meta.name === "") {
      if (typeof meta.generateName === "string" && meta.generateName !== "") {
        meta.name = meta.generateName + randomSuffix()
      } else {
        return S.invalid(info.kind, info.group, "", [{
          reason: "FieldValueRequired",
          message: "Required value: name or generateName is required",
          field: "metadata.name"
        }])
      }
    }
    const bad = nameProblem(r.served, meta.name)
    if (bad !== undefined) {
      return S.invalid(info.kind, info.group, meta.name, [{
        reason: "FieldValueInvalid",
        message: bad,
        field: "metadata.name"
      }])
    }
    const missingNs = this.namespaceMissing(r)
    if (missingNs !== undefined) return missingNs
    const key = this.key(r, meta.name)
    if (this.store.get(r.served.storageKey, key) !== undefined) {
      return S.alreadyExists(info.plural, info.group, meta.name)
    }
    const time = timestamp(r.now)
    const { resourceVersion: _rv, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...kept } = meta
    meta = { ...kept, uid: newUid(), creationTimestamp: time, ...(isObj(input.spec) ? { generation: 1 } : {}) }
    let obj: Obj = defaultOnCreate(r.served, { ...input, metadata: meta }, this.allocator)
    if (r.served.storageKey === CRD_KEY) obj = withCrdStatus(obj, r.now)
    obj = prepared !== undefined
      ? prepared(obj)
      : this.options.patch.recordUpdate({
        live: undefined,
        next: obj,
        manager: this.manager(r),
        apiVersion: apiVersionOf(info.group, info.version),
        definition: info.definition,
        time,
        subresource: undefined
      })
    if (this.dryRun(r)) return this.renderOne(r, status, obj)
    const stored = this.store.put(
      r.served.storageKey,
      key,
      (rv) => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: rv } })
    )
    if (r.served.storageKey === CRD_KEY) this.refreshCrds()
    return this.renderOne(r, status, stored)
  }

  /**
   * Writes a new state of an existing object: status/spec split by subresource, generation, managed fields,
   * no-op detection, and removal once a deleting object has no finalizers left.
   */
  private commitUpdate(
    r: ResourceRequest,
    live: Obj,
    candidate: Obj,
    subresource: string | undefined,
    recordManagedFields: boolean
  ): ApiReply {
    const info = r.served.info
    const hasStatus = info.subresources.includes("status")
    let next: Obj
    if (subresource === "status") {
      // The status endpoint changes status only.
      next = { ...live, status: candidate.status }
      if (candidate.status === undefined) delete next.status
    } else {
      next = { ...candidate }
      if (hasStatus) {
        if (live.status === undefined) delete next.status
        else next.status = live.status
      }
      next.metadata = {
        ...candidate.metadata,
        name: live.metadata.name,
        uid: live.metadata.uid,
        creationTimestamp: live.metadata.creationTimestamp,
        ...(live.metadata.namespace !== undefined ? { namespace: live.metadata.namespace } : {}),
        ...(live.metadata.deletionTimestamp !== undefined
          ? {
            deletionTimestamp: live.metadata.deletionTimestamp,
            deletionGracePeriodSeconds: live.metadata.deletionGracePeriodSeconds
          }
          : {})
      }
      if (next.metadata.deletionTimestamp === undefined) {
        delete next.metadata.deletionTimestamp
        delete next.metadata.deletionGracePeriodSeconds
      }
    }
    next.metadata = {
      ...next.metadata,
      resourceVersion: live.metadata.resourceVersion,
      ...(live.metadata.generation !== undefined
        ? { generation: live.metadata.generation + (specChanged(live, next) ? 1 : 0) }
        : {})
    }
    if (recordManagedFields) {
      next = this.options.patch.recordUpdate({
        live,
        next,
        manager: this.manager(r),
        apiVersion: apiVersionOf(info.group, info.version),
        definition: info.definition,
        time: timestamp(r.now),
        subresource
      })
    }
    // The apiserver skips no-op writes; an apply that only changes who owns what still counts.
    if (
      deepEqual(withoutVolatileMeta(next), withoutVolatileMeta(live)) &&
      (recordManagedFields ||
        deepEqual(withoutTimes(next.metadata.managedFields), withoutTimes(live.metadata.managedFields)))
    ) {
      return this.renderOne(r, 200, live)
    }
    if (this.dryRun(r)) return this.renderOne(r, 200, next)
    const key = this.key(r, live.metadata.name)
    const finalizers = (next.metadata.finalizers ?? []) as Array<string>
    if (next.metadata.deletionTimestamp !== undefined && finalizers.length === 0) {
      this.store.put(
        r.served.storageKey,
        key,
        (rv) => ({ ...next, metadata: { ...next.metadata, resourceVersion: rv } })
      )
      const removed = this.removeObject(r.served, key)
      return this.renderOne(r, 200, removed ?? next)
    }
    const stored = this.store.put(
      r.served.storageKey,
      key,
      (rv) => ({ ...next, metadata: { ...next.metadata, resourceVersion: rv } })
    )
    if (r.served.storageKey === CRD_KEY) this.refreshCrds()
    return this.renderOne(r, 200, stored)
  }

  private update(r: ResourceRequest, subresource: string | undefined): ApiReply {
    const placed = this.checkedBody(r)
    if (isReply(placed)) return placed
    const name = r.name!
    if (placed.metadata.name !== undefined && placed.metadata.name !== name) {
      return S.badRequest(
        `the name of the object (${placed.metadata.name}) does not match the name on the URL (${name})`
      )
    }
    const live = this.store.get(r.served.storageKey, this.key(r, name))
    if (live === undefined) return this.notFound(r, name)
    const rv = placed.metadata.resourceVersion
    if (rv !== undefined && rv !== "" && rv !== live.metadata.resourceVersion) {
      return S.staleConflict(r.served.info.plural, r.served.info.group, name)
    }
    return this.commitUpdate(r, live, { ...placed, metadata: { ...placed.metadata, name } }, subresource, true)
  }

  private applyPatch(r: ResourceRequest, doc: Obj, definition: string | undefined): PatchResult | ApiReply {
    const contentType = (r.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    const body = r.req.body ?? ""
    let patch: unknown
    try {
      patch = JSON.parse(body)
    } catch (e) {
      return S.badRequest(`error decoding patch: ${e instanceof Error ? e.message : "invalid JSON"}`)
    }
    switch (contentType) {
      case patchTypes.json:
        return this.options.patch.jsonPatch(doc, patch)
      case patchTypes.merge:
        return this.options.patch.mergePatch(doc, patch)
      case patchTypes.strategic:
        if (r.served.custom) return S.unsupportedMediaType([patchTypes.json, patchTypes.merge, patchTypes.apply])
        return this.options.patch.strategicMerge(doc, patch, definition)
    }
    return S.unsupportedMediaType(
      r.served.custom
        ? [patchTypes.json, patchTypes.merge, patchTypes.apply]
        : [patchTypes.json, patchTypes.merge, patchTypes.apply, patchTypes.strategic]
    )
  }

  private patch(r: ResourceRequest, subresource: string | undefined): ApiReply {
    const contentType = (r.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    if (contentType === patchTypes.apply) return this.serverSideApply(r, subresource)
    const info = r.served.info
    const name = r.name!
    const live = this.store.get(r.served.storageKey, this.key(r, name))
    if (live === undefined) return this.notFound(r, name)
    const result = this.applyPatch(r, view(live, r.served), info.definition)
    if (isReply(result)) return result
    if (result._tag === "Fail") return result.reply
    const patched = result.value
    if (!isObj(patched.metadata)) return S.badRequest("the patch removed metadata")
    const rv = patched.metadata.resourceVersion
    if (rv !== undefined && rv !== live.metadata.resourceVersion) return S.staleConflict(info.plural, info.group, name)
    if (patched.metadata.name !== name) {
      return S.badRequest(
        `the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`
      )
    }
    return this.commitUpdate(r, live, patched, subresource, true)
  }

  private serverSideApply(r: ResourceRequest, subresource: string | undefined): ApiReply {
    const info = r.served.info
    const manager = r.req.query.get("fieldManager")
    if (manager === null || manager === "") {
      return S.invalid("PatchOptions", "meta.k8s.io", "", [{
        reason: "FieldValueRequired",
        message: "Required value: is required for apply patch",
        field: "fieldManager"
      }])
    }
    let config: unknown
    try {
      config = YAML.parse(r.req.body ?? "")
    } catch (e) {
      return S.badRequest(`error decoding YAML: ${e instanceof Error ? e.message.split("\n")[0] : "invalid"}`)
    }
    if (!isObj(config)) return S.badRequest("the apply configuration must be an object")
    const apiVersion = apiVersionOf(info.group, info.version)
    if (config.apiVersion !== apiVersion || config.kind !== info.kind) {
      return S.badRequest(
        `the API version in the data (${config.apiVersion}) does not match the expected API version (${apiVersion})`
      )
    }
    const name = r.name!
    const meta: Obj = isObj(config.metadata) ? config.metadata : {}
    if (meta.name !== undefined && meta.name !== name) {
      return S.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`)
    }
    const placed = this.checkNamespace(r, { ...config, metadata: { ...meta, name } })
    if (isReply(placed)) return placed
    const live = this.store.get(r.served.storageKey, this.key(r, name))
    const force = r.req.query.get("force") === "true"
    const time = timestamp(r.now)
    if (live === undefined) {
      if (subresource !== undefined) return this.notFound(r, name)
      let failed: ApiReply | undefined
      const reply = this.createObject(r, placed, 201, (created) => {
        const applied = this.options.patch.apply({
          live: undefined,
          config: placed,
          manager,
          force,
          apiVersion,
          definition: info.definition,
          time,
          subresource
        })
        if (applied._tag === "Fail") {
          failed = applied.reply
          return created
        }
        return {
          ...applied.value,
          metadata: {
            ...applied.value.metadata,
            ...created.metadata,
            managedFields: applied.value.metadata?.managedFields
          }
        }
      })
      return failed ?? reply
    }
    const rv = placed.metadata.resourceVersion
    if (rv !== undefined && rv !== live.metadata.resourceVersion) return S.staleConflict(info.plural, info.group, name)
    const applied = this.options.patch.apply({
      live: view(live, r.served),
      config: placed,
      manager,
      force,
      apiVersion,
      definition: info.definition,
      time,
      subresource
    })
    if (applied._tag === "Fail") return applied.reply
    return this.commitUpdate(r, live, applied.value, subresource, false)
  }

  /** Removes an object now, with the side effects of its kind (namespace contents, CRD instances, logs). */
  private removeObject(served: Served, key: string): Obj | undefined {
    const removed = this.store.remove(served.storageKey, key)
    if (removed === undefined) return undefined
    if (served.storageKey === NS_KEY) {
      const ns = String(removed.metadata.name)
      for (const storageKey of this.store.storageKeys()) {
        const keys: Array<string> = []
        for (const [k] of this.store.scan(storageKey, { namespace: ns }) ?? []) keys.push(k)
        for (const k of keys) this.store.remove(storageKey, k)
      }
    }
    if (served.storageKey === CRD_KEY) this.refreshCrds()
    if (served.storageKey === "/pods") {
      this.logs.dropPod(String(removed.metadata.namespace), String(removed.metadata.name))
    }
    return removed
  }

  private deleteOptions(r: ResourceRequest): Obj | ApiReply {
    const body = r.req.body
    if (body === undefined || body.trim() === "") return {}
    try {
      const parsed: unknown = JSON.parse(body)
      return isObj(parsed) ? parsed : {}
    } catch {
      return S.badRequest("the DeleteOptions in the request body could not be decoded")
    }
  }

  private deleteOne(r: ResourceRequest, live: Obj, options: Obj): { reply: ApiReply; gone: Obj | undefined } {
    const info = r.served.info
    const name = String(live.metadata.name)
    const pre = isObj(options.preconditions) ? options.preconditions : {}
    if (pre.uid !== undefined && pre.uid !== live.metadata.uid) {
      return {
        reply: S.conflict(
          info.plural,
          info.group,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`
        ),
        gone: undefined
      }
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== live.metadata.resourceVersion) {
      return {
        reply: S.conflict(
          info.plural,
          info.group,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`
        ),
        gone: undefined
      }
    }
    const key = this.key(r, name)
    const finalizers = (live.metadata.finalizers ?? []) as Array<string>
    const dryRun = this.dryRun(r) || (isObj(options) && Array.isArray(options.dryRun) && options.dryRun.includes("All"))
    if (finalizers.length > 0) {
      if (live.metadata.deletionTimestamp !== undefined) return { reply: this.renderOne(r, 202, live), gone: undefined }
      const grace = Number(r.req.query.get("gracePeriodSeconds") ?? options.gracePeriodSeconds ?? 0)
      const marked: Obj = {
        ...live,
        metadata: {
          ...live.metadata,
          deletionTimestamp: timestamp(r.now),
          deletionGracePeriodSeconds: Number.isFinite(grace) ? grace : 0
        }
      }
      if (dryRun) return { reply: this.renderOne(r, 202, marked), gone: undefined }
      const stored = this.store.put(
        r.served.storageKey,
        key,
        (rv) => ({ ...marked, metadata: { ...marked.metadata, resourceVersion: rv } })
      )
      return { reply: this.renderOne(r, 202, stored), gone: undefined }
    }
    if (dryRun) return { reply: this.deletedReply(r, live), gone: live }
    const removed = this.removeObject(r.served, key) ?? live
    return { reply: this.deletedReply(r, removed), gone: removed }
  }

  /** Pods and custom resources answer a delete with the object; other built-ins with a Success Status. */
  private deletedReply(r: ResourceRequest, obj: Obj): ApiReply {
    if (r.served.custom || r.served.storageKey === "/pods") return this.renderOne(r, 200, obj)
    return json(
      200,
      S.success({
        name: obj.metadata.name,
        group: r.served.info.group,
        kind: r.served.info.plural,
        uid: obj.metadata.uid
      })
    )
  }

  private delete(r: ResourceRequest): ApiReply {
    const options = this.deleteOptions(r)
    if (isReply(options)) return options
    const live = this.store.get(r.served.storageKey, this.key(r, r.name!))
    if (live === undefined) return this.notFound(r, r.name!)
    return this.deleteOne(r, live, options).reply
  }

  private deleteCollection(r: ResourceRequest): ApiReply {
    const options = this.deleteOptions(r)
    if (isReply(options)) return options
    const sel = this.selectors(r)
    if (isReply(sel)) return sel
    const targets: Array<Obj> = []
    for (
      const [, obj]
        of this.store.scan(r.served.storageKey, { namespace: r.served.info.namespaced ? r.namespace : undefined }) ?? []
    ) {
      if (sel.label(obj) && sel.field.matches(obj)) targets.push(obj)
    }
    const deleted: Array<Obj> = []
    for (const obj of targets) {
      const { gone } = this.deleteOne(r, obj, options)
      deleted.push(gone ?? this.store.get(r.served.storageKey, this.key(r, obj.metadata.name)) ?? obj)
    }
    return this.renderList(r, deleted, { resourceVersion: String(this.store.currentRv) })
  }

  // --- subresources --------------------------------------------------------------------------------------------

  private subresource(r: ResourceRequest): ApiReply {
    const sub = r.subresource!
    const method = r.req.method
    switch (sub) {
      case "status":
      case "approval":
      case "ephemeralcontainers":
      case "resize":
      case "finalize":
        if (method === "GET") return this.get(r)
        if (method === "PUT") return this.update(r, sub === "status" || sub === "approval" ? "status" : undefined)
        if (method === "PATCH") return this.patch(r, sub === "status" || sub === "approval" ? "status" : undefined)
        return S.methodNotAllowed()
      case "scale":
        return this.scale(r)
      case "log":
        return method === "GET" ? this.podLog(r) : S.methodNotAllowed()
      case "eviction":
        if (method !== "POST") return S.methodNotAllowed()
        return this.evict(r)
      case "binding":
        if (method !== "POST") return S.methodNotAllowed()
        return this.bind(r)
      case "token":
        if (method !== "POST") return S.methodNotAllowed()
        return this.token(r)
    }
    return S.badRequest("Upgrade request required")
  }

  private scaleOf(r: ResourceRequest, obj: Obj): Obj {
    const spec = r.served.scale!
    const specReplicas = readPath(obj, spec.specReplicasPath)
    const statusReplicas = readPath(obj, spec.statusReplicasPath)
    let selector = ""
    if (spec.labelSelectorPath !== undefined) {
      const s = readPath(obj, spec.labelSelectorPath)
      selector = typeof s === "string" ? s : ""
    } else if (r.served.storageKey === "/replicationcontrollers") {
      selector = Object.entries((obj.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(
        ","
      )
    } else {
      selector = labelSelectorToString(obj.spec?.selector)
    }
    return {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: {
        name: obj.metadata.name,
        ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp
      },
      spec: { replicas: typeof specReplicas === "number" ? specReplicas : 0 },
      status: {
        replicas: typeof statusReplicas === "number" ? statusReplicas : 0,
        ...(selector !== "" ? { selector } : {})
      }
    }
  }

  private scale(r: ResourceRequest): ApiReply {
    const spec = r.served.scale
    if (spec === undefined) return S.resourceNotFound()
    const name = r.name!
    const live = this.store.get(r.served.storageKey, this.key(r, name))
    if (live === undefined) return this.notFound(r, name)
    const current = this.scaleOf(r, live)
    let wanted: Obj
    switch (r.req.method) {
      case "GET":
        return json(200, current)
      case "PUT": {
        const parsed = this.parseBody(r)
        if (isReply(parsed)) return parsed
        wanted = parsed
        break
      }
      case "PATCH": {
        const contentType = (r.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
        if (contentType === patchTypes.apply) {
          return S.unsupportedMediaType([patchTypes.json, patchTypes.merge, patchTypes.strategic])
        }
        const result = this.applyPatch(
          { ...r, served: { ...r.served, custom: false } },
          current,
          "io.k8s.api.autoscaling.v1.Scale"
        )
        if (isReply(result)) return result
        if (result._tag === "Fail") return result.reply
        wanted = result.value
        break
      }
      default:
        return S.methodNotAllowed()
    }
    const rv = wanted.metadata?.resourceVersion
    if (rv !== undefined && rv !== "" && rv !== live.metadata.resourceVersion) {
      return S.staleConflict(r.served.info.plural, r.served.info.group, name)
    }
    const replicas = wanted.spec?.replicas
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      return S.invalid("Scale", "autoscaling", name, [{
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        field: "spec.replicas"
      }])
    }
    const next = writePath(live, spec.specReplicasPath, replicas)
    const reply = this.commitUpdate(
      { ...r, req: { ...r.req, headers: { ...r.req.headers, accept: "application/json" } } },
      live,
      next,
      "scale",
      true
    )
    if (reply._tag !== "Body" || reply.status !== 200) return reply
    const stored = this.store.get(r.served.storageKey, this.key(r, name)) ?? next
    return json(200, this.scaleOf(r, this.dryRun(r) ? next : stored))
  }

  private podLog(r: ResourceRequest): ApiReply {
    const name = r.name!
    const pod = this.store.get(r.served.storageKey, this.key(r, name))
    if (pod === undefined) return this.notFound(r, name)
    const q = r.req.query
    const containers = [
      ...((pod.spec?.initContainers ?? []) as Array<Obj>),
      ...((pod.spec?.containers ?? []) as Array<Obj>)
    ].map((c) => String(c.name))
    const main = ((pod.spec?.containers ?? []) as Array<Obj>).map((c) => String(c.name))
    let container = q.get("container") ?? undefined
    if (container === undefined) {
      const defaulted = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"]
      if (typeof defaulted === "string") container = defaulted
      else if (main.length === 1) container = main[0]
      else if (main.length === 0) container = ""
      else {
        return S.badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(" ")}]`)
      }
    } else if (!containers.includes(container)) {
      return S.badRequest(`container ${container} is not valid for pod ${name}`)
    }
    const tail = q.get("tailLines")
    const tailLines = tail === null ? undefined : Math.max(0, Number(tail))
    const limit = q.get("limitBytes")
    const limitBytes = limit === null ? undefined : Math.max(0, Number(limit))
    const ns = String(pod.metadata.namespace)
    if (q.get("follow") === "true") {
      return {
        _tag: "Stream",
        status: 200,
        contentType: "text/plain",
        stream: this.logs.follow(ns, name, container ?? "", { tailLines })
      }
    }
    return text(200, this.logs.read(ns, name, container ?? "", { tailLines, limitBytes }), "text/plain")
  }

  private evict(r: ResourceRequest): ApiReply {
    const name = r.name!
    const live = this.store.get(r.served.storageKey, this.key(r, name))
    if (live === undefined) return this.notFound(r, name)
    if (!this.dryRun(r)) this.removeObject(r.served, this.key(r, name))
    return json(201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 })
  }

  private bind(r: ResourceRequest): ApiReply {
    const parsed = this.parseBody(r)
    if (isReply(parsed)) return parsed
    const name = r.name!
    const live = this.store.get(r.served.storageKey, this.key(r, name))
    if (live === undefined) return this.notFound(r, name)
    const node = parsed.target?.name
    if (typeof node !== "string") return S.badRequest("binding target name is required")
    if (live.spec?.nodeName) {
      return S.conflict(
        "pods",
        "",
        name,
        `pod ${name} is already assigned to node ${JSON.stringify(live.spec.nodeName)}`
      )
    }
    const next = { ...live, spec: { ...live.spec, nodeName: node } }
    const reply = this.commitUpdate(r, live, next, "binding", true)
    return reply._tag === "Body" && reply.status === 200
      ? json(201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 })
      : reply
  }

  private token(r: ResourceRequest): ApiReply {
    const name = r.name!
    if (this.store.get(r.served.storageKey, this.key(r, name)) === undefined) return this.notFound(r, name)
    const parsed = this.parseBody(r)
    const request = isReply(parsed) ? {} : parsed
    const seconds = Number(request.spec?.expirationSeconds ?? 3600)
    return json(201, {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name, namespace: r.namespace, creationTimestamp: null },
      spec: { audiences: request.spec?.audiences ?? [], expirationSeconds: seconds, boundObjectRef: null },
      status: {
        token: `fake-token-${r.namespace}-${name}-${newUid()}`,
        expirationTimestamp: timestamp(r.now + seconds * 1000)
      }
    })
  }
}

const withoutTimes = (entries: unknown): unknown =>
  Array.isArray(entries) ? entries.map((e) => (isObj(e) ? { ...e, time: undefined } : e)) : entries

/** A created CRD is accepted and established at once: there is no controller to wait for. */
const withCrdStatus = (crd: Obj, now: number): Obj => {
  const time = timestamp(now)
  const storage = ((crd.spec?.versions ?? []) as Array<Obj>).find((v) => v.storage === true)?.name
  return {
    ...crd,
    status: {
      conditions: [
        {
          type: "NamesAccepted",
          status: "True",
          lastTransitionTime: time,
          reason: "NoConflicts",
          message: "no conflicts found"
        },
        {
          type: "Established",
          status: "True",
          lastTransitionTime: time,
          reason: "InitialNamesAccepted",
          message: "the initial names have been accepted"
        }
      ],
      acceptedNames: crd.spec?.names ?? {},
      storedVersions: storage === undefined ? [] : [storage]
    }
  }
}
