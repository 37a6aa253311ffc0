/** Reads of the fake apiserver: get, list with selectors, paging and resourceVersion semantics, watch. */
import * as Duration from "effect/Duration"
import type { FieldSelector, Matcher } from "../selectors.js"
import { fieldsFor, isParseError, parseFieldSelector, parseLabelSelector } from "../selectors.js"
import type { EngineState, ResourceRequest } from "./engineState.js"
import { isReply, keyOf, notFound } from "./engineState.js"
import { onView } from "./objects.js"
import { loadedCodec, prefersProtobuf, protobufWatchType } from "./protobuf.js"
import { flag, integer } from "./query.js"
import { renderingOf, renderList, renderOne } from "./rendering.js"
import { parseResourceVersion } from "./resourceVersion.js"
import * as S from "./status.js"
import { objectKey } from "./store.js"
import { toTable } from "./table.js"
import type { ApiReply, Obj } from "./types.js"
import { isObj } from "./types.js"
import { watchStream } from "./watch.js"

const encodeContinue = (rv: number, start: string) =>
  Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64url")

const decodeContinue = (token: string): { rv: number; start: string } | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"))
    if (isObj(parsed) && typeof parsed.rv === "number" && typeof parsed.start === "string") {
      return { rv: parsed.rv, start: parsed.start }
    }
  } catch {
    return undefined
  }
  return undefined
}

const tooOldContinue =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."

export function get(e: EngineState, r: ResourceRequest): ApiReply {
  const rv = parseResourceVersion(r.req.query.get("resourceVersion"))
  if (isReply(rv)) return rv
  const obj = e.store.get(r.served.storageKey, keyOf(r, r.name!))
  return obj === undefined ? notFound(r, r.name!) : renderOne(r, 200, obj)
}

export function selectors(r: ResourceRequest): { label: Matcher; field: FieldSelector } | ApiReply {
  const label = parseLabelSelector(r.req.query.get("labelSelector"))
  if (isParseError(label)) return S.badRequest(label.message)
  const fields = fieldsFor(r.served.info.group, r.served.info.plural, r.served.selectableFields)
  const field = parseFieldSelector(r.req.query.get("fieldSelector"), fields)
  if (isParseError(field)) return S.badRequest(field.message)
  return { label, field }
}

export function list(e: EngineState, r: ResourceRequest): ApiReply {
  const sel = selectors(r)
  if (isReply(sel)) return sel
  const q = r.req.query
  const limitParam = integer(q, "limit")
  if (limitParam._tag === "Invalid") return S.badRequest(limitParam.message)
  const limit = limitParam._tag === "Value" && limitParam.value > 0 ? limitParam.value : 0
  const continueParam = q.get("continue")
  let atRv: number | undefined
  let startAfter: string | undefined
  if (continueParam !== null && continueParam !== "") {
    const token = decodeContinue(continueParam)
    if (token === undefined) {
      return S.badRequest(
        "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
      )
    }
    if (token.rv < e.store.compactedRv) return S.expired(tooOldContinue)
    atRv = token.rv
    startAfter = token.start
  } else {
    const rvParam = q.get("resourceVersion")
    const match = q.get("resourceVersionMatch")
    const parsedRv = parseResourceVersion(rvParam)
    if (isReply(parsedRv)) return parsedRv
    if (parsedRv._tag === "At") {
      const rv = parsedRv.rv
      if (rv > e.store.currentRv) {
        return S.failure(504, "Timeout", `Too large resource version: ${rv}, current: ${e.store.currentRv}`, {
          causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
          retryAfterSeconds: 1
        })
      }
      if (match === "Exact") {
        if (rv < e.store.compactedRv) {
          return S.expired(`The resourceVersion for the provided list is too old.`)
        }
        atRv = rv
      }
    } else if (match === "Exact") {
      return S.badRequest(
        "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""
      )
    }
  }
  const listRv = atRv ?? e.store.currentRv
  const namespace = r.served.info.namespaced ? r.namespace ?? sel.field.namespace : undefined
  const matches = onView(r.served, (o: Obj) => sel.label(o) && sel.field.matches(o))
  const items: Array<Obj> = []
  let cont: string | undefined
  let remaining = 0
  // A pinned name is a point lookup: no scan over thousands of objects for `--field-selector metadata.name=x`.
  if (
    sel.field.name !== undefined && startAfter === undefined && atRv === undefined &&
    (namespace !== undefined || !r.served.info.namespaced)
  ) {
    const obj = e.store.get(r.served.storageKey, objectKey(namespace, sel.field.name))
    if (obj !== undefined && matches(obj)) items.push(obj)
  } else {
    const scan = e.store.scan(r.served.storageKey, { namespace, startAfter, atRv })
    if (scan === undefined) {
      return S.expired(
        atRv !== undefined && continueParam ? tooOldContinue : "The resourceVersion for the provided list is too old."
      )
    }
    let lastKey = ""
    let full = false
    for (const [key, obj] of scan) {
      if (!matches(obj)) continue
      if (full) {
        remaining++
        continue
      }
      items.push(obj)
      lastKey = key
      if (limit > 0 && items.length === limit) full = true
    }
    if (remaining > 0) cont = encodeContinue(listRv, lastKey)
  }
  const listMeta: Obj = { resourceVersion: String(listRv) }
  if (cont !== undefined) {
    listMeta.continue = cont
    listMeta.remainingItemCount = remaining
  }
  return renderList(r, items, listMeta)
}

/** An apiserver without the WatchList feature validates a watch's ListOptions and forbids both of its fields. */
const watchListRefused = (q: URLSearchParams): ApiReply | undefined => {
  const causes: Array<{ reason: string; message: string; field: string }> = []
  const forbid = (field: string) =>
    causes.push({
      reason: "FieldValueForbidden",
      field,
      message: `Forbidden: ${field} is forbidden for watch unless the WatchList feature gate is enabled`
    })
  if ((q.get("resourceVersionMatch") ?? "") !== "") forbid("resourceVersionMatch")
  if (q.has("sendInitialEvents")) forbid("sendInitialEvents")
  return causes.length === 0 ? undefined : S.invalid("ListOptions", "meta.k8s.io", "", causes)
}

export function watch(e: EngineState, r: ResourceRequest): ApiReply {
  const sel = selectors(r)
  if (isReply(sel)) return sel
  const q = r.req.query
  if (!e.options.watchList) {
    const refused = watchListRefused(q)
    if (refused !== undefined) return refused
  }
  const parsedRv = parseResourceVersion(q.get("resourceVersion"))
  if (isReply(parsedRv)) return parsedRv
  const resourceVersion = parsedRv._tag === "At" ? parsedRv.rv : undefined
  const timeoutParam = integer(q, "timeoutSeconds")
  if (timeoutParam._tag === "Invalid") return S.badRequest(timeoutParam.message)
  const timeout = timeoutParam._tag === "Value" && timeoutParam.value > 0
    ? Duration.seconds(timeoutParam.value)
    : e.options.watchTimeout
  const nameFilter = r.name
  const label = sel.label
  const field = sel.field
  const matches = onView(
    r.served,
    nameFilter === undefined
      ? (o: Obj) => label(o) && field.matches(o)
      : (o: Obj) => o.metadata?.name === nameFilter && label(o) && field.matches(o)
  )
  const rendering = renderingOf(r.req, r.served.custom)
  const protobuf = rendering._tag === "Plain" && prefersProtobuf(r.req, r.served)
  const render = (obj: Obj, first: boolean): unknown => {
    switch (rendering._tag) {
      case "Plain":
        return obj
      case "Metadata":
        return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata }
      case "Table":
        return {
          ...toTable(r.served, [obj], Date.now(), { resourceVersion: obj.metadata?.resourceVersion }, {
            includeObject: rendering.includeObject,
            includeColumns: first
          }),
          apiVersion: rendering.apiVersion
        }
    }
  }
  const stream = watchStream(e.store, {
    served: r.served,
    namespace: r.served.info.namespaced ? r.namespace : undefined,
    matches,
    resourceVersion,
    sendInitialEvents: flag(q, "sendInitialEvents"),
    allowBookmarks: flag(q, "allowWatchBookmarks"),
    bookmarkInterval: e.options.bookmarkInterval,
    timeout,
    cutAfter: r.cutWatchAfter,
    plain: rendering._tag === "Plain",
    render,
    frame: protobuf ? (type, object) => loadedCodec().watchFrame(type, object) : undefined,
    maxBacklogBytes: e.options.maxWatchBacklogBytes
  })
  return { _tag: "Stream", status: 200, contentType: protobuf ? protobufWatchType : "application/json", stream }
}
