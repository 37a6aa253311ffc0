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
import type * as Stream from "effect/Stream"
import type { GroupVersionResource } from "./DynamicClient.js"
import type * as meta_v1 from "./generated/meta/v1.js"
import * as internal from "./internal/informer/metadata.js"
import type * as KubeRequest from "./KubeRequest.js"
import { RestClient, type Service as RestClientService } from "./RestClient.js"
import type { RestClientError } from "./RestClient.js"
import type { WatchEvent } from "./Watch.js"

/**
 * meta.k8s.io/v1 PartialObjectMetadata.
 *
 * @since 0.2.0
 * @category models
 */
export interface PartialObjectMetadata {
  readonly apiVersion?: string | undefined
  readonly kind?: string | undefined
  readonly metadata: meta_v1.ObjectMeta
}

/**
 * meta.k8s.io/v1 PartialObjectMetadataList.
 *
 * @since 0.2.0
 * @category models
 */
export interface PartialObjectMetadataList {
  readonly apiVersion?: string | undefined
  readonly kind?: string | undefined
  readonly metadata?:
    | {
      readonly resourceVersion?: string | undefined
      readonly continue?: string | undefined
      readonly remainingItemCount?: number | undefined
    }
    | undefined
  readonly items: ReadonlyArray<PartialObjectMetadata>
}

/**
 * The calls on one resource in one namespace (or cluster-wide). It is a {@link Watcher.Source}: give it to
 * `Watcher.watch` or `Informer.make` for metadata-only watches and caches.
 *
 * @since 0.2.0
 * @category models
 */
export interface MetadataResourceClient {
  readonly gvr: GroupVersionResource
  readonly get: (
    name: string,
    options?: KubeRequest.GetOptions
  ) => Effect.Effect<PartialObjectMetadata, RestClientError>
  readonly list: (options?: KubeRequest.ListOptions) => Effect.Effect<PartialObjectMetadataList, RestClientError>
  /** Every item of every page. */
  readonly listAll: (options?: KubeRequest.ListOptions) => Stream.Stream<PartialObjectMetadata, RestClientError>
  readonly watch: (
    options?: KubeRequest.ListOptions
  ) => Stream.Stream<WatchEvent<PartialObjectMetadata>, RestClientError>
  readonly delete: (name: string, options?: KubeRequest.DeleteOptions) => Effect.Effect<void, RestClientError>
  /** A patch of the metadata (labels, annotations, finalizers, ownerReferences); the answer is metadata only. */
  readonly patch: (
    name: string,
    patchType: KubeRequest.PatchType,
    patch: unknown,
    options?: KubeRequest.PatchOptions
  ) => Effect.Effect<PartialObjectMetadata, RestClientError>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface NamespaceableMetadataClient extends MetadataResourceClient {
  readonly namespace: (namespace: string) => MetadataResourceClient
}

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
