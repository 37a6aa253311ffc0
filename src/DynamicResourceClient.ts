/**
 * The dynamic client's calls on one resource (client-go's `dynamic.ResourceInterface`): objects are plain JSON
 * ({@link Unstructured}), addressed by group/version/resource. Re-exported by `DynamicClient`; defined apart from it so
 * the implementation under `internal/` can use them without importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { GroupVersionResource } from "./GroupVersion.js"
import type * as KubeRequest from "./KubeRequest.js"
import type { ListPage, ListPagesOptions, RestClientError } from "./RestClient.js"
import type { Unstructured, UnstructuredList } from "./Unstructured.js"
import type { WatchEvent } from "./Watch.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Subresource {
  readonly subresource?: string | undefined
}

/**
 * The calls on one resource in one namespace (or cluster-wide): get, list (one page, every page, or every item),
 * watch, create, update, updateStatus, patch (json, merge, strategic, apply), delete and deleteCollection. None of
 * them requires a service: the RestClient is captured.
 *
 * @since 0.2.0
 * @category models
 */
export interface DynamicResourceClient {
  readonly gvr: GroupVersionResource
  /** The namespace requests go to; undefined for cluster-scoped use (or all namespaces, for list and watch). */
  readonly targetNamespace: string | undefined
  readonly get: (
    name: string,
    options?: KubeRequest.GetOptions & Subresource
  ) => Effect.Effect<Unstructured, RestClientError>
  readonly list: (options?: KubeRequest.ListOptions) => Effect.Effect<UnstructuredList, RestClientError>
  readonly listPages: (
    options?: KubeRequest.ListOptions,
    pages?: ListPagesOptions
  ) => Stream.Stream<ListPage<Unstructured>, RestClientError>
  readonly listAll: (
    options?: KubeRequest.ListOptions,
    pages?: ListPagesOptions
  ) => Stream.Stream<Unstructured, RestClientError>
  readonly watch: (options?: KubeRequest.ListOptions) => Stream.Stream<WatchEvent<Unstructured>, RestClientError>
  readonly create: (
    obj: Unstructured,
    options?: KubeRequest.CreateOptions & Subresource
  ) => Effect.Effect<Unstructured, RestClientError>
  readonly update: (
    obj: Unstructured,
    options?: KubeRequest.UpdateOptions & Subresource
  ) => Effect.Effect<Unstructured, RestClientError>
  readonly updateStatus: (
    obj: Unstructured,
    options?: KubeRequest.UpdateOptions
  ) => Effect.Effect<Unstructured, RestClientError>
  readonly patch: (
    name: string,
    patchType: KubeRequest.PatchType,
    patch: unknown,
    options?: KubeRequest.PatchOptions & Subresource
  ) => Effect.Effect<Unstructured, RestClientError>
  readonly delete: (
    name: string,
    options?: KubeRequest.DeleteOptions
  ) => Effect.Effect<Unstructured, RestClientError>
  readonly deleteCollection: (
    options?: KubeRequest.DeleteOptions,
    listOptions?: KubeRequest.ListOptions
  ) => Effect.Effect<Unstructured, RestClientError>
}

/**
 * A {@link DynamicResourceClient} for cluster-scoped resources (or lists and watches across all namespaces) that can be
 * narrowed to a namespace with `namespace(ns)`.
 *
 * @since 0.2.0
 * @category models
 */
export interface NamespaceableResourceClient extends DynamicResourceClient {
  readonly namespace: (namespace: string) => DynamicResourceClient
}
