/**
 * The cache an informer keeps (client-go's Indexer and Lister, kube-rs's `reflector::Store`): the objects of one
 * resource as last seen by its watcher, keyed `namespace/name` (`name` for cluster-scoped objects), with a
 * `namespace` index and any indexes of your own.
 *
 * Reads are consistent snapshots: a write and its index updates happen in one synchronous step, and every read
 * copies out what it returns. Objects are stored as decoded (after the informer's `transform`), never copied.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type CacheStore, InvalidSelector } from "./internal/informer/store.js"

/**
 * Values an object is indexed under (client-go `IndexFunc`), e.g. `(pod) => [pod.spec?.nodeName ?? ""]`.
 *
 * @since 0.2.0
 * @category models
 */
export type Indexer<A> = (object: A) => ReadonlyArray<string>

/**
 * The name of the index every store has: objects by `metadata.namespace` ("" for cluster-scoped ones).
 *
 * @since 0.2.0
 * @category constants
 */
export const namespaceIndex = "namespace"

/**
 * `byIndex` or `list` was asked for an index that was not declared, or given a label selector that does not parse.
 *
 * @since 0.2.0
 * @category errors
 */
export class StoreQueryError extends Data.TaggedError("StoreQueryError")<{ readonly message: string }> {}

/**
 * @since 0.2.0
 * @category options
 */
export interface ListFilter {
  readonly namespace?: string | undefined
  /** The apiserver's label selector grammar: `app=web,tier in (a,b),!canary`. */
  readonly labelSelector?: string | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Store<A> {
  /** The cached object; for cluster-scoped objects pass `""` or `undefined` as the namespace. */
  readonly get: (namespace: string | undefined, name: string) => Effect.Effect<Option.Option<A>>
  /** By client-go key: `namespace/name`, or `name`. */
  readonly getByKey: (key: string) => Effect.Effect<Option.Option<A>>
  readonly list: (filter?: ListFilter) => Effect.Effect<ReadonlyArray<A>, StoreQueryError>
  /** Objects an indexer mapped to `value` (client-go `ByIndex`). */
  readonly byIndex: (indexName: string, value: string) => Effect.Effect<ReadonlyArray<A>, StoreQueryError>
  /** The values an index holds (client-go `ListIndexFuncValues`). */
  readonly indexValues: (indexName: string) => Effect.Effect<ReadonlyArray<string>, StoreQueryError>
  readonly keys: Effect.Effect<ReadonlyArray<string>>
  readonly size: Effect.Effect<number>
  /** The resourceVersion of the last event or list applied. */
  readonly resourceVersion: Effect.Effect<Option.Option<string>>
  /** True once the first complete list has been applied. */
  readonly synced: Effect.Effect<boolean>
}

/** @internal */
export const fromCache = <A>(cache: CacheStore<A>): Store<A> => ({
  get: (namespace, name) =>
    Effect.sync(() =>
      Option.fromNullable(cache.get(namespace === undefined || namespace === "" ? name : `${namespace}/${name}`))
    ),
  getByKey: (key) => Effect.sync(() => Option.fromNullable(cache.get(key))),
  list: (filter) =>
    Effect.try({
      try: () => cache.list(filter),
      catch: (e) =>
        new StoreQueryError({ message: e instanceof InvalidSelector ? `labelSelector: ${e.message}` : String(e) })
    }),
  byIndex: (indexName, value) =>
    Effect.suspend(() => {
      const out = cache.byIndex(indexName, value)
      return out === undefined ? Effect.fail(unknownIndex(indexName)) : Effect.succeed(out)
    }),
  indexValues: (indexName) =>
    Effect.suspend(() => {
      const out = cache.indexValues(indexName)
      return out === undefined ? Effect.fail(unknownIndex(indexName)) : Effect.succeed(out)
    }),
  keys: Effect.sync(() => [...cache.objects.keys()]),
  size: Effect.sync(() => cache.objects.size),
  resourceVersion: Effect.sync(() => Option.fromNullable(cache.resourceVersion)),
  synced: Effect.sync(() => cache.synced)
})

const unknownIndex = (name: string) => new StoreQueryError({ message: `no index named ${JSON.stringify(name)}` })
