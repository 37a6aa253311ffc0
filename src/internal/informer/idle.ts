/**
 * Idle detection for one watch or list attempt: the stream fails with IdleTimeout when its source delivers nothing
 * for `idle` while its consumer is waiting for more.
 *
 * `Stream.timeoutFail` would do it, but it races every pull against a timer (two forked fibers and a timer per
 * chunk), which cost more than the rest of the informer's per-event work together. Here the source runs in one
 * fiber into a small bounded handoff, stamping the time of each pull, and one watchdog fiber wakes when the limit
 * could first have passed: once per idle period instead of once per chunk. The clock is the fiber's Clock, so
 * TestClock drives it.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { Handoff } from "../handoff.js"
import { IdleTimeout } from "./errors.js"

/**
 * Events buffered between the source and the consumer. Small, so that a slow consumer still holds back the
 * connection (TCP backpressure) as it would reading the source directly; large enough for a chunk of a socket read.
 */
const capacity = 256

export const failWhenIdle = <A, E>(
  stream: Stream.Stream<A, E>,
  idle: Duration.Duration
): Stream.Stream<A, E | IdleTimeout> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const clock = yield* Effect.clock
    const limit = Math.max(0, Duration.toMillis(idle))
    const handoff = new Handoff<A, E | IdleTimeout>({ capacity })
    // When the source was last asked for more; undefined while the consumer holds it back (a full handoff), which
    // is not the source's silence.
    let since: number | undefined = clock.unsafeCurrentTimeMillis()
    yield* stream.pipe(
      Stream.runForEachChunk((chunk) => {
        since = undefined
        return Effect.map(handoff.offerAll(chunk), () => {
          since = clock.unsafeCurrentTimeMillis()
        })
      }),
      Effect.exit,
      Effect.map((exit) => handoff.unsafeDone(exit)),
      Effect.forkScoped
    )
    const watchdog: Effect.Effect<void> = Effect.suspend(() => {
      const waited = since === undefined ? 0 : clock.unsafeCurrentTimeMillis() - since
      if (since !== undefined && waited >= limit) {
        return Effect.sync(() => handoff.unsafeDone(Exit.fail(new IdleTimeout({ after: idle }))))
      }
      return Effect.zipRight(Effect.sleep(limit - waited), watchdog)
    })
    yield* Effect.forkScoped(watchdog)
    return handoff.stream
  }))
