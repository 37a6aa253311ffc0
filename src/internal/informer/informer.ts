/**
 * An informer: a watcher's events applied to a CacheStore, each change fanned out synchronously to every
 * subscriber's mailbox, so a subscriber's snapshot and its subscription can never straddle a write.
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Informer, InformerEvent, Options } from "../../InformerModel.js"
import { fromCache } from "../../Store.js"
import type { Event, Source, WatcherError } from "../../WatcherModel.js"
import { Handoff } from "../handoff.js"
import { CacheStore, keyOf, resourceVersionOf } from "./store.js"
import { run } from "./watcher.js"

export const make = <A, E>(
  source: Source<A, E>,
  options: Options<A> = {}
): Effect.Effect<Informer<A>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const cache = new CacheStore<A>(options.indexers ?? {})
    const transform = options.transform
    const subscribers = new Set<Handoff<InformerEvent<A>, WatcherError>>()
    const synced = yield* Deferred.make<void, WatcherError>()
    let failure: WatcherError | undefined = undefined
    let seen: Set<string> | undefined = undefined

    const publish = (out: Array<InformerEvent<A>>) => {
      if (out.length === 0) return
      for (const m of subscribers) m.unsafeOfferAll(out)
    }

    const apply = (events: Iterable<Event<A>>) => {
      const out: Array<InformerEvent<A>> = []
      for (const ev of events) {
        switch (ev._tag) {
          case "Init":
            seen = new Set()
            break
          case "InitApply":
          case "Apply": {
            const object = transform === undefined ? ev.object : transform(ev.object)
            const key = keyOf(object)
            seen?.add(key)
            const old = cache.get(key)
            const rv = resourceVersionOf(object)
            if (ev._tag === "Apply") cache.resourceVersion = rv ?? cache.resourceVersion
            // A relist hands back every object; the ones that did not change are not news.
            if (old !== undefined && rv !== undefined && resourceVersionOf(old) === rv) break
            cache.put(object, key)
            out.push(old === undefined ? { _tag: "Added", object } : { _tag: "Updated", old, object })
            break
          }
          case "InitDone": {
            // What the relist did not return was deleted while the watch was down.
            const kept = seen
            seen = undefined
            if (kept !== undefined) {
              for (const key of [...cache.objects.keys()]) {
                if (kept.has(key)) continue
                const old = cache.remove(key)!
                out.push({ _tag: "Deleted", object: old })
              }
            }
            cache.resourceVersion = ev.resourceVersion
            if (!cache.synced) {
              cache.synced = true
              Deferred.unsafeDone(synced, Exit.void)
            }
            break
          }
          case "Delete": {
            const object = transform === undefined ? ev.object : transform(ev.object)
            const key = keyOf(object)
            cache.remove(key)
            seen?.delete(key)
            cache.resourceVersion = resourceVersionOf(object) ?? cache.resourceVersion
            out.push({ _tag: "Deleted", object })
            break
          }
        }
      }
      publish(out)
    }

    // The cache is updated in the fiber that reads the connection, with no buffer or fiber between them, when the
    // loop hands the batch over (see watcher.ts's Sink: no Effect holds the batch afterwards).
    yield* run(source, options, (events) => {
      apply(events)
      return Effect.void
    }).pipe(
      Effect.catchAll((error) =>
        Effect.sync(() => {
          failure = error
          Deferred.unsafeDone(synced, Exit.fail(error))
          for (const m of subscribers) m.unsafeDone(Exit.fail(error))
        })
      ),
      // Interruptible even when the informer is made in an uninterruptible region (a shared informer's acquire).
      Effect.interruptible,
      Effect.forkScoped
    )

    if (options.resyncPeriod !== undefined) {
      const period = Duration.decode(options.resyncPeriod)
      yield* Effect.sleep(period).pipe(
        Effect.zipRight(Effect.sync(() => {
          const out: Array<InformerEvent<A>> = []
          for (const object of cache.objects.values()) out.push({ _tag: "Updated", old: object, object })
          publish(out)
        })),
        Effect.forever,
        Effect.interruptible,
        Effect.forkScoped
      )
    }

    const events: Stream.Stream<InformerEvent<A>, WatcherError> = Stream.unwrapScoped(Effect.gen(function*() {
      const mailbox = new Handoff<InformerEvent<A>, WatcherError>()
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          if (failure !== undefined) {
            mailbox.unsafeDone(Exit.fail(failure))
            return
          }
          // A late subscriber first hears of what is already there, as client-go's AddEventHandler.
          const snapshot: Array<InformerEvent<A>> = []
          for (const object of cache.objects.values()) snapshot.push({ _tag: "Added", object })
          mailbox.unsafeOfferAll(snapshot)
          subscribers.add(mailbox)
        }),
        () => Effect.sync(() => subscribers.delete(mailbox))
      )
      return mailbox.stream
    }))

    return {
      store: fromCache(cache),
      events,
      waitForSync: Deferred.await(synced),
      hasSynced: Effect.sync(() => cache.synced)
    }
  })
