/**
 * A Deployment's status as the deployment controller computes it (`calculateStatus`, `syncRolloutStatus`): counts
 * summed over its ReplicaSets, the Available condition from maxUnavailable, and the Progressing condition with
 * the controller's reasons and messages (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated,
 * NewReplicaSetAvailable, ProgressDeadlineExceeded), transition times kept while the status holds.
 */
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import { maxUnavailable, specReplicas, sumSpec, sumStatus } from "./rolloutMath.js"

export interface Condition {
  readonly type: string
  readonly status: "True" | "False" | "Unknown"
  readonly reason: string
  readonly message: string
  readonly lastUpdateTime?: string
  readonly lastTransitionTime?: string
}

export const conditionOf = (status: Obj | undefined, type: string): Condition | undefined =>
  ((status?.conditions ?? []) as Array<Condition>).find((c) => c.type === type)

/**
 * `SetDeploymentCondition`: a condition with the same status and reason stays as it is; a change of reason
 * only keeps the transition time.
 */
export const setCondition = (
  conditions: ReadonlyArray<Condition>,
  next: Omit<Condition, "lastUpdateTime" | "lastTransitionTime">,
  now: number
): ReadonlyArray<Condition> => {
  const current = conditions.find((c) => c.type === next.type)
  if (current !== undefined && current.status === next.status && current.reason === next.reason) return conditions
  const time = timestamp(now)
  const lastTransitionTime = current !== undefined && current.status === next.status
    ? current.lastTransitionTime ?? time
    : time
  const written: Condition = { ...next, lastUpdateTime: time, lastTransitionTime }
  return [...conditions.filter((c) => c.type !== next.type), written]
}

export const removeCondition = (conditions: ReadonlyArray<Condition>, type: string) =>
  conditions.filter((c) => c.type !== type)

/** `calculateStatus`: counts and the Available condition. */
export const calculateStatus = (
  d: Obj,
  all: ReadonlyArray<Obj>,
  newRs: Obj | undefined,
  now: number
): Obj => {
  const available = sumStatus(all, "availableReplicas")
  const unavailable = Math.max(0, sumSpec(all) - available)
  let conditions: ReadonlyArray<Condition> = (d.status?.conditions ?? []) as Array<Condition>
  conditions = available >= specReplicas(d) - maxUnavailable(d)
    ? setCondition(conditions, {
      type: "Available",
      status: "True",
      reason: "MinimumReplicasAvailable",
      message: "Deployment has minimum availability."
    }, now)
    : setCondition(conditions, {
      type: "Available",
      status: "False",
      reason: "MinimumReplicasUnavailable",
      message: "Deployment does not have minimum availability."
    }, now)
  return {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sumStatus(all, "replicas"),
    updatedReplicas: newRs === undefined ? 0 : sumStatus([newRs], "replicas"),
    readyReplicas: sumStatus(all, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions
  }
}

/** `DeploymentComplete`: every replica updated and available, and this generation observed. */
export const isComplete = (d: Obj, status: Obj): boolean => {
  const desired = specReplicas(d)
  return status.updatedReplicas === desired && status.replicas === desired && status.availableReplicas === desired &&
    status.observedGeneration >= (d.metadata.generation ?? 1)
}

const oldReplicas = (s: Obj | undefined) => (s?.replicas ?? 0) - (s?.updatedReplicas ?? 0)

/** `DeploymentProgressing`: more updated, ready or available replicas than last time, or fewer old ones. */
export const isProgressing = (d: Obj, status: Obj): boolean => {
  const old = d.status ?? {}
  return status.updatedReplicas > (old.updatedReplicas ?? 0) || oldReplicas(status) < oldReplicas(old) ||
    status.readyReplicas > (old.readyReplicas ?? 0) || status.availableReplicas > (old.availableReplicas ?? 0)
}

export const hasProgressDeadline = (d: Obj): boolean =>
  typeof d.spec?.progressDeadlineSeconds === "number" && d.spec.progressDeadlineSeconds < 2147483647

/** `DeploymentTimedOut`: the Progressing condition has not moved for progressDeadlineSeconds. */
export const isTimedOut = (d: Obj, status: Obj, now: number): boolean => {
  if (!hasProgressDeadline(d)) return false
  const c = conditionOf(status, "Progressing")
  if (c === undefined) return false
  if (c.reason === "ProgressDeadlineExceeded") return true
  const from = Date.parse(c.lastUpdateTime ?? "")
  return Number.isFinite(from) && from + d.spec.progressDeadlineSeconds * 1000 < now
}

/** `syncRolloutStatus`: the status to write, with the Progressing condition brought up to date. */
export const rolloutStatus = (
  d: Obj,
  all: ReadonlyArray<Obj>,
  newRs: Obj | undefined,
  now: number
): Obj => {
  const status = calculateStatus(d, all, newRs, now)
  let conditions = status.conditions as ReadonlyArray<Condition>
  if (!hasProgressDeadline(d)) return { ...status, conditions: removeCondition(conditions, "Progressing") }
  const current = conditionOf(status, "Progressing")
  const complete = status.replicas === status.updatedReplicas && current?.reason === "NewReplicaSetAvailable"
  if (complete) return status
  const rsName = newRs?.metadata?.name
  if (newRs !== undefined && isComplete(d, status)) {
    conditions = setCondition(conditions, {
      type: "Progressing",
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: `ReplicaSet "${rsName}" has successfully progressed.`
    }, now)
  } else if (newRs !== undefined && isProgressing(d, status)) {
    // Progress refreshes the condition every time, keeping when it turned True.
    const time = timestamp(now)
    conditions = [...removeCondition(conditions, "Progressing"), {
      type: "Progressing",
      status: "True",
      reason: "ReplicaSetUpdated",
      message: `ReplicaSet "${rsName}" is progressing.`,
      lastUpdateTime: time,
      lastTransitionTime: current?.status === "True" ? current.lastTransitionTime ?? time : time
    }]
  } else if (isTimedOut(d, status, now)) {
    conditions = setCondition(conditions, {
      type: "Progressing",
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: newRs === undefined
        ? `Deployment "${d.metadata.name}" has timed out progressing.`
        : `ReplicaSet "${rsName}" has timed out progressing.`
    }, now)
  }
  return { ...status, conditions }
}

/** The condition a rollout gets when its new ReplicaSet was created or found (`getNewReplicaSet`). */
export const newReplicaSetCondition = (rsName: string, created: boolean) => ({
  type: "Progressing",
  status: "True" as const,
  reason: created ? "NewReplicaSetCreated" : "FoundNewReplicaSet",
  message: created ? `Created new replica set "${rsName}"` : `Found new replica set "${rsName}"`
})
