/**
 * The shape of the strategic-merge and server-side-apply metadata (the generated table is
 * `effect-kube/api/patchMeta`): facts only, taken from the OpenAPI extensions x-kubernetes-patch-merge-key,
 * x-kubernetes-patch-strategy, x-kubernetes-list-type, x-kubernetes-list-map-keys and x-kubernetes-map-type.
 *
 * @since 0.2.0
 */

/**
 * How one field of a definition behaves when patched.
 *
 * @since 0.2.0
 * @category models
 */
export interface FieldMeta {
  /** Definition name of the field's value (objects), or of the list's items (arrays of objects). */
  readonly ref?: string
  /** For maps (additionalProperties) of objects: the definition name of the values. */
  readonly valuesRef?: string
  readonly type?: "array" | "object" | "scalar"
  readonly patchMergeKey?: string
  /** "merge", "replace", "retainKeys", "merge,retainKeys". */
  readonly patchStrategy?: string
  /** "atomic" | "set" | "map" (arrays) */
  readonly listType?: string
  readonly listMapKeys?: ReadonlyArray<string>
  /** "atomic" | "granular" (objects) */
  readonly mapType?: string
}

/**
 * Definition name -> field name -> meta. Fields with nothing to say are left out.
 *
 * @since 0.2.0
 * @category models
 */
export type PatchMetaTable = Readonly<Record<string, Readonly<Record<string, FieldMeta>>>>
