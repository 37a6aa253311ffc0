/**
 * The recorder's cache of open series and per-object token buckets.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Os from "node:os"
import { Clientset } from "../../Clientset.js"
import type { KubeObject } from "../../Controller.js"
import type { EventOptions, Options, Service } from "../../EventRecorderModel.js"
import type { ObjectReference } from "../../generated/core/v1.js"
import type { Event } from "../../generated/events/v1.js"

const seriesWindow = 6 * 60 * 1000

const microTime = (millis: number) => new Date(millis).toISOString().replace(/Z$/, "000Z")

const reference = (object: KubeObject): ObjectReference => {
  const m = object.metadata ?? {}
  const out: Record<string, string> = {}
  if (object.apiVersion !== undefined) out.apiVersion = object.apiVersion
  if (object.kind !== undefined) out.kind = object.kind
  if (m.name !== undefined) out.name = m.name
  if (m.namespace !== undefined) out.namespace = m.namespace
  if (m.uid !== undefined) out.uid = m.uid
  if (m.resourceVersion !== undefined) out.resourceVersion = m.resourceVersion
  return out
}

interface Series {
  readonly name: string
  readonly namespace: string
  count: number
  last: number
  /** Occurrences counted but not yet written. */
  pending: boolean
}

interface Bucket {
  tokens: number
  at: number
}

export const make = (options: Options): Effect.Effect<Service, never, Clientset> =>
  Effect.gen(function*() {
    const cs = yield* Clientset
    const burst = options.burst ?? 25
    const refill = (options.refillSeconds ?? 300) * 1000
    const instance = options.reportingInstance ?? `${options.reportingController}-${Os.hostname()}`
    const series = new Map<string, Series>()
    const buckets = new Map<string, Bucket>()

    const allow = (objectKey: string, now: number) => {
      let b = buckets.get(objectKey)
      if (b === undefined) {
        b = { tokens: burst, at: now }
        buckets.set(objectKey, b)
      }
      const gained = Math.floor((now - b.at) / refill)
      if (gained > 0) {
        b.tokens = Math.min(burst, b.tokens + gained)
        b.at += gained * refill
      }
      if (b.tokens < 1) return false
      b.tokens--
      return true
    }

    const event = (regarding: KubeObject, e: EventOptions): Effect.Effect<void> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const ref = reference(regarding)
        const related = e.related === undefined ? undefined : reference(e.related)
        const objectKey = JSON.stringify([ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid])
        const key = JSON.stringify([objectKey, related, e.type, e.reason, e.action, e.note ?? ""])
        const namespace = ref.namespace ?? "default"
        const events = cs.eventsV1.events(namespace)
        for (const [k, s] of series) if (now - s.last > seriesWindow) series.delete(k)
        const open = series.get(key)
        if (open !== undefined) {
          open.count++
          open.last = now
          open.pending = true
          if (!allow(objectKey, now)) return
          open.pending = false
          yield* events.patch(open.name, "merge", {
            series: { count: open.count, lastObservedTime: microTime(now) }
          }).pipe(
            Effect.catchTag("NotFound", () => Effect.sync(() => series.delete(key))),
            Effect.catchAll((error) => Effect.logWarning(`event series ${open.name} not updated`, error))
          )
          return
        }
        if (!allow(objectKey, now)) return
        const name = `${ref.name ?? "event"}.${(BigInt(now) * 1_000_000n).toString(16)}`
        const body: Event = {
          apiVersion: "events.k8s.io/v1",
          kind: "Event",
          metadata: { name, namespace },
          eventTime: microTime(now),
          reportingController: options.reportingController,
          reportingInstance: instance,
          type: e.type,
          reason: e.reason,
          action: e.action,
          regarding: ref,
          ...(related !== undefined ? { related } : {}),
          ...(e.note !== undefined ? { note: e.note.slice(0, 1024) } : {})
        }
        yield* events.create(body).pipe(
          Effect.tap(() =>
            Effect.sync(() => series.set(key, { name, namespace, count: 1, last: now, pending: false }))
          ),
          Effect.catchAll((error) => Effect.logWarning(`event ${e.reason} for ${ref.name} not recorded`, error))
        )
      })

    return { event }
  })
