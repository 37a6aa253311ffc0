/** Renders objects and lists the way the client asked in Accept: plain, Table, or metadata only. */
import type { ResourceRequest } from "./engineState.js"
import { negotiate } from "./mediaTypes.js"
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

/** The view of the first Accept clause this endpoint serves (Plain when none: the engine has answered 406 then). */
export const renderingOf = (req: ApiRequest, custom = false): Rendering => {
  const view = negotiate(req.headers["accept"], custom)?.view ?? { _tag: "Plain" }
  if (view._tag !== "Table") return view
  const include = req.query.get("includeObject")
  return {
    _tag: "Table",
    apiVersion: view.apiVersion,
    includeObject: include === "None" || include === "Object" ? include : "Metadata"
  }
}

export function renderOne(r: ResourceRequest, status: number, obj: Obj): ApiReply {
  const rendering = renderingOf(r.req, r.served.custom)
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
  const rendering = renderingOf(r.req, r.served.custom)
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
