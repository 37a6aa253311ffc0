/**
 * What the simulated kubelet writes when it stops a pod that is being deleted: every container terminated, the
 * pod not Ready, and a terminal phase (as kubelets since 1.27 do before the final delete). A container that ran
 * exits as a process that handles SIGTERM: 0 for pods that restart Always (a server shutting down cleanly), 143
 * for pods meant to run to completion (their work was cut short, so a Job counts them failed); one that never
 * started is reported as the kubelet reports a container it cannot find.
 */
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"

const condition = (type: string, at: number, reason?: string, message?: string): Obj => ({
  type,
  status: "False",
  lastProbeTime: null,
  lastTransitionTime: timestamp(at),
  ...(reason !== undefined ? { reason } : {}),
  ...(message !== undefined ? { message } : {})
})

/** The pod's status once the kubelet has stopped it at `now`. */
export const stoppedStatus = (pod: Obj, now: number): Obj => {
  const status: Obj = pod.status ?? {}
  const always = String(pod.spec?.restartPolicy ?? "Always") === "Always"
  const finished = String(pod.status?.phase) === "Succeeded" || String(pod.status?.phase) === "Failed"
  if (finished) return status
  const names = ((pod.spec?.containers ?? []) as Array<Obj>).map((c) => String(c.name))
  const known = new Map(((status.containerStatuses ?? []) as Array<Obj>).map((c) => [String(c.name), c]))
  let failed = false
  const containerStatuses = names.map((name) => {
    const c: Obj = known.get(name) ?? { name, image: "", imageID: "", restartCount: 0 }
    const running = c.state?.running
    if (running === undefined) {
      failed = true
      return {
        ...c,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode: 137,
            reason: "ContainerStatusUnknown",
            message: "The container could not be located when the pod was terminated",
            startedAt: null,
            finishedAt: null
          }
        }
      }
    }
    const exitCode = always ? 0 : 143
    if (exitCode !== 0) failed = true
    return {
      ...c,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? "Completed" : "Error",
          startedAt: running.startedAt,
          finishedAt: timestamp(now),
          ...(c.containerID !== undefined ? { containerID: c.containerID } : {})
        }
      }
    }
  })
  const keep = ((status.conditions ?? []) as Array<Obj>).filter((c) =>
    c.type !== "Ready" && c.type !== "ContainersReady" && c.type !== "PodReadyToStartContainers"
  )
  return {
    ...status,
    phase: failed ? "Failed" : "Succeeded",
    conditions: [
      condition("PodReadyToStartContainers", now),
      ...keep.filter((c) => c.type === "Initialized"),
      condition("Ready", now, "PodCompleted"),
      condition("ContainersReady", now, "PodCompleted"),
      ...keep.filter((c) => c.type !== "Initialized")
    ],
    containerStatuses
  }
}
