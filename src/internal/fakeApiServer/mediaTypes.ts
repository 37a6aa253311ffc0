/**
 * Media type negotiation as the apiserver does it (apimachinery's negotiation package): a request body must be in
 * one of the endpoint's exact media types (415 otherwise), and the Accept header must name a type the endpoint
 * serves, with `as`/`g`/`v` naming a view it can render (Table or PartialObjectMetadata of meta.k8s.io v1 or
 * v1beta1), else 406. An empty Accept means JSON.
 */
import * as YAML from "yaml"
import { protobufType } from "./protobuf.js"
import * as S from "./status.js"
import type { ApiReply } from "./types.js"

/** Ways the client asked to see objects: plain, Table, or metadata only. */
export type View =
  | { readonly _tag: "Plain" }
  | { readonly _tag: "Table"; readonly apiVersion: string }
  | { readonly _tag: "Metadata" }

export interface Negotiated {
  readonly mediaType: string
  readonly view: View
}

interface Clause {
  readonly type: string
  readonly subType: string
  readonly q: number
  readonly params: ReadonlyMap<string, string>
}

const serializers = (custom: boolean): ReadonlyArray<string> =>
  custom ? ["application/json", "application/yaml"] : ["application/json", "application/yaml", protobufType]

const streaming = new Set(["application/json", protobufType])

/** The media type of a Content-Type or Accept clause, without parameters, lower-case. */
export const baseType = (header: string): string => header.split(";")[0]!.trim().toLowerCase()

const parseAccept = (header: string): ReadonlyArray<Clause> => {
  const clauses: Array<Clause & { readonly index: number }> = []
  header.split(",").forEach((part, index) => {
    const [media = "", ...rawParams] = part.split(";")
    const [type = "", subType = ""] = media.trim().toLowerCase().split("/")
    if (type === "") return
    const params = new Map<string, string>()
    let q = 1
    for (const p of rawParams) {
      const eq = p.indexOf("=")
      if (eq < 0) continue
      const k = p.slice(0, eq).trim()
      const v = p.slice(eq + 1).trim()
      if (k === "q") q = Number.isNaN(Number(v)) ? 0 : Number(v)
      else params.set(k, v)
    }
    clauses.push({ type, subType: subType === "" ? "*" : subType, q, params, index })
  })
  // goautoneg's order: higher q first, then concrete before wildcard types.
  const rank = (c: Clause) => (c.type === "*" ? 0 : 2) + (c.subType === "*" ? 0 : 1)
  return clauses.sort((a, b) => b.q - a.q || rank(b) - rank(a) || a.index - b.index)
}

const viewFor = (params: ReadonlyMap<string, string>, mediaType: string): View | undefined => {
  const as = params.get("as")
  const g = params.get("g")
  const v = params.get("v")
  const stream = params.get("stream")
  if (stream !== undefined && stream !== "" && (stream !== "watch" || !streaming.has(mediaType))) return undefined
  if (as === undefined && g === undefined && v === undefined) return { _tag: "Plain" }
  if (g !== "meta.k8s.io" || (v !== "v1" && v !== "v1beta1")) return undefined
  switch (as) {
    case "Table":
      return mediaType === "application/json" || mediaType === "application/yaml"
        ? { _tag: "Table", apiVersion: `meta.k8s.io/${v}` }
        : undefined
    case "PartialObjectMetadata":
    case "PartialObjectMetadataList":
      return { _tag: "Metadata" }
  }
  return undefined
}

/** The first clause of `accept` the endpoint can serve, or undefined (406). */
export const negotiate = (accept: string | undefined, custom: boolean): Negotiated | undefined => {
  const offered = serializers(custom)
  if (accept === undefined || accept.trim() === "") return { mediaType: offered[0]!, view: { _tag: "Plain" } }
  for (const clause of parseAccept(accept)) {
    for (const mediaType of offered) {
      const [type, subType] = mediaType.split("/")
      const matches = (clause.type === type && (clause.subType === subType || clause.subType === "*")) ||
        (clause.type === "*" && clause.subType === "*")
      if (!matches) continue
      const view = viewFor(clause.params, mediaType)
      if (view !== undefined) return { mediaType, view }
    }
  }
  return undefined
}

export const notAcceptable = (custom: boolean): ApiReply =>
  S.failure(
    406,
    "NotAcceptable",
    `only the following media types are accepted: ${serializers(custom).join(", ")}`
  )

/** A body media type the endpoint decodes (JSON, YAML, protobuf for built-ins; a missing Content-Type is JSON). */
export const acceptsBody = (contentType: string | undefined, custom: boolean): boolean =>
  contentType === undefined || contentType.trim() === "" || serializers(custom).includes(baseType(contentType))

export const unsupportedBody = (custom: boolean): ApiReply => S.unsupportedMediaType(serializers(custom))

/** A JSON body re-encoded as YAML, for a client that asked for `application/yaml`. */
export const asYaml = (reply: ApiReply): ApiReply => {
  if (reply._tag !== "Body" || typeof reply.body !== "string" || baseType(reply.contentType) !== "application/json") {
    return reply
  }
  return { ...reply, contentType: "application/yaml", body: YAML.stringify(JSON.parse(reply.body)) }
}
