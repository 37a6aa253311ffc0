/**
 * The simulated statefulset controller (`StatefulSetControl.UpdateStatefulSet`): a ControllerRevision per
 * template, pods `<set>-<ordinal>` (with their claims from volumeClaimTemplates) created in ordinal order and, for
 * OrderedReady, one at a time once the previous is Running and Ready; surplus ordinals deleted from the highest,
 * one at a time for OrderedReady; RollingUpdate replacing the highest ordinals not yet updated, down to
 * `partition`, no more than `maxUnavailable` (default 1) unavailable at a time; OnDelete leaving that to the user. Status as the controller
 * writes it, and history beyond `revisionHistoryLimit` cleaned up.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { isParseError, labelSelectorToString, parseLabelSelector } from "../../selectors.js"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import type { Controller } from "./controller.js"
import {
  bumpRevision,
  createRevision,
  hashLabel,
  newRevision,
  nextRevision,
  ownedRevisions,
  revisionData,
  revisionName,
  templateOf,
  truncateHistory
} from "./controllerRevisions.js"
import { sameTemplate } from "./deploymentRevisions.js"
import { recordEvent } from "./events.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { availableAt, controllerOf, controllerRef, isAvailable, isControlledBy } from "./podSets.js"
import { computeHash } from "./podTemplateHash.js"
import type { WorkQueue } from "./reconcile.js"
import { reconcileLoop } from "./reconcile.js"
import { ignoreGone } from "./replicaSets.js"
import { scaledValue, specReplicas } from "./rolloutMath.js"
import {
  claimsFor,
  isFinished,
  isHealthy,
  isRunningAndReady,
  isTerminating,
  ordinalOf,
  podFor,
  revisionOfPod,
  startOrdinal,
  statefulSetStatus
} from "./statefulSetPods.js"

/** `getPodsForStatefulSet`: its pods, plus orphans of its name and selector (adopted). */
const podsOf = (api: ClusterApi, set: Obj) =>
  Effect.gen(function*() {
    const all = yield* api.list({ apiVersion: "v1", kind: "Pod", namespace: set.metadata.namespace })
    const matcher = parseLabelSelector(labelSelectorToString(set.spec?.selector))
    const out: Array<Obj> = []
    for (const pod of all) {
      if (ordinalOf(set, pod) < 0) continue
      if (isControlledBy(pod, set)) out.push(pod)
      else if (
        controllerOf(pod) === undefined && !isParseError(matcher) && matcher(pod) && !isTerminating(pod) &&
        set.metadata.deletionTimestamp === undefined
      ) {
        const refs = (pod.metadata.ownerReferences ?? []) as Array<Obj>
        out.push(
          yield* api.update({ ...pod, metadata: { ...pod.metadata, ownerReferences: [...refs, controllerRef(set)] } })
        )
      }
    }
    return out
  })

/** `getStatefulSetRevisions`: the current and update revisions, the latter created or brought forward. */
const syncRevisions = (api: ClusterApi, set: Obj, revisions: ReadonlyArray<Obj>) =>
  Effect.gen(function*() {
    let collisionCount = typeof set.status?.collisionCount === "number" ? set.status.collisionCount : 0
    const number = nextRevision(revisions)
    const equal = revisions.filter((r) => sameTemplate(templateOf(r), set.spec?.template))
    let update: Obj | undefined = equal.at(-1)
    if (update !== undefined && update !== revisions.at(-1)) update = yield* bumpRevision(api, update, number)
    for (let i = 0; update === undefined && i < 10; i++) {
      const hash = computeHash(revisionData(set), collisionCount)
      const labels = { ...(set.spec?.template?.metadata?.labels ?? {}), [hashLabel]: hash }
      const created = yield* createRevision(
        api,
        set,
        newRevision(set, revisionName(set.metadata.name, hash), labels, number)
      )
      if (created._tag === "Created") update = created.revision
      else collisionCount++
    }
    if (update === undefined) return yield* Effect.fail(new Error(`no revision name left for ${set.metadata.name}`))
    const u = update
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? u
    return { current, update: u, collisionCount }
  })

const podRef = (pod: Obj) => ({
  apiVersion: "v1",
  kind: "Pod",
  namespace: pod.metadata.namespace,
  name: pod.metadata.name
})

const deletePod = (api: ClusterApi, set: Obj, pod: Obj) =>
  ignoreGone(Effect.zipRight(
    api.delete(podRef(pod), { preconditions: { uid: pod.metadata.uid } }),
    recordEvent(api, set, {
      reason: "SuccessfulDelete",
      message: `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      component: "statefulset-controller"
    })
  ))

/** `createPersistentVolumeClaims`, then the pod. */
const createPod = (api: ClusterApi, set: Obj, pod: Obj, ordinal: number) =>
  Effect.gen(function*() {
    for (const claim of claimsFor(set, ordinal)) {
      const existing = yield* api.get({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: claim.metadata.namespace,
        name: claim.metadata.name
      })
      if (Option.isNone(existing)) {
        yield* api.create(claim).pipe(Effect.catchIf((e) => e.code === 409, () => Effect.void))
      }
    }
    yield* api.create(pod).pipe(
      Effect.zipRight(recordEvent(api, set, {
        reason: "SuccessfulCreate",
        message: `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
        component: "statefulset-controller"
      })),
      Effect.catchIf((e) => e.code === 409, () => Effect.void)
    )
  })

/** A condemned pod's claims go with it when `whenScaled: Delete` (the garbage collector follows the pod). */
const releaseClaims = (api: ClusterApi, set: Obj, pod: Obj) =>
  Effect.gen(function*() {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== "Delete") return
    for (const claim of claimsFor(set, ordinalOf(set, pod))) {
      const found = yield* api.get({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: claim.metadata.namespace,
        name: claim.metadata.name
      })
      if (Option.isNone(found)) continue
      const refs = ((found.value.metadata.ownerReferences ?? []) as Array<Obj>).filter((r) =>
        r.uid !== set.metadata.uid
      )
      if (refs.some((r) => r.uid === pod.metadata.uid)) continue
      yield* ignoreGone(api.update({
        ...found.value,
        metadata: {
          ...found.value.metadata,
          ownerReferences: [...refs, { apiVersion: "v1", kind: "Pod", name: pod.metadata.name, uid: pod.metadata.uid }]
        }
      }))
    }
  })

/** The pod actions of one sync (`updateStatefulSet`); returns early where the controller waits. */
const manage = (api: ClusterApi, set: Obj, pods: ReadonlyArray<Obj>, current: Obj, update: Obj, now: number) =>
  Effect.gen(function*() {
    const start = startOrdinal(set)
    const count = specReplicas(set)
    const minReady = Number(set.spec?.minReadySeconds ?? 0)
    const replicas: Array<Obj | undefined> = Array.from({ length: count }, () => undefined)
    const condemned: Array<Obj> = []
    for (const pod of pods) {
      const ord = ordinalOf(set, pod)
      if (ord >= start && ord < start + count) replicas[ord - start] = pod
      else condemned.push(pod)
    }
    condemned.sort((a, b) => ordinalOf(set, a) - ordinalOf(set, b))
    const firstUnhealthy = replicas.find((p) => p !== undefined && !isHealthy(p)) ??
      condemned.find((p) => !isHealthy(p))
    const monotonic = set.spec?.podManagementPolicy !== "Parallel"

    for (let i = 0; i < count; i++) {
      const pod = replicas[i]
      if (pod !== undefined && isFinished(pod)) {
        // A pod that exited is replaced under the same name once it is gone.
        yield* deletePod(api, set, pod)
        if (monotonic) return
        continue
      }
      if (pod === undefined) {
        yield* createPod(api, set, podFor(set, current, update, start + i), start + i)
        if (monotonic) return
        continue
      }
      if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isAvailable(pod, minReady, now))) return
    }

    for (let target = condemned.length - 1; target >= 0; target--) {
      const pod = condemned[target]!
      if (isTerminating(pod)) {
        if (monotonic) return
        continue
      }
      if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isAvailable(pod, minReady, now))) return
      yield* releaseClaims(api, set, pod)
      yield* deletePod(api, set, pod)
      if (monotonic) return
    }

    const strategy: Obj = set.spec?.updateStrategy ?? {}
    if (strategy.type === "OnDelete") return
    // `updateStatefulSetAfterInvariantEstablished` (MaxUnavailableStatefulSet, on by default): every unavailable
    // ordinal counts against maxUnavailable; the rest of the budget replaces the highest ordinals not yet updated.
    const partition = Number(strategy.rollingUpdate?.partition ?? 0)
    const maxUnavailable = Math.max(1, scaledValue(strategy.rollingUpdate?.maxUnavailable ?? 1, count, true))
    const unavailable = replicas.filter((p) => !isHealthy(p) || !isAvailable(p!, minReady, now)).length
    let budget = maxUnavailable - unavailable
    for (let target = count - 1; target >= partition && budget > 0; target--) {
      const pod = replicas[target]
      if (pod === undefined || revisionOfPod(pod) === update.metadata.name || isTerminating(pod)) continue
      yield* deletePod(api, set, pod)
      budget--
    }
  })

const sync = (api: ClusterApi, key: string, queue: WorkQueue<string>) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const ref = { apiVersion: "apps/v1", kind: "StatefulSet", namespace, name }
    const found = yield* api.get(ref)
    if (Option.isNone(found)) return
    const set = found.value
    const revisions = yield* ownedRevisions(api, set)
    const { collisionCount, current, update } = yield* syncRevisions(api, set, revisions)
    const now = yield* api.now
    if (set.metadata.deletionTimestamp === undefined) {
      yield* manage(api, set, yield* podsOf(api, set), current, update, now)
    }
    const pods = yield* podsOf(api, set)
    const status = statefulSetStatus(set, pods, current, update, collisionCount, now)
    const latest = yield* api.get(ref)
    if (Option.isNone(latest)) return
    if (!deepEqual(status, latest.value.status)) {
      yield* api.update({ ...latest.value, status }, { subresource: "status" })
    }
    const live = new Set(
      [current.metadata.name, update.metadata.name, ...pods.map(revisionOfPod)].filter((n) => typeof n === "string")
    )
    yield* truncateHistory(api, set, yield* ownedRevisions(api, set), live)
    // Ready pods become available after minReadySeconds without any change to wake us.
    const minReady = Number(set.spec?.minReadySeconds ?? 0)
    const next = pods.map((p) => availableAt(p, minReady, now)).filter((t): t is number => t !== undefined)
    if (next.length > 0) yield* queue.requeueAfter(key, Math.min(...next) - now + 1)
  })

export const statefulSetController: Controller = {
  name: "statefulset-controller",
  enabled: (simulation) => simulation.workloads,
  run: (api) =>
    reconcileLoop<string>(api, {
      observe: (change, dirty) => {
        const storageKey = change.resource.storageKey
        if (storageKey === "apps/statefulsets") dirty(keyOf(change.object))
        else if (storageKey === "/pods" || storageKey === "apps/controllerrevisions") {
          const owner = ownerKey(change.object, "StatefulSet") ?? ownerKey(change.previous ?? {}, "StatefulSet")
          if (owner !== undefined) dirty(owner)
        }
      },
      reconcile: (key, queue) => sync(api, key, queue)
    })
}
