/**
 * The informer cache: one Map from `namespace/name` (or `name`) to the object as cached, plus inverted indexes.
 * Everything is synchronous, so a write and its index updates happen in one step and every read is a consistent
 * snapshot; the public Store wraps these reads in Effects.
 */
import type { Obj } from "../fakeApiServer/types.js"
import { isParseError, parseLabelSelector } from "../selectors.js"

export type IndexFunc<A> = (object: A) => ReadonlyArray<string>

interface Meta {
  readonly metadata?:
    | {
      readonly name?: string | undefined
      readonly namespace?: string | undefined
      readonly resourceVersion?: string | undefined
    }
    | undefined
}

export const keyOf = (o: unknown): string => {
  const m = (o as Meta).metadata
  const ns = m?.namespace
  return ns !== undefined && ns !== "" ? `${ns}/${m?.name ?? ""}` : m?.name ?? ""
}

export const namespaceOf = (o: unknown): string => (o as Meta).metadata?.namespace ?? ""

export const resourceVersionOf = (o: unknown): string | undefined => (o as Meta).metadata?.resourceVersion

export const namespaceIndex = "namespace"

export class InvalidSelector extends Error {}

export class CacheStore<A> {
  readonly objects = new Map<string, A>()
  private readonly indexes = new Map<string, Map<string, Set<string>>>()
  /** The user's indexers; the namespace index is kept apart (see `put`). */
  private readonly indexers: ReadonlyArray<readonly [Map<string, Set<string>>, IndexFunc<A>]>
  private readonly byNamespace = new Map<string, Set<string>>()
  resourceVersion: string | undefined = undefined
  synced = false

  constructor(indexers: Readonly<Record<string, IndexFunc<A>>>) {
    this.indexes.set(namespaceIndex, this.byNamespace)
    const user: Array<readonly [Map<string, Set<string>>, IndexFunc<A>]> = []
    for (const [name, fn] of Object.entries(indexers)) {
      if (name === namespaceIndex) {
        // A user indexer named "namespace" adds its values to the built-in index, which it then maintains.
        this.builtinNamespace = false
        user.push([this.byNamespace, (o: A) => [namespaceOf(o), ...fn(o)]])
        continue
      }
      const index = new Map<string, Set<string>>()
      this.indexes.set(name, index)
      user.push([index, fn])
    }
    this.indexers = user
  }

  /** Whether `byNamespace` is kept by `put` and `remove` themselves (no user indexer of that name). */
  private readonly builtinNamespace: boolean = true

  private static add(index: Map<string, Set<string>>, value: string, key: string) {
    let keys = index.get(value)
    if (keys === undefined) index.set(value, keys = new Set())
    keys.add(key)
  }

  private static delete(index: Map<string, Set<string>>, value: string, key: string) {
    const keys = index.get(value)
    if (keys === undefined) return
    keys.delete(key)
    if (keys.size === 0) index.delete(value)
  }

  /** Stores `object` under `key` (its `keyOf`), returning what it replaced. */
  put(object: A, key: string = keyOf(object)): A | undefined {
    const old = this.objects.get(key)
    this.objects.set(key, object)
    // The key holds the namespace, so replacing an object never moves it in the built-in namespace index.
    if (old === undefined && this.builtinNamespace) CacheStore.add(this.byNamespace, namespaceOf(object), key)
    for (const [index, fn] of this.indexers) {
      const values = fn(object)
      if (old === undefined) {
        for (const value of values) CacheStore.add(index, value, key)
        continue
      }
      const before = fn(old)
      // The common case of an update: the same values (most often one), so nothing to move.
      if (before.length === values.length && before.every((v, i) => v === values[i])) continue
      for (const value of before) if (!values.includes(value)) CacheStore.delete(index, value, key)
      for (const value of values) CacheStore.add(index, value, key)
    }
    return old
  }

  /** Removes the object under `key`, returning the cached one. */
  remove(key: string): A | undefined {
    const old = this.objects.get(key)
    if (old === undefined) return undefined
    this.objects.delete(key)
    if (this.builtinNamespace) CacheStore.delete(this.byNamespace, namespaceOf(old), key)
    for (const [index, fn] of this.indexers) for (const value of fn(old)) CacheStore.delete(index, value, key)
    return old
  }

  get(key: string): A | undefined {
    return this.objects.get(key)
  }

  list(filter: { readonly namespace?: string | undefined; readonly labelSelector?: string | undefined } = {}) {
    let match: ((o: A) => boolean) | undefined = undefined
    if (filter.labelSelector !== undefined && filter.labelSelector.trim() !== "") {
      const parsed = parseLabelSelector(filter.labelSelector)
      if (isParseError(parsed)) throw new InvalidSelector(parsed.message)
      match = (o) => parsed(o as Obj)
    }
    const out: Array<A> = []
    if (filter.namespace !== undefined) {
      for (const key of this.indexes.get(namespaceIndex)!.get(filter.namespace) ?? []) {
        const o = this.objects.get(key)!
        if (match === undefined || match(o)) out.push(o)
      }
      return out
    }
    for (const o of this.objects.values()) if (match === undefined || match(o)) out.push(o)
    return out
  }

  byIndex(name: string, value: string): Array<A> | undefined {
    const index = this.indexes.get(name)
    if (index === undefined) return undefined
    const out: Array<A> = []
    for (const key of index.get(value) ?? []) out.push(this.objects.get(key)!)
    return out
  }

  indexValues(name: string): Array<string> | undefined {
    const index = this.indexes.get(name)
    return index === undefined ? undefined : [...index.keys()]
  }
}
