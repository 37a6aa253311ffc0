/**
 * The watcher's contracts: its events, source, options and errors.
 * Re-exported by `Watcher`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import type * as Stream from "effect/Stream"
import type * as KubeError from "./KubeError.js"
import type * as KubeRequest from "./KubeRequest.js"
import type { WatchEvent } from "./Watch.js"

/**
 * What a watcher needs from a client: one page of a list and one watch request. Typed clients
 * (`clientset.coreV1.pods(ns)`, `ResourceClient.make(def)`), dynamic clients (`dynamic.resource(gvr)`) and
 * metadata clients all have this shape.
 *
 * @since 0.2.0
 * @category models
 */
export interface Source<A, E = unknown> {
  readonly list: (options?: KubeRequest.ListOptions) => Effect.Effect<ListPage<A>, E>
  readonly watch: (options?: KubeRequest.ListOptions) => Stream.Stream<WatchEvent<A>, E>
}

/**
 * One page of a list, as typed (`PodList`) and dynamic (`UnstructuredList`) clients return it.
 *
 * @since 0.2.0
 * @category models
 */
export interface ListPage<A> {
  readonly metadata?: { readonly resourceVersion?: unknown; readonly continue?: unknown } | undefined
  readonly items: ReadonlyArray<A>
}

/**
 * A (re-)list begins: what follows up to `InitDone` is the complete state.
 *
 * @since 0.2.0
 * @category models
 */
export interface Init {
  readonly _tag: "Init"
}

/**
 * One object of the list in progress.
 *
 * @since 0.2.0
 * @category models
 */
export interface InitApply<A> {
  readonly _tag: "InitApply"
  readonly object: A
}

/**
 * The list is complete as of `resourceVersion`: objects not delivered since `Init` no longer exist.
 *
 * @since 0.2.0
 * @category models
 */
export interface InitDone {
  readonly _tag: "InitDone"
  readonly resourceVersion: string
}

/**
 * An object was created or changed.
 *
 * @since 0.2.0
 * @category models
 */
export interface Apply<A> {
  readonly _tag: "Apply"
  readonly object: A
}

/**
 * An object was deleted (or left the selectors); `object` is its last state.
 *
 * @since 0.2.0
 * @category models
 */
export interface Delete<A> {
  readonly _tag: "Delete"
  readonly object: A
}

/**
 * @since 0.2.0
 * @category models
 */
export type Event<A> = Init | InitApply<A> | InitDone | Apply<A> | Delete<A>

/**
 * The errors that end a watcher: access refused (`Forbidden`), a resource type the server does not serve
 * (`NotFound`), a request the server rejects (`BadRequest`, `Invalid`, `MethodNotAllowed`: a malformed selector,
 * a resource without list or watch), and a list whose body does not decode. Everything else is retried.
 *
 * @since 0.2.0
 * @category errors
 */
export type WatcherError =
  | KubeError.Forbidden
  | KubeError.NotFound
  | KubeError.BadRequest
  | KubeError.Invalid
  | KubeError.MethodNotAllowed
  | KubeError.DecodeError

/**
 * @since 0.2.0
 * @category options
 */
export interface Options {
  readonly labelSelector?: string | undefined
  readonly fieldSelector?: string | undefined
  /** Items per list page. Default 500, as client-go. */
  readonly pageSize?: number | undefined
  /** The server-side limit each watch request asks for. Default 290 s (client-go picks 5 to 10 minutes). */
  readonly timeoutSeconds?: number | undefined
  /**
   * A watch that delivers neither an event nor a bookmark for this long is abandoned and resumed (a list request
   * that answers nothing, too). Time the consumer holds the watcher back, with its 256-event buffer full, does not
   * count. Default `timeoutSeconds` + 30 s.
   */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /**
   * Get the initial state from a streaming list (`sendInitialEvents=true`), falling back to paged lists when the
   * server rejects it. Default true.
   */
  readonly streamingList?: boolean | undefined
  /**
   * The pause before each attempt that follows an unhealthy one. Default: 800 ms doubling to 30 s, jittered,
   * reset after a watch that delivered events.
   */
  readonly backoff?: Schedule.Schedule<unknown, unknown> | undefined
}
