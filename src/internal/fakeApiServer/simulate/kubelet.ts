/**
 * The kubelets of the simulated nodes: every pod bound to one of them is run through its lifecycle on the fake's
 * clock (podLifecycle.ts) and its status written as the kubelet writes it. A kubelet remembers when it got each
 * pod and which IP it gave it, as a real one does; the rest is derived from the clock.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { Controller } from "./controller.js"
import { keyOf, splitKey } from "./keys.js"
import type { Placement } from "./podLifecycle.js"
import { defaultBehavior, podStatusAt, withInitContainers } from "./podLifecycle.js"
import { reconcileLoop } from "./reconcile.js"
import { nodeIP } from "./scheduling.js"

const finished = (pod: Obj) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed"

export const kubelet: Controller = {
  name: "kubelet",
  enabled: (simulation) => simulation.pods && simulation.nodes.length > 0,
  run: (api) =>
    Effect.suspend(() => {
      const simulation = api.simulation
      const nodeIndex = new Map(simulation.nodes.map((n, i) => [n, i]))
      const placements = new Map<string, Placement>()
      const nextIP = new Map<string, number>()
      // One pending wake-up per pod and time: our own status writes come back as changes and would add more.
      const wakes = new Map<string, number>()
      const timing = {
        start: Duration.toMillis(simulation.timing.podStart),
        ready: Duration.toMillis(simulation.timing.podReady),
        run: Duration.toMillis(simulation.timing.podRun)
      }
      const placementOf = (pod: Obj, node: string, now: number): Placement => {
        const uid = String(pod.metadata.uid)
        const known = placements.get(uid)
        if (known !== undefined) return known
        const index = nodeIndex.get(node) ?? 0
        const host = (nextIP.get(node) ?? 1) + 1
        nextIP.set(node, host > 254 ? 1 : host)
        const hostNetwork = pod.spec?.hostNetwork === true
        const placement = {
          boundAt: now,
          hostIP: nodeIP(index),
          podIP: hostNetwork ? nodeIP(index) : `10.244.${index}.${host}`
        }
        placements.set(uid, placement)
        return placement
      }
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          if (change.resource.storageKey !== "/pods") return
          if (change.type === "DELETED") {
            placements.delete(String(change.object.metadata?.uid))
            wakes.delete(keyOf(change.object))
            return
          }
          const node = change.object.spec?.nodeName
          if (typeof node === "string" && nodeIndex.has(node) && !finished(change.object)) dirty(keyOf(change.object))
        },
        reconcile: (key, queue) =>
          Effect.gen(function*() {
            const { name, namespace } = splitKey(key)
            const found = yield* api.get({ apiVersion: "v1", kind: "Pod", namespace, name })
            if (Option.isNone(found)) return
            const pod = found.value
            const node = String(pod.spec?.nodeName ?? "")
            if (!nodeIndex.has(node) || finished(pod) || pod.metadata.deletionTimestamp !== undefined) return
            const now = yield* api.now
            const placement = placementOf(pod, node, now)
            const behavior = simulation.podBehavior?.(structuredClone(pod)) ?? defaultBehavior(pod)
            const next = podStatusAt(pod, placement, behavior, timing, now)
            const status = withInitContainers(pod, next.status, placement, timing)
            if (!deepEqual(status, pod.status)) {
              yield* api.update({ ...pod, status }, { subresource: "status" })
            }
            if (next.wakeAt !== undefined && wakes.get(key) !== next.wakeAt) {
              wakes.set(key, next.wakeAt)
              yield* queue.requeueAfter(key, Math.max(0, next.wakeAt - now))
            }
          }).pipe(Effect.catchIf((e) => e.code === 404, () => Effect.void))
      })
    })
}
