/**
 * A watch that heals itself (client-go's Reflector list-and-watch, kube-rs's `watcher`): it lists, then watches
 * from the list's resourceVersion; it resumes from the last resourceVersion seen (bookmarks advance it) after a
 * closed connection, a server timeout, a transport error or a watch that went silent; it lists again after
 * `410 Gone` / `Expired`; it waits between failed attempts on a jittered exponential backoff; and it fails only on
 * what retrying cannot fix.
 *
 * ```ts
 * const clientset = yield* Clientset.Clientset
 * yield* Watcher.watch(clientset.coreV1.pods("default"), { labelSelector: "app=web" }).pipe(
 *   Stream.runForEach((event) => Console.log(event._tag))
 * )
 * ```
 *
 * Events tell a consumer how to keep an exact copy: `Init` starts a (re-)list, `InitApply` carries each object of
 * it, `InitDone` ends it (objects not seen since `Init` are gone), then `Apply` and `Delete` follow the watch.
 *
 * @since 0.2.0
 */
import type * as Schedule from "effect/Schedule"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/informer/watcher.js"
import type { Event, Options, Source, WatcherError } from "./WatcherModel.js"

export type {
  Apply,
  Delete,
  Event,
  Init,
  InitApply,
  InitDone,
  ListPage,
  Options,
  Source,
  WatcherError
} from "./WatcherModel.js"

/**
 * The default backoff: `Schedule.exponential(800 millis, 2)` capped at 30 s, jittered.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultBackoff: Schedule.Schedule<unknown, unknown> = internal.defaultBackoff

/**
 * The events of `source`, forever: the stream ends only on a {@link WatcherError} or when interrupted (which closes
 * the connection).
 *
 * @since 0.2.0
 * @category constructors
 */
export const watch: <A, E>(source: Source<A, E>, options?: Options) => Stream.Stream<Event<A>, WatcherError> =
  internal.watch

/**
 * The objects of `Apply` and `InitApply` events and the last states of `Delete`s, for consumers that only react
 * to what is there (kube-rs `touched_objects`).
 *
 * @since 0.2.0
 * @category combinators
 */
export const touchedObjects = <A, E, R>(events: Stream.Stream<Event<A>, E, R>): Stream.Stream<A, E, R> =>
  internal.touchedObjects(events)
