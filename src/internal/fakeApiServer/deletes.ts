/** Deletes of the fake apiserver: delete options, preconditions, finalizers, collections, and kind side effects. */
import type { EngineState, ResourceRequest } from "./engineState.js"
import { CRD_KEY, isDryRun, isReply, keyOf, notFound, NS_KEY } from "./engineState.js"
import { onView, timestamp } from "./objects.js"
import { decodeDeleteOptions, isProtobufBody } from "./protobuf.js"
import { integer } from "./query.js"
import { selectors } from "./reads.js"
import type { Served } from "./registry.js"
import { renderList, renderOne } from "./rendering.js"
import { gracefulDelete } from "./simulate/gracefulDeletion.js"
import { awaitsFinalize, markTerminating } from "./simulate/namespaceAdmission.js"
import { policyOf, withPolicy } from "./simulate/propagation.js"
import * as S from "./status.js"
import type { ApiReply, Obj } from "./types.js"
import { isObj, json } from "./types.js"

/** Removes an object now, with the side effects of its kind (namespace contents, CRD instances, logs). */
export function removeObject(e: EngineState, served: Served, key: string): Obj | undefined {
  const removed = e.store.remove(served.storageKey, key)
  if (removed === undefined) return undefined
  if (served.storageKey === NS_KEY) {
    const ns = String(removed.metadata.name)
    for (const storageKey of e.store.storageKeys()) {
      const keys: Array<string> = []
      for (const [k] of e.store.scan(storageKey, { namespace: ns }) ?? []) keys.push(k)
      for (const k of keys) e.store.remove(storageKey, k)
    }
  }
  if (served.storageKey === CRD_KEY) e.refreshCrds()
  if (served.storageKey === "/pods") {
    e.logs.dropPod(String(removed.metadata.namespace), String(removed.metadata.name))
  }
  return removed
}

export function deleteOptions(r: ResourceRequest): Obj | ApiReply {
  const body = r.req.body
  if (body === undefined || body.trim() === "") return {}
  if (isProtobufBody(r.req)) {
    const decoded = decodeDeleteOptions(r.req.bytes ?? new Uint8Array())
    return decoded._tag === "Ok" ? decoded.value : S.badRequest(decoded.message)
  }
  try {
    const parsed: unknown = JSON.parse(body)
    return isObj(parsed) ? parsed : {}
  } catch {
    return S.badRequest("the DeleteOptions in the request body could not be decoded")
  }
}

export function deleteOne(
  e: EngineState,
  r: ResourceRequest,
  live: Obj,
  options: Obj
): { reply: ApiReply; gone: Obj | undefined } {
  const info = r.served.info
  const name = String(live.metadata.name)
  const pre = isObj(options.preconditions) ? options.preconditions : {}
  if (pre.uid !== undefined && pre.uid !== live.metadata.uid) {
    return {
      reply: S.conflict(
        info.plural,
        info.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`
      ),
      gone: undefined
    }
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== live.metadata.resourceVersion) {
    return {
      reply: S.conflict(
        info.plural,
        info.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`
      ),
      gone: undefined
    }
  }
  const key = keyOf(r, name)
  let finalizers = (live.metadata.finalizers ?? []) as ReadonlyArray<string>
  const dryRun = isDryRun(r) || (isObj(options) && Array.isArray(options.dryRun) && options.dryRun.includes("All"))
  // With a simulated garbage collector the policy becomes a finalizer it acts on; without one it is ignored.
  const collected = e.options.simulation?.garbageCollector === true
  if (collected) {
    const policy = policyOf(options, finalizers, info)
    if (isReply(policy)) return { reply: policy, gone: undefined }
    finalizers = withPolicy(finalizers, policy)
  }
  if (r.served.storageKey === NS_KEY && awaitsFinalize(e, live)) {
    const marked = markTerminating(e, r, live, finalizers, dryRun)
    return { reply: isReply(marked) ? marked : renderOne(r, 200, marked), gone: undefined }
  }
  const param = integer(r.req.query, "gracePeriodSeconds")
  const requested = param._tag === "Value"
    ? param.value
    : typeof options.gracePeriodSeconds === "number"
    ? options.gracePeriodSeconds
    : undefined
  if (r.served.storageKey === "/pods") {
    const graceful = gracefulDelete(e, live, requested, r.now, finalizers)
    if (graceful._tag === "Pending") return { reply: renderOne(r, 200, live), gone: undefined }
    if (graceful._tag === "Marked") {
      if (dryRun) return { reply: renderOne(r, 200, graceful.pod), gone: undefined }
      const stored = e.store.put(r.served.storageKey, key, (rv) => ({
        ...graceful.pod,
        metadata: { ...graceful.pod.metadata, resourceVersion: rv }
      }))
      return { reply: renderOne(r, 200, stored), gone: undefined }
    }
  }
  if (finalizers.length > 0) {
    if (live.metadata.deletionTimestamp !== undefined) {
      const changed = collected && !sameStrings(finalizers, live.metadata.finalizers ?? [])
      if (!changed || dryRun) return { reply: renderOne(r, pendingStatus(r, options), live), gone: undefined }
      const stored = e.store.put(r.served.storageKey, key, (rv) => ({
        ...live,
        metadata: { ...live.metadata, finalizers, resourceVersion: rv }
      }))
      return { reply: renderOne(r, pendingStatus(r, options), stored), gone: undefined }
    }
    const grace = requested ?? 0
    const marked: Obj = {
      ...live,
      metadata: {
        ...live.metadata,
        ...(collected ? { finalizers } : {}),
        deletionTimestamp: timestamp(r.now),
        deletionGracePeriodSeconds: Number.isFinite(grace) ? grace : 0
      }
    }
    if (dryRun) return { reply: renderOne(r, pendingStatus(r, options), marked), gone: undefined }
    const stored = e.store.put(
      r.served.storageKey,
      key,
      (rv) => ({ ...marked, metadata: { ...marked.metadata, resourceVersion: rv } })
    )
    return { reply: renderOne(r, pendingStatus(r, options), stored), gone: undefined }
  }
  if (dryRun) return { reply: deletedReply(r, live), gone: live }
  const removed = removeObject(e, r.served, key) ?? live
  return { reply: deletedReply(r, removed), gone: removed }
}

/**
 * The apiserver answers a delete that leaves the object in place (finalizers, grace) with 200 and the object, except
 * when the caller set `orphanDependents: false`, which it answers with 202 (kept that way for old clients).
 */
const pendingStatus = (r: ResourceRequest, options: Obj): number => {
  const query = r.req.query.get("orphanDependents")
  return options.orphanDependents === false || query === "false" ? 202 : 200
}

const sameStrings = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** Pods and custom resources answer a delete with the object; other built-ins with a Success Status. */
export function deletedReply(r: ResourceRequest, obj: Obj): ApiReply {
  if (r.served.custom || r.served.storageKey === "/pods") return renderOne(r, 200, obj)
  return json(
    200,
    S.success({
      name: obj.metadata.name,
      group: r.served.info.group,
      kind: r.served.info.plural,
      uid: obj.metadata.uid
    })
  )
}

export function deleteNamed(e: EngineState, r: ResourceRequest): ApiReply {
  const options = deleteOptions(r)
  if (isReply(options)) return options
  const live = e.store.get(r.served.storageKey, keyOf(r, r.name!))
  if (live === undefined) return notFound(r, r.name!)
  return deleteOne(e, r, live, options).reply
}

export function deleteCollection(e: EngineState, r: ResourceRequest): ApiReply {
  const options = deleteOptions(r)
  if (isReply(options)) return options
  const sel = selectors(r)
  if (isReply(sel)) return sel
  const targets: Array<Obj> = []
  const matches = onView(r.served, (obj: Obj) => sel.label(obj) && sel.field.matches(obj))
  for (
    const [, obj]
      of e.store.scan(r.served.storageKey, { namespace: r.served.info.namespaced ? r.namespace : undefined }) ?? []
  ) {
    if (matches(obj)) targets.push(obj)
  }
  const deleted: Array<Obj> = []
  for (const obj of targets) {
    const { gone } = deleteOne(e, r, obj, options)
    deleted.push(gone ?? e.store.get(r.served.storageKey, keyOf(r, obj.metadata.name)) ?? obj)
  }
  return renderList(r, deleted, { resourceVersion: String(e.store.currentRv) })
}
