/**
 * The self-healing watch loop: one attempt at a time (a list, a streaming list or a watch from a resourceVersion),
 * each attempt's outcome deciding the next one and whether the backoff schedule is consulted first.
 *
 * The loop is an Effect that hands each batch of events to a sink, in the fiber that reads the connection: an
 * informer's sink updates its cache right there, and `watch` puts the batches in a small buffer for its stream's
 * consumer. Written as a chain of stream stages (concat, catchAll, forever, mapChunks, a buffer for the idle
 * check), it cost each network chunk several times the allocations of its own work, and on a watch of cached objects
 * every allocated byte makes the young-generation collector copy the cache more often (bench/infLayers.ts).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type * as KubeRequest from "../../KubeRequest.js"
import type { Bookmark, WatchEvent } from "../../Watch.js"
import type { Event, Options, Source, WatcherError } from "../../WatcherModel.js"
import { Handoff } from "../handoff.js"
import { IdleTimeout } from "./errors.js"

/** Tags of errors no retry can fix: the request is refused, malformed or addresses nothing. */
const terminalTags = new Set(["Forbidden", "NotFound", "BadRequest", "Invalid", "MethodNotAllowed"])

/** Errors a server without the WatchList feature answers a `sendInitialEvents` watch with. */
const watchListRejected = new Set(["BadRequest", "Invalid", "MethodNotAllowed", "NotAcceptable"])

const codeTags: Record<number, string> = {
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  410: "Gone",
  422: "Invalid"
}

/** The error's tag; a StatusError (a code outside the operation's declared errors) by the reason of its code. */
const tagOf = (e: unknown): string | undefined => {
  if (typeof e !== "object" || e === null || !("_tag" in e)) return undefined
  const tag = String((e as { _tag: unknown })._tag)
  if (tag !== "StatusError") return tag
  return codeTags[(e as { code?: number }).code ?? 0] ?? tag
}

const isGone = (tag: string | undefined) => tag === "Gone" || tag === "Expired"

/** client-go's reflector: 800 ms doubling to 30 s, each delay jittered. */
export const defaultBackoff: Schedule.Schedule<unknown, unknown> = Schedule.exponential(Duration.millis(800), 2).pipe(
  Schedule.union(Schedule.spaced(Duration.seconds(30))),
  Schedule.jittered
)

interface Meta {
  readonly metadata?: { readonly resourceVersion?: string | undefined } | undefined
}

const rvOf = (o: unknown): string | undefined => (o as Meta | undefined)?.metadata?.resourceVersion

const initialEventsEnd = (b: Bookmark) => b.metadata.annotations?.["k8s.io/initial-events-end"] === "true"

/**
 * What the loop does with each batch of events. While it waits (a consumer holding the watcher back), the source is
 * not asked for more, and that is not the source's silence. The loop calls it only when it is about to run what it
 * returns, so a sink may do its synchronous work in the call and return only what there is to wait for: an Effect
 * whose closure holds the batch keeps every object of it alive as long as the runtime keeps that Effect, which
 * measurably made a cache's scavenges promote what it had already dropped (bench/RESULTS.md).
 */
export type Sink<A> = (events: Array<Event<A>>) => Effect.Effect<void>

/**
 * Events buffered between `watch`'s loop and its consumer. Small, so that a slow consumer still holds back the
 * connection (TCP backpressure) as it would reading the source directly; large enough for a chunk of a socket read.
 */
const capacity = 256

/** Runs the watcher until an error no retry can fix, handing every batch of events to `sink`. */
export const run = <A, E>(
  source: Source<A, E>,
  options: Options,
  sink: Sink<A>
): Effect.Effect<never, WatcherError> =>
  Effect.gen(function*() {
    const driver = yield* Schedule.driver(options.backoff ?? defaultBackoff)
    const clock = yield* Effect.clock
    const selectors: KubeRequest.ListOptions = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector
    }
    const pageSize = options.pageSize ?? 500
    const timeoutSeconds = options.timeoutSeconds ?? 290
    const idle = Duration.decode(options.idleTimeout ?? Duration.seconds(timeoutSeconds + 30))
    const limit = Math.max(0, Duration.toMillis(idle))
    // The state carried between attempts.
    let resourceVersion: string | undefined = undefined
    let streaming = options.streamingList ?? true
    let first = true
    let delivered = false
    let failed = false
    // When the source was last asked for more; undefined while the sink waits, which is not the source's silence.
    let since: number | undefined = undefined

    const asked = () => {
      since = clock.unsafeCurrentTimeMillis()
    }
    const deliver = (events: Array<Event<A>>): Effect.Effect<void> => {
      if (events.length === 0) {
        asked()
        return Effect.void
      }
      since = undefined
      return Effect.map(sink(events), asked)
    }

    // One timer for the attempt, waking when the limit could first have passed: once per idle period, not per chunk.
    const watchdog: Effect.Effect<never, IdleTimeout> = Effect.suspend(() => {
      const waited = since === undefined ? 0 : clock.unsafeCurrentTimeMillis() - since
      if (since !== undefined && waited >= limit) return Effect.fail(new IdleTimeout({ after: idle }))
      return Effect.zipRight(Effect.sleep(limit - waited), watchdog)
    })
    const guard = <X>(body: Effect.Effect<X, unknown>): Effect.Effect<X, unknown> =>
      Effect.suspend(() => {
        asked()
        return Effect.raceFirst(body, watchdog)
      })

    const list: Effect.Effect<void, unknown> = Effect.suspend(() => {
      let cont: string | undefined = undefined
      let started = false
      const page: Effect.Effect<void, unknown> = Effect.suspend(() =>
        Effect.flatMap(source.list({ ...selectors, limit: pageSize, continue: cont }), (result) => {
          const next = result.metadata?.continue
          cont = typeof next === "string" && next !== "" ? next : undefined
          const out: Array<Event<A>> = []
          if (!started) {
            started = true
            out.push({ _tag: "Init" })
          }
          for (const object of result.items) out.push({ _tag: "InitApply", object })
          if (cont !== undefined) return Effect.zipRight(deliver(out), page)
          const rv = String(result.metadata?.resourceVersion ?? "")
          resourceVersion = rv
          delivered = true
          out.push({ _tag: "InitDone", resourceVersion: rv })
          return deliver(out)
        })
      )
      return page
    })

    // Translates one chunk of watch events, advancing the resourceVersion; `initial` marks a streaming list still
    // delivering its initial state.
    const translate = (
      events: Iterable<WatchEvent<A>>,
      state: { initial: boolean; started: boolean }
    ): Array<Event<A>> => {
      const out: Array<Event<A>> = []
      for (const ev of events) {
        delivered = true
        if (state.initial && !state.started) {
          state.started = true
          out.push({ _tag: "Init" })
        }
        if (ev.type === "BOOKMARK") {
          if (state.initial && initialEventsEnd(ev.object)) {
            state.initial = false
            resourceVersion = ev.object.metadata.resourceVersion
            out.push({ _tag: "InitDone", resourceVersion: ev.object.metadata.resourceVersion })
          } else if (!state.initial) {
            resourceVersion = ev.object.metadata.resourceVersion
          }
          continue
        }
        if (state.initial) {
          if (ev.type !== "DELETED") out.push({ _tag: "InitApply", object: ev.object })
          continue
        }
        resourceVersion = rvOf(ev.object) ?? resourceVersion
        out.push(ev.type === "DELETED" ? { _tag: "Delete", object: ev.object } : { _tag: "Apply", object: ev.object })
      }
      return out
    }

    const consume = (
      request: KubeRequest.ListOptions,
      state: { initial: boolean; started: boolean }
    ): Effect.Effect<void, unknown> =>
      Stream.runForEachChunk(source.watch(request), (chunk) => deliver(translate(chunk, state)))

    const watchFrom = (rv: string): Effect.Effect<void, unknown> =>
      consume({ ...selectors, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds }, {
        initial: false,
        started: true
      })

    const streamingList: Effect.Effect<void, unknown> = Effect.suspend(() => {
      const state = { initial: true, started: false }
      return consume({
        ...selectors,
        resourceVersion: "",
        resourceVersionMatch: "NotOlderThan",
        sendInitialEvents: true,
        allowWatchBookmarks: true,
        timeoutSeconds
      }, state).pipe(
        // A stream that ended inside its initial state leaves nothing to resume from: list again.
        Effect.ensuring(Effect.sync(() => {
          if (state.initial) resourceVersion = undefined
        }))
      )
    })

    const attempt: Effect.Effect<void, WatcherError> = Effect.suspend(() => {
      // The previous attempt decides the pause: none after one that delivered and ended cleanly, the schedule's
      // first step after a healthy one that failed, the schedule's next step after one that delivered nothing.
      const wait = first
        ? Effect.void
        : delivered
        ? failed ? Effect.zipRight(driver.reset, Effect.orDie(driver.next(undefined))) : driver.reset
        : Effect.orDie(driver.next(undefined))
      first = false
      delivered = false
      failed = false
      const body: Effect.Effect<void, unknown> = resourceVersion !== undefined
        ? watchFrom(resourceVersion)
        : streaming
        ? streamingList
        : list
      return Effect.zipRight(wait, guard(body)).pipe(
        Effect.catchAll((error): Effect.Effect<void, WatcherError> => {
          const tag = tagOf(error)
          if (isGone(tag)) {
            resourceVersion = undefined
            return Effect.void
          }
          if (streaming && resourceVersion === undefined && tag !== undefined && watchListRejected.has(tag)) {
            // client-go's WatchList fallback: this server does not stream lists; page through them from now on.
            streaming = false
            first = true
            return Effect.void
          }
          // A list whose body cannot be decoded will not decode on the next try either.
          if (tag === "DecodeError" && resourceVersion === undefined && !streaming) return Effect.fail(error as any)
          if (tag !== undefined && terminalTags.has(tag)) return Effect.fail(error as any)
          failed = true
          return Effect.void
        })
      )
    })
    return yield* Effect.forever(attempt)
  })

export const watch = <A, E>(source: Source<A, E>, options: Options = {}): Stream.Stream<Event<A>, WatcherError> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const buffer = new Handoff<Event<A>, WatcherError>({ capacity })
    yield* run(source, options, (events) => buffer.offerAllNow(events)).pipe(
      Effect.exit,
      Effect.map((exit) => buffer.unsafeDone(Exit.asVoid(exit))),
      Effect.forkScoped
    )
    return buffer.stream
  }))

export const touchedObjects = <A, E, R>(events: Stream.Stream<Event<A>, E, R>): Stream.Stream<A, E, R> =>
  Stream.filterMap(
    events,
    (e) => e._tag === "Apply" || e._tag === "InitApply" || e._tag === "Delete" ? Option.some(e.object) : Option.none()
  )
