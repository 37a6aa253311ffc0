/**
 * The resource handlers of the fake apiserver: CRUD, lists with selectors and paging, watch, patch and apply,
 * delete with finalizers and preconditions, status and scale subresources, pod logs, CRDs and namespaces.
 * Handlers are synchronous over the store; only watch and log-follow replies carry a (lazy) Stream.
 * The Engine holds the state and dispatches by verb; the handlers live in reads, writes, patching, deletes and
 * subresources.
 */
import { Authorizer, forbidden } from "./authorization.js"
import { deleteCollection, deleteNamed } from "./deletes.js"
import type { EngineOptions, EngineState, ResourceRequest } from "./engineState.js"
import { CRD_KEY, NS_KEY } from "./engineState.js"
import { Logs } from "./logs.js"
import { asYaml, negotiate, notAcceptable } from "./mediaTypes.js"
import { Allocator, apiVersionOf, defaultOnCreate, newUid, randomSuffix, timestamp } from "./objects.js"
import { patchNamed } from "./patching.js"
import { flag } from "./query.js"
import { get, list, watch } from "./reads.js"
import type { Served } from "./registry.js"
import { Registry } from "./registry.js"
import { review, reviewKinds } from "./reviews.js"
import * as S from "./status.js"
import { objectKey, Store } from "./store.js"
import { serveSubresource } from "./subresources.js"
import type { ApiReply, Obj } from "./types.js"
import { isObj } from "./types.js"
import { create, update, withCrdStatus } from "./writes.js"

export type { EngineOptions, ResourceRequest } from "./engineState.js"

const subresourceVerbs: Record<string, string> = {
  GET: "get",
  PUT: "update",
  PATCH: "patch",
  POST: "create",
  DELETE: "delete"
}

const bootstrapNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]

export class Engine implements EngineState {
  readonly store: Store
  readonly registry: Registry
  readonly logs = new Logs()
  readonly allocator: Allocator = new Allocator()
  readonly authorizer = new Authorizer()

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

  refreshCrds() {
    const crds: Array<Obj> = []
    for (const [, crd] of this.store.scan(CRD_KEY, {}) ?? []) crds.push(crd)
    for (const dropped of this.registry.setCustomResourceDefinitions(crds)) this.store.dropResource(dropped)
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP face
  // -------------------------------------------------------------------------------------------------------------

  handle(r: ResourceRequest): ApiReply {
    const negotiated = negotiate(r.req.headers["accept"], r.served.custom)
    if (negotiated === undefined) return notAcceptable(r.served.custom)
    const reply = this.serve(r)
    return negotiated.mediaType === "application/yaml" ? asYaml(reply) : reply
  }

  private serve(r: ResourceRequest): ApiReply {
    const { served, req } = r
    const info = served.info
    if (info.namespaced && r.namespace === undefined && (r.name !== undefined || req.method === "POST")) {
      return req.method === "POST" && r.name === undefined ? S.methodNotAllowed() : S.resourceNotFound()
    }
    if (!info.namespaced && r.namespace !== undefined) return S.resourceNotFound()
    if (r.subresource !== undefined) {
      if (!info.subresources.includes(r.subresource)) return S.resourceNotFound()
      const denied = this.denied(r, subresourceVerbs[req.method] ?? "get")
      if (denied !== undefined) return denied
      return serveSubresource(this, r)
    }
    const verb = this.verbOf(r)
    if (verb === undefined || !info.verbs.includes(verb)) return S.methodNotAllowed()
    // Everyone may ask who they are and what they may do (system:basic-user).
    const selfReview = info.kind === "SelfSubjectAccessReview" || info.kind === "SelfSubjectRulesReview" ||
      info.kind === "SelfSubjectReview"
    if (!selfReview) {
      const denied = this.denied(r, verb)
      if (denied !== undefined) return denied
    }
    if (verb === "create" && reviewKinds.has(served.storageKey)) return review(this, r)
    switch (verb) {
      case "get":
        return get(this, r)
      case "list":
        return list(this, r)
      case "watch":
        return watch(this, r)
      case "create":
        return create(this, r)
      case "update":
        return update(this, r, undefined)
      case "patch":
        return patchNamed(this, r, undefined)
      case "delete":
        return deleteNamed(this, r)
      case "deletecollection":
        return deleteCollection(this, r)
    }
    return S.methodNotAllowed()
  }

  private denied(r: ResourceRequest, verb: string): ApiReply | undefined {
    if (this.authorizer.rules === undefined || r.system === true) return undefined
    const attributes = {
      verb,
      group: r.served.info.group,
      resource: r.served.info.plural,
      subresource: r.subresource,
      name: r.name,
      namespace: r.namespace
    }
    return this.authorizer.allows(attributes) ? undefined : forbidden(this.authorizer.user, attributes)
  }

  private verbOf(r: ResourceRequest): string | undefined {
    const watching = r.legacyWatch || flag(r.req.query, "watch")
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
}
