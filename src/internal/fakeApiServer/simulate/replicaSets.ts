/**
 * The simulated replicaset controller: keeps `spec.replicas` active pods made from the template (named
 * `<replicaset>-<suffix>`, controlled by the ReplicaSet), deletes the surplus in the controller's order, and writes
 * the status counts (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi, SimulatedApiError } from "./api.js"
import type { Controller } from "./controller.js"
import { recordEvent } from "./events.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { availableAt, deletionOrder, isActive, isControlledBy, podFromTemplate, replicaSetStatus } from "./podSets.js"
import { reconcileLoop } from "./reconcile.js"
import type { WorkQueue } from "./reconcile.js"
import { specReplicas } from "./rolloutMath.js"

/** client-go's burstReplicas: no more pods than this per sync. */
const burst = 500

/** A delete that lost a race (already gone, or replaced under the same name) has nothing left to do. */
export const ignoreGone = <A, R>(self: Effect.Effect<A, SimulatedApiError, R>) =>
  Effect.catchIf(self, (e) => e.code === 404 || e.code === 409, () => Effect.void)

export const ownedPods = (api: ClusterApi, owner: Obj) =>
  Effect.map(
    api.list({ apiVersion: "v1", kind: "Pod", namespace: owner.metadata.namespace }),
    (pods) => pods.filter((p) => isControlledBy(p, owner))
  )

const sync = (api: ClusterApi, key: string, queue: WorkQueue<string>) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace, name })
    if (Option.isNone(found)) return
    const rs = found.value
    const active = (yield* ownedPods(api, rs)).filter(isActive)
    if (rs.metadata.deletionTimestamp === undefined) {
      const diff = active.length - specReplicas(rs)
      if (diff < 0) {
        for (let i = 0; i < Math.min(-diff, burst); i++) {
          const pod = yield* api.create(podFromTemplate(rs.spec?.template, rs, { generateName: `${name}-` }))
          yield* recordEvent(api, rs, {
            reason: "SuccessfulCreate",
            message: `Created pod: ${pod.metadata.name}`,
            component: "replicaset-controller"
          })
        }
      } else if (diff > 0) {
        for (const pod of deletionOrder(active).slice(0, Math.min(diff, burst))) {
          yield* api.delete(
            { apiVersion: "v1", kind: "Pod", namespace, name: pod.metadata.name },
            { preconditions: { uid: pod.metadata.uid } }
          ).pipe(
            Effect.zipRight(recordEvent(api, rs, {
              reason: "SuccessfulDelete",
              message: `Deleted pod: ${pod.metadata.name}`,
              component: "replicaset-controller"
            })),
            ignoreGone
          )
        }
      }
    }
    const now = yield* api.now
    const pods = (yield* ownedPods(api, rs)).filter(isActive)
    const status = replicaSetStatus(rs, pods, now)
    if (!deepEqual(status, rs.status)) {
      const latest = yield* api.get({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace, name })
      if (Option.isSome(latest)) yield* api.update({ ...latest.value, status }, { subresource: "status" })
    }
    // Ready pods become available after minReadySeconds without any change to wake us.
    const minReady = Number(rs.spec?.minReadySeconds ?? 0)
    const next = pods.map((p) => availableAt(p, minReady, now)).filter((t): t is number => t !== undefined)
    if (next.length > 0) yield* queue.requeueAfter(key, Math.min(...next) - now + 1)
  })

export const replicaSetController: Controller = {
  name: "replicaset-controller",
  enabled: (simulation) => simulation.workloads,
  run: (api) =>
    reconcileLoop<string>(api, {
      observe: (change, dirty) => {
        const storageKey = change.resource.storageKey
        if (storageKey === "apps/replicasets") dirty(keyOf(change.object))
        else if (storageKey === "/pods") {
          const owner = ownerKey(change.object, "ReplicaSet") ?? ownerKey(change.previous ?? {}, "ReplicaSet")
          if (owner !== undefined) dirty(owner)
        }
      },
      reconcile: (key, queue) => sync(api, key, queue)
    })
}
