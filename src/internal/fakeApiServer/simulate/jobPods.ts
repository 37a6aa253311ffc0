/**
 * What the Job controller decides from a Job and its pods, without I/O: the pods it creates (Indexed ones carry
 * their completion index as annotation, label, hostname and `JOB_COMPLETION_INDEX`), which pods count as failed,
 * how many should run, completed indexes in the API's interval notation, and the conditions with the reasons and
 * messages kube-controller-manager writes.
 */
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import { phaseOf, podFromTemplate } from "./podSets.js"

export const trackingFinalizer = "batch.kubernetes.io/job-tracking"
export const completionIndexKey = "batch.kubernetes.io/job-completion-index"

export const isIndexed = (job: Obj) => job.spec?.completionMode === "Indexed"

/** `spec.completions`, undefined for a work-queue Job (completions unset). */
export const completionsOf = (job: Obj): number | undefined =>
  typeof job.spec?.completions === "number" ? job.spec.completions : undefined

export const parallelismOf = (job: Obj) => Number(job.spec?.parallelism ?? 1)

export const isSuspended = (job: Obj) => job.spec?.suspend === true

/** The completion index of an Indexed Job's pod (its annotation, as the controller reads it), if valid. */
export const indexOf = (pod: Obj): number | undefined => {
  const raw = pod.metadata?.annotations?.[completionIndexKey] ?? pod.metadata?.labels?.[completionIndexKey]
  if (typeof raw !== "string" || !/^(0|[1-9]\d*)$/.test(raw)) return undefined
  return Number(raw)
}

/** A pod of the Job, from its template, with the tracking finalizer (and its index when Indexed). */
export const jobPod = (job: Obj, index: number | undefined): Obj => {
  const name = String(job.metadata.name)
  const pod = podFromTemplate(job.spec?.template, job, {
    generateName: index === undefined ? `${name}-` : `${name}-${index}-`
  })
  pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), trackingFinalizer]
  if (index === undefined) return pod
  const value = String(index)
  pod.metadata.annotations = { ...pod.metadata.annotations, [completionIndexKey]: value }
  pod.metadata.labels = { ...pod.metadata.labels, [completionIndexKey]: value }
  if (pod.spec.hostname === undefined || pod.spec.hostname === "") pod.spec.hostname = `${name}-${value}`
  const env = {
    name: "JOB_COMPLETION_INDEX",
    valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexKey}']` } }
  }
  for (const list of ["containers", "initContainers"]) {
    if (!Array.isArray(pod.spec[list])) continue
    pod.spec[list] = pod.spec[list].map((c: Obj) =>
      ((c.env ?? []) as Array<Obj>).some((e) => e.name === env.name) ? c : { ...c, env: [...(c.env ?? []), env] }
    )
  }
  return pod
}

export const isTerminal = (pod: Obj) => phaseOf(pod) === "Succeeded" || phaseOf(pod) === "Failed"

/** `isPodFailed`: Failed, or deleted before it succeeded (an orphan never reaches Failed) unless only Failed pods are replaced. */
export const isPodFailed = (job: Obj, pod: Obj): boolean => {
  if (phaseOf(pod) === "Failed") return true
  if (job.spec?.podReplacementPolicy === "Failed") return false
  return pod.metadata?.deletionTimestamp !== undefined && phaseOf(pod) !== "Succeeded"
}

/** Deleting and not yet stopped: the `terminating` count. */
export const isTerminating = (pod: Obj) => pod.metadata?.deletionTimestamp !== undefined && !isTerminal(pod)

/** `pastBackoffLimitOnFailure`: container restarts of running pods count against backoffLimit under OnFailure. */
export const pastBackoffLimitOnFailure = (job: Obj, pods: ReadonlyArray<Obj>): boolean => {
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false
  let restarts = 0
  for (const pod of pods) {
    if (phaseOf(pod) !== "Running" && phaseOf(pod) !== "Pending") continue
    for (const list of ["initContainerStatuses", "containerStatuses"]) {
      for (const c of (pod.status?.[list] ?? []) as Array<Obj>) restarts += Number(c.restartCount ?? 0)
    }
  }
  const limit = Number(job.spec?.backoffLimit ?? 6)
  return limit === 0 ? restarts > 0 : restarts >= limit
}

/** Sorted, distinct indexes as the API writes them: `1,3-5,7`. */
export const formatIndexes = (indexes: Iterable<number>): string => {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b)
  const out: Array<string> = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    out.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return out.join(",")
}

/** The indexes of `1,3-5`, bounded by `completions` (what is out of range is dropped, as the controller does). */
export const parseIndexes = (text: unknown, completions: number): Set<number> => {
  const out = new Set<number>()
  if (typeof text !== "string") return out
  for (const part of text.split(",")) {
    const [a, b] = part.split("-").map(Number)
    if (a === undefined || !Number.isInteger(a)) continue
    const end = b === undefined ? a : b
    for (let i = a; i <= end && i < completions; i++) out.add(i)
  }
  return out
}

export interface JobCondition {
  readonly type: string
  readonly reason: string
  readonly message: string
}

export const successCriteriaMet: JobCondition = {
  type: "SuccessCriteriaMet",
  reason: "CompletionsReached",
  message: "Reached expected number of succeeded pods"
}
export const complete: JobCondition = {
  type: "Complete",
  reason: "CompletionsReached",
  message: "Reached expected number of succeeded pods"
}
export const backoffLimitExceeded = {
  reason: "BackoffLimitExceeded",
  message: "Job has reached the specified backoff limit"
}
export const deadlineExceeded = { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }

export const conditionOf = (job: Obj, type: string): Obj | undefined =>
  ((job.status?.conditions ?? []) as Array<Obj>).find((c) => c.type === type)

export const holds = (job: Obj, type: string) => conditionOf(job, type)?.status === "True"

/** Finished: Complete or Failed is True (nothing changes a finished Job any more). */
export const isFinished = (job: Obj) => holds(job, "Complete") || holds(job, "Failed")

/** The conditions with `type` set to `status` (kept as it is when nothing about it changes). */
export const withCondition = (
  conditions: ReadonlyArray<Obj>,
  c: JobCondition,
  status: "True" | "False",
  now: number
): ReadonlyArray<Obj> => {
  const current = conditions.find((x) => x.type === c.type)
  if (current !== undefined && current.status === status && current.reason === c.reason) return conditions
  const time = timestamp(now)
  const next = {
    type: c.type,
    status,
    lastProbeTime: time,
    lastTransitionTime: current?.status === status ? current.lastTransitionTime : time,
    reason: c.reason,
    message: c.message
  }
  return current === undefined ? [...conditions, next] : conditions.map((x) => (x === current ? next : x))
}
