/**
 * The memoising helpers the generated clientset is built with, which keep start-up free of work for unused groups.
 * Its contracts (`Spec`, `Factory`) are the public `ClientsetModel`.
 */
export type { Factory, Spec } from "../../ClientsetModel.js"

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
