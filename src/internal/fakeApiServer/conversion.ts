/**
 * Resources whose versions in different groups share one storage and differ in shape. The apiserver keeps core/v1
 * and events.k8s.io/v1 Events in one table (the events group's REST storage is the core Event storage with a
 * conversion), so an event written through either API is listed, watched and field-selected through both:
 * `kubectl get events` and `kubectl describe` show what an events.k8s.io recorder wrote, and the reverse.
 *
 * The fake stores an object in the form it was written in and converts it when it is read through the other
 * version (`view`); field selectors and patches see the converted form, as the apiserver's do.
 */
import type { Obj } from "./types.js"

/** Storage shared by a served `group/plural` with another resource's table. */
export const sharedStorage: Readonly<Record<string, string>> = {
  "events.k8s.io/events": "/events"
}

const defined = (out: Obj, key: string, value: unknown) => {
  if (value !== undefined) out[key] = value
}

/** A core/v1 Event as events.k8s.io/v1 shows it (k8s.io/api events/v1 field names). */
const eventsV1FromCore = (e: Obj): Obj => {
  const out: Obj = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: e.metadata }
  // eventTime is not optional in events.k8s.io/v1: an event without one shows null, as the apiserver prints it.
  out.eventTime = e.eventTime ?? null
  defined(out, "series", e.series)
  if (e.reportingComponent !== undefined && e.reportingComponent !== "") {
    out.reportingController = e.reportingComponent
  }
  if (e.reportingInstance !== undefined && e.reportingInstance !== "") out.reportingInstance = e.reportingInstance
  defined(out, "action", e.action)
  defined(out, "reason", e.reason)
  out.regarding = e.involvedObject ?? {}
  defined(out, "related", e.related)
  defined(out, "note", e.message)
  defined(out, "type", e.type)
  const source = e.source as Obj | undefined
  if (source !== undefined && Object.keys(source).length > 0) out.deprecatedSource = source
  if (e.firstTimestamp !== undefined && e.firstTimestamp !== null) out.deprecatedFirstTimestamp = e.firstTimestamp
  if (e.lastTimestamp !== undefined && e.lastTimestamp !== null) out.deprecatedLastTimestamp = e.lastTimestamp
  if (typeof e.count === "number" && e.count !== 0) out.deprecatedCount = e.count
  return out
}

/** An events.k8s.io/v1 Event as core/v1 shows it: the fields core/v1 never omits are present, null or empty. */
const coreFromEventsV1 = (e: Obj): Obj => {
  const out: Obj = { apiVersion: "v1", kind: "Event", metadata: e.metadata }
  out.involvedObject = e.regarding ?? {}
  defined(out, "reason", e.reason)
  defined(out, "message", e.note)
  out.source = e.deprecatedSource ?? {}
  out.firstTimestamp = e.deprecatedFirstTimestamp ?? null
  out.lastTimestamp = e.deprecatedLastTimestamp ?? null
  defined(out, "count", e.deprecatedCount)
  defined(out, "type", e.type)
  out.eventTime = e.eventTime ?? null
  defined(out, "series", e.series)
  defined(out, "action", e.action)
  defined(out, "related", e.related)
  out.reportingComponent = e.reportingController ?? ""
  out.reportingInstance = e.reportingInstance ?? ""
  return out
}

type Convert = (obj: Obj, apiVersion: string) => Obj | undefined

/** By storage key: the object in the form of `apiVersion`, or undefined when only apiVersion and kind differ. */
const conversions: Readonly<Record<string, Convert>> = {
  "/events": (obj, apiVersion) =>
    apiVersion === "events.k8s.io/v1" && obj.apiVersion === "v1"
      ? eventsV1FromCore(obj)
      : apiVersion === "v1" && obj.apiVersion === "events.k8s.io/v1"
      ? coreFromEventsV1(obj)
      : undefined
}

/** Whether objects of this storage may be stored in another version's shape (reads must convert them). */
export const converts = (storageKey: string): boolean => conversions[storageKey] !== undefined

export const convert = (storageKey: string, obj: Obj, apiVersion: string): Obj | undefined =>
  conversions[storageKey]?.(obj, apiVersion)
