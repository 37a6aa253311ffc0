/**
 * What the generated clientset is built from: a `Spec` per resource (facts plus a lazy schema loader), a `Factory`
 * that turns specs into clients, and the memoising helpers that keep start-up free of work for unused groups.
 */
import type * as Schema from "effect/Schema"

/** One resource as the clientset needs it at run time. The schema module is imported on first use. */
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

/** Turns specs into clients: namespaced ones behind a `(namespace) => client` function. */
export interface Factory {
  readonly namespaced: (spec: Spec) => (namespace: string) => any
  readonly cluster: (spec: Spec) => any
}

/** A memoised dynamic import: the module is loaded once, on the first call. */
export const loader = <M>(load: () => Promise<M>): () => Promise<M> => {
  let promise: Promise<M> | undefined
  return () => (promise ??= load())
}

/**
 * An object whose properties are computed on first read and then kept (the getter replaces itself with the value),
 * so a clientset with a hundred resources costs nothing until one is used.
 */
export const lazyObject = <T extends object>(thunks: { readonly [K in keyof T]: () => T[K] }): T => {
  const target = {} as T
  for (const key of Object.keys(thunks) as Array<keyof T & string>) {
    Object.defineProperty(target, key, {
      configurable: true,
      enumerable: true,
      get() {
        const value = thunks[key]()
        Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: false })
        return value
      }
    })
  }
  return target
}
