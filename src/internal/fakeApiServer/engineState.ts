/**
 * What the fake apiserver's resource handlers share: the request they serve, the engine state they read and write,
 * and small helpers over the request (object key, dry run, field manager).
 */
import type * as Duration from "effect/Duration"
import type { ResourceInfo } from "../../Resource.js"
import type { Authorizer } from "./authorization.js"
import type { Logs } from "./logs.js"
import type { Allocator } from "./objects.js"
import type { PatchEngine } from "./patch.js"
import type { Registry, Served } from "./registry.js"
import type { Simulation } from "./simulate/options.js"
import * as S from "./status.js"
import type { Store } from "./store.js"
import { objectKey } from "./store.js"
import type { ApiReply, ApiRequest } from "./types.js"
import { isObj } from "./types.js"

export interface EngineOptions {
  readonly resources: ReadonlyArray<ResourceInfo>
  readonly historySize: number
  readonly bookmarkInterval: Duration.Duration
  /** Server-side watch timeout when the client sends no timeoutSeconds. */
  readonly watchTimeout: Duration.Duration
  /** Streaming lists served (the WatchList feature gate); false refuses them as an apiserver without it. */
  readonly watchList: boolean
  readonly patch: PatchEngine
  /** What the simulated cluster runs (garbage collector, namespace lifecycle); undefined: nothing. */
  readonly simulation?: Simulation | undefined
  /** Bytes of events that may wait for one watcher before its watch is ended. */
  readonly maxWatchBacklogBytes: number
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
  /** A simulated controller's request: not subject to the RBAC rules given to `authorize`. */
  readonly system?: boolean | undefined
}

/** The state the handlers work on (implemented by the Engine). */
export interface EngineState {
  readonly options: EngineOptions
  readonly store: Store
  readonly registry: Registry
  readonly logs: Logs
  readonly allocator: Allocator
  readonly authorizer: Authorizer
  refreshCrds(): void
}

export const CRD_KEY = "apiextensions.k8s.io/customresourcedefinitions"
export const NS_KEY = "/namespaces"

export const isReply = (u: unknown): u is ApiReply =>
  isObj(u) && (u._tag === "Body" || u._tag === "Stream") && typeof u.status === "number"

export const patchTypes = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml"
} as const

const managerFromUserAgent = (ua: string | undefined) => {
  if (ua === undefined || ua === "") return "unknown"
  const slash = ua.indexOf("/")
  return slash > 0 ? ua.slice(0, slash) : ua
}

export function keyOf(r: ResourceRequest, name: string) {
  return objectKey(r.served.info.namespaced ? r.namespace : undefined, name)
}

export function notFound(r: ResourceRequest, name: string) {
  return S.notFound(r.served.info.plural, r.served.info.group, name)
}

export function isDryRun(r: ResourceRequest) {
  return r.req.query.getAll("dryRun").includes("All")
}

export function managerOf(r: ResourceRequest) {
  return r.req.query.get("fieldManager") ?? managerFromUserAgent(r.req.headers["user-agent"])
}
