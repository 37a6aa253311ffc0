/**
 * The simulated daemonset controller (`syncDaemonSet`): a ControllerRevision per template, one pod per node that
 * should run it (pinned there by node affinity; the scheduler binds it), surplus, failed and misplaced pods
 * deleted, RollingUpdate within maxUnavailable (or surging by maxSurge), OnDelete left to the user; a new node
 * gets its pod when it registers. Status as the controller writes it, history beyond `revisionHistoryLimit`
 * cleaned up.
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
  newRevision,
  nextRevision,
  ownedRevisions,
  revisionLabel,
  revisionName,
  templateOf,
  truncateHistory
} from "./controllerRevisions.js"
import {
  daemonPodFor,
  daemonSetStatus,
  isUpdated,
  nodeShouldRun,
  oldestFirst,
  targetNode,
  updatedAndOld
} from "./daemonSetPods.js"
import { sameTemplate } from "./deploymentRevisions.js"
import { recordEvent } from "./events.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { availableAt, controllerOf, controllerRef, isAvailable, isControlledBy, isReady } from "./podSets.js"
import { computeHash } from "./podTemplateHash.js"
import type { WorkQueue } from "./reconcile.js"
import { reconcileLoop } from "./reconcile.js"
import { ignoreGone } from "./replicaSets.js"
import { scaledValue } from "./rolloutMath.js"

/** Its pods, plus orphans its selector matches (adopted). */
const podsOf = (api: ClusterApi, ds: Obj) =>
  Effect.gen(function*() {
    const all = yield* api.list({ apiVersion: "v1", kind: "Pod", namespace: ds.metadata.namespace })
    const matcher = parseLabelSelector(labelSelectorToString(ds.spec?.selector))
    const out: Array<Obj> = []
    for (const pod of all) {
      if (isControlledBy(pod, ds)) out.push(pod)
      else if (
        controllerOf(pod) === undefined && !isParseError(matcher) && matcher(pod) &&
        pod.metadata.deletionTimestamp === undefined
      ) {
        const refs = (pod.metadata.ownerReferences ?? []) as Array<Obj>
        out.push(
          yield* api.update({ ...pod, metadata: { ...pod.metadata, ownerReferences: [...refs, controllerRef(ds)] } })
        )
      }
    }
    return out
  })

const byNode = (pods: ReadonlyArray<Obj>): Map<string, Array<Obj>> => {
  const out = new Map<string, Array<Obj>>()
  for (const pod of pods) {
    const node = targetNode(pod)
    if (node === undefined) continue
    out.set(node, [...(out.get(node) ?? []), pod])
  }
  return out
}

/** `constructHistory`: the revision of the current template (created, or brought to the front) and its hash. */
const syncRevisions = (api: ClusterApi, ds: Obj, revisions: ReadonlyArray<Obj>) =>
  Effect.gen(function*() {
    const matching = revisions.filter((r) => sameTemplate(templateOf(r), ds.spec?.template))
    let current = matching.at(-1)
    const number = nextRevision(revisions)
    if (current !== undefined && current !== revisions.at(-1)) current = yield* bumpRevision(api, current, number)
    if (current === undefined) {
      const collisionCount = typeof ds.status?.collisionCount === "number" ? ds.status.collisionCount : undefined
      const hash = computeHash(ds.spec?.template, collisionCount)
      const labels = { ...(ds.spec?.template?.metadata?.labels ?? {}), [revisionLabel]: hash }
      const created = yield* createRevision(
        api,
        ds,
        newRevision(ds, revisionName(ds.metadata.name, hash), labels, number)
      )
      if (created._tag === "Collision") {
        // The next hash is salted with a higher count; the sync is retried.
        yield* api.update({ ...ds, status: { ...ds.status, collisionCount: (collisionCount ?? 0) + 1 } }, {
          subresource: "status"
        })
        return yield* Effect.fail(new Error(`hash collision for ${ds.metadata.name}`))
      }
      current = created.revision
    }
    return { current, hash: String(current.metadata.labels?.[revisionLabel] ?? "") }
  })

const deletePods = (api: ClusterApi, ds: Obj, pods: ReadonlyArray<Obj>) =>
  Effect.forEach(pods, (pod) =>
    ignoreGone(Effect.zipRight(
      api.delete(
        { apiVersion: "v1", kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name },
        { preconditions: { uid: pod.metadata.uid } }
      ),
      recordEvent(api, ds, {
        reason: "SuccessfulDelete",
        message: `Deleted pod: ${pod.metadata.name}`,
        component: "daemonset-controller"
      })
    )), { discard: true })

const createPods = (api: ClusterApi, ds: Obj, nodes: ReadonlyArray<string>, hash: string) =>
  Effect.forEach(
    nodes,
    (node) =>
      Effect.flatMap(api.create(daemonPodFor(ds, node, hash)), (pod) =>
        recordEvent(api, ds, {
          reason: "SuccessfulCreate",
          message: `Created pod: ${pod.metadata.name}`,
          component: "daemonset-controller"
        })),
    { discard: true }
  )

const surge = (ds: Obj, desired: number) =>
  ds.spec?.updateStrategy?.type === "RollingUpdate"
    ? scaledValue(ds.spec.updateStrategy.rollingUpdate?.maxSurge ?? 0, desired, true)
    : 0

/** `manage` / `podsShouldBeOnNode`: pods created where missing, removed where failed, doubled or misplaced. */
const manage = (
  api: ClusterApi,
  ds: Obj,
  nodes: ReadonlyArray<Obj>,
  pods: ReadonlyArray<Obj>,
  hash: string,
  now: number
) =>
  Effect.gen(function*() {
    const onNode = byNode(pods)
    const minReady = Number(ds.spec?.minReadySeconds ?? 0)
    const surging = surge(ds, nodes.length) > 0
    const create: Array<string> = []
    const remove: Array<Obj> = []
    const known = new Set(nodes.map((n) => String(n.metadata.name)))
    for (const node of nodes) {
      const name = String(node.metadata.name)
      const { run, stay } = nodeShouldRun(ds, node)
      const here = onNode.get(name) ?? []
      if (run && here.length === 0) create.push(name)
      else if (stay) {
        const running: Array<Obj> = []
        for (const pod of here) {
          if (pod.metadata.deletionTimestamp !== undefined) continue
          const phase = pod.status?.phase
          if (phase === "Failed" || phase === "Succeeded") remove.push(pod)
          else running.push(pod)
        }
        const sorted = oldestFirst(running)
        if (!surging) remove.push(...sorted.slice(1))
        else {
          // Surging keeps an old pod beside the new one only while the old is ready and the new not yet available.
          let newest: Obj | undefined
          let oldest: Obj | undefined
          for (const pod of sorted) {
            if (isUpdated(ds, pod, hash) && newest === undefined) newest = pod
            else if (!isUpdated(ds, pod, hash) && oldest === undefined) oldest = pod
            else remove.push(pod)
          }
          if (newest !== undefined && oldest !== undefined) {
            if (!isReady(oldest) || isAvailable(newest, minReady, now)) remove.push(oldest)
          }
        }
      } else {
        remove.push(...here.filter((p) => p.metadata.deletionTimestamp === undefined))
      }
    }
    // Pods of nodes that are gone (the pod garbage collector's part for bound ones).
    for (const [name, here] of onNode) {
      if (!known.has(name)) remove.push(...here.filter((p) => p.metadata.deletionTimestamp === undefined))
    }
    yield* deletePods(api, ds, remove)
    yield* createPods(api, ds, create, hash)
  })

/** `rollingUpdate`: old pods replaced within maxUnavailable, or new ones surged beside them within maxSurge. */
const rollingUpdate = (
  api: ClusterApi,
  ds: Obj,
  nodes: ReadonlyArray<Obj>,
  pods: ReadonlyArray<Obj>,
  hash: string,
  now: number
) =>
  Effect.gen(function*() {
    const onNode = byNode(pods)
    const minReady = Number(ds.spec?.minReadySeconds ?? 0)
    const wanted = nodes.filter((n) => nodeShouldRun(ds, n).run).map((n) => String(n.metadata.name))
    const desired = wanted.length
    for (const name of wanted) if (!onNode.has(name)) onNode.set(name, [])
    const maxSurge = surge(ds, desired)
    let maxUnavailable = scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true)
    if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1
    const available = (pod: Obj) => isAvailable(pod, minReady, now)
    const names = [...onNode.keys()].sort()
    if (maxSurge === 0) {
      let unavailable = 0
      const replace: Array<Obj> = []
      const candidates: Array<Obj> = []
      for (const name of names) {
        const found = updatedAndOld(ds, onNode.get(name)!, hash)
        if (found === undefined || (found.old === undefined) === (found.updated === undefined)) {
          unavailable++
        } else if (found.updated !== undefined) {
          if (!available(found.updated)) unavailable++
        } else if (!available(found.old!)) replace.push(found.old!)
        else if (unavailable < maxUnavailable) candidates.push(found.old!)
      }
      const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length)
      yield* deletePods(api, ds, [...replace, ...candidates.slice(0, room)])
      return
    }
    const nodeByName = new Map(nodes.map((n) => [String(n.metadata.name), n]))
    let surged = 0
    const remove: Array<Obj> = []
    const allowed: Array<string> = []
    const candidates: Array<string> = []
    for (const name of names) {
      const found = updatedAndOld(ds, onNode.get(name)!, hash)
      if (found === undefined) {
        surged++
        continue
      }
      const { old, updated } = found
      if (old === undefined) continue
      const node = nodeByName.get(name)
      const fits = node !== undefined && nodeShouldRun(ds, node).run
      if (updated === undefined) {
        if (!available(old)) {
          if (!fits) remove.push(old)
          else allowed.push(name)
        } else if (fits && surged < maxSurge) candidates.push(name)
      } else if (!available(updated)) surged++
      else remove.push(old)
    }
    const room = Math.min(Math.max(0, maxSurge - surged), candidates.length)
    yield* deletePods(api, ds, remove)
    yield* createPods(api, ds, [...allowed, ...candidates.slice(0, room)], hash)
  })

const sync = (api: ClusterApi, key: string, queue: WorkQueue<string>) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const ref = { apiVersion: "apps/v1", kind: "DaemonSet", namespace, name }
    const found = yield* api.get(ref)
    if (Option.isNone(found) || found.value.metadata.deletionTimestamp !== undefined) return
    const ds = found.value
    const nodes = yield* api.list({ apiVersion: "v1", kind: "Node" })
    const { current, hash } = yield* syncRevisions(api, ds, yield* ownedRevisions(api, ds))
    const now = yield* api.now
    yield* manage(api, ds, nodes, yield* podsOf(api, ds), hash, now)
    if ((ds.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") {
      yield* rollingUpdate(api, ds, nodes, yield* podsOf(api, ds), hash, now)
    }
    const pods = yield* podsOf(api, ds)
    const live = new Set([
      String(current.metadata.name),
      ...(yield* ownedRevisions(api, ds)).filter((r) =>
        pods.some((p) => p.metadata.labels?.[revisionLabel] === r.metadata.labels?.[revisionLabel])
      ).map((r) => String(r.metadata.name))
    ])
    yield* truncateHistory(api, ds, yield* ownedRevisions(api, ds), live)
    const status = daemonSetStatus(ds, nodes, byNode(pods), hash, now)
    const latest = yield* api.get(ref)
    if (Option.isNone(latest)) return
    if (!deepEqual(status, latest.value.status)) {
      yield* api.update({ ...latest.value, status }, { subresource: "status" })
    }
    const minReady = Number(ds.spec?.minReadySeconds ?? 0)
    const next = pods.map((p) => availableAt(p, minReady, now)).filter((t): t is number => t !== undefined)
    if (next.length > 0) yield* queue.requeueAfter(key, Math.min(...next) - now + 1)
  })

export const daemonSetController: Controller = {
  name: "daemonset-controller",
  enabled: (simulation) => simulation.workloads,
  run: (api) =>
    Effect.suspend(() => {
      // Every DaemonSet looks again when a node comes, goes or changes (labels, taints, readiness).
      const daemonSets = new Set<string>()
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          const storageKey = change.resource.storageKey
          if (storageKey === "apps/daemonsets") {
            const key = keyOf(change.object)
            if (change.type === "DELETED") daemonSets.delete(key)
            else daemonSets.add(key)
            dirty(key)
          } else if (storageKey === "/nodes") {
            for (const key of daemonSets) dirty(key)
          } else if (storageKey === "/pods" || storageKey === "apps/controllerrevisions") {
            const owner = ownerKey(change.object, "DaemonSet") ?? ownerKey(change.previous ?? {}, "DaemonSet")
            if (owner !== undefined) dirty(owner)
          }
        },
        reconcile: (key, queue) => sync(api, key, queue)
      })
    })
}
