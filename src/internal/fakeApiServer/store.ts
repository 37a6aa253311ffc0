/**
 * The object store: one Map per stored resource keyed by `namespace/name`, a sorted key index for paging, one
 * global resourceVersion counter and a ring buffer of recent events. The ring serves watch resumption and
 * consistent continue tokens (a snapshot at an older version is rebuilt by undoing the events after it).
 * Everything here is synchronous so a write, its event and its fan-out to watchers happen atomically.
 */
import type { Obj } from "./types.js"

export type EventType = "ADDED" | "MODIFIED" | "DELETED"

export interface StoredEvent {
  readonly rv: number
  readonly storageKey: string
  readonly type: EventType
  readonly key: string
  /** The new state; for DELETED the last state, stamped with the deletion's resourceVersion. */
  readonly object: Obj
  readonly prev: Obj | undefined
}

export interface Subscriber {
  readonly deliver: (event: StoredEvent) => void
}

class Table {
  readonly objects = new Map<string, Obj>()
  /** Sorted keys, maintained by binary insertion so paging never sorts. */
  readonly keys: Array<string> = []
}

const lowerBound = (keys: ReadonlyArray<string>, key: string): number => {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

export const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ""}/${name}`

export class Store {
  private rv = 0
  private readonly tables = new Map<string, Table>()
  private readonly ring: Array<StoredEvent | undefined>
  private ringHead = 0
  private ringCount = 0
  /** Highest resourceVersion whose event fell out of the ring: history at or before it is gone. */
  private compacted = 0
  private readonly subscribers = new Map<string, Set<Subscriber>>()
  private readonly everySubscriber = new Set<Subscriber>()

  constructor(readonly historySize: number) {
    this.ring = new Array(Math.max(1, historySize))
  }

  get currentRv(): number {
    return this.rv
  }

  get compactedRv(): number {
    return this.compacted
  }

  private table(storageKey: string): Table {
    let t = this.tables.get(storageKey)
    if (t === undefined) this.tables.set(storageKey, t = new Table())
    return t
  }

  get(storageKey: string, key: string): Obj | undefined {
    return this.tables.get(storageKey)?.objects.get(key)
  }

  count(storageKey: string): number {
    return this.tables.get(storageKey)?.objects.size ?? 0
  }

  /** Stores a new state under a fresh resourceVersion; `build` receives it as a string. */
  put(storageKey: string, key: string, build: (rv: string) => Obj): Obj {
    const table = this.table(storageKey)
    const prev = table.objects.get(key)
    const rv = ++this.rv
    const object = build(String(rv))
    if (prev === undefined) table.keys.splice(lowerBound(table.keys, key), 0, key)
    table.objects.set(key, object)
    this.record({ rv, storageKey, type: prev === undefined ? "ADDED" : "MODIFIED", key, object, prev })
    return object
  }

  remove(storageKey: string, key: string): Obj | undefined {
    const table = this.tables.get(storageKey)
    const prev = table?.objects.get(key)
    if (table === undefined || prev === undefined) return undefined
    const rv = ++this.rv
    table.objects.delete(key)
    table.keys.splice(lowerBound(table.keys, key), 1)
    const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rv) } }
    this.record({ rv, storageKey, type: "DELETED", key, object, prev })
    return object
  }

  /**
   * Forgets the history (etcd compaction): watches and continue tokens from any older resourceVersion now get
   * 410 Expired.
   */
  compact(): void {
    this.compacted = this.rv
    this.ring.fill(undefined)
    this.ringHead = 0
    this.ringCount = 0
  }

  /** Drops a whole resource (a CRD went away) with a DELETED event per object. */
  dropResource(storageKey: string): void {
    const table = this.tables.get(storageKey)
    if (table === undefined) return
    for (const key of [...table.keys]) this.remove(storageKey, key)
    this.tables.delete(storageKey)
  }

  storageKeys(): ReadonlyArray<string> {
    return [...this.tables.keys()]
  }

  private record(event: StoredEvent) {
    const cap = this.ring.length
    if (this.ringCount === cap) {
      const dropped = this.ring[this.ringHead]!
      this.compacted = dropped.rv
      this.ring[this.ringHead] = event
      this.ringHead = (this.ringHead + 1) % cap
    } else {
      this.ring[(this.ringHead + this.ringCount) % cap] = event
      this.ringCount++
    }
    const subs = this.subscribers.get(event.storageKey)
    if (subs !== undefined) { for (const s of subs) s.deliver(event) }
    for (const s of this.everySubscriber) s.deliver(event)
  }

  /**
   * Events of one resource after `rv`, oldest first, or undefined when the history no longer reaches back that far.
   */
  eventsAfter(storageKey: string, rv: number): ReadonlyArray<StoredEvent> | undefined {
    if (rv < this.compacted) return undefined
    const out: Array<StoredEvent> = []
    const cap = this.ring.length
    for (let i = 0; i < this.ringCount; i++) {
      const ev = this.ring[(this.ringHead + i) % cap]!
      if (ev.rv > rv && ev.storageKey === storageKey) out.push(ev)
    }
    return out
  }

  /**
   * Objects in key order, starting after `startAfter`, within a namespace when given, as of resourceVersion `atRv`
   * (the current state when undefined). Undefined when `atRv` is older than the retained history.
   */
  scan(
    storageKey: string,
    options: {
      readonly namespace?: string | undefined
      readonly startAfter?: string | undefined
      readonly atRv?: number | undefined
    }
  ): Iterable<readonly [string, Obj]> | undefined {
    const table = this.tables.get(storageKey) ?? new Table()
    const prefix = options.namespace === undefined ? "" : `${options.namespace}/`
    let keys: ReadonlyArray<string> = table.keys
    let overrides: Map<string, Obj | null> | undefined
    if (options.atRv !== undefined && options.atRv < this.rv) {
      const events = this.eventsAfter(storageKey, options.atRv)
      if (events === undefined) return undefined
      if (events.length > 0) {
        overrides = new Map()
        for (const ev of events) if (!overrides.has(ev.key)) overrides.set(ev.key, ev.prev ?? null)
        const merged = new Set(table.keys)
        for (const k of overrides.keys()) merged.add(k)
        keys = [...merged].sort()
      }
    }
    const from = options.startAfter !== undefined && options.startAfter >= prefix
      ? lowerBound(keys, options.startAfter + "\u0000")
      : lowerBound(keys, prefix)
    const objects = table.objects
    const ov = overrides
    return {
      *[Symbol.iterator]() {
        for (let i = from; i < keys.length; i++) {
          const key = keys[i]!
          if (prefix !== "" && !key.startsWith(prefix)) return
          const obj = ov !== undefined && ov.has(key) ? ov.get(key) : objects.get(key)
          if (obj !== undefined && obj !== null) yield [key, obj] as const
        }
      }
    }
  }

  /** Events of every resource (simulated controllers watch the whole cluster). */
  subscribeAll(subscriber: Subscriber): () => void {
    this.everySubscriber.add(subscriber)
    return () => {
      this.everySubscriber.delete(subscriber)
    }
  }

  subscribe(storageKey: string, subscriber: Subscriber): () => void {
    let subs = this.subscribers.get(storageKey)
    if (subs === undefined) this.subscribers.set(storageKey, subs = new Set())
    subs.add(subscriber)
    return () => {
      subs.delete(subscriber)
    }
  }
}
