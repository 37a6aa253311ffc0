/**
 * The controller loop: informer events become queue keys; workers read the latest cached object per key and run
 * the reconcile, then forget, requeue after a delay, or back off.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Action, KubeObject, Metrics, ObjectKey, Options } from "../../ControllerModel.js"
import type * as Informer from "../../Informer.js"
import type { ResourceDef } from "../../Resource.js"
import { SharedInformers } from "../../SharedInformers.js"
import type * as Watcher from "../../Watcher.js"
import * as WorkQueue from "../../WorkQueue.js"

const keyOf = (key: ObjectKey): string =>
  key.namespace === undefined || key.namespace === "" ? key.name : `${key.namespace}/${key.name}`

const objectKey = (object: KubeObject): string | undefined => {
  const name = object.metadata?.name
  return name === undefined ? undefined : keyOf({ namespace: object.metadata?.namespace, name })
}

const groupOf = (apiVersion: string) => {
  const slash = apiVersion.indexOf("/")
  return slash < 0 ? "" : apiVersion.slice(0, slash)
}

/** The primary keys an owned object's controller ownerReference names (same group and kind as the primary). */
const ownerKeys = (def: ResourceDef<any, any>, object: KubeObject): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const ref of object.metadata?.ownerReferences ?? []) {
    if (ref.controller !== true || ref.kind !== def.kind || groupOf(ref.apiVersion) !== def.group) continue
    out.push(keyOf({ namespace: def.namespaced ? object.metadata?.namespace : undefined, name: ref.name }))
  }
  return out
}

export const make = <D extends ResourceDef<any, any>, E, R>(
  options: Options<D, E, R>,
  metrics: Metrics
): Effect.Effect<never, Watcher.WatcherError, R | SharedInformers> =>
  Effect.scoped(Effect.gen(function*() {
    const primary = options.for
    const name = options.name ?? `${primary.plural}${primary.group === "" ? "" : `.${primary.group}`}`
    const informers = yield* SharedInformers
    const namespace = options.namespace
    const queue = yield* WorkQueue.make({ name, rateLimiter: options.rateLimiter })
    const predicates = options.predicates ?? []
    const reconcileDeleted = options.reconcileDeleted ?? true
    // Last known state of deleted primaries, for their final reconcile.
    const tombstones = new Map<string, KubeObject>()
    const tags = [MetricLabel.make("controller", name)]

    const primaryInformer = (yield* informers.resource(primary, { namespace })) as Informer.Informer<KubeObject>
    const owned = yield* Effect.forEach(options.owns ?? [], (def) => informers.resource(def, { namespace }))
    const watched = yield* Effect.forEach(
      options.watches ?? [],
      (w) => Effect.map(informers.resource(w.resource, { namespace }), (informer) => ({ informer, watch: w }))
    )

    // Each event is looked at when the stream hands it over, and only its key goes into the Effect that is run: an
    // Effect closing over the event would keep both its objects alive as long as the runtime keeps that Effect
    // (see informer/watcher.ts's Sink).
    const feedPrimary = primaryInformer.events.pipe(
      Stream.runForEach((event) => {
        if (!predicates.every((p) => p(event))) return Effect.void
        const key = objectKey(event.object)
        if (key === undefined) return Effect.void
        if (event._tag === "Deleted") {
          if (!reconcileDeleted) return Effect.void
          tombstones.set(key, event.object)
        }
        return queue.add(key)
      })
    )
    const feedOwned = (informer: Informer.Informer<KubeObject>) =>
      informer.events.pipe(Stream.runForEach((event) =>
        Effect.forEach(
          new Set([
            ...ownerKeys(primary, event.object),
            ...(event._tag === "Updated" ? ownerKeys(primary, event.old) : [])
          ]),
          queue.add,
          { discard: true }
        )
      ))
    const feedWatched = (informer: Informer.Informer<any>, mapTo: (object: any) => ReadonlyArray<ObjectKey>) =>
      informer.events.pipe(Stream.runForEach((event) =>
        Effect.forEach(
          new Set([...mapTo(event.object), ...(event._tag === "Updated" ? mapTo(event.old) : [])].map(keyOf)),
          queue.add,
          { discard: true }
        )
      ))

    const after = (key: string, action: Action) =>
      action._tag === "Done"
        ? queue.forget(key)
        : Effect.zipRight(queue.forget(key), queue.addAfter(key, action.delay))

    const reconcileKey = (key: string): Effect.Effect<void, never, R> =>
      Effect.gen(function*() {
        const cached = yield* primaryInformer.store.getByKey(key)
        let object: KubeObject
        let deleted = false
        if (Option.isSome(cached)) {
          object = cached.value
          tombstones.delete(key)
        } else {
          const last = tombstones.get(key)
          tombstones.delete(key)
          if (last === undefined) return
          object = last
          deleted = true
        }
        const retries = yield* queue.numRequeues(key)
        const started = yield* Clock.currentTimeMillis
        const exit = yield* Effect.exit(options.reconcile(object as never, { key, deleted, retries }))
        const ended = yield* Clock.currentTimeMillis
        metrics.reconcileTime.unsafeUpdate((ended - started) / 1000, tags)
        if (Exit.isSuccess(exit)) {
          metrics.reconcileTotal.unsafeUpdate(1, tags)
          return yield* after(key, exit.value)
        }
        if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
        metrics.reconcileErrors.unsafeUpdate(1, tags)
        yield* Effect.logWarning(`controller ${name}: reconcile of ${key} failed; retrying with backoff`, exit.cause)
        // A deleted object that fails its final reconcile keeps its last state for the retry.
        if (deleted) tombstones.set(key, object)
        yield* queue.addRateLimited(key)
      }).pipe(Effect.annotateLogs({ controller: name, key }))

    const feeders = Effect.all([
      feedPrimary,
      ...owned.map((i) => feedOwned(i as Informer.Informer<KubeObject>)),
      ...watched.map(({ informer, watch }) => feedWatched(informer, watch.mapTo))
    ], { concurrency: "unbounded", discard: true })

    // client-go's WaitForCacheSync: no reconcile sees a partial cache (an owner would look as if it had no dependents).
    const work = Effect.gen(function*() {
      yield* primaryInformer.waitForSync
      for (const i of owned) yield* i.waitForSync
      for (const { informer } of watched) yield* informer.waitForSync
      yield* queue.process(reconcileKey, { concurrency: options.concurrency, gracePeriod: options.gracePeriod })
      return yield* Effect.never
    })
    // The feeds run until an informer fails for good, which ends the controller with its error.
    return yield* Effect.raceFirst(Effect.zipRight(feeders, Effect.never), work)
  }))
