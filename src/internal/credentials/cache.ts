import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/** A loaded value and when it stops being usable (epoch millis; `undefined` means until invalidated). */
export interface Expiring<A> {
  readonly value: A
  readonly expiresAt: number | undefined
}

export interface ExpiringCache<A, E> {
  readonly get: Effect.Effect<A, E>
  readonly invalidate: Effect.Effect<void>
}

/**
 * A single-flight cache: concurrent `get`s that find nothing fresh wait on one load instead of each starting their
 * own (so ten requests arriving together run an exec plugin once). Time comes from `Clock`, so `TestClock` drives
 * expiry. `load` receives the previous entry so a source can fall back to it when a refresh fails.
 */
export const make = <A, E>(
  load: (previous: Option.Option<Expiring<A>>) => Effect.Effect<Expiring<A>, E>
): Effect.Effect<ExpiringCache<A, E>> =>
  Effect.gen(function*() {
    const ref = yield* Ref.make<Option.Option<Expiring<A>>>(Option.none())
    const lock = yield* Effect.makeSemaphore(1)
    const isFresh = (entry: Expiring<A>, now: number) => entry.expiresAt === undefined || now < entry.expiresAt
    const lookup = Effect.zipWith(
      Ref.get(ref),
      Clock.currentTimeMillis,
      (entry, now) => Option.filter(entry, (e) => isFresh(e, now))
    )
    const loadLocked = lock.withPermits(1)(
      Effect.flatMap(lookup, (fresh) => {
        if (Option.isSome(fresh)) return Effect.succeed(fresh.value.value)
        return Ref.get(ref).pipe(
          Effect.flatMap(load),
          Effect.tap((entry) => Ref.set(ref, Option.some(entry))),
          Effect.map((entry) => entry.value)
        )
      })
    )
    // The unlocked look-up keeps the common cached path free of lock contention.
    const get = Effect.flatMap(
      lookup,
      (fresh) => Option.isSome(fresh) ? Effect.succeed(fresh.value.value) : loadLocked
    )
    const invalidate = Ref.update(ref, Option.map((entry) => ({ ...entry, expiresAt: Number.NEGATIVE_INFINITY })))
    return { get, invalidate }
  })
