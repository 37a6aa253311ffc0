/**
 * What the generated clientset is built from: a `Spec` per resource (facts plus a lazy schema loader) and a `Factory`
 * that turns specs into clients. Used by `effect-kube/api/clientset` and `Clientset`; defined apart from them so the
 * implementation under `internal/` can use them without importing the modules that wire it.
 *
 * @since 0.2.0
 */
import type * as Schema from "effect/Schema"

/**
 * One resource as the clientset needs it at run time. The schema module is imported on first use.
 *
 * @since 0.2.0
 * @category models
 */
export interface Spec {
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly plural: string
  readonly namespaced: boolean
  readonly verbs: ReadonlyArray<string>
  readonly subresources: ReadonlyArray<string>
  readonly schema: () => Promise<Schema.Schema<any, any>>
}

/**
 * Turns specs into clients: namespaced ones behind a `(namespace) => client` function.
 *
 * @since 0.2.0
 * @category models
 */
export interface Factory {
  readonly namespaced: (spec: Spec) => (namespace: string) => any
  readonly cluster: (spec: Spec) => any
}
