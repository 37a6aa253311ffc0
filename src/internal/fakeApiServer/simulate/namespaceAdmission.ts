/**
 * The apiserver's side of namespace lifecycle: a delete marks the namespace Terminating (the namespace controller
 * then empties it and finalizes it), and the NamespaceLifecycle admission plugin refuses new content meanwhile.
 */
import type { EngineState, ResourceRequest } from "../engineState.js"
import { NS_KEY } from "../engineState.js"
import { timestamp } from "../objects.js"
import * as S from "../status.js"
import { objectKey } from "../store.js"
import type { Obj } from "../types.js"

export const namespaceFinalizer = "kubernetes"

export const isTerminating = (ns: Obj | undefined): boolean =>
  ns !== undefined && (ns.metadata?.deletionTimestamp !== undefined || ns.status?.phase === "Terminating")

/** The refusal of a create in a Terminating namespace, worded as NamespaceLifecycle words it. */
export const refuseInTerminating = (e: EngineState, r: ResourceRequest, input: Obj) => {
  if (e.options.simulation?.namespaces !== true || !r.served.info.namespaced || r.namespace === undefined) {
    return undefined
  }
  if (!isTerminating(e.store.get(NS_KEY, objectKey(undefined, r.namespace)))) return undefined
  const info = r.served.info
  // Admission runs before a generated name exists, so the message names the prefix (or nothing) then.
  const name = typeof input.metadata?.name === "string" && input.metadata.name !== ""
    ? input.metadata.name
    : typeof input.metadata?.generateName === "string" && input.metadata.generateName !== ""
    ? input.metadata.generateName
    : "Unknown"
  return S.failure(
    403,
    "Forbidden",
    `${
      S.qualified(info.plural, info.group)
    } "${name}" is forbidden: unable to create new content in namespace ${r.namespace} because it is being terminated`,
    {
      name,
      group: info.group,
      kind: info.plural,
      causes: [{
        reason: "NamespaceTerminating",
        message: `namespace ${r.namespace} is being terminated`,
        field: "metadata.namespace"
      }]
    }
  )
}

/** A namespace still has spec.finalizers: the first delete marks it Terminating, later ones are refused. */
export const markTerminating = (
  e: EngineState,
  r: ResourceRequest,
  live: Obj,
  finalizers: ReadonlyArray<string>,
  dryRun: boolean
) => {
  const name = String(live.metadata.name)
  if (live.metadata.deletionTimestamp !== undefined) {
    return S.conflict(
      "namespaces",
      "",
      name,
      "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."
    )
  }
  const marked: Obj = {
    ...live,
    metadata: {
      ...live.metadata,
      deletionTimestamp: timestamp(r.now),
      deletionGracePeriodSeconds: 0,
      ...(finalizers.length > 0 ? { finalizers } : {})
    },
    status: { ...live.status, phase: "Terminating" }
  }
  if (finalizers.length === 0) delete marked.metadata.finalizers
  if (dryRun) return marked
  return e.store.put(NS_KEY, objectKey(undefined, name), (rv) => ({
    ...marked,
    metadata: { ...marked.metadata, resourceVersion: rv }
  }))
}

/** True while a namespace waits for the namespace controller (spec.finalizers not yet empty). */
export const awaitsFinalize = (e: EngineState, obj: Obj): boolean =>
  e.options.simulation?.namespaces === true && Array.isArray(obj.spec?.finalizers) && obj.spec.finalizers.length > 0
