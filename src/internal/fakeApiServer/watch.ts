/**
 * Watch streams: replay from the event ring (or synthetic ADDED events for the current state), then live events
 * fanned out by the store, with selectors applied per event the way the apiserver does (leaving the selector is a
 * DELETED, entering it an ADDED), periodic and final BOOKMARKs, a server-side timeout and fault cuts.
 */
import type * as Chunk from "effect/Chunk"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { view } from "./objects.js"
import type { Served } from "./registry.js"
import { statusBody } from "./status.js"
import type { Store, StoredEvent } from "./store.js"
import type { Obj } from "./types.js"

export interface WatchOptions {
  readonly served: Served
  readonly namespace: string | undefined
  readonly matches: (obj: Obj) => boolean
  /** undefined: start with the current state as ADDED events. */
  readonly resourceVersion: number | undefined
  readonly sendInitialEvents: boolean
  readonly allowBookmarks: boolean
  readonly bookmarkInterval: Duration.Duration
  readonly timeout: Duration.Duration
  /** End the stream after this many events (fault injection). */
  readonly cutAfter: number | undefined
  /** True when `render` is the identity, so serialized events can be shared between watchers. */
  readonly plain: boolean
  /** Renders an object for the wire (plain JSON, a Table row, metadata only). */
  readonly render: (obj: Obj, first: boolean) => unknown
  /** Frames one event; JSON lines when absent. */
  readonly frame?: ((type: string, object: unknown) => Uint8Array) | undefined
  /** Bytes of live events that may wait unread; past it the watch ends, as the apiserver drops a slow watcher. */
  readonly maxBacklogBytes: number
}

type Frame = string | Uint8Array

const lineCache = new WeakMap<StoredEvent, Map<string, Frame>>()

const frameSize = (frame: Frame) => typeof frame === "string" ? frame.length : frame.byteLength

const jsonLine = (type: string, object: unknown) => JSON.stringify({ type, object }) + "\n"

export const watchStream = (store: Store, options: WatchOptions): Stream.Stream<Frame> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const { served } = options
    const line: (type: string, object: unknown) => Frame = options.frame ?? jsonLine
    const queue = yield* Queue.unbounded<Frame>()
    const prefix = options.namespace === undefined ? undefined : `${options.namespace}/`
    let first = true
    const render = (type: string, obj: Obj) => {
      const out = line(type, options.render(view(obj, served), first))
      first = false
      return out
    }
    // Watchers that render plainly share one serialization per event and type: fan-out stays O(watchers) cheap.
    const renderEvent = (type: string, ev: StoredEvent) => {
      if (!options.plain) return render(type, ev.object)
      const key = `${type} ${served.info.group}/${served.info.version}${options.frame !== undefined ? " pb" : ""}`
      let cache = lineCache.get(ev)
      if (cache === undefined) lineCache.set(ev, cache = new Map())
      let out = cache.get(key)
      if (out === undefined) cache.set(key, out = render(type, ev.object))
      return out
    }
    const translate = (ev: StoredEvent): Frame | undefined => {
      if (prefix !== undefined && !ev.key.startsWith(prefix)) return undefined
      const now = options.matches(ev.object)
      switch (ev.type) {
        case "ADDED":
          return now ? renderEvent("ADDED", ev) : undefined
        case "DELETED":
          return ev.prev !== undefined && options.matches(ev.prev) ? renderEvent("DELETED", ev) : undefined
        case "MODIFIED": {
          const before = ev.prev !== undefined && options.matches(ev.prev)
          if (before && now) return renderEvent("MODIFIED", ev)
          if (before) return renderEvent("DELETED", ev)
          if (now) return renderEvent("ADDED", ev)
          return undefined
        }
      }
    }
    const bookmark = (annotations?: Record<string, string>) =>
      line("BOOKMARK", {
        kind: served.info.kind,
        apiVersion: served.info.group === "" ? served.info.version : `${served.info.group}/${served.info.version}`,
        metadata: {
          resourceVersion: String(store.currentRv),
          ...(annotations !== undefined ? { annotations } : {})
        }
      })

    // Replay and subscription happen in one synchronous step, so no write can fall between them.
    const setup = yield* Effect.sync(() => {
      const initial: Array<Frame> = []
      const rv = options.resourceVersion
      if (rv === undefined || options.sendInitialEvents) {
        const scan = store.scan(served.storageKey, { namespace: options.namespace })
        for (const [, obj] of scan ?? []) if (options.matches(obj)) initial.push(render("ADDED", obj))
        if (options.sendInitialEvents && options.allowBookmarks) {
          initial.push(bookmark({ "k8s.io/initial-events-end": "true" }))
        }
      } else {
        const events = store.eventsAfter(served.storageKey, rv)
        if (events === undefined) {
          return {
            initial: [
              line(
                "ERROR",
                statusBody(410, "Expired", `too old resource version: ${rv} (${store.compactedRv + 1})`)
              )
            ],
            gone: true,
            unsubscribe: () => {},
            taken: (chunk: Chunk.Chunk<Frame>) => chunk
          }
        }
        for (const ev of events) {
          const out = translate(ev)
          if (out !== undefined) initial.push(out)
        }
      }
      let backlog = 0
      const unsubscribe = store.subscribe(served.storageKey, {
        deliver: (ev) => {
          const out = translate(ev)
          if (out === undefined) return
          backlog += frameSize(out)
          if (backlog > options.maxBacklogBytes) {
            // The stream ends without an error event, as a watch the apiserver closes for unresponsiveness does;
            // the client resumes from the last resourceVersion it saw (or gets 410 if that is compacted away).
            unsubscribe()
            Effect.runFork(Queue.shutdown(queue))
            return
          }
          queue.unsafeOffer(out)
        }
      })
      const taken = (chunk: Chunk.Chunk<Frame>) => {
        for (const frame of chunk) backlog -= frameSize(frame)
        return chunk
      }
      return { initial, gone: false, unsubscribe, taken }
    })
    yield* Effect.addFinalizer(() => Effect.sync(setup.unsubscribe))
    if (setup.gone) return Stream.fromIterable(setup.initial)

    const live = Stream.mapChunks(Stream.fromQueue(queue), setup.taken)
    let events: Stream.Stream<Frame> = Stream.concat(Stream.fromIterable(setup.initial), live)
    if (options.cutAfter !== undefined) return Stream.take(events, options.cutAfter)
    if (options.allowBookmarks) {
      const ticks = Stream.tick(options.bookmarkInterval).pipe(Stream.drop(1), Stream.map(() => bookmark()))
      events = Stream.merge(events, ticks, { haltStrategy: "left" })
    }
    const bounded = events.pipe(Stream.interruptAfter(options.timeout))
    return options.allowBookmarks ? Stream.concat(bounded, Stream.sync(() => bookmark())) : bounded
  }))
