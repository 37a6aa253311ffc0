/**
 * OpenAPI documents of the served resources: the index at /openapi/v3 and one document per group/version listing
 * each endpoint's operations with `x-kubernetes-group-version-kind` and their query parameters, and the schemas of
 * its kinds (the spec's definitions without prose, generated data loaded on the first OpenAPI request; custom
 * resources from their CRD's openAPIV3Schema), so `kubectl explain` works. kubectl also learns from the operations
 * that the server validates fields itself (`fieldValidation`). /openapi/v2 serves a document given in the options,
 * else one made from the generated definitions.
 */
import * as Crypto from "node:crypto"
import type { Registry, Served } from "./registry.js"
import type { ApiReply, ApiRequest, Obj } from "./types.js"
import { json } from "./types.js"

let schemas: Readonly<Record<string, Obj>> | undefined
let loading: Promise<void> | undefined

/** Loads the generated definitions once; the router awaits it before serving an OpenAPI path. */
export const loadSchemas = (): Promise<void> =>
  schemas !== undefined ? Promise.resolve() : (loading ??= import("../../generated/openapiSchemas.js").then((m) => {
    schemas = m.definitions
  }))

const definitions = (): Readonly<Record<string, Obj>> => schemas ?? {}

/** The loaded definitions (empty before the first OpenAPI or field-validating request). */
export const schemaDefinitions = definitions

const v2Ref = "#/definitions/"
const v3Ref = "#/components/schemas/"

/** A v2 schema as v3 writes it: references under components. */
const toV3 = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(toV3)
  if (typeof value !== "object" || value === null) return value
  const out: Obj = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith(v2Ref) ? v3Ref + v.slice(v2Ref.length) : toV3(v)
  }
  return out
}

const refsOf = (value: unknown, into: Set<string>) => {
  if (Array.isArray(value)) { for (const v of value) refsOf(v, into) }
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith(v2Ref)) into.add(v.slice(v2Ref.length))
      else refsOf(v, into)
    }
  }
}

/** The definitions of a group/version's kinds and everything they reference. */
const schemasFor = (served: ReadonlyArray<Served>): Record<string, unknown> => {
  const defs = definitions()
  const wanted = new Set<string>()
  for (const s of served) {
    if (s.info.definition !== undefined && defs[s.info.definition] !== undefined) wanted.add(s.info.definition)
  }
  const out: Record<string, unknown> = {}
  const queue = [...wanted]
  while (queue.length > 0) {
    const name = queue.pop()!
    if (out[name] !== undefined) continue
    const def = defs[name]
    if (def === undefined) continue
    out[name] = toV3(def)
    const refs = new Set<string>()
    refsOf(def, refs)
    for (const r of refs) if (out[r] === undefined) queue.push(r)
  }
  for (const s of served) {
    if (!s.custom || s.schema === undefined) continue
    const name = `${s.info.group.split(".").reverse().join(".")}.${s.info.version}.${s.info.kind}`
    out[name] = {
      ...s.schema,
      "x-kubernetes-group-version-kind": [{ group: s.info.group, version: s.info.version, kind: s.info.kind }]
    }
  }
  return out
}

export interface OpenApi {
  readonly serve: (segments: ReadonlyArray<string>, req: ApiRequest) => ApiReply | undefined
}

const param = (name: string, type = "string") => ({ name, in: "query", schema: { type }, uniqueItems: true })
const pathParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
  uniqueItems: true
})

const writeParams = [param("dryRun"), param("fieldManager"), param("fieldValidation"), param("pretty")]
const readParams = [param("pretty")]
const listParams = [
  param("allowWatchBookmarks", "boolean"),
  param("continue"),
  param("fieldSelector"),
  param("labelSelector"),
  param("limit", "integer"),
  param("resourceVersion"),
  param("resourceVersionMatch"),
  param("sendInitialEvents", "boolean"),
  param("timeoutSeconds", "integer"),
  param("watch", "boolean"),
  param("pretty")
]

const response = { "200": { description: "OK" } }

const op = (served: Served, action: string, parameters: ReadonlyArray<Obj>, gvk?: Obj) => ({
  operationId: `${action}${served.info.kind}`,
  parameters,
  responses: response,
  "x-kubernetes-action": action,
  "x-kubernetes-group-version-kind": gvk ??
    { group: served.info.group, version: served.info.version, kind: served.info.kind }
})

const pathsFor = (served: Served): Record<string, Obj> => {
  const { info } = served
  const base = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`
  const collection = info.namespaced ? `${base}/namespaces/{namespace}/${info.plural}` : `${base}/${info.plural}`
  const item = `${collection}/{name}`
  const scope = info.namespaced ? [pathParam("namespace")] : []
  const verbs = new Set(info.verbs)
  const paths: Record<string, Obj> = {}
  const coll: Obj = { parameters: scope }
  if (verbs.has("list")) coll.get = op(served, "list", listParams)
  if (verbs.has("create")) coll.post = op(served, "post", writeParams)
  if (verbs.has("deletecollection")) coll.delete = op(served, "deletecollection", [...listParams, ...writeParams])
  paths[collection] = coll
  const one: Obj = { parameters: [...scope, pathParam("name")] }
  if (verbs.has("get")) one.get = op(served, "get", readParams)
  if (verbs.has("update")) one.put = op(served, "put", writeParams)
  if (verbs.has("patch")) one.patch = op(served, "patch", [...writeParams, param("force", "boolean")])
  if (verbs.has("delete")) {
    one.delete = op(served, "delete", [
      ...writeParams,
      param("gracePeriodSeconds", "integer"),
      param("propagationPolicy")
    ])
  }
  if (Object.keys(one).length > 1) paths[item] = one
  for (const sub of info.subresources) {
    if (sub !== "status" && sub !== "scale") continue
    const gvk = sub === "scale" ? { group: "autoscaling", version: "v1", kind: "Scale" } : undefined
    paths[`${item}/${sub}`] = {
      parameters: [...scope, pathParam("name")],
      get: op(served, "get", readParams, gvk),
      put: op(served, "put", writeParams, gvk),
      patch: op(served, "patch", [...writeParams, param("force", "boolean")], gvk)
    }
  }
  return paths
}

const document = (registry: Registry, group: string, version: string): Obj | undefined => {
  const served = registry.resourcesIn(group, version)
  if (served.length === 0) return undefined
  const paths: Record<string, Obj> = {}
  for (const s of served) Object.assign(paths, pathsFor(s))
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.36.0" },
    paths,
    components: { schemas: schemasFor(served) }
  }
}

const hash = (doc: Obj) =>
  Crypto.createHash("sha512").update(JSON.stringify(doc)).digest("hex").slice(0, 64).toUpperCase()

export const makeOpenApi = (registry: Registry, v2?: unknown): OpenApi => {
  let v2Body: string | undefined
  return {
    serve: (segments) => {
      const [version, ...rest] = segments
      if (version === "v2" && rest.length === 0) {
        v2Body ??= JSON.stringify(
          v2 ??
            { swagger: "2.0", info: { title: "Kubernetes", version: "v1.36.0" }, paths: {}, definitions: definitions() }
        )
        return { _tag: "Body", status: 200, contentType: "application/json", body: v2Body }
      }
      if (version !== "v3") return undefined
      if (rest.length === 0) {
        const paths: Record<string, Obj> = {}
        for (const g of registry.groups()) {
          for (const v of g.versions) {
            const doc = document(registry, g.name, v)
            if (doc === undefined) continue
            const key = g.name === "" ? `api/${v}` : `apis/${g.name}/${v}`
            paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash(doc)}` }
          }
        }
        return json(200, { paths })
      }
      const [root, ...gv] = rest
      const group = root === "api" ? "" : gv[0]
      const ver = root === "api" ? gv[0] : gv[1]
      if (group === undefined || ver === undefined || (root !== "api" && root !== "apis")) return undefined
      if (gv.length !== (root === "api" ? 1 : 2)) return undefined
      const doc = document(registry, group, ver)
      return doc === undefined ? undefined : json(200, doc)
    }
  }
}
