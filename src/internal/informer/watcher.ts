/**
 * The self-healing watch loop: one attempt at a time (a list, a streaming list or a watch from a resourceVersion),
 * each attempt's outcome deciding the next one and whether the backoff schedule is consulted first.
 */
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type * as KubeRequest from "../../KubeRequest.js"
import type { Bookmark, WatchEvent } from "../../Watch.js"
import type { Event, Options, Source, WatcherError } from "../../WatcherModel.js"
import type { IdleTimeout } from "./errors.js"
import { failWhenIdle } from "./idle.js"

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

export const watch = <A, E>(source: Source<A, E>, options: Options = {}): Stream.Stream<Event<A>, WatcherError> =>
  Stream.unwrap(Effect.gen(function*() {
    const driver = yield* Schedule.driver(options.backoff ?? defaultBackoff)
    const selectors: KubeRequest.ListOptions = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector
    }
    const pageSize = options.pageSize ?? 500
    const timeoutSeconds = options.timeoutSeconds ?? 290
    const idle = Duration.decode(options.idleTimeout ?? Duration.seconds(timeoutSeconds + 30))
    // The state carried between attempts.
    let resourceVersion: string | undefined = undefined
    let streaming = options.streamingList ?? true
    let first = true
    let delivered = false
    let failed = false

    const guard = <X>(stream: Stream.Stream<X, unknown>): Stream.Stream<X, IdleTimeout | unknown> =>
      failWhenIdle(stream, idle)

    const list: Stream.Stream<Event<A>, unknown> = Stream.suspend(() => {
      let cont: string | undefined = undefined
      let done = false
      let started = false
      const pages = Stream.repeatEffectOption(Effect.suspend(() => {
        if (done) return Effect.fail(Option.none())
        return source.list({ ...selectors, limit: pageSize, continue: cont }).pipe(
          Effect.mapError(Option.some),
          Effect.map((page): ReadonlyArray<Event<A>> => {
            const next = page.metadata?.continue
            cont = typeof next === "string" && next !== "" ? next : undefined
            const out: Array<Event<A>> = []
            if (!started) {
              started = true
              out.push({ _tag: "Init" })
            }
            for (const object of page.items) out.push({ _tag: "InitApply", object })
            if (cont === undefined) {
              done = true
              const rv = String(page.metadata?.resourceVersion ?? "")
              resourceVersion = rv
              delivered = true
              out.push({ _tag: "InitDone", resourceVersion: rv })
            }
            return out
          })
        )
      }))
      return Stream.flattenIterables(guard(pages))
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

    const watchFrom = (rv: string): Stream.Stream<Event<A>, unknown> =>
      Stream.suspend(() => {
        const state = { initial: false, started: true }
        return guard(source.watch({ ...selectors, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds }))
          .pipe(
            Stream.mapChunks((chunk) => Chunk.unsafeFromArray(translate(chunk, state)))
          )
      }) as Stream.Stream<Event<A>, unknown>

    const streamingList: Stream.Stream<Event<A>, unknown> = Stream.suspend(() => {
      const state = { initial: true, started: false }
      return guard(source.watch({
        ...selectors,
        resourceVersion: "",
        resourceVersionMatch: "NotOlderThan",
        sendInitialEvents: true,
        allowWatchBookmarks: true,
        timeoutSeconds
      })).pipe(
        Stream.mapChunks((chunk) => Chunk.unsafeFromArray(translate(chunk, state))),
        // A stream that ended inside its initial state leaves nothing to resume from: list again.
        Stream.ensuring(Effect.sync(() => {
          if (state.initial) resourceVersion = undefined
        }))
      ) as Stream.Stream<Event<A>, unknown>
    })

    const attempt: Stream.Stream<Event<A>, WatcherError> = Stream.suspend(() => {
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
      const body: Stream.Stream<Event<A>, unknown> = resourceVersion !== undefined
        ? watchFrom(resourceVersion)
        : streaming
        ? streamingList
        : list
      return Stream.concat(Stream.execute(wait), body).pipe(
        Stream.catchAll((error): Stream.Stream<Event<A>, WatcherError> => {
          const tag = tagOf(error)
          if (isGone(tag)) {
            resourceVersion = undefined
            return Stream.empty
          }
          if (streaming && resourceVersion === undefined && tag !== undefined && watchListRejected.has(tag)) {
            // client-go's WatchList fallback: this server does not stream lists; page through them from now on.
            streaming = false
            first = true
            return Stream.empty
          }
          // A list whose body cannot be decoded will not decode on the next try either.
          if (tag === "DecodeError" && resourceVersion === undefined && !streaming) return Stream.fail(error as any)
          if (tag !== undefined && terminalTags.has(tag)) return Stream.fail(error as any)
          failed = true
          return Stream.empty
        })
      )
    })
    return Stream.forever(attempt)
  }))

export const touchedObjects = <A, E, R>(events: Stream.Stream<Event<A>, E, R>): Stream.Stream<A, E, R> =>
  Stream.filterMap(
    events,
    (e) => e._tag === "Apply" || e._tag === "InitApply" || e._tag === "Delete" ? Option.some(e.object) : Option.none()
  )
