/** Renders objects and lists the way the client asked in Accept: plain, Table, or metadata only. */
import type { ResourceRequest } from "./engineState.js"
import { apiVersionOf, listItem, view } from "./objects.js"
import { prefersProtobuf, protobufReply } from "./protobuf.js"
import { toTable } from "./table.js"
import type { ApiReply, ApiRequest, Obj } from "./types.js"
import { json } from "./types.js"

/** Ways the client asked to see objects: plain, Table, or metadata only. */
export type Rendering =
  | { readonly _tag: "Plain" }
  | { readonly _tag: "Table"; readonly apiVersion: string; readonly includeObject: "None" | "Metadata" | "Object" }
  | { readonly _tag: "Metadata" }

export const renderingOf = (req: ApiRequest): Rendering => {
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

export function renderOne(r: ResourceRequest, status: number, obj: Obj): ApiReply {
  const rendering = renderingOf(r.req)
  const viewed = view(obj, r.served)
  switch (rendering._tag) {
    case "Plain":
      return (prefersProtobuf(r.req, r.served) ? protobufReply(status, viewed) : undefined) ?? json(status, viewed)
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

export function renderList(r: ResourceRequest, items: ReadonlyArray<Obj>, listMeta: Obj): ApiReply {
  const rendering = renderingOf(r.req)
  const info = r.served.info
  switch (rendering._tag) {
    case "Plain": {
      const list = {
        kind: info.listKind,
        apiVersion: apiVersionOf(info.group, info.version),
        metadata: listMeta,
        items: items.map((o) => listItem(o, r.served))
      }
      return (prefersProtobuf(r.req, r.served) ? protobufReply(200, list) : undefined) ?? json(200, list)
    }
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
