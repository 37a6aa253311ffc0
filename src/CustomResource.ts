/**
 * Custom resources without code generation: describe the kind and give its Schema, and get the same typed client
 * the built-in kinds have, from `ResourceClient.make(def, ns)` or `clientset.custom(def, ns)`.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type { ResourceDef } from "./Resource.js"

/**
 * The subresources a CustomResourceDefinition can enable.
 *
 * @since 0.1.0
 * @category models
 */
export type Subresource = "status" | "scale"

/**
 * A ResourceDef that keeps, in its type, whether it is namespaced and which subresources it has, so its client
 * offers `updateStatus` or `getScale` only when they exist.
 *
 * @since 0.1.0
 * @category models
 */
export interface CustomResourceDef<A, I, N extends boolean, S extends Subresource> extends ResourceDef<A, I> {
  readonly namespaced: N
  readonly subresources: ReadonlyArray<S>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions<A, I, N extends boolean, S extends Subresource> {
  readonly group: string
  readonly version: string
  readonly kind: string
  /** The lower-case plural of the resource path: `crontabs`. */
  readonly plural: string
  readonly namespaced: N
  /**
   * The objects' Schema. Fields it does not name are kept on decode and sent back on update, so a partial Schema is
   * enough.
   */
  readonly schema: Schema.Schema<A, I>
  readonly subresources?: ReadonlyArray<S> | undefined
  /** Defaults to the lower-cased kind. */
  readonly singular?: string | undefined
  readonly shortNames?: ReadonlyArray<string> | undefined
  readonly categories?: ReadonlyArray<string> | undefined
}

/**
 * Describes a custom resource. The result is a plain `ResourceDef` (usable wherever one is expected) serving every
 * standard verb.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import * as CustomResource from "effect-kube/CustomResource"
 *
 * export const CronTab = CustomResource.make({
 *   group: "stable.example.com",
 *   version: "v1",
 *   kind: "CronTab",
 *   plural: "crontabs",
 *   namespaced: true,
 *   subresources: ["status"],
 *   schema: Schema.Struct({
 *     metadata: Schema.Struct({ name: Schema.String }),
 *     spec: Schema.Struct({ cronSpec: Schema.String, replicas: Schema.optional(Schema.Number) })
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <A, I, const N extends boolean, const S extends Subresource = never>(
  options: MakeOptions<A, I, N, S>
): CustomResourceDef<A, I, N, S> => ({
  group: options.group,
  version: options.version,
  kind: options.kind,
  listKind: `${options.kind}List`,
  plural: options.plural,
  singular: options.singular ?? options.kind.toLowerCase(),
  namespaced: options.namespaced,
  verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  subresources: options.subresources ?? [],
  shortNames: options.shortNames ?? [],
  categories: options.categories ?? [],
  preferred: true,
  schema: options.schema
})
