/**
 * What the controllers that own pods (ReplicaSet, Job, StatefulSet, DaemonSet) share: the pod a template makes,
 * controller references, which pods count as active, ready or available, and which pods go first when scaling
 * down (`controller.ActivePods` ranking).
 */
import type { Obj } from "../types.js"
import { isObj } from "../types.js"

/** The ownerReference a controller puts on what it creates. */
export const controllerRef = (owner: Obj): Obj => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  controller: true,
  blockOwnerDeletion: true
})

export const controllerOf = (o: Obj): Obj | undefined =>
  ((o.metadata?.ownerReferences ?? []) as Array<Obj>).find((r) => r.controller === true)

export const isControlledBy = (o: Obj, owner: Obj): boolean => controllerOf(o)?.uid === owner.metadata.uid

/** `controller.GetPodFromTemplate`: labels, annotations, finalizers and spec of the template, owned by `owner`. */
export const podFromTemplate = (
  template: unknown,
  owner: Obj,
  name: { readonly generateName: string } | {
    readonly name: string
  }
): Obj => {
  const t: Obj = isObj(template) ? template : {}
  const meta: Obj = t.metadata ?? {}
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...name,
      namespace: owner.metadata.namespace,
      ...(meta.labels !== undefined ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations !== undefined ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers !== undefined ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(owner)]
    },
    spec: structuredClone(t.spec ?? {})
  }
}

export const phaseOf = (pod: Obj): string => String(pod.status?.phase ?? "Pending")

/** `controller.IsPodActive`: not finished and not being deleted. */
export const isActive = (pod: Obj): boolean =>
  phaseOf(pod) !== "Succeeded" && phaseOf(pod) !== "Failed" && pod.metadata?.deletionTimestamp === undefined

const readyCondition = (pod: Obj): Obj | undefined =>
  ((pod.status?.conditions ?? []) as Array<Obj>).find((c) => c.type === "Ready")

export const isReady = (pod: Obj): boolean => readyCondition(pod)?.status === "True"

/** `podutil.IsPodAvailable`: Ready for at least minReadySeconds. */
export const isAvailable = (pod: Obj, minReadySeconds: number, now: number): boolean => {
  const c = readyCondition(pod)
  if (c?.status !== "True") return false
  if (minReadySeconds <= 0) return true
  const since = Date.parse(String(c.lastTransitionTime ?? ""))
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now
}

/** When a ready pod becomes available (for requeueing), or undefined when it already is or is not ready. */
export const availableAt = (pod: Obj, minReadySeconds: number, now: number): number | undefined => {
  const c = readyCondition(pod)
  if (c?.status !== "True" || minReadySeconds <= 0) return undefined
  const at = Date.parse(String(c.lastTransitionTime ?? "")) + minReadySeconds * 1000
  return Number.isFinite(at) && at > now ? at : undefined
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

const restarts = (pod: Obj): number =>
  ((pod.status?.containerStatuses ?? []) as Array<Obj>).reduce((n, c) => Math.max(n, Number(c.restartCount ?? 0)), 0)

/**
 * Pods in the order they are deleted when scaling down: unscheduled before scheduled, pending before running,
 * not ready before ready, more restarts first, newer before older.
 */
export const deletionOrder = (pods: ReadonlyArray<Obj>): Array<Obj> =>
  [...pods].sort((a, b) => {
    const sa = a.spec?.nodeName ? 1 : 0
    const sb = b.spec?.nodeName ? 1 : 0
    if (sa !== sb) return sa - sb
    const pa = phaseRank[phaseOf(a)] ?? 0
    const pb = phaseRank[phaseOf(b)] ?? 0
    if (pa !== pb) return pa - pb
    const ra = isReady(a) ? 1 : 0
    const rb = isReady(b) ? 1 : 0
    if (ra !== rb) return ra - rb
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a)
    const ta = String(a.metadata.creationTimestamp ?? "")
    const tb = String(b.metadata.creationTimestamp ?? "")
    return ta === tb ? 0 : ta > tb ? -1 : 1
  })

/** A ReplicaSet's status from its active pods (`calculateStatus` of the replicaset controller). */
export const replicaSetStatus = (rs: Obj, pods: ReadonlyArray<Obj>, now: number): Obj => {
  const templateLabels = (rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>
  const minReady = Number(rs.spec?.minReadySeconds ?? 0)
  const fully = pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata?.labels?.[k] === v))
  return {
    ...(rs.status?.conditions !== undefined ? { conditions: rs.status.conditions } : {}),
    replicas: pods.length,
    fullyLabeledReplicas: fully.length,
    readyReplicas: pods.filter(isReady).length,
    availableReplicas: pods.filter((p) => isAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation ?? 1
  }
}
