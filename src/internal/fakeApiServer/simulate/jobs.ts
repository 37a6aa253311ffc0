/**
 * The simulated job controller (`syncJob`): runs `parallelism` pods at a time until `completions` succeed
 * (NonIndexed, Indexed with one success per index, or a work queue without completions), replaces failed pods
 * after an exponential back-off, fails the Job past `backoffLimit` or `activeDeadlineSeconds`, stops its pods while
 * `suspend`ed, and writes the status counts and conditions. SuccessCriteriaMet / FailureTarget come first and
 * Complete / Failed once no pod of the Job is left Terminating, as since 1.31.
 *
 * Pods are tracked with the `batch.kubernetes.io/job-tracking` finalizer as the real controller does: a finished
 * pod is first recorded in `status.uncountedTerminatedPods`, then its finalizer removed, then counted in
 * `succeeded` / `failed`, so nothing is counted twice or lost when pods go. Orphaned pods lose the finalizer.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual, timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import type { Controller } from "./controller.js"
import { recordEvent } from "./events.js"
import {
  backoffLimitExceeded,
  complete,
  completionsOf,
  conditionOf,
  deadlineExceeded,
  formatIndexes,
  holds,
  indexOf,
  isFinished,
  isIndexed,
  isPodFailed,
  isSuspended,
  isTerminating,
  jobPod,
  parallelismOf,
  parseIndexes,
  pastBackoffLimitOnFailure,
  successCriteriaMet,
  trackingFinalizer,
  withCondition
} from "./jobPods.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { controllerOf, deletionOrder, isActive, isReady } from "./podSets.js"
import type { WorkQueue } from "./reconcile.js"
import { reconcileLoop } from "./reconcile.js"
import { ignoreGone } from "./replicaSets.js"

const burst = 500
const maxBackoff = 360_000

/** Consecutive failures since the last success, and when the last was seen (the controller's pod back-off store). */
interface Backoff {
  readonly failures: number
  readonly at: number
}

const podRef = (pod: Obj) => ({
  apiVersion: "v1",
  kind: "Pod",
  namespace: String(pod.metadata.namespace),
  name: String(pod.metadata.name)
})

const hasFinalizer = (pod: Obj) => ((pod.metadata?.finalizers ?? []) as Array<string>).includes(trackingFinalizer)

const releasePod = (api: ClusterApi, pod: Obj) =>
  api.patch(podRef(pod), [
    { op: "test", path: "/metadata/resourceVersion", value: pod.metadata.resourceVersion },
    {
      op: "replace",
      path: "/metadata/finalizers",
      value: (pod.metadata.finalizers as Array<string>).filter((f) => f !== trackingFinalizer)
    }
  ], { type: "json" }).pipe(ignoreGone, Effect.catchIf((e) => e.code === 422, () => Effect.void))

const deletePod = (api: ClusterApi, job: Obj, pod: Obj) =>
  api.delete(podRef(pod), { preconditions: { uid: pod.metadata.uid } }).pipe(
    Effect.zipRight(recordEvent(api, job, {
      reason: "SuccessfulDelete",
      message: `Deleted pod: ${pod.metadata.name}`,
      component: "job-controller"
    })),
    ignoreGone
  )

type Wake = (key: string, at: number, now: number, queue: WorkQueue<string>) => Effect.Effect<void>

const sync = (
  api: ClusterApi,
  key: string,
  queue: WorkQueue<string>,
  backoffs: Map<string, Backoff>,
  wake: Wake
) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "batch/v1", kind: "Job", namespace, name })
    const inNamespace = yield* api.list({ apiVersion: "v1", kind: "Pod", namespace })
    const uid = Option.isSome(found) ? found.value.metadata.uid : undefined
    // Pods that name this Job as controller but whose Job is gone (or another of the same name) are let go.
    for (const pod of inNamespace) {
      const ref = controllerOf(pod)
      if (ref?.kind === "Job" && ref.name === name && ref.uid !== uid && hasFinalizer(pod)) yield* releasePod(api, pod)
    }
    if (Option.isNone(found)) return
    let job = found.value
    const pods = inNamespace.filter((p) => controllerOf(p)?.uid === uid)
    if (isFinished(job) || job.metadata.deletionTimestamp !== undefined) {
      for (const pod of pods) if (hasFinalizer(pod)) yield* releasePod(api, pod)
      return
    }
    const now = yield* api.now
    const suspended = isSuspended(job)
    const indexed = isIndexed(job)
    const completions = completionsOf(job)
    const status: Obj = { ...job.status }
    let conditions: ReadonlyArray<Obj> = status.conditions ?? []
    const uncounted = {
      succeeded: [...((status.uncountedTerminatedPods?.succeeded ?? []) as Array<string>)],
      failed: [...((status.uncountedTerminatedPods?.failed ?? []) as Array<string>)]
    }
    const failureTarget = holds(job, "FailureTarget")
    const successTarget = holds(job, "SuccessCriteriaMet")

    // 1. Finished pods still holding the finalizer are recorded as uncounted before the finalizer goes.
    const recorded = new Set([...uncounted.succeeded, ...uncounted.failed])
    const finishing = pods.filter((p) => hasFinalizer(p) && !recorded.has(p.metadata.uid))
    let newFailures = 0
    let newSuccesses = 0
    const released: Array<Obj> = []
    for (const pod of finishing) {
      const succeeded = pod.status?.phase === "Succeeded"
      // Pods stopped because the Job is suspended are not failures of its work (those a finished Job stops are).
      const failed = !succeeded && isPodFailed(job, pod) &&
        !(suspended && !failureTarget && !successTarget && pod.status?.phase !== "Failed")
      if (succeeded) {
        uncounted.succeeded.push(pod.metadata.uid)
        newSuccesses++
      } else if (failed) {
        uncounted.failed.push(pod.metadata.uid)
        newFailures++
      } else if (pod.metadata.deletionTimestamp === undefined) {
        continue
      }
      released.push(pod)
    }
    if (released.length > 0) {
      const withUncounted = { ...status, uncountedTerminatedPods: { ...uncounted } }
      job = yield* api.update({ ...job, status: withUncounted }, { subresource: "status" })
      for (const pod of released) yield* releasePod(api, pod)
    }
    // 2. What was recorded is counted (Indexed: per index); the finalizers are gone by now.
    const byUid = new Map(pods.map((p) => [String(p.metadata.uid), p]))
    let succeeded = Number(status.succeeded ?? 0)
    let failedCount = Number(status.failed ?? 0)
    const completed = indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set<number>()
    for (const u of uncounted.succeeded) {
      const index = indexed ? indexOf(byUid.get(u) ?? {}) : undefined
      if (index !== undefined && index < (completions ?? 0)) completed.add(index)
      if (!indexed) succeeded++
    }
    failedCount += uncounted.failed.length
    if (indexed) succeeded = completed.size
    const backoff = backoffs.get(uid)
    if (newSuccesses > 0) backoffs.delete(uid)
    if (newFailures > 0) backoffs.set(uid, { failures: (backoff?.failures ?? 0) + newFailures, at: now })

    const active = pods.filter(isActive)
    if (status.startTime === undefined && !suspended) status.startTime = timestamp(now)

    // 3. Decide: failed, succeeded, or keep going.
    const limit = Number(job.spec?.backoffLimit ?? 6)
    let failure = failureTarget ? conditionOf(job, "FailureTarget") : undefined
    if (failure === undefined && (failedCount > limit || pastBackoffLimitOnFailure(job, pods))) {
      failure = backoffLimitExceeded
    }
    const deadline = job.spec?.activeDeadlineSeconds
    const startedAt = Date.parse(String(status.startTime ?? ""))
    if (failure === undefined && typeof deadline === "number" && !suspended && Number.isFinite(startedAt)) {
      if (now >= startedAt + deadline * 1000) failure = deadlineExceeded
      else yield* wake(key, startedAt + deadline * 1000, now, queue)
    }
    const reached = completions === undefined
      ? succeeded > 0 && active.length === 0
      : succeeded >= completions
    if (failure !== undefined) {
      const reason = { reason: String(failure.reason), message: String(failure.message) }
      conditions = withCondition(conditions, { type: "FailureTarget", ...reason }, "True", now)
      for (const pod of active) yield* deletePod(api, job, pod)
    } else if (reached || successTarget) {
      conditions = withCondition(conditions, successCriteriaMet, "True", now)
      for (const pod of active) yield* deletePod(api, job, pod)
    } else if (suspended) {
      conditions = withCondition(
        conditions,
        { type: "Suspended", reason: "JobSuspended", message: "Job suspended" },
        "True",
        now
      )
      for (const pod of active) yield* deletePod(api, job, pod)
    } else {
      if (holds(job, "Suspended")) {
        conditions = withCondition(
          conditions,
          { type: "Suspended", reason: "JobResumed", message: "Job resumed" },
          "False",
          now
        )
        // Resuming restarts the activeDeadlineSeconds timer.
        status.startTime = timestamp(now)
      }
      const wakeUp = (at: number) => wake(key, at, now, queue)
      yield* manage(api, job, active, pods, completed, succeeded, now, backoffs.get(uid), wakeUp)
    }

    // 4. Status: counts of the pods as they are after this sync.
    const after = (yield* api.list({ apiVersion: "v1", kind: "Pod", namespace })).filter((p) =>
      controllerOf(p)?.uid === uid
    )
    const stillActive = after.filter(isActive)
    const stillTerminating = after.filter(isTerminating).length
    const settled = stillTerminating === 0 && stillActive.length === 0 && after.every((p) => !hasFinalizer(p))
    let completionTime = status.completionTime
    if (failure !== undefined && settled) {
      conditions = withCondition(
        conditions,
        { type: "Failed", reason: String(failure.reason), message: String(failure.message) },
        "True",
        now
      )
    } else if ((reached || successTarget) && failure === undefined && settled) {
      conditions = withCondition(conditions, complete, "True", now)
      completionTime = timestamp(now)
    }
    const next: Obj = {
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(status.startTime !== undefined ? { startTime: status.startTime } : {}),
      ...(completionTime !== undefined ? { completionTime } : {}),
      ...(stillActive.length > 0 ? { active: stillActive.length } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failedCount > 0 ? { failed: failedCount } : {}),
      ...(indexed && completed.size > 0 ? { completedIndexes: formatIndexes(completed) } : {}),
      terminating: stillTerminating,
      ready: stillActive.filter(isReady).length,
      uncountedTerminatedPods: {}
    }
    if (!deepEqual(next, job.status)) {
      const latest = yield* api.get({ apiVersion: "batch/v1", kind: "Job", namespace, name })
      if (Option.isSome(latest)) {
        yield* api.update({ ...latest.value, status: next }, { subresource: "status" })
        // The controller tells of the job's end once, when it writes the condition.
        const ended = (type: string) => !holds(job, type) && holds({ status: next }, type)
        if (ended("Complete")) {
          yield* recordEvent(api, job, { reason: "Completed", message: "Job completed", component: "job-controller" })
        } else if (ended("Failed") && failure !== undefined) {
          yield* recordEvent(api, job, {
            type: "Warning",
            reason: String(failure.reason),
            message: String(failure.message),
            component: "job-controller"
          })
        }
      }
    }
  })

/** `manageJob`: deletes surplus pods and creates missing ones, after the back-off when pods failed lately. */
const manage = (
  api: ClusterApi,
  job: Obj,
  active: ReadonlyArray<Obj>,
  pods: ReadonlyArray<Obj>,
  completed: ReadonlySet<number>,
  succeeded: number,
  now: number,
  backoff: Backoff | undefined,
  wakeAt: (at: number) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const parallelism = parallelismOf(job)
    const completions = completionsOf(job)
    // Under podReplacementPolicy Failed a Terminating pod is replaced only once it has stopped.
    const waiting = job.spec?.podReplacementPolicy === "Failed" ? pods.filter(isTerminating).length : 0
    // A work queue is done once one pod succeeded: the others are left to finish, none is added.
    const want = completions === undefined
      ? (succeeded > 0 ? active.length : parallelism)
      : Math.min(parallelism, Math.max(0, completions - succeeded))
    const surplus: Array<Obj> = []
    let toCreate: Array<number | undefined> = []
    if (isIndexed(job)) {
      const seen = new Set<number>()
      for (const pod of active) {
        const index = indexOf(pod)
        if (index === undefined || index >= (completions ?? 0) || completed.has(index) || seen.has(index)) {
          surplus.push(pod)
        } else {
          seen.add(index)
        }
      }
      const kept = active.filter((p) => !surplus.includes(p))
      // Lowered parallelism: the extra pods go, in the order a scale-down picks them.
      if (kept.length > parallelism) surplus.push(...deletionOrder(kept).slice(0, kept.length - parallelism))
      const running = Math.min(kept.length, parallelism)
      const missing: Array<number> = []
      for (let i = 0; i < (completions ?? 0) && missing.length < burst; i++) {
        if (!completed.has(i) && !seen.has(i)) missing.push(i)
      }
      toCreate = missing.slice(0, Math.max(0, parallelism - running - waiting))
    } else {
      const diff = active.length + waiting - want
      if (diff > 0) surplus.push(...deletionOrder(active).slice(0, Math.min(diff, active.length)))
      else toCreate = Array.from({ length: Math.min(-diff, burst) }, () => undefined)
    }
    for (const pod of surplus) yield* deletePod(api, job, pod)
    if (toCreate.length === 0) return
    if (backoff !== undefined) {
      const base = Duration.toMillis(api.simulation.timing.jobBackoff)
      const until = backoff.at + Math.min(maxBackoff, base * 2 ** Math.max(0, backoff.failures - 1))
      if (now < until) return yield* wakeAt(until)
    }
    for (const index of toCreate) {
      const pod = yield* api.create(jobPod(job, index))
      yield* recordEvent(api, job, {
        reason: "SuccessfulCreate",
        message: `Created pod: ${pod.metadata.name}`,
        component: "job-controller"
      })
    }
  })

export const jobController: Controller = {
  name: "job-controller",
  enabled: (simulation) => simulation.workloads,
  run: (api) =>
    Effect.suspend(() => {
      const backoffs = new Map<string, Backoff>()
      // One pending wake-up per Job and time: every sync would otherwise add one (deadline, back-off).
      const wakes = new Map<string, number>()
      const wake: Wake = (key, at, now, queue) =>
        Effect.suspend(() => {
          if (wakes.get(key) === at) return Effect.void
          wakes.set(key, at)
          return queue.requeueAfter(key, Math.max(0, at - now))
        })
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          const storageKey = change.resource.storageKey
          if (storageKey === "batch/jobs") {
            if (change.type === "DELETED") backoffs.delete(String(change.object.metadata?.uid))
            dirty(keyOf(change.object))
          } else if (storageKey === "/pods") {
            const owner = ownerKey(change.object, "Job") ?? ownerKey(change.previous ?? {}, "Job")
            if (owner !== undefined) dirty(owner)
            else if (hasFinalizer(change.object) && change.type !== "DELETED") dirty(`pod:${keyOf(change.object)}`)
          }
        },
        reconcile: (key, queue) =>
          key.startsWith("pod:")
            ? releaseOrphan(api, key.slice(4))
            : sync(api, key, queue, backoffs, wake)
      })
    })
}

/** A pod with the tracking finalizer and no Job as controller (orphaned by a delete) is let go. */
const releaseOrphan = (api: ClusterApi, key: string) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "v1", kind: "Pod", namespace, name })
    if (Option.isNone(found) || !hasFinalizer(found.value) || controllerOf(found.value)?.kind === "Job") return
    yield* releasePod(api, found.value)
  })
