/**
 * What a client needs to know about one kind of resource: where it is served and how to decode it.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"

/**
 * Facts about one served resource, as discovery reports them. The generated table
 * (`src/generated/resources.ts`) holds one for every group/version/resource in the bundled OpenAPI spec.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceInfo {
  /** "" for the core group. */
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly listKind: string
  readonly plural: string
  readonly singular: string
  readonly namespaced: boolean
  /** Discovery verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: ReadonlyArray<string>
  /** Subresource names served under this resource: "status", "scale", "log", "eviction", ... */
  readonly subresources: ReadonlyArray<string>
  readonly shortNames: ReadonlyArray<string>
  readonly categories: ReadonlyArray<string>
  /** True when this group/version is the group's preferred one for the kind. */
  readonly preferred: boolean
  /** The OpenAPI definition name of the kind, used to find patch metadata: "io.k8s.api.core.v1.Pod". */
  readonly definition?: string | undefined
}

/**
 * A resource with its Schema: what typed clients are built from.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResourceDef<A, I = A> extends ResourceInfo {
  readonly schema: Schema.Schema<A, I>
}
