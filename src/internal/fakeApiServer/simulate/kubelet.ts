/**
 * The kubelets of the simulated nodes: every pod bound to one of them is run through its lifecycle on the fake's
 * clock (podLifecycle.ts) and its status written as the kubelet writes it. A kubelet remembers when it got each
 * pod and which IP it gave it, as a real one does; the rest is derived from the clock. A pod deleted gracefully
 * is stopped (podTermination.ts) and then deleted for good with a grace period of 0, as the kubelet does.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import { refOf } from "./api.js"
import type { Controller } from "./controller.js"
import { recordEvent } from "./events.js"
import { keyOf, splitKey } from "./keys.js"
import type { Placement } from "./podLifecycle.js"
import { defaultBehavior, podStatusAt, timingOf, withInitContainers } from "./podLifecycle.js"
import { stoppedStatus } from "./podTermination.js"
import { reconcileLoop } from "./reconcile.js"
import type { WorkQueue } from "./reconcile.js"
import { nodeIP } from "./scheduling.js"

const finished = (pod: Obj) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed"

const containersOf = (pod: Obj): Array<Obj> => (pod.spec?.containers ?? []) as Array<Obj>

const startedAt = (status: Obj | undefined, container: string): unknown =>
  ((status?.containerStatuses ?? []) as Array<Obj>).find((c) => c.name === container)?.state?.running?.startedAt

/** One of the kubelet's events about a container of a pod on its node. */
const containerEvent = (api: ClusterApi, pod: Obj, container: string, reason: string, message: string) =>
  recordEvent(api, pod, {
    reason,
    message,
    component: "kubelet",
    host: String(pod.spec?.nodeName ?? ""),
    fieldPath: `spec.containers{${container}}`
  })

/** The kubelet's events for containers this status write starts (again, after a restart). */
const containerStarts = (api: ClusterApi, pod: Obj, before: Obj | undefined, after: Obj) =>
  Effect.forEach(containersOf(pod), (container) => {
    const name = String(container.name)
    const at = startedAt(after, name)
    if (at === undefined || at === startedAt(before, name)) return Effect.void
    return Effect.all([
      containerEvent(
        api,
        pod,
        name,
        "Pulled",
        `Container image ${JSON.stringify(container.image)} already present on machine`
      ),
      containerEvent(api, pod, name, "Created", `Created container: ${name}`),
      containerEvent(api, pod, name, "Started", `Started container ${name}`)
    ], { discard: true })
  }, { discard: true })

/** The kubelet's Killing events when it starts stopping a pod's running containers. */
const containerStops = (api: ClusterApi, pod: Obj) =>
  Effect.forEach(containersOf(pod), (container) => {
    const name = String(container.name)
    return startedAt(pod.status, name) === undefined
      ? Effect.void
      : containerEvent(api, pod, name, "Killing", `Stopping container ${name}`)
  }, { discard: true })

export const kubelet: Controller = {
  name: "kubelet",
  enabled: (simulation) => simulation.pods && simulation.nodes.length > 0,
  run: (api) =>
    Effect.suspend(() => {
      const simulation = api.simulation
      const nodeIndex = new Map(simulation.nodes.map((n, i) => [n, i]))
      const placements = new Map<string, Placement>()
      // When the kubelet saw each pod's graceful delete: it stops the pod a short while after (podTerminate).
      const stopping = new Map<string, number>()
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
      const terminate = Duration.toMillis(simulation.timing.podTerminate)
      /** A graceful delete: containers stopped after the shorter of the grace period and podTerminate, then gone. */
      const stop = (pod: Obj, key: string, now: number, queue: WorkQueue<string>) =>
        Effect.gen(function*() {
          const uid = String(pod.metadata.uid)
          if (!stopping.has(uid)) yield* containerStops(api, pod)
          const since = stopping.get(uid) ?? now
          stopping.set(uid, since)
          const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000
          const at = since + Math.min(grace, terminate)
          if (now < at) {
            if (wakes.get(key) !== at) {
              wakes.set(key, at)
              yield* queue.requeueAfter(key, at - now)
            }
            return
          }
          const status = stoppedStatus(pod, now)
          if (!deepEqual(status, pod.status)) yield* api.update({ ...pod, status }, { subresource: "status" })
          yield* api.delete(refOf(pod), { gracePeriodSeconds: 0, preconditions: { uid } }).pipe(
            Effect.catchIf((e) => e.code === 409, () => Effect.void)
          )
        })
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          if (change.resource.storageKey !== "/pods") return
          if (change.type === "DELETED") {
            placements.delete(String(change.object.metadata?.uid))
            stopping.delete(String(change.object.metadata?.uid))
            wakes.delete(keyOf(change.object))
            return
          }
          const node = change.object.spec?.nodeName
          const deleting = change.object.metadata?.deletionTimestamp !== undefined
          if (typeof node === "string" && nodeIndex.has(node) && (!finished(change.object) || deleting)) {
            dirty(keyOf(change.object))
          }
        },
        reconcile: (key, queue) =>
          Effect.gen(function*() {
            const { name, namespace } = splitKey(key)
            const found = yield* api.get({ apiVersion: "v1", kind: "Pod", namespace, name })
            if (Option.isNone(found)) return
            const pod = found.value
            const node = String(pod.spec?.nodeName ?? "")
            if (!nodeIndex.has(node)) return
            const now = yield* api.now
            if (pod.metadata.deletionTimestamp !== undefined) return yield* stop(pod, key, now, queue)
            if (finished(pod)) return
            const placement = placementOf(pod, node, now)
            const behavior = simulation.podBehavior?.(structuredClone(pod)) ?? defaultBehavior(pod)
            const podTiming = timingOf(pod, timing)
            const next = podStatusAt(pod, placement, behavior, podTiming, now)
            const status = withInitContainers(pod, next.status, placement, podTiming)
            if (!deepEqual(status, pod.status)) {
              yield* api.update({ ...pod, status }, { subresource: "status" })
              yield* containerStarts(api, pod, pod.status, status)
            }
            if (next.wakeAt !== undefined && wakes.get(key) !== next.wakeAt) {
              wakes.set(key, next.wakeAt)
              yield* queue.requeueAfter(key, Math.max(0, next.wakeAt - now))
            }
          }).pipe(Effect.catchIf((e) => e.code === 404, () => Effect.void))
      })
    })
}
