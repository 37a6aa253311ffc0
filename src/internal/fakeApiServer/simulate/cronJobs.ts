/**
 * The simulated cronjob controller (`cronjob_controllerv2`'s `syncCronJob`) on the fake's clock: at each scheduled
 * time it creates a Job named `<cronjob>-<scheduled time in minutes since the epoch>` from the job template,
 * honours `concurrencyPolicy` (Allow, Forbid, Replace), `startingDeadlineSeconds` and `suspend`, keeps
 * `successfulJobsHistoryLimit` / `failedJobsHistoryLimit` finished Jobs, and writes `status.active`,
 * `lastScheduleTime` and `lastSuccessfulTime`. It sleeps until the next scheduled time.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual, timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import type { Controller } from "./controller.js"
import { isKnownTimeZone, mostRecent, nextAfter, parseSchedule } from "./cronSchedule.js"
import { recordEvent } from "./events.js"
import { holds } from "./jobPods.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { controllerOf, controllerRef } from "./podSets.js"
import type { WorkQueue } from "./reconcile.js"
import { reconcileLoop } from "./reconcile.js"

export const scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"

/** The controller wakes this long after a scheduled time, as the real one does (`nextScheduleDelta`). */
const nextScheduleDelta = 100

const isFinished = (job: Obj) => holds(job, "Complete") || holds(job, "Failed")

const refTo = (job: Obj): Obj => ({
  kind: "Job",
  namespace: job.metadata.namespace,
  name: job.metadata.name,
  uid: job.metadata.uid,
  apiVersion: "batch/v1",
  resourceVersion: job.metadata.resourceVersion
})

/** The scheduled time in the CronJob's zone, RFC 3339 with its offset, as the annotation carries it. */
const zonedTimestamp = (at: number, zone: string | undefined): string => {
  if (zone === undefined || zone === "UTC" || zone === "Etc/UTC") return timestamp(at)
  const parts: Record<string, string> = {}
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit"
  })
  for (const p of format.formatToParts(new Date(at))) parts[p.type] = p.value
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second)
  )
  const offset = Math.round((local - Math.floor(at / 1000) * 1000) / 60_000)
  const sign = offset < 0 ? "-" : "+"
  const abs = Math.abs(offset)
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${
    offset === 0 ? "Z" : `${sign}${hhmm}`
  }`
}

/** `getJobFromTemplate2`: the template's metadata and spec, the scheduled time, owned by the CronJob. */
const jobFor = (cj: Obj, scheduled: number, zone: string | undefined): Obj => {
  const template: Obj = cj.spec?.jobTemplate ?? {}
  const meta: Obj = template.metadata ?? {}
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`,
      namespace: cj.metadata.namespace,
      ...(meta.labels !== undefined ? { labels: { ...meta.labels } } : {}),
      annotations: { ...meta.annotations, [scheduledTimestampAnnotation]: zonedTimestamp(scheduled, zone) },
      ownerReferences: [controllerRef(cj)]
    },
    spec: structuredClone(template.spec ?? {})
  }
}

const startOf = (job: Obj) => String(job.status?.startTime ?? "")

/** Finished Jobs beyond the history limit, oldest first. */
const surplus = (finished: ReadonlyArray<Obj>, limit: unknown): ReadonlyArray<Obj> => {
  if (typeof limit !== "number") return []
  const sorted = [...finished].sort((a, b) => (startOf(a) < startOf(b) ? -1 : startOf(a) > startOf(b) ? 1 : 0))
  return sorted.slice(0, Math.max(0, sorted.length - limit))
}

const deleteJob = (api: ClusterApi, cj: Obj, job: Obj) =>
  api.delete(
    { apiVersion: "batch/v1", kind: "Job", namespace: job.metadata.namespace, name: job.metadata.name },
    { propagationPolicy: "Background", preconditions: { uid: job.metadata.uid } }
  ).pipe(
    Effect.zipRight(recordEvent(api, cj, {
      reason: "SuccessfulDelete",
      message: `Deleted job ${job.metadata.name}`,
      component: "cronjob-controller"
    })),
    Effect.catchIf((e) => e.code === 404 || e.code === 409, () => Effect.void)
  )

type Wake = (key: string, at: number, now: number, queue: WorkQueue<string>) => Effect.Effect<void>

const sync = (api: ClusterApi, key: string, queue: WorkQueue<string>, wake: Wake) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "batch/v1", kind: "CronJob", namespace, name })
    if (Option.isNone(found)) return
    const cj = found.value
    const now = yield* api.now
    const jobs = (yield* api.list({ apiVersion: "batch/v1", kind: "Job", namespace })).filter((j) =>
      controllerOf(j)?.uid === cj.metadata.uid
    )
    // Active Jobs: those the controller started that have not finished (others it saw are not adopted).
    const known = new Set(((cj.status?.active ?? []) as Array<Obj>).map((r) => String(r.uid)))
    let active = jobs.filter((j) => known.has(j.metadata.uid) && !isFinished(j))
    let lastSuccessful: string | undefined = cj.status?.lastSuccessfulTime
    for (const j of jobs) {
      const done = j.status?.completionTime
      if (holds(j, "Complete") && typeof done === "string" && (lastSuccessful === undefined || done > lastSuccessful)) {
        lastSuccessful = done
      }
    }
    let lastSchedule: string | undefined = cj.status?.lastScheduleTime

    const schedule = parseSchedule(String(cj.spec?.schedule ?? ""))
    const zone = typeof cj.spec?.timeZone === "string" && cj.spec.timeZone !== "" ? cj.spec.timeZone : undefined
    const schedulable = typeof schedule !== "string" && (zone === undefined || isKnownTimeZone(zone)) &&
      cj.metadata.deletionTimestamp === undefined
    if (schedulable && cj.spec?.suspend !== true) {
      const created = Date.parse(String(cj.metadata.creationTimestamp))
      let earliest = lastSchedule !== undefined ? Date.parse(lastSchedule) : created
      const deadline = cj.spec?.startingDeadlineSeconds
      if (typeof deadline === "number") earliest = Math.max(earliest, now - deadline * 1000)
      const scheduled = mostRecent(schedule, earliest, now, zone)
      const policy = String(cj.spec?.concurrencyPolicy ?? "Allow")
      const tooLate = scheduled !== undefined && typeof deadline === "number" && scheduled < now - deadline * 1000
      const alreadyRun = scheduled !== undefined &&
        jobs.some((j) => j.metadata.name === `${name}-${scheduled / 60_000}`)
      if (scheduled !== undefined && !tooLate && !alreadyRun && !(policy === "Forbid" && active.length > 0)) {
        if (policy === "Replace") {
          for (const j of active) yield* deleteJob(api, cj, j)
          active = []
        }
        const job = yield* api.create(jobFor(cj, scheduled, zone)).pipe(
          Effect.map(Option.some),
          Effect.catchIf((e) => e.code === 409, () => Effect.succeed(Option.none<Obj>()))
        )
        if (Option.isSome(job)) {
          active = [...active, job.value]
          yield* recordEvent(api, cj, {
            reason: "SuccessfulCreate",
            message: `Created job ${job.value.metadata.name}`,
            component: "cronjob-controller"
          })
        }
        lastSchedule = timestamp(scheduled)
      } else if (scheduled !== undefined && alreadyRun) {
        lastSchedule = timestamp(scheduled)
      }
      const next = nextAfter(schedule, now, zone)
      if (next !== undefined) yield* wake(key, next + nextScheduleDelta, now, queue)
    }

    // History: finished Jobs beyond the limits go (after the new one, so a Replace never removes it).
    const finished = jobs.filter(isFinished)
    for (const j of surplus(finished.filter((j) => holds(j, "Complete")), cj.spec?.successfulJobsHistoryLimit)) {
      yield* deleteJob(api, cj, j)
    }
    for (const j of surplus(finished.filter((j) => holds(j, "Failed")), cj.spec?.failedJobsHistoryLimit)) {
      yield* deleteJob(api, cj, j)
    }

    // References as recorded when each Job was created (a Job's later writes do not rewrite them).
    const recordedRefs = new Map(((cj.status?.active ?? []) as Array<Obj>).map((r) => [String(r.uid), r]))
    const refs = active.map((j) => recordedRefs.get(j.metadata.uid) ?? refTo(j))
    const status: Obj = {
      ...(refs.length > 0 ? { active: refs } : {}),
      ...(lastSchedule !== undefined ? { lastScheduleTime: lastSchedule } : {}),
      ...(lastSuccessful !== undefined ? { lastSuccessfulTime: lastSuccessful } : {})
    }
    if (!deepEqual(status, cj.status ?? {})) {
      const latest = yield* api.get({ apiVersion: "batch/v1", kind: "CronJob", namespace, name })
      if (Option.isSome(latest)) yield* api.update({ ...latest.value, status }, { subresource: "status" })
    }
  })

export const cronJobController: Controller = {
  name: "cronjob-controller",
  enabled: (simulation) => simulation.workloads,
  run: (api) =>
    Effect.suspend(() => {
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
          if (storageKey === "batch/cronjobs") {
            if (change.type === "DELETED") wakes.delete(keyOf(change.object))
            else dirty(keyOf(change.object))
          } else if (storageKey === "batch/jobs") {
            const owner = ownerKey(change.object, "CronJob") ?? ownerKey(change.previous ?? {}, "CronJob")
            if (owner !== undefined) dirty(owner)
          }
        },
        reconcile: (key, queue) => sync(api, key, queue, wake)
      })
    })
}
