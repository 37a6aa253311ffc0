/**
 * The loop every simulated controller shares, a work queue in the manner of client-go's: changes are observed in
 * order (synchronous bookkeeping that marks keys dirty), then each dirty key is reconciled once per turn, however
 * many changes touched it. Writes made while reconciling come back as changes and start the next turn, so a
 * controller converges without polling. Delays (`requeueAfter`, retries of failed keys) sleep on the fiber's Clock.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type { Change, ClusterApi } from "./api.js"

export interface Reconciler<K> {
  /** Bookkeeping for one change; marks the keys that must be looked at. Must not block. */
  readonly observe: (change: Change, dirty: (key: K) => void) => void
  /** Brings one key to its desired state; a failure retries the key after `retryDelay`. */
  readonly reconcile: (key: K, queue: WorkQueue<K>) => Effect.Effect<void, unknown>
  /** The first retry's delay, doubled per failure in a row up to 10 s (client-go's rate limiter). Default 100 ms. */
  readonly retryDelay?: Duration.DurationInput | undefined
}

export interface WorkQueue<K> {
  /** Reconciles the key again once `delay` has passed on the Clock (a pod start, a CronJob schedule). */
  readonly requeueAfter: (key: K, delay: Duration.DurationInput) => Effect.Effect<void>
}

const maxDelay = Duration.seconds(10)

type Item<K> = { readonly _tag: "Change"; readonly change: Change } | { readonly _tag: "Key"; readonly key: K }

export const reconcileLoop = <K>(api: ClusterApi, reconciler: Reconciler<K>): Effect.Effect<never> =>
  Effect.scoped(Effect.gen(function*() {
    const retryDelay = Duration.decode(reconciler.retryDelay ?? Duration.millis(100))
    const inbox = yield* Queue.unbounded<Item<K>>()
    const dirty = new Set<K>()
    const failures = new Map<K, number>()
    const mark = (key: K) => {
      dirty.add(key)
    }
    // Delayed keys are fibers of the loop's scope, so they end with the controller.
    const scope = yield* Effect.scope
    const inScope: WorkQueue<K> = {
      requeueAfter: (key, delay) =>
        Effect.asVoid(
          Effect.forkIn(Effect.delay(Queue.offer(inbox, { _tag: "Key", key }), Duration.decode(delay)), scope)
        )
    }
    yield* Effect.forkScoped(Stream.runForEach(api.changes, (change) => Queue.offer(inbox, { _tag: "Change", change })))
    const turn = Effect.gen(function*() {
      for (const item of yield* Queue.takeBetween(inbox, 1, Number.MAX_SAFE_INTEGER)) {
        if (item._tag === "Change") reconciler.observe(item.change, mark)
        else dirty.add(item.key)
      }
      const batch = [...dirty]
      dirty.clear()
      for (const key of batch) {
        yield* reconciler.reconcile(key, inScope).pipe(
          Effect.tap(() => Effect.sync(() => failures.delete(key))),
          Effect.catchAll(() => {
            const n = failures.get(key) ?? 0
            failures.set(key, n + 1)
            return inScope.requeueAfter(key, Duration.min(Duration.times(retryDelay, 2 ** Math.min(n, 20)), maxDelay))
          })
        )
      }
    })
    return yield* Effect.forever(turn)
  }))
