/**
 * An informer (client-go's SharedIndexInformer, kube-rs's `reflector` + `watcher`): a {@link Watcher} keeping a
 * {@link Store} up to date, and a stream of changes for each subscriber.
 *
 * ```ts
 * const pods = yield* Informer.make(clientset.coreV1.pods(""), { resyncPeriod: "10 minutes" })
 * yield* pods.waitForSync
 * const onNode = yield* pods.store.list({ namespace: "default", labelSelector: "app=web" })
 * yield* pods.events.pipe(Stream.runForEach((e) => Console.log(e._tag, e.object.metadata?.name)), Effect.fork)
 * ```
 *
 * The informer runs until its scope closes; closing it closes the watch.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Informer, Options } from "./InformerModel.js"
import * as internal from "./internal/informer/informer.js"
import type * as Watcher from "./Watcher.js"

export type { Added, Deleted, Informer, InformerEvent, Options, Updated } from "./InformerModel.js"

/**
 * Starts an informer on `source` (a typed, dynamic or metadata client) for the life of the scope.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: <A, E>(
  source: Watcher.Source<A, E>,
  options?: Options<A>
) => Effect.Effect<Informer<A>, never, Scope.Scope> = internal.make
