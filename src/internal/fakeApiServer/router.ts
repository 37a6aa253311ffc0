/**
 * The front door shared by both faces: authentication, the request log, fault injection, and dispatch from a
 * URL to discovery, health, OpenAPI or the resource handlers.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo
} from "./discovery.js"
import type { Engine } from "./engine.js"
import type { FaultAction } from "./faults.js"
import { Faults } from "./faults.js"
import type { FakeLimits } from "./limits.js"
import { requestEntityTooLarge } from "./limits.js"
import type { OpenApi } from "./openapi.js"
import { loadSchemas } from "./openapi.js"
import { loadCodec, mentionsProtobuf } from "./protobuf.js"
import { RequestLog } from "./requestLog.js"
import * as S from "./status.js"
import type { ApiReply, ApiRequest } from "./types.js"
import { json, text } from "./types.js"

const publicPaths = new Set(["/version", "/healthz", "/livez", "/readyz"])

/**
 * Who may call a face: a request with another bearer token is rejected (401); a request without one is anonymous,
 * allowed only to health and version endpoints.
 */
export interface Auth {
  readonly token: string
  /** kubectl sends no bearer token over plain HTTP, so an HTTP face lets anonymous requests through. */
  readonly allowAnonymous: boolean
}

export interface RouterOptions {
  readonly engine: Engine
  readonly openapi: OpenApi
  /** The address discovery reports (`/api` serverAddressByClientCIDRs). */
  readonly serverAddress: () => string
  /** The URL the fake is reached at (the service account issuer's JWKS is served there). */
  readonly serverUrl: () => string
  readonly limits: FakeLimits
}

export class Router {
  readonly faults = new Faults()
  readonly requestLog: RequestLog

  constructor(readonly options: RouterOptions) {
    this.requestLog = new RequestLog(options.limits.maxLoggedRequests, options.limits.maxLoggedBodyBytes)
  }

  handle(req: ApiRequest, auth?: Auth): Effect.Effect<ApiReply> {
    const self = this
    return Effect.gen(function*() {
      const actions = self.faults.take(req)
      for (const a of actions) if (a._tag === "Latency") yield* Effect.sleep(a.delay)
      const now = yield* Clock.currentTimeMillis
      const limit = self.options.limits.maxRequestBodyBytes
      if (req.bodyTooLarge === true || (req.bytes?.length ?? 0) > limit) {
        const reply = requestEntityTooLarge(limit)
        self.record({ ...req, body: undefined }, reply.status)
        return reply
      }
      if (mentionsProtobuf(req)) yield* Effect.promise(loadCodec)
      // Writes need the schemas too: their bodies' value types are checked as the apiserver's decoder checks them.
      const writes = req.body !== undefined && (req.method === "POST" || req.method === "PUT")
      if (req.path.startsWith("/openapi/") || req.query.has("fieldValidation") || writes) {
        yield* Effect.promise(loadSchemas)
      }
      const reply = self.dispatch(req, actions, now, auth)
      self.record(req, reply.status)
      return reply
    })
  }

  private record(req: ApiRequest, status: number) {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) headers[k] = k === "authorization" ? "<redacted>" : v
    const query = req.query.toString()
    this.requestLog.add({
      method: req.method,
      url: query === "" ? req.path : `${req.path}?${query}`,
      headers,
      status,
      ...(req.body !== undefined ? { body: req.body } : {})
    })
  }

  private dispatch(
    req: ApiRequest,
    actions: ReadonlyArray<FaultAction>,
    now: number,
    auth: Auth | undefined
  ): ApiReply {
    const denied = auth === undefined ? undefined : authenticate(req, auth)
    if (denied !== undefined) return denied
    let cutWatchAfter: number | undefined
    for (const a of actions) {
      switch (a._tag) {
        case "Fail":
          return S.failure(
            a.status,
            a.reason,
            a.message ?? `injected failure: ${a.reason}`,
            a.retryAfterSeconds !== undefined ? { retryAfterSeconds: a.retryAfterSeconds } : {},
            a.retryAfterSeconds !== undefined ? { "retry-after": String(a.retryAfterSeconds) } : undefined
          )
        case "Malformed":
          return { _tag: "Body", status: 200, contentType: "application/json", body: `{"kind":"Status","apiVersion":` }
        case "CutWatch":
          cutWatchAfter = a.afterEvents
          break
      }
    }
    return this.route(req, now, cutWatchAfter)
  }

  private route(req: ApiRequest, now: number, cutWatchAfter: number | undefined): ApiReply {
    const path = req.path.length > 1 && req.path.endsWith("/") ? req.path.slice(0, -1) : req.path
    let segments: Array<string>
    try {
      segments = path.split("/").filter((s) => s !== "").map(decodeURIComponent)
    } catch {
      return text(400, "invalid path encoding")
    }
    const engine = this.options.engine
    const registry = engine.registry
    const [head, ...rest] = segments
    if (head === undefined) {
      return json(200, {
        paths: [
          "/.well-known/openid-configuration",
          "/api",
          "/api/v1",
          "/apis",
          "/healthz",
          "/livez",
          "/openapi/v2",
          "/openapi/v3",
          "/openid/v1/jwks",
          "/readyz",
          "/version"
        ]
      })
    }
    if (req.method === "GET" || req.method === "HEAD") {
      switch (head) {
        case "version":
          return rest.length === 0 ? json(200, versionInfo) : notFoundPage()
        case "healthz":
        case "livez":
        case "readyz":
          return text(200, "ok")
        case "openapi":
          return this.options.openapi.serve(rest, req) ?? notFoundPage()
        case ".well-known":
          return rest.length === 1 && rest[0] === "openid-configuration"
            ? json(200, engine.authorizer.signer.discovery(this.options.serverUrl()))
            : notFoundPage()
        case "openid":
          return rest.length === 2 && rest[0] === "v1" && rest[1] === "jwks"
            ? json(200, engine.authorizer.signer.jwks(), "application/jwk-set+json")
            : notFoundPage()
      }
    }
    const aggregated = aggregatedVersion(req.headers["accept"])
    if (head === "api") {
      if (rest.length === 0) {
        return req.method !== "GET"
          ? S.methodNotAllowed()
          : aggregated !== undefined
          ? json(200, aggregatedDiscovery(registry, true, aggregated), aggregatedContentType(aggregated))
          : json(200, apiVersions(this.options.serverAddress()))
      }
      return this.resource(req, "", rest[0]!, rest.slice(1), now, cutWatchAfter)
    }
    if (head === "apis") {
      if (rest.length === 0) {
        return req.method !== "GET"
          ? S.methodNotAllowed()
          : aggregated !== undefined
          ? json(200, aggregatedDiscovery(registry, false, aggregated), aggregatedContentType(aggregated))
          : json(200, apiGroupList(registry))
      }
      if (rest.length === 1) {
        const group = apiGroup(registry, rest[0]!)
        return group === undefined ? notFoundPage() : json(200, group)
      }
      return this.resource(req, rest[0]!, rest[1]!, rest.slice(2), now, cutWatchAfter)
    }
    return notFoundPage()
  }

  private resource(
    req: ApiRequest,
    group: string,
    version: string,
    segments: ReadonlyArray<string>,
    now: number,
    cutWatchAfter: number | undefined
  ): ApiReply {
    const registry = this.options.engine.registry
    if (segments.length === 0) {
      const list = apiResourceList(registry, group, version)
      return list === undefined ? notFoundPage() : json(200, list)
    }
    if (registry.resourcesIn(group, version).length === 0) return notFoundPage()
    let rest = [...segments]
    let legacyWatch = false
    if (rest[0] === "watch") {
      legacyWatch = true
      rest = rest.slice(1)
    }
    let namespace: string | undefined
    if (rest[0] === "namespaces" && rest.length >= 3) {
      const inner = registry.lookup(group, version, rest[2]!)
      if (inner !== undefined && inner.info.namespaced) {
        namespace = rest[1]
        rest = rest.slice(2)
      }
    }
    const [plural, name, subresource, ...extra] = rest
    const served = plural === undefined ? undefined : registry.lookup(group, version, plural)
    if (served === undefined || extra.length > 0) return S.resourceNotFound()
    return this.options.engine.handle({
      served,
      namespace,
      name,
      subresource,
      legacyWatch,
      req,
      now,
      cutWatchAfter
    })
  }
}

const notFoundPage = () => text(404, "404 page not found\n")

const authenticate = (req: ApiRequest, auth: Auth): ApiReply | undefined => {
  const header = req.headers["authorization"]
  if (header === `Bearer ${auth.token}`) return undefined
  if (header === undefined) {
    const open = auth.allowAnonymous || publicPaths.has(req.path) || req.path.startsWith("/readyz") ||
      req.path.startsWith("/livez") ||
      req.path.startsWith("/healthz")
    if (open) return undefined
  }
  return S.failure(401, "Unauthorized", "Unauthorized")
}
