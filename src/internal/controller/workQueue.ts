/**
 * The work queue's state machine. All bookkeeping happens in synchronous steps (one `Effect.sync` each), so no
 * interleaving of fibers can observe a key both waiting and taken.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import type { Metrics, ProcessOptions, RateLimiter, WorkQueue } from "../../WorkQueueModel.js"

export const toMillis = (d: Duration.DurationInput): number => Duration.toMillis(Duration.decode(d))

interface Waiter {
  readonly deferred: Deferred.Deferred<void>
  signalled: boolean
}

interface Delayed {
  readonly at: number
  fiber: Fiber.RuntimeFiber<void> | undefined
}

export const make = (
  name: string,
  rateLimiter: RateLimiter,
  metrics: Metrics
): Effect.Effect<WorkQueue, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const tags = [MetricLabel.make("name", name)]

    // Keys waiting, in FIFO order from `head`; every one is also in `dirty` and none is in `processing`.
    let queue: Array<string> = []
    let head = 0
    // Keys that need processing: waiting ones, and taken ones added again since they were taken.
    const dirty = new Set<string>()
    // Taken keys and when they were taken.
    const processing = new Map<string, number>()
    // When each waiting key was queued, for the latency metric.
    const queuedAt = new Map<string, number>()
    const delayed = new Map<string, Delayed>()
    let waiters: Array<Waiter> = []
    let shuttingDown = false
    const drained = Deferred.unsafeMake<void>(FiberId.none)

    const depth = () => queue.length - head

    const signalOne = () => {
      while (waiters.length > 0) {
        const w = waiters.shift()!
        if (w.signalled) continue
        w.signalled = true
        Deferred.unsafeDone(w.deferred, Exit.void)
        return
      }
    }

    const signalAll = () => {
      const all = waiters
      waiters = []
      for (const w of all) {
        w.signalled = true
        Deferred.unsafeDone(w.deferred, Exit.void)
      }
    }

    const push = (key: string, now: number) => {
      queue.push(key)
      queuedAt.set(key, now)
      metrics.depth.unsafeUpdate(depth(), tags)
      signalOne()
    }

    const addNow = (key: string, now: number) => {
      if (shuttingDown) return
      metrics.adds.unsafeUpdate(1, tags)
      if (dirty.has(key)) return
      dirty.add(key)
      if (processing.has(key)) return
      push(key, now)
    }

    const updateUnfinished = (now: number) => {
      let total = 0
      let longest = 0
      for (const started of processing.values()) {
        const seconds = (now - started) / 1000
        total += seconds
        if (seconds > longest) longest = seconds
      }
      metrics.unfinishedWork.unsafeUpdate(total, tags)
      metrics.longestRunningProcessor.unsafeUpdate(longest, tags)
    }

    const tryTake = (now: number): string | undefined => {
      if (head >= queue.length) return undefined
      const key = queue[head]!
      queue[head] = undefined as unknown as string
      head++
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head)
        head = 0
      }
      dirty.delete(key)
      processing.set(key, now)
      const at = queuedAt.get(key)
      queuedAt.delete(key)
      if (at !== undefined) metrics.queueLatency.unsafeUpdate((now - at) / 1000, tags)
      metrics.depth.unsafeUpdate(depth(), tags)
      return key
    }

    // client-go samples unfinished work every 500 ms so a stuck handler shows up while nothing else happens. The
    // sampler runs only while keys are taken: an idle queue schedules no timers.
    let sampling = false
    const sampler: Effect.Effect<void> = Effect.sleep(Duration.millis(500)).pipe(
      Effect.zipRight(Clock.currentTimeMillis),
      Effect.flatMap((now) =>
        Effect.suspend(() => {
          updateUnfinished(now)
          if (processing.size > 0 && !shuttingDown) return sampler
          sampling = false
          return Effect.void
        })
      )
    )

    /**
     * Takes the next key, waiting for one. With `holder`, the key is recorded in it in the same step that marks it
     * taken, so an interruption can never leave a key taken that nobody knows of.
     */
    const takeInto = (holder?: { key: string | undefined }): Effect.Effect<Option.Option<string>> =>
      Effect.suspend(() => {
        const loop: Effect.Effect<Option.Option<string>> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const key = tryTake(now)
          if (key !== undefined) {
            if (holder !== undefined) holder.key = key
            if (sampling) return Effect.succeed(Option.some(key))
            sampling = true
            return Effect.as(Effect.forkIn(sampler, scope), Option.some(key))
          }
          if (shuttingDown) return Effect.succeed(Option.none())
          const waiter: Waiter = { deferred: Deferred.unsafeMake<void>(FiberId.none), signalled: false }
          waiters.push(waiter)
          return Deferred.await(waiter.deferred).pipe(
            Effect.onInterrupt(() =>
              Effect.sync(() => {
                // A signal meant for this waiter must not be lost with it.
                if (waiter.signalled) signalOne()
                else waiters = waiters.filter((w) => w !== waiter)
              })
            ),
            Effect.zipRight(Effect.suspend(() => loop))
          )
        })
        return loop
      })

    const take = takeInto()

    const finish = (key: string, now: number) => {
      const started = processing.get(key)
      if (started === undefined) return
      processing.delete(key)
      metrics.workDuration.unsafeUpdate((now - started) / 1000, tags)
      updateUnfinished(now)
      if (shuttingDown) {
        dirty.delete(key)
        if (processing.size === 0) Deferred.unsafeDone(drained, Exit.void)
        return
      }
      if (dirty.has(key)) push(key, now)
    }

    const done = (key: string) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => finish(key, now)))

    /** Hands back the key a worker holds, if any, clearing it in the same step: never twice, never another's. */
    const doneHeld = (holder: { key: string | undefined }) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          const key = holder.key
          holder.key = undefined
          if (key !== undefined) finish(key, now)
        }))

    const add = (key: string) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => addNow(key, now)))

    const addAfterMillis = (key: string, millis: number): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (shuttingDown) return Effect.void
        if (millis <= 0) return Effect.sync(() => addNow(key, now))
        const at = now + millis
        const existing = delayed.get(key)
        if (existing !== undefined && existing.at <= at) return Effect.void
        if (existing?.fiber !== undefined) existing.fiber.unsafeInterruptAsFork(FiberId.none)
        const entry: Delayed = { at, fiber: undefined }
        delayed.set(key, entry)
        const fire = Effect.sleep(Duration.millis(millis)).pipe(
          Effect.zipRight(Clock.currentTimeMillis),
          Effect.flatMap((t) =>
            Effect.sync(() => {
              if (delayed.get(key) !== entry) return
              delayed.delete(key)
              addNow(key, t)
            })
          )
        )
        return Effect.map(Effect.forkIn(fire, scope), (fiber) => {
          entry.fiber = fiber
        })
      })

    const addRateLimited = (key: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (shuttingDown) return Effect.void
        metrics.retries.unsafeUpdate(1, tags)
        return addAfterMillis(key, rateLimiter.when(key, now))
      })

    const stop = () => {
      if (!shuttingDown) {
        shuttingDown = true
        queue = []
        head = 0
        queuedAt.clear()
        for (const key of dirty) if (!processing.has(key)) dirty.delete(key)
        for (const entry of delayed.values()) entry.fiber?.unsafeInterruptAsFork(FiberId.none)
        delayed.clear()
        metrics.depth.unsafeUpdate(0, tags)
        signalAll()
        if (processing.size === 0) Deferred.unsafeDone(drained, Exit.void)
      }
    }

    const shutdown: Effect.Effect<void> = Effect.suspend(() => {
      stop()
      return Deferred.await(drained)
    })

    const process = <R>(
      handler: (key: string) => Effect.Effect<void, never, R>,
      options: ProcessOptions = {}
    ): Effect.Effect<void, never, R> => {
      const count = Math.max(1, Math.floor(options.concurrency ?? 1))
      const grace = Duration.decode(options.gracePeriod ?? Duration.seconds(30))
      // Handlers run inline in a few worker fibers, not in a fiber each: a fork, await and interrupt mask per key cost
      // more than the queue's own bookkeeping. Workers are daemons, not children of the caller, because an
      // interrupted fiber signals its children at once, which would cut the grace period short.
      return Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          let stopping = false
          const holders = Array.from({ length: count }, () => ({ key: undefined as string | undefined }))
          const worker = (holder: { key: string | undefined }): Effect.Effect<void, never, R> =>
            Effect.suspend(() => {
              if (stopping) return Effect.void
              return Effect.flatMap(takeInto(holder), (next) => {
                if (Option.isNone(next)) return Effect.void
                const key = next.value
                return Effect.exit(handler(key)).pipe(
                  Effect.flatMap((exit) =>
                    Exit.isFailure(exit) && !Exit.isInterrupted(exit)
                      ? Effect.logError(`work queue ${name}: handler for ${key} died`, exit.cause)
                      : Effect.void
                  ),
                  Effect.zipRight(doneHeld(holder)),
                  Effect.zipRight(Effect.suspend(() => worker(holder)))
                )
              })
            })
          const fibers = yield* Effect.forEach(holders, (holder) =>
            Effect.forkDaemon(Effect.interruptible(worker(holder))))
          // Keys whose handler was interrupted are handed back once their worker has stopped.
          const handBack = Effect.forEach(holders, doneHeld, { discard: true })
          yield* restore(Fiber.awaitAll(fibers)).pipe(
            Effect.onInterrupt(() =>
              Effect.gen(function*() {
                stopping = true
                // Workers without a key stop now; the others get the grace period, then a detached timer interrupts
                // them. A fiber forked here inherits this finalizer's uninterruptibility: without `interruptible`
                // the timer could not be stopped, and the interrupt would wait out the whole grace period.
                for (let i = 0; i < count; i++) {
                  if (holders[i]!.key === undefined) {
                    fibers[i]!.unsafeInterruptAsFork(FiberId.none)
                  }
                }
                const killer = yield* Effect.forkDaemon(
                  Effect.interruptible(
                    Effect.zipRight(Effect.sleep(grace), Effect.forEach(fibers, Fiber.interruptFork, { discard: true }))
                  )
                )
                yield* Fiber.awaitAll(fibers)
                yield* Fiber.interrupt(killer)
              })
            ),
            Effect.ensuring(handBack)
          )
        })
      )
    }

    // Closing the scope stops the queue without waiting: whoever holds taken keys is being torn down with it.
    yield* Scope.addFinalizer(scope, Effect.sync(stop))

    const queueService: WorkQueue = {
      name,
      add,
      addAfter: (key, delay) =>
        addAfterMillis(key, toMillis(delay)),
      addRateLimited,
      forget: (key) => Effect.sync(() => rateLimiter.forget(key)),
      numRequeues: (key) => Effect.sync(() => rateLimiter.numRequeues(key)),
      take,
      done,
      length: Effect.sync(depth),
      inFlight: Effect.sync(() => processing.size),
      isShutdown: Effect.sync(() => shuttingDown),
      shutdown,
      process
    }
    return queueService
  })
