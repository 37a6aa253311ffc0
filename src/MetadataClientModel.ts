/**
 * The metadata client's contracts: partial object metadata and the resource clients.
 * Re-exported by `MetadataClient`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type * as meta_v1 from "./generated/meta/v1.js"
import type { GroupVersionResource } from "./GroupVersion.js"
import type * as KubeRequest from "./KubeRequest.js"
import type { RestClientError } from "./RestClientModel.js"
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
