/**
 * client-go's `dynamic.Interface`: every resource the server serves, built-in or custom, addressed by
 * group/version/resource and read and written as {@link Unstructured.Unstructured} objects.
 *
 * ```ts
 * const dynamic = yield* DynamicClient.DynamicClient
 * const widgets = dynamic.resource({ group: "example.com", version: "v1", resource: "widgets" })
 * const w = yield* widgets.namespace("default").get("w1")
 * ```
 *
 * Fields the caller does not know survive get → change → update: objects are never decoded through a Schema here.
 * Use `Unstructured.decode(Schema)` to get a typed value.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as resource from "./DynamicResourceClient.js"
import type { GroupVersionResource } from "./GroupVersion.js"
import * as internal from "./internal/dynamic/client.js"
import { RestClient, type Service as RestClientService } from "./RestClient.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  GroupVersionResource
} from "./GroupVersion.js"

/**
 * The calls on one resource in one namespace (or cluster-wide): get, list (one page, every page, or every item),
 * watch, create, update, updateStatus, patch (json, merge, strategic, apply), delete and deleteCollection. None of
 * them requires a service: the RestClient is captured.
 *
 * @since 0.1.0
 * @category models
 */
export type DynamicResourceClient = resource.DynamicResourceClient

/**
 * A {@link DynamicResourceClient} for cluster-scoped resources (or lists and watches across all namespaces) that can be
 * narrowed to a namespace with `namespace(ns)`.
 *
 * @since 0.1.0
 * @category models
 */
export type NamespaceableResourceClient = resource.NamespaceableResourceClient

/**
 * @since 0.1.0
 * @category models
 */
export type Subresource = resource.Subresource

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly resource: (gvr: GroupVersionResource) => NamespaceableResourceClient
}

/**
 * @since 0.1.0
 * @category tags
 */
export class DynamicClient extends Context.Tag("effect-kube/DynamicClient")<DynamicClient, Service>() {}

/**
 * A dynamic client over a given RestClient.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRestClient = (rest: RestClientService): Service => ({
  resource: (gvr) => internal.makeNamespaceable(rest, gvr)
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, RestClient> = Effect.map(RestClient, fromRestClient)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DynamicClient, never, RestClient> = Layer.effect(DynamicClient, make)
