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
  private readonly indexers: ReadonlyArray<readonly [string, IndexFunc<A>]>
  resourceVersion: string | undefined = undefined
  synced = false

  constructor(indexers: Readonly<Record<string, IndexFunc<A>>>) {
    this.indexers = [[namespaceIndex, (o: A) => [namespaceOf(o)]], ...Object.entries(indexers)]
    for (const [name] of this.indexers) this.indexes.set(name, new Map())
  }

  private index(key: string, object: A, add: boolean) {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!
      for (const value of fn(object)) {
        let keys = index.get(value)
        if (add) {
          if (keys === undefined) index.set(value, keys = new Set())
          keys.add(key)
        } else if (keys !== undefined) {
          keys.delete(key)
          if (keys.size === 0) index.delete(value)
        }
      }
    }
  }

  /** Stores `object`, returning what it replaced. */
  put(object: A): A | undefined {
    const key = keyOf(object)
    const old = this.objects.get(key)
    if (old !== undefined) this.index(key, old, false)
    this.objects.set(key, object)
    this.index(key, object, true)
    return old
  }

  /** Removes the object under `object`'s key, returning the cached one. */
  remove(key: string): A | undefined {
    const old = this.objects.get(key)
    if (old === undefined) return undefined
    this.index(key, old, false)
    this.objects.delete(key)
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
