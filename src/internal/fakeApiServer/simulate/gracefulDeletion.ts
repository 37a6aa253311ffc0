/**
 * The apiserver's half of graceful pod termination, on a simulated cluster only: a delete of a pod that runs on a
 * node gives it a grace period (the delete's `gracePeriodSeconds`, else `spec.terminationGracePeriodSeconds`), sets
 * `deletionTimestamp` to the end of it and leaves the pod Terminating; the simulated kubelet stops the containers
 * and deletes the pod with a grace period of 0 (kubelet.ts). As the pod strategy's `CheckGracefulDelete`: pods not
 * bound to a node and pods already Succeeded or Failed go at once, a negative period becomes 1, and a second delete
 * may only shorten the period. Without a kubelet to finish it (simulated pods off, or a node that is not simulated)
 * a pod goes at once, as it did before: nothing would ever remove it otherwise.
 */
import type { EngineState } from "../engineState.js"
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import type { Simulation } from "./options.js"

const kubeletRuns = (simulation: Simulation | undefined, pod: Obj): boolean =>
  simulation !== undefined && simulation.pods && simulation.nodes.includes(String(pod.spec?.nodeName ?? ""))

/** The grace period a delete gives the pod, in seconds (0: at once). */
const gracePeriodOf = (pod: Obj, requested: number | undefined): number => {
  let period = requested ?? Number(pod.spec?.terminationGracePeriodSeconds ?? 0)
  if (!Number.isFinite(period)) period = 0
  if (String(pod.spec?.nodeName ?? "") === "") period = 0
  const phase = pod.status?.phase
  if (phase === "Succeeded" || phase === "Failed") period = 0
  return period < 0 ? 1 : Math.floor(period)
}

export type GracefulDelete =
  /** Not graceful: the delete goes on as any other (removed, or held by finalizers). */
  | { readonly _tag: "Immediate" }
  /** The pod, marked (or re-marked with a shorter period), to be stored; it stays Terminating. */
  | { readonly _tag: "Marked"; readonly pod: Obj }
  /** A graceful deletion is already pending and this delete does not shorten it: nothing changes. */
  | { readonly _tag: "Pending" }

/** What a delete does to a pod on a simulated cluster (the generic registry's `BeforeDelete` for pods). */
export const gracefulDelete = (
  e: EngineState,
  pod: Obj,
  requested: number | undefined,
  now: number,
  finalizers: ReadonlyArray<string>
): GracefulDelete => {
  if (!kubeletRuns(e.options.simulation, pod)) return { _tag: "Immediate" }
  const meta = pod.metadata
  if (meta.deletionTimestamp !== undefined) {
    const current = Number(meta.deletionGracePeriodSeconds ?? 0)
    if (current === 0) return { _tag: "Immediate" }
    if (requested === undefined) return { _tag: "Pending" }
    const period = requested < 0 ? 1 : Math.floor(requested)
    if (period >= current) return { _tag: "Pending" }
    if (period === 0 && finalizers.length === 0) return { _tag: "Immediate" }
    // Measured from the first delete, as the apiserver shifts the timestamp.
    const at = Date.parse(String(meta.deletionTimestamp)) - current * 1000 + period * 1000
    return {
      _tag: "Marked",
      pod: { ...pod, metadata: { ...meta, deletionTimestamp: timestamp(at), deletionGracePeriodSeconds: period } }
    }
  }
  const period = gracePeriodOf(pod, requested)
  if (period === 0) return { _tag: "Immediate" }
  const { finalizers: _, ...rest } = meta
  return {
    _tag: "Marked",
    pod: {
      ...pod,
      metadata: {
        ...rest,
        ...(finalizers.length > 0 ? { finalizers: [...finalizers] } : {}),
        deletionTimestamp: timestamp(now + period * 1000),
        deletionGracePeriodSeconds: period
      }
    }
  }
}

/**
 * A pod whose grace period is running is not removed when its last finalizer goes (the registry deletes on update
 * only at a grace period of 0): the kubelet's final delete removes it.
 */
export const awaitsKubelet = (e: EngineState, storageKey: string, obj: Obj): boolean =>
  storageKey === "/pods" && Number(obj.metadata?.deletionGracePeriodSeconds ?? 0) > 0 &&
  kubeletRuns(e.options.simulation, obj)
