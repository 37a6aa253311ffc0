/**
 * Talking to the discovery endpoints: aggregated discovery (one request each for `/api` and `/apis`, apidiscovery
 * v2 or v2beta1) when the server answers with it, the legacy documents (`/api`, `/apis`, then one request per group
 * version) otherwise. A group version that fails is recorded, never fatal.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import {
  type APIGroup,
  type APIResource,
  type APIResourceList,
  type FailedGroupVersion,
  StaleGroupVersion
} from "../../DiscoveryModel.js"
import * as meta from "../../generated/meta/v1.js"
import { isNotFound } from "../../KubeError.js"
import * as KubeRequest from "../../KubeRequest.js"
import type { RestClientError, Service as RestClientService } from "../../RestClient.js"
import { decodeText } from "../restClient/decode.js"

/** What kubectl sends: aggregated v2, then v2beta1, then the legacy documents. */
export const aggregatedAccept =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const str = (u: unknown): string => (typeof u === "string" ? u : "")
const strings = (u: unknown): ReadonlyArray<string> | undefined =>
  Array.isArray(u) ? u.filter((x): x is string => typeof x === "string") : undefined

const rawGet = (rest: RestClientService, path: string, accept: string) =>
  rest.executeRaw(KubeRequest.raw(path).pipe(KubeRequest.header("accept", accept)))

const isAggregated = (contentType: string | undefined, body: unknown): boolean =>
  (contentType !== undefined && contentType.includes("as=APIGroupDiscoveryList")) ||
  (isRecord(body) && body.kind === "APIGroupDiscoveryList")

const ctx = (path: string, rest: RestClientService) => ({ method: "GET", url: `${rest.config.server}${path}` })

interface Aggregated {
  readonly groups: ReadonlyArray<APIGroup>
  readonly resources: ReadonlyArray<APIResourceList>
  readonly failed: ReadonlyArray<FailedGroupVersion>
}

/** Converts an APIGroupDiscoveryList to groups and resource lists, as client-go's aggregated discovery does. */
export const fromAggregated = (doc: unknown): Aggregated => {
  const groups: Array<APIGroup> = []
  const resources: Array<APIResourceList> = []
  const failed: Array<FailedGroupVersion> = []
  const items = isRecord(doc) && Array.isArray(doc.items) ? doc.items : []
  for (const item of items) {
    if (!isRecord(item)) continue
    const name = isRecord(item.metadata) ? str(item.metadata.name) : ""
    const versions = Array.isArray(item.versions) ? item.versions.filter(isRecord) : []
    if (versions.length === 0) continue
    const gvs = versions.map((v) => {
      const version = str(v.version)
      return { groupVersion: name === "" ? version : `${name}/${version}`, version }
    })
    groups.push({ name, versions: gvs, preferredVersion: gvs[0]! })
    versions.forEach((v, i) => {
      const groupVersion = gvs[i]!.groupVersion
      if (v.freshness === "Stale") {
        failed.push({ groupVersion, error: new StaleGroupVersion({ groupVersion }) })
        return
      }
      const list: Array<APIResource> = []
      for (const r of Array.isArray(v.resources) ? v.resources.filter(isRecord) : []) {
        const kind = isRecord(r.responseKind) ? r.responseKind : {}
        const namespaced = r.scope === "Namespaced"
        const singularName = str(r.singularResource)
        const shortNames = strings(r.shortNames)
        const categories = strings(r.categories)
        list.push({
          name: str(r.resource),
          singularName,
          namespaced,
          ...(str(kind.group) !== "" ? { group: str(kind.group) } : {}),
          ...(str(kind.version) !== "" ? { version: str(kind.version) } : {}),
          kind: str(kind.kind),
          verbs: strings(r.verbs) ?? [],
          ...(shortNames !== undefined && shortNames.length > 0 ? { shortNames } : {}),
          ...(categories !== undefined && categories.length > 0 ? { categories } : {})
        })
        for (const sub of Array.isArray(r.subresources) ? r.subresources.filter(isRecord) : []) {
          const subKind = isRecord(sub.responseKind) ? sub.responseKind : {}
          list.push({
            name: `${str(r.resource)}/${str(sub.subresource)}`,
            singularName,
            namespaced,
            ...(str(subKind.group) !== "" ? { group: str(subKind.group) } : {}),
            ...(str(subKind.version) !== "" ? { version: str(subKind.version) } : {}),
            kind: str(subKind.kind),
            verbs: strings(sub.verbs) ?? []
          })
        }
      }
      resources.push({ kind: "APIResourceList", apiVersion: "v1", groupVersion, resources: list })
    })
  }
  return { groups, resources, failed }
}

/** The core group as `/api` lists it (APIVersions). */
const coreGroup = (versions: ReadonlyArray<string>): APIGroup | undefined => {
  if (versions.length === 0) return undefined
  const gvs = versions.map((v) => ({ groupVersion: v, version: v }))
  return { name: "", versions: gvs, preferredVersion: gvs[0]! }
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export const resourcesPath = (groupVersion: string): string =>
  groupVersion.includes("/") ? `/apis/${groupVersion}` : `/api/${groupVersion}`

export const fetchGroupVersion = (
  rest: RestClientService,
  groupVersion: string
): Effect.Effect<APIResourceList, RestClientError> => {
  const path = resourcesPath(groupVersion)
  return Effect.flatMap(
    rawGet(rest, path, "application/json"),
    (response) => decodeText(meta.APIResourceList, response.text, ctx(path, rest))
  )
}

export interface GroupsResult {
  readonly groups: ReadonlyArray<APIGroup>
  /** Present when the server answered with aggregated discovery. */
  readonly aggregated?: Aggregated | undefined
}

/** `/api` and `/apis`: the groups, and with aggregated discovery their resources as well. */
export const fetchGroups = (
  rest: RestClientService,
  options: { readonly aggregated: boolean }
): Effect.Effect<GroupsResult, RestClientError> =>
  Effect.gen(function*() {
    const accept = options.aggregated ? aggregatedAccept : "application/json"
    // A 404 from either endpoint reads as "no groups there", as client-go tolerates it (aggregated API servers and
    // path-prefixed proxies answer so).
    const core = yield* Effect.catchIf(
      Effect.map(rawGet(rest, "/api", accept), (r) => r as typeof r | undefined),
      isNotFound,
      () => Effect.succeed(undefined)
    )
    const coreJson = core === undefined
      ? undefined
      : Either.getOrElse(Either.try(() => JSON.parse(core.text) as unknown), () => undefined)
    const apis = yield* Effect.catchIf(
      Effect.map(rawGet(rest, "/apis", accept), (r) => r as typeof r | undefined),
      isNotFound,
      () => Effect.succeed(undefined)
    )
    const apisJson = apis === undefined ? undefined : Either.getOrElse(
      Either.try(() => JSON.parse(apis.text) as unknown),
      () => undefined
    )
    const coreAggregated = core === undefined || isAggregated(core.headers["content-type"], coreJson)
    const apisAggregated = apis === undefined || isAggregated(apis.headers["content-type"], apisJson)
    if (options.aggregated && coreAggregated && apisAggregated) {
      const a = core === undefined ? { groups: [], resources: [], failed: [] } : fromAggregated(coreJson)
      const b = apis === undefined ? { groups: [], resources: [], failed: [] } : fromAggregated(apisJson)
      const aggregated = {
        groups: [...a.groups, ...b.groups],
        resources: [...a.resources, ...b.resources],
        failed: [...a.failed, ...b.failed]
      }
      return { groups: aggregated.groups, aggregated }
    }
    // Legacy documents (or a server that answered one endpoint without aggregation: read both the legacy way).
    const versions = core === undefined
      ? { versions: [] }
      : coreAggregated
      ? yield* Effect.flatMap(
        rawGet(rest, "/api", "application/json"),
        (r) => decodeText(meta.APIVersions, r.text, ctx("/api", rest))
      )
      : yield* decodeText(meta.APIVersions, core.text, ctx("/api", rest))
    const groupList = apis === undefined
      ? { groups: [] }
      : apisAggregated
      ? yield* Effect.flatMap(
        rawGet(rest, "/apis", "application/json"),
        (r) => decodeText(meta.APIGroupList, r.text, ctx("/apis", rest))
      )
      : yield* decodeText(meta.APIGroupList, apis.text, ctx("/apis", rest))
    const coreEntry = coreGroup(versions.versions)
    return { groups: [...(coreEntry === undefined ? [] : [coreEntry]), ...groupList.groups] }
  })

/** Fetches the resource lists of `groupVersions` one request each, recording failures. */
export const fetchResources = (
  rest: RestClientService,
  groupVersions: ReadonlyArray<string>
): Effect.Effect<
  { readonly resources: ReadonlyArray<APIResourceList>; readonly failed: ReadonlyArray<FailedGroupVersion> }
> =>
  Effect.map(
    Effect.forEach(groupVersions, (gv) => Effect.either(fetchGroupVersion(rest, gv)), { concurrency: 8 }),
    (results) => {
      const resources: Array<APIResourceList> = []
      const failed: Array<FailedGroupVersion> = []
      results.forEach((result, i) => {
        if (Either.isRight(result)) resources.push(result.right)
        else failed.push({ groupVersion: groupVersions[i]!, error: result.left })
      })
      return { resources, failed }
    }
  )
