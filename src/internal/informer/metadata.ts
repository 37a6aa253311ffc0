/**
 * The metadata client's requests: the dynamic client's paths with an Accept header asking for
 * PartialObjectMetadata(List), and answers cut down to apiVersion, kind and metadata should a server ignore it.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as KubeRequest from "../../KubeRequest.js"
import type {
  MetadataResourceClient,
  NamespaceableMetadataClient,
  PartialObjectMetadata
} from "../../MetadataClientModel.js"
import type { Service as RestClientService } from "../../RestClient.js"
import { Unstructured } from "../../Unstructured.js"
import type { GroupVersionResource } from "../discovery/gvk.js"

export const acceptOne = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
export const acceptList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Only what a PartialObjectMetadata carries; objects the server already cut down pass through as they are. */
const cut = (u: Record<string, unknown>): PartialObjectMetadata =>
  u.kind === "PartialObjectMetadata"
    ? u as unknown as PartialObjectMetadata
    : { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: (u.metadata ?? {}) as any }

export const PartialObjectMetadataSchema: Schema.Schema<PartialObjectMetadata, Record<string, unknown>> = Schema
  .transform(
    Schema.declare((u): u is Record<string, unknown> => isRecord(u) && isRecord(u.metadata), {
      identifier: "PartialObjectMetadata"
    }),
    Schema.declare((u): u is PartialObjectMetadata => isRecord(u)),
    { strict: true, decode: cut, encode: (a) => a as unknown as Record<string, unknown> }
  )

const ListSchema = Schema.Struct({
  apiVersion: Schema.optional(Schema.String),
  kind: Schema.optional(Schema.String),
  metadata: Schema.optional(Schema.Struct({
    resourceVersion: Schema.optional(Schema.String),
    continue: Schema.optional(Schema.String),
    remainingItemCount: Schema.optional(Schema.Number)
  })),
  items: Schema.Array(PartialObjectMetadataSchema)
})

export const make = (
  rest: RestClientService,
  gvr: GroupVersionResource,
  namespace: string | undefined
): MetadataResourceClient => {
  const target = (name?: string): KubeRequest.Target => ({
    group: gvr.group,
    version: gvr.version,
    resource: gvr.resource,
    namespace,
    name
  })
  return {
    gvr,
    get: (name, options) =>
      rest.execute(
        KubeRequest.header(KubeRequest.getOptions(KubeRequest.get(target(name)), options ?? {}), "accept", acceptOne),
        PartialObjectMetadataSchema
      ),
    list: (options) =>
      rest.execute(
        KubeRequest.header(KubeRequest.listOptions(KubeRequest.list(target()), options ?? {}), "accept", acceptList),
        ListSchema
      ),
    watch: (options) =>
      rest.watch(
        KubeRequest.header(KubeRequest.listOptions(KubeRequest.watch(target()), options ?? {}), "accept", acceptOne),
        PartialObjectMetadataSchema
      ),
    delete: (name, options) => {
      const request = KubeRequest.del(target(name))
      return Effect.asVoid(
        rest.execute(options === undefined ? request : KubeRequest.deleteOptions(request, options), Unstructured)
      )
    },
    patch: (name, patchType, patch, options) =>
      rest.execute(
        KubeRequest.header(
          KubeRequest.patchOptions(KubeRequest.patch(target(name), patchType, patch), options ?? {}),
          "accept",
          acceptOne
        ),
        PartialObjectMetadataSchema
      ),
    listAll: (options) =>
      rest.listAll(
        KubeRequest.header(KubeRequest.listOptions(KubeRequest.list(target()), options ?? {}), "accept", acceptList),
        PartialObjectMetadataSchema
      )
  }
}

export const makeNamespaceable = (rest: RestClientService, gvr: GroupVersionResource): NamespaceableMetadataClient => ({
  ...make(rest, gvr, undefined),
  namespace: (namespace) => make(rest, gvr, namespace)
})
