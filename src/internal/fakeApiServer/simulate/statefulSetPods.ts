/**
 * The pure side of the simulated statefulset controller: a pod's ordinal, the pod and claims an ordinal gets
 * (`newVersionedStatefulSetPod`: stable name, hostname and subdomain, the pod-name / pod-index / revision labels,
 * volumes bound to its claims), which ordinals stay on the current revision, and the status counts
 * (`computeReplicaStatus`, `completeRollingUpdate`).
 */
import type { Obj } from "../types.js"
import { isObj } from "../types.js"
import { revisionLabel, templateOf } from "./controllerRevisions.js"
import { isAvailable, isReady, phaseOf, podFromTemplate } from "./podSets.js"

export const podNameLabel = "statefulset.kubernetes.io/pod-name"
export const podIndexLabel = "apps.kubernetes.io/pod-index"

export const startOrdinal = (set: Obj): number => {
  const start = set.spec?.ordinals?.start
  return typeof start === "number" && start >= 0 ? start : 0
}

/** `getOrdinal`: the number after the set's name, or -1 for a pod that is not one of the set's. */
export const ordinalOf = (set: Obj, pod: Obj): number => {
  const name = String(pod.metadata?.name ?? "")
  const prefix = `${set.metadata.name}-`
  if (!name.startsWith(prefix)) return -1
  const rest = name.slice(prefix.length)
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1
}

export const revisionOfPod = (pod: Obj | undefined): string | undefined => pod?.metadata?.labels?.[revisionLabel]

export const isTerminating = (pod: Obj): boolean => pod.metadata?.deletionTimestamp !== undefined

export const isRunningAndReady = (pod: Obj): boolean => phaseOf(pod) === "Running" && isReady(pod)

export const isHealthy = (pod: Obj | undefined): boolean =>
  pod !== undefined && isRunningAndReady(pod) && !isTerminating(pod)

export const isFinished = (pod: Obj): boolean => phaseOf(pod) === "Succeeded" || phaseOf(pod) === "Failed"

const claimTemplates = (set: Obj): Array<Obj> =>
  ((set.spec?.volumeClaimTemplates ?? []) as Array<unknown>).filter(isObj)

export const claimName = (set: Obj, template: Obj, ordinal: number) =>
  `${template.metadata?.name}-${set.metadata.name}-${ordinal}`

/** `getPersistentVolumeClaims`: the claims of an ordinal, labelled with the set's selector. */
export const claimsFor = (set: Obj, ordinal: number): Array<Obj> =>
  claimTemplates(set).map((t) => {
    const meta: Obj = t.metadata ?? {}
    const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete"
    return {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: claimName(set, t, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(meta.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
        ...(meta.annotations !== undefined ? { annotations: { ...meta.annotations } } : {}),
        ...(deleteWithSet
          ? {
            ownerReferences: [{
              apiVersion: set.apiVersion,
              kind: set.kind,
              name: set.metadata.name,
              uid: set.metadata.uid,
              controller: true,
              blockOwnerDeletion: true
            }]
          }
          : {})
      },
      spec: structuredClone(t.spec ?? {})
    }
  })

/** Whether a new pod of this ordinal is made from the current revision rather than the update revision. */
const usesCurrent = (set: Obj, ordinal: number): boolean => {
  const strategy: Obj = set.spec?.updateStrategy ?? {}
  const start = startOrdinal(set)
  if ((strategy.type ?? "RollingUpdate") === "RollingUpdate" && strategy.rollingUpdate === undefined) {
    return ordinal < start + Number(set.status?.currentReplicas ?? 0)
  }
  return isObj(strategy.rollingUpdate) && ordinal < start + Number(strategy.rollingUpdate.partition ?? 0)
}

/** `newVersionedStatefulSetPod`: the pod for an ordinal, from the revision it belongs to. */
export const podFor = (set: Obj, current: Obj, update: Obj, ordinal: number): Obj => {
  const revision = usesCurrent(set, ordinal) ? current : update
  const name = `${set.metadata.name}-${ordinal}`
  const pod = podFromTemplate(templateOf(revision), set, { name })
  pod.metadata.labels = {
    ...(pod.metadata.labels ?? {}),
    [podNameLabel]: name,
    [podIndexLabel]: String(ordinal),
    [revisionLabel]: String(revision.metadata.name)
  }
  pod.spec.hostname = name
  if (typeof set.spec?.serviceName === "string" && set.spec.serviceName !== "") {
    pod.spec.subdomain = set.spec.serviceName
  }
  // `updateStorage`: a template volume of a claim's name is replaced by the claim.
  const claims = claimTemplates(set)
  if (claims.length > 0) {
    const names = new Set(claims.map((t) => String(t.metadata?.name)))
    const volumes = ((pod.spec.volumes ?? []) as Array<Obj>).filter((v) => !names.has(String(v.name)))
    pod.spec.volumes = [
      ...claims.map((t) => ({
        name: t.metadata?.name,
        persistentVolumeClaim: { claimName: claimName(set, t, ordinal) }
      })),
      ...volumes
    ]
  }
  return pod
}

/** `computeReplicaStatus` over the set's pods, then `completeRollingUpdate`. */
export const statefulSetStatus = (
  set: Obj,
  pods: ReadonlyArray<Obj>,
  current: Obj,
  update: Obj,
  collisionCount: number,
  now: number
): Obj => {
  const minReady = Number(set.spec?.minReadySeconds ?? 0)
  let replicas = 0
  let ready = 0
  let available = 0
  let currentReplicas = 0
  let updated = 0
  for (const pod of pods) {
    replicas++
    if (isRunningAndReady(pod)) {
      ready++
      if (isAvailable(pod, minReady, now)) available++
    }
    if (!isTerminating(pod)) {
      if (revisionOfPod(pod) === current.metadata.name) currentReplicas++
      if (revisionOfPod(pod) === update.metadata.name) updated++
    }
  }
  let currentRevision = String(current.metadata.name)
  const rolling = (set.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate"
  if (rolling && updated === replicas && ready === replicas) {
    currentReplicas = updated
    currentRevision = String(update.metadata.name)
  }
  // The Go struct's omitempty fields are left out at zero, as a real apiserver serves them.
  return {
    observedGeneration: set.metadata.generation ?? 1,
    replicas,
    ...(ready > 0 ? { readyReplicas: ready } : {}),
    ...(currentReplicas > 0 ? { currentReplicas } : {}),
    ...(updated > 0 ? { updatedReplicas: updated } : {}),
    currentRevision,
    updateRevision: String(update.metadata.name),
    collisionCount,
    availableReplicas: available,
    ...(set.status?.conditions !== undefined ? { conditions: set.status.conditions } : {})
  }
}
