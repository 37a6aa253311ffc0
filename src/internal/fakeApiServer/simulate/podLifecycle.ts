/**
 * What a simulated kubelet reports for a pod at a moment of the fake's clock: Pending (ContainerCreating), Running,
 * Ready, and for pods that finish (restartPolicy Never/OnFailure) Succeeded or Failed, with the containerStatuses,
 * IPs and conditions a real kubelet writes. A behavior chosen per pod (a test's hook or the pod's annotation)
 * makes it never become ready, crash-loop, fail, or stay in ImagePullBackOff.
 *
 * Pure: the status is a function of the pod, when it was bound and the clock, so the kubelet controller only keeps
 * the bind time and the pod's IP, and sleeps until the returned `wakeAt`.
 */
import * as Crypto from "node:crypto"
import type { PodBehavior } from "../../../FakeApiServerModel.js"
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import { isObj } from "../types.js"

export const behaviors: ReadonlyArray<PodBehavior> = [
  "Ready",
  "NeverReady",
  "CrashLoop",
  "Fail",
  "Succeed",
  "ImagePullBackOff"
]

/** The annotation a pod (or a workload's pod template) chooses its behavior with, e.g. from kubectl or helm. */
export const behaviorAnnotation = "simulate.effect-kube.io/behavior"

/**
 * The annotation a pod (or a Job's pod template) sets its run time with, in seconds: how long a pod that finishes
 * or fails runs before its containers exit (instead of `timing.podRun`).
 */
export const runSecondsAnnotation = "simulate.effect-kube.io/run-seconds"

/** The timing of one pod: its run-seconds annotation, when valid, over the cluster's podRun. */
export const timingOf = (pod: Obj, timing: Timing): Timing => {
  const raw = pod.metadata?.annotations?.[runSecondsAnnotation]
  const seconds = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN
  return Number.isFinite(seconds) && seconds >= 0 ? { ...timing, run: seconds * 1000 } : timing
}

export interface Timing {
  readonly start: number
  readonly ready: number
  readonly run: number
}

export interface Placement {
  readonly boundAt: number
  readonly hostIP: string
  readonly podIP: string
}

const backOffBase = 10_000
const backOffCap = 300_000

export const defaultBehavior = (pod: Obj): PodBehavior => {
  const annotated = pod.metadata?.annotations?.[behaviorAnnotation]
  const found = behaviors.find((b) => b.toLowerCase() === String(annotated ?? "").toLowerCase())
  if (found !== undefined) return found
  return (pod.spec?.restartPolicy ?? "Always") === "Always" ? "Ready" : "Succeed"
}

/** What the registry shows for an image: Docker Hub's defaults spelled out. */
export const fullImage = (image: string): string => {
  const slash = image.indexOf("/")
  const first = slash < 0 ? "" : image.slice(0, slash)
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost"
  const named = hasRegistry ? image : `docker.io/${slash < 0 ? `library/${image}` : image}`
  const lastSlash = named.lastIndexOf("/")
  return named.includes("@") || named.indexOf(":", lastSlash) >= 0 ? named : `${named}:latest`
}

const sha = (s: string) => Crypto.createHash("sha256").update(s).digest("hex")

const imageID = (image: string) => {
  const full = fullImage(image)
  const at = full.indexOf("@")
  if (at >= 0) return full
  const lastSlash = full.lastIndexOf("/")
  const colon = full.indexOf(":", lastSlash)
  return `${full.slice(0, colon)}@sha256:${sha(full)}`
}

const qosClass = (pod: Obj): string => {
  const containers = (pod.spec?.containers ?? []) as Array<Obj>
  let any = false
  let guaranteed = containers.length > 0
  for (const c of containers) {
    const requests = (c.resources?.requests ?? {}) as Obj
    const limits = (c.resources?.limits ?? {}) as Obj
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true
    for (const r of ["cpu", "memory"]) {
      if (limits[r] === undefined || (requests[r] !== undefined && requests[r] !== limits[r])) guaranteed = false
    }
  }
  return guaranteed ? "Guaranteed" : any ? "Burstable" : "BestEffort"
}

interface Crash {
  readonly restarts: number
  readonly running: boolean
  readonly since: number
  readonly lastFinished?: { readonly startedAt: number; readonly finishedAt: number } | undefined
  readonly nextChange: number
}

/** Where a crash-looping container is at `now`: bounded walk over its runs and back-offs. */
const crashLoop = (startedAt: number, runFor: number, now: number): Crash => {
  let restarts = 0
  let runStart = startedAt
  let last: Crash["lastFinished"] = undefined
  for (let i = 0; i < 10_000; i++) {
    const exit = runStart + runFor
    if (now < exit) return { restarts, running: true, since: runStart, lastFinished: last, nextChange: exit }
    const backOff = Math.min(backOffCap, backOffBase * 2 ** Math.min(restarts, 10))
    const restart = exit + backOff
    last = { startedAt: runStart, finishedAt: exit }
    if (now < restart) return { restarts, running: false, since: exit, lastFinished: last, nextChange: restart }
    restarts++
    runStart = restart
  }
  return { restarts, running: false, since: now, lastFinished: last, nextChange: now + backOffCap }
}

const cond = (type: string, status: boolean, at: number, reason?: string, message?: string): Obj => ({
  type,
  status: status ? "True" : "False",
  lastProbeTime: null,
  lastTransitionTime: timestamp(at),
  ...(reason !== undefined ? { reason } : {}),
  ...(message !== undefined ? { message } : {})
})

const terminated = (exitCode: number, startedAt: number, finishedAt: number, containerID: string): Obj => ({
  terminated: {
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt: timestamp(startedAt),
    finishedAt: timestamp(finishedAt),
    containerID
  }
})

/** The pod's status at `now`, and when it next changes (undefined: it no longer does by itself). */
export const podStatusAt = (
  pod: Obj,
  placement: Placement,
  behavior: PodBehavior,
  timing: Timing,
  now: number
): { readonly status: Obj; readonly wakeAt: number | undefined } => {
  const containers = (pod.spec?.containers ?? []) as Array<Obj>
  const names = containers.map((c) => String(c.name))
  const restartPolicy = String(pod.spec?.restartPolicy ?? "Always")
  const bound = placement.boundAt
  const startedAt = bound + timing.start
  const scheduled = ((pod.status?.conditions ?? []) as Array<Obj>).find((c) => c.type === "PodScheduled") ??
    cond("PodScheduled", true, bound)
  const uid = String(pod.metadata?.uid ?? pod.metadata?.name)
  const cid = (name: string, restarts: number) => `containerd://${sha(`${uid}/${name}/${restarts}`)}`
  const base = (c: Obj, restarts: number): Obj => ({
    name: c.name,
    image: fullImage(String(c.image ?? "")),
    imageID: "",
    restartCount: restarts
  })
  const common: Obj = {
    hostIP: placement.hostIP,
    hostIPs: [{ ip: placement.hostIP }],
    startTime: timestamp(bound),
    qosClass: qosClass(pod)
  }
  const pendingCondition = (reason: string) => [
    cond("PodReadyToStartContainers", reason !== "ContainerCreating", bound),
    cond("Initialized", true, bound),
    cond("Ready", false, bound, "ContainersNotReady", `containers with unready status: [${names.join(" ")}]`),
    cond("ContainersReady", false, bound, "ContainersNotReady", `containers with unready status: [${names.join(" ")}]`),
    scheduled
  ]
  const waiting = (reason: string, message?: string) =>
    containers.map((c) => ({
      ...base(c, 0),
      state: { waiting: { reason, ...(message !== undefined ? { message } : {}) } },
      lastState: {},
      ready: false,
      started: false
    }))
  const withIP = { ...common, podIP: placement.podIP, podIPs: [{ ip: placement.podIP }] }

  if (now < startedAt) {
    return {
      status: {
        phase: "Pending",
        conditions: pendingCondition("ContainerCreating"),
        ...common,
        containerStatuses: waiting("ContainerCreating")
      },
      wakeAt: startedAt
    }
  }
  if (behavior === "ImagePullBackOff") {
    const image = String(containers[0]?.image ?? "")
    return {
      status: {
        phase: "Pending",
        conditions: pendingCondition("ImagePullBackOff"),
        ...withIP,
        containerStatuses: waiting("ImagePullBackOff", `Back-off pulling image "${image}"`)
      },
      wakeAt: undefined
    }
  }
  const finishes = behavior === "Succeed" || (behavior === "Fail" && restartPolicy === "Never")
  const endedAt = startedAt + timing.run
  if (finishes && now >= endedAt) {
    const code = behavior === "Succeed" ? 0 : 1
    return {
      status: {
        phase: code === 0 ? "Succeeded" : "Failed",
        conditions: [
          cond("PodReadyToStartContainers", false, endedAt),
          cond("Initialized", true, bound, "PodCompleted"),
          cond("Ready", false, endedAt, "PodCompleted"),
          cond("ContainersReady", false, endedAt, "PodCompleted"),
          scheduled
        ],
        ...withIP,
        containerStatuses: containers.map((c) => ({
          ...base(c, 0),
          imageID: imageID(String(c.image ?? "")),
          containerID: cid(String(c.name), 0),
          state: terminated(code, startedAt, endedAt, cid(String(c.name), 0)),
          lastState: {},
          ready: false,
          started: false
        }))
      },
      wakeAt: undefined
    }
  }
  const crashing = behavior === "CrashLoop" || behavior === "Fail"
  const crash = crashing ? crashLoop(startedAt, timing.run, now) : undefined
  const readyAt = startedAt + timing.ready
  const ready = behavior !== "NeverReady" && !crashing && now >= readyAt
  const readySince = ready ? readyAt : crash !== undefined ? crash.since : startedAt
  const statuses = containers.map((c) => {
    const name = String(c.name)
    const restarts = crash?.restarts ?? 0
    const last = crash?.lastFinished
    const lastState = last === undefined
      ? {}
      : terminated(1, last.startedAt, last.finishedAt, cid(name, Math.max(0, restarts - (crash!.running ? 1 : 0))))
    const running = crash === undefined || crash.running
    return {
      ...base(c, restarts),
      imageID: imageID(String(c.image ?? "")),
      containerID: cid(name, restarts),
      state: running
        ? { running: { startedAt: timestamp(crash?.since ?? startedAt) } }
        : {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off ${
              Math.round(Math.min(backOffCap, backOffBase * 2 ** Math.min(restarts, 10)) / 1000)
            }s restarting failed container=${name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${uid})`
          }
        },
      lastState,
      ready,
      started: running
    }
  })
  const unready = `containers with unready status: [${names.join(" ")}]`
  return {
    status: {
      phase: "Running",
      conditions: [
        cond("PodReadyToStartContainers", true, startedAt),
        cond("Initialized", true, bound),
        ready ? cond("Ready", true, readyAt) : cond("Ready", false, readySince, "ContainersNotReady", unready),
        ready
          ? cond("ContainersReady", true, readyAt)
          : cond("ContainersReady", false, readySince, "ContainersNotReady", unready),
        scheduled
      ],
      ...withIP,
      containerStatuses: statuses
    },
    wakeAt: crash !== undefined
      ? crash.nextChange
      : finishes
      ? (now >= readyAt ? endedAt : Math.min(readyAt, endedAt))
      : ready || behavior === "NeverReady"
      ? undefined
      : readyAt
  }
}

/** Init containers are done by the time the main ones start: they show as Completed. */
export const withInitContainers = (pod: Obj, status: Obj, placement: Placement, timing: Timing): Obj => {
  const init = (pod.spec?.initContainers ?? []) as Array<Obj>
  if (init.length === 0 || !isObj(status)) return status
  const at = placement.boundAt + timing.start
  return {
    ...status,
    initContainerStatuses: init.map((c) => ({
      name: c.name,
      image: fullImage(String(c.image ?? "")),
      imageID: status.phase === "Pending" ? "" : imageID(String(c.image ?? "")),
      restartCount: 0,
      ready: status.phase !== "Pending",
      started: false,
      lastState: {},
      state: status.phase === "Pending"
        ? { waiting: { reason: "PodInitializing" } }
        : terminated(0, placement.boundAt, at, `containerd://${sha(`${pod.metadata?.uid}/${c.name}/init`)}`)
    }))
  }
}
