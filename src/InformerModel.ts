/**
 * The informer's contracts: the informer, its events and options.
 * Re-exported by `Informer`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { Indexer, Store } from "./Store.js"
import type * as Watcher from "./WatcherModel.js"

/**
 * An object appeared (created, entered the selectors, or was already cached when the subscriber joined).
 *
 * @since 0.2.0
 * @category models
 */
export interface Added<A> {
  readonly _tag: "Added"
  readonly object: A
}

/**
 * An object changed; on a resync `old` and `object` are the same cached object.
 *
 * @since 0.2.0
 * @category models
 */
export interface Updated<A> {
  readonly _tag: "Updated"
  readonly old: A
  readonly object: A
}

/**
 * An object is gone: deleted, out of the selectors, or missing from a relist after the watch was down. `object`
 * is its last known state.
 *
 * @since 0.2.0
 * @category models
 */
export interface Deleted<A> {
  readonly _tag: "Deleted"
  readonly object: A
}

/**
 * @since 0.2.0
 * @category models
 */
export type InformerEvent<A> = Added<A> | Updated<A> | Deleted<A>

/**
 * @since 0.2.0
 * @category options
 */
export interface Options<A> extends Watcher.Options {
  /** Re-deliver every cached object as `Updated(obj, obj)` this often (client-go's resync). Off by default. */
  readonly resyncPeriod?: Duration.DurationInput | undefined
  /** Applied to each object before it is cached and delivered, e.g. to drop `managedFields`. */
  readonly transform?: ((object: A) => A) | undefined
  /** Indexes besides `namespace`, by name. */
  readonly indexers?: Readonly<Record<string, Indexer<A>>> | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Informer<A> {
  readonly store: Store<A>
  /**
   * The changes, for each subscriber on its own: first `Added` for every object already cached, then every change
   * as it is applied to the store. Fails with the watcher's error if the informer stops on one.
   */
  readonly events: Stream.Stream<InformerEvent<A>, Watcher.WatcherError>
  /** Completes once the first complete list is in the store (client-go `WaitForCacheSync`). */
  readonly waitForSync: Effect.Effect<void, Watcher.WatcherError>
  readonly hasSynced: Effect.Effect<boolean>
}
