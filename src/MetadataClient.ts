/**
 * client-go's `metadata.Interface`: any resource read and written as PartialObjectMetadata, the object's metadata
 * alone (names, labels, annotations, owners, finalizers), for programs that need nothing more. The server sends
 * only the metadata (`Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`), so lists, watches
 * and informer caches of big objects stay small.
 *
 * ```ts
 * const metadata = yield* MetadataClient.MetadataClient
 * const pods = metadata.resource({ group: "", version: "v1", resource: "pods" }).namespace("default")
 * const informer = yield* Informer.make(pods)   // a metadata-only informer
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { GroupVersionResource } from "./DynamicClient.js"
import * as internal from "./internal/informer/metadata.js"
import type { NamespaceableMetadataClient } from "./MetadataClientModel.js"
import { RestClient, type Service as RestClientService } from "./RestClient.js"

export type {
  MetadataResourceClient,
  NamespaceableMetadataClient,
  PartialObjectMetadata,
  PartialObjectMetadataList
} from "./MetadataClientModel.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly resource: (gvr: GroupVersionResource) => NamespaceableMetadataClient
}

/**
 * @since 0.2.0
 * @category tags
 */
export class MetadataClient extends Context.Tag("effect-kube/MetadataClient")<MetadataClient, Service>() {}

/**
 * A metadata client over a given RestClient.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromRestClient = (rest: RestClientService): Service => ({
  resource: (gvr) => internal.makeNamespaceable(rest, gvr)
})

/**
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<MetadataClient, never, RestClient> = Layer.effect(
  MetadataClient,
  Effect.map(RestClient, fromRestClient)
)
