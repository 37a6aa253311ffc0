/**
 * The simulated kube-scheduler: binds each pending pod (no `spec.nodeName`, the default scheduler) to the fit node
 * with the fewest pods, and marks pods that fit nowhere `PodScheduled=False` (Unschedulable) with the scheduler's
 * message; those are tried again whenever a node changes.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import type { Controller } from "./controller.js"
import { recordEvent } from "./events.js"
import { keyOf, splitKey } from "./keys.js"
import { isActive } from "./podSets.js"
import { reconcileLoop } from "./reconcile.js"
import { place } from "./scheduling.js"

const isPending = (pod: Obj) =>
  (pod.spec?.nodeName ?? "") === "" && (pod.spec?.schedulerName ?? "default-scheduler") === "default-scheduler" &&
  isActive(pod)

const withScheduled = (pod: Obj, status: "True" | "False", now: number, reason?: string, message?: string): Obj => {
  const conditions = ((pod.status?.conditions ?? []) as Array<Obj>).filter((c) => c.type !== "PodScheduled")
  return {
    ...pod,
    status: {
      ...pod.status,
      conditions: [...conditions, {
        type: "PodScheduled",
        status,
        lastProbeTime: null,
        lastTransitionTime: timestamp(now),
        ...(reason !== undefined ? { reason, message } : {})
      }]
    }
  }
}

const schedule = (api: ClusterApi, key: string) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "v1", kind: "Pod", namespace, name })
    if (Option.isNone(found) || !isPending(found.value)) return
    const pod = found.value
    const nodes = yield* api.list({ apiVersion: "v1", kind: "Node" })
    const counts = new Map<string, number>()
    for (const p of yield* api.list({ apiVersion: "v1", kind: "Pod" })) {
      const n = p.spec?.nodeName
      if (typeof n === "string" && n !== "" && isActive(p)) counts.set(n, (counts.get(n) ?? 0) + 1)
    }
    const placement = place(pod, nodes, (n) => counts.get(n) ?? 0)
    const now = yield* api.now
    if (placement._tag === "Unschedulable") {
      const current = ((pod.status?.conditions ?? []) as Array<Obj>).find((c) => c.type === "PodScheduled")
      if (current?.status === "False" && current.message === placement.message) return
      yield* api.update(withScheduled(pod, "False", now, "Unschedulable", placement.message), {
        subresource: "status"
      })
      return
    }
    // The binding subresource's effect: the node name, then PodScheduled as the apiserver records it.
    const bound = yield* api.update({ ...pod, spec: { ...pod.spec, nodeName: placement.node } })
    yield* api.update(withScheduled(bound, "True", now), { subresource: "status" })
    yield* recordEvent(api, bound, {
      reason: "Scheduled",
      message: `Successfully assigned ${namespace}/${name} to ${placement.node}`,
      component: "default-scheduler"
    })
  }).pipe(Effect.catchIf((e) => e.code === 404, () => Effect.void))

export const scheduler: Controller = {
  name: "default-scheduler",
  enabled: (simulation) => simulation.pods,
  run: (api) =>
    Effect.suspend(() => {
      const unschedulable = new Set<string>()
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          const storageKey = change.resource.storageKey
          if (storageKey === "/nodes") {
            for (const k of unschedulable) dirty(k)
            unschedulable.clear()
            return
          }
          if (storageKey !== "/pods") return
          const key = keyOf(change.object)
          if (change.type !== "DELETED" && isPending(change.object)) {
            unschedulable.add(key)
            dirty(key)
          } else {
            unschedulable.delete(key)
          }
        },
        reconcile: (key) => schedule(api, key)
      })
    })
}
