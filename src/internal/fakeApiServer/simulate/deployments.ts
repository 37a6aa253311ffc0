/**
 * The simulated deployment controller (`syncDeployment`): adopts matching ReplicaSets, finds or creates the new
 * one (pod-template-hash, revision annotations, collision count), rolls out with RollingUpdate (maxSurge /
 * maxUnavailable) or Recreate, scales proportionally when resized mid-rollout, honours `paused`, keeps
 * `revisionHistoryLimit` old ReplicaSets for `kubectl rollout undo`, and writes status and conditions.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { isParseError, labelSelectorToString, parseLabelSelector } from "../../selectors.js"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import type { Controller } from "./controller.js"
import {
  desiredReplicasAnnotation,
  findNewReplicaSet,
  maxRevision,
  newReplicaSetAnnotations,
  replicasAnnotations,
  replicaSetFor,
  replicaSetsToCleanUp,
  revisionAnnotation,
  sameTemplate
} from "./deploymentRevisions.js"
import type { Condition } from "./deploymentStatus.js"
import {
  calculateStatus,
  conditionOf,
  hasProgressDeadline,
  isComplete,
  newReplicaSetCondition,
  rolloutStatus,
  setCondition
} from "./deploymentStatus.js"
import { recordEvent } from "./events.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { controllerOf, controllerRef, isControlledBy, phaseOf } from "./podSets.js"
import { computeHash } from "./podTemplateHash.js"
import type { WorkQueue } from "./reconcile.js"
import { reconcileLoop } from "./reconcile.js"
import { ignoreGone, ownedPods } from "./replicaSets.js"
import {
  isRollingUpdate,
  maxSurge,
  newReplicaSetReplicas,
  oldReplicaSetScaleDowns,
  proportionalSizes,
  specReplicas
} from "./rolloutMath.js"

interface Sync {
  /** The deployment as last written, with the conditions this sync decided on so far. */
  d: Obj
  rss: Array<Obj>
}

const annotationsOf = (o: Obj): Record<string, string> => (o.metadata?.annotations ?? {}) as Record<string, string>

const withCondition = (s: Sync, c: Omit<Condition, "lastUpdateTime" | "lastTransitionTime">, now: number) => {
  s.d = { ...s.d, status: { ...s.d.status, conditions: setCondition(s.d.status?.conditions ?? [], c, now) } }
}

const replace = (s: Sync, rs: Obj) => {
  s.rss = s.rss.map((r) => (r.metadata.uid === rs.metadata.uid ? rs : r))
}

/** The deployment controller's record of a ReplicaSet it resized. */
const scaled = (api: ClusterApi, d: Obj, rs: string, from: number, to: number) =>
  recordEvent(api, d, {
    reason: "ScalingReplicaSet",
    message: `Scaled ${to > from ? "up" : "down"} replica set ${rs} from ${from} to ${to}`,
    component: "deployment-controller"
  })

const scaleTo = (api: ClusterApi, s: Sync, rs: Obj, replicas: number) =>
  Effect.gen(function*() {
    const annotations = replicasAnnotations(annotationsOf(rs), specReplicas(s.d), specReplicas(s.d) + maxSurge(s.d))
    if (specReplicas(rs) === replicas && annotations === undefined) return false
    const updated = yield* api.update({
      ...rs,
      metadata: { ...rs.metadata, annotations: annotations ?? annotationsOf(rs) },
      spec: { ...rs.spec, replicas }
    })
    replace(s, updated)
    if (specReplicas(rs) !== replicas) yield* scaled(api, s.d, rs.metadata.name, specReplicas(rs), replicas)
    return specReplicas(rs) !== replicas
  })

/** `getReplicaSetsForDeployment`: owned ReplicaSets, plus orphans the selector matches (adopted). */
const replicaSetsOf = (api: ClusterApi, d: Obj) =>
  Effect.gen(function*() {
    const all = yield* api.list({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace: d.metadata.namespace })
    const matcher = parseLabelSelector(labelSelectorToString(d.spec?.selector))
    const out: Array<Obj> = []
    for (const rs of all) {
      if (isControlledBy(rs, d)) out.push(rs)
      else if (
        controllerOf(rs) === undefined && !isParseError(matcher) && matcher(rs) &&
        d.metadata.deletionTimestamp === undefined && rs.metadata.deletionTimestamp === undefined
      ) {
        const refs = (rs.metadata.ownerReferences ?? []) as Array<Obj>
        out.push(
          yield* api.update({ ...rs, metadata: { ...rs.metadata, ownerReferences: [...refs, controllerRef(d)] } })
        )
      }
    }
    return out
  })

const newAndOld = (s: Sync) => {
  const newRs = findNewReplicaSet(s.d, s.rss)
  return { newRs, olds: s.rss.filter((r) => r !== newRs) }
}

/** `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet brought to the next revision, created when asked. */
const syncRevision = (api: ClusterApi, s: Sync, create: boolean, now: number) =>
  Effect.gen(function*() {
    const { newRs, olds } = newAndOld(s)
    const revision = maxRevision(olds) + 1
    let current = newRs
    if (current !== undefined) {
      const annotations = newReplicaSetAnnotations(s.d, current, revision)
      const minReady = s.d.spec?.minReadySeconds ?? 0
      if (annotations !== undefined || (current.spec?.minReadySeconds ?? 0) !== minReady) {
        const updated: Obj = yield* api.update({
          ...current,
          metadata: { ...current.metadata, annotations: annotations ?? annotationsOf(current) },
          spec: { ...current.spec, minReadySeconds: minReady }
        })
        replace(s, updated)
        current = updated
      }
      if (conditionOf(s.d.status, "Progressing") === undefined) {
        withCondition(s, newReplicaSetCondition(current.metadata.name, false), now)
      }
    } else if (create) {
      const hash = computeHash(s.d.spec?.template, s.d.status?.collisionCount)
      const rs = replicaSetFor(s.d, hash, controllerRef(s.d))
      rs.spec.replicas = newReplicaSetReplicas(s.d, [...olds, rs], rs)
      rs.metadata.annotations = newReplicaSetAnnotations(s.d, rs, revision, {
        desired: specReplicas(s.d),
        max: specReplicas(s.d) + maxSurge(s.d)
      })
      const created = yield* api.create(rs).pipe(
        Effect.map((o) => ({ _tag: "Created" as const, rs: o })),
        Effect.catchIf((e) => e.code === 409, () =>
          Effect.map(
            api.get({
              apiVersion: "apps/v1",
              kind: "ReplicaSet",
              namespace: s.d.metadata.namespace,
              name: rs.metadata.name
            }),
            (o) => ({ _tag: "Exists" as const, rs: Option.getOrUndefined(o) })
          ))
      )
      if (created._tag === "Exists") {
        if (
          created.rs === undefined || !sameTemplate(created.rs.spec?.template, s.d.spec?.template) ||
          !isControlledBy(created.rs, s.d)
        ) {
          // A hash collision: the next hash is salted with a higher count (`collisionCount`).
          const collisionCount = (s.d.status?.collisionCount ?? 0) + 1
          yield* api.update({ ...s.d, status: { ...s.d.status, collisionCount } }, { subresource: "status" })
          return yield* Effect.fail(new Error(`hash collision for ${rs.metadata.name}`))
        }
        current = created.rs
      } else {
        current = created.rs
        withCondition(s, newReplicaSetCondition(current.metadata.name, true), now)
        const replicas = specReplicas(current)
        if (replicas > 0) yield* scaled(api, s.d, current.metadata.name, 0, replicas)
      }
      s.rss = [...s.rss.filter((r) => r.metadata.uid !== current!.metadata.uid), current]
    }
    if (current !== undefined) {
      const want = annotationsOf(current)[revisionAnnotation]
      if (want !== undefined && annotationsOf(s.d)[revisionAnnotation] !== want) {
        const { status, ...rest } = s.d
        const updated: Obj = yield* api.update({
          ...rest,
          metadata: { ...s.d.metadata, annotations: { ...annotationsOf(s.d), [revisionAnnotation]: want } }
        })
        s.d = { ...updated, status }
      }
    }
    return current
  })

const cleanUp = (api: ClusterApi, s: Sync, olds: ReadonlyArray<Obj>) =>
  Effect.forEach(
    replicaSetsToCleanUp(s.d, olds),
    (rs) =>
      ignoreGone(
        api.delete({
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          namespace: rs.metadata.namespace,
          name: rs.metadata.name
        }, {
          propagationPolicy: "Background",
          preconditions: { uid: rs.metadata.uid }
        })
      ),
    { discard: true }
  )

/** `isScalingEvent`: an active ReplicaSet was sized for another deployment size. */
const isScalingEvent = (s: Sync) =>
  s.rss.some((rs) =>
    specReplicas(rs) > 0 && annotationsOf(rs)[desiredReplicasAnnotation] !== undefined &&
    annotationsOf(rs)[desiredReplicasAnnotation] !== String(specReplicas(s.d))
  )

/** `DeploymentController.scale`. */
const scale = (api: ClusterApi, s: Sync, newRs: Obj | undefined) =>
  Effect.gen(function*() {
    const active = s.rss.filter((rs) => specReplicas(rs) > 0)
    const latest = [...s.rss].sort((a, b) =>
      String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp))
    )[0]
    const only = active.length === 0 ? newRs ?? latest : active.length === 1 ? active[0] : undefined
    if (only !== undefined) {
      yield* scaleTo(api, s, only, specReplicas(s.d))
      return
    }
    const saturated = newRs !== undefined && specReplicas(newRs) === specReplicas(s.d) &&
      (newRs.status?.availableReplicas ?? 0) === specReplicas(s.d)
    if (saturated) {
      for (const rs of s.rss) {
        if (rs !== newRs) {
          yield* scaleTo(api, s, rs, 0)
        }
      }
      return
    }
    if (!isRollingUpdate(s.d)) {
      return
    }
    const sizes = proportionalSizes(s.d, active)
    for (const rs of active) {
      yield* scaleTo(api, s, rs, sizes.get(rs.metadata.name) ?? specReplicas(rs))
    }
  })

const rolling = (api: ClusterApi, s: Sync, now: number) =>
  Effect.gen(function*() {
    const newRs = yield* syncRevision(api, s, true, now)
    if (newRs === undefined) return
    const target = newReplicaSetReplicas(s.d, s.rss, newRs)
    if (target !== specReplicas(newRs)) {
      yield* scaleTo(api, s, newRs, target)
      return
    }
    const { olds } = newAndOld(s)
    const downs = oldReplicaSetScaleDowns(s.d, s.rss, olds, s.rss.find((r) => r.metadata.uid === newRs.metadata.uid))
    if (downs.size > 0) {
      for (const rs of olds) {
        const size = downs.get(rs.metadata.name)
        if (size !== undefined) yield* scaleTo(api, s, rs, size)
      }
      return
    }
    const status = rolloutStatus(s.d, s.rss, newRs, now)
    if (isComplete(s.d, status)) yield* cleanUp(api, s, olds)
  })

const recreate = (api: ClusterApi, s: Sync, now: number) =>
  Effect.gen(function*() {
    yield* syncRevision(api, s, false, now)
    const { olds } = newAndOld(s)
    let scaled = false
    for (const rs of olds) if (specReplicas(rs) > 0) scaled = (yield* scaleTo(api, s, rs, 0)) || scaled
    if (scaled) return
    // Recreate waits until no pod of an old ReplicaSet runs any more, Terminating ones included (`oldPodsRunning`).
    for (const rs of olds) {
      if ((yield* ownedPods(api, rs)).some((p) => phaseOf(p) !== "Succeeded" && phaseOf(p) !== "Failed")) return
    }
    const newRs = yield* syncRevision(api, s, true, now)
    if (newRs === undefined) return
    if (yield* scaleTo(api, s, newRs, specReplicas(s.d))) return
    const status = rolloutStatus(s.d, s.rss, newRs, now)
    if (isComplete(s.d, status)) yield* cleanUp(api, s, newAndOld(s).olds)
  })

const pausedCondition = (s: Sync, now: number) => {
  const current = conditionOf(s.d.status, "Progressing")
  if (s.d.spec?.paused === true && current?.reason !== "DeploymentPaused") {
    withCondition(s, {
      type: "Progressing",
      status: "Unknown",
      reason: "DeploymentPaused",
      message: "Deployment is paused"
    }, now)
  } else if (s.d.spec?.paused !== true && current?.reason === "DeploymentPaused") {
    withCondition(s, {
      type: "Progressing",
      status: "Unknown",
      reason: "DeploymentResumed",
      message: "Deployment is resumed"
    }, now)
  }
}

const sync = (api: ClusterApi, key: string, queue: WorkQueue<string>) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "apps/v1", kind: "Deployment", namespace, name })
    if (Option.isNone(found)) return
    const now = yield* api.now
    const s: Sync = { d: found.value, rss: yield* replicaSetsOf(api, found.value) }
    if (s.d.metadata.deletionTimestamp === undefined) {
      pausedCondition(s, now)
      if (s.d.spec?.paused === true || isScalingEvent(s)) {
        const newRs = yield* syncRevision(api, s, false, now)
        yield* scale(api, s, newRs)
        if (
          s.d.spec?.paused !== true && newRs !== undefined && isComplete(s.d, rolloutStatus(s.d, s.rss, newRs, now))
        ) {
          yield* cleanUp(api, s, newAndOld(s).olds)
        }
      } else if (isRollingUpdate(s.d)) {
        yield* rolling(api, s, now)
      } else {
        yield* recreate(api, s, now)
      }
    }
    // Status from the ReplicaSets as they are now.
    const fresh = yield* replicaSetsOf(api, s.d)
    const newRs = findNewReplicaSet(s.d, fresh)
    // A paused deployment's status is counted only (`syncDeploymentStatus`): Progressing stays as paused left it.
    const status = s.d.spec?.paused === true || s.d.metadata.deletionTimestamp !== undefined
      ? calculateStatus(s.d, fresh, newRs, now)
      : rolloutStatus(s.d, fresh, newRs, now)
    const latest = yield* api.get({ apiVersion: "apps/v1", kind: "Deployment", namespace, name })
    if (Option.isNone(latest)) return
    if (!deepEqual(status, latest.value.status)) {
      yield* api.update({ ...latest.value, status }, { subresource: "status" })
    }
    // The progress deadline passes without any change to wake us.
    const progressing = conditionOf(status, "Progressing")
    if (hasProgressDeadline(s.d) && progressing?.status === "True" && progressing.reason !== "NewReplicaSetAvailable") {
      const since = Date.parse(progressing.lastUpdateTime ?? "")
      if (Number.isFinite(since)) {
        yield* queue.requeueAfter(key, Math.max(0, since + s.d.spec.progressDeadlineSeconds * 1000 - now) + 1000)
      }
    }
  })

export const deploymentController: Controller = {
  name: "deployment-controller",
  enabled: (simulation) => simulation.workloads,
  run: (api) =>
    Effect.suspend(() => {
      // ReplicaSet key -> its Deployment's key: a pod's change (a Terminating one gone) may let Recreate go on.
      const deploymentOf = new Map<string, string>()
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          const storageKey = change.resource.storageKey
          if (storageKey === "apps/deployments") dirty(keyOf(change.object))
          else if (storageKey === "apps/replicasets") {
            const owner = ownerKey(change.object, "Deployment") ?? ownerKey(change.previous ?? {}, "Deployment")
            if (change.type === "DELETED" || owner === undefined) deploymentOf.delete(keyOf(change.object))
            else deploymentOf.set(keyOf(change.object), owner)
            if (owner !== undefined) dirty(owner)
          } else if (
            storageKey === "/pods" && (change.type === "DELETED" || change.object.metadata?.deletionTimestamp)
          ) {
            const rs = ownerKey(change.object, "ReplicaSet")
            const owner = rs === undefined ? undefined : deploymentOf.get(rs)
            if (owner !== undefined) dirty(owner)
          }
        },
        reconcile: (key, queue) => sync(api, key, queue)
      })
    })
}
