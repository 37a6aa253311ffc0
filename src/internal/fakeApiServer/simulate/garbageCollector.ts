/**
 * kube-controller-manager's garbage collector: a graph of owners and dependents (by uid) kept from the change
 * stream, and the same three decisions per object. A dependent whose owners are all gone is deleted; a dependent
 * with a live owner loses only its dangling references; an owner deleted with `foregroundDeletion` waits for its
 * dependents that set `blockOwnerDeletion`, one deleted with `orphan` first strips its references from its
 * dependents. The apiserver's side (policies to finalizers) is in propagation.ts.
 */
import * as Effect from "effect/Effect"
import type { Obj } from "../types.js"
import type { Change, ClusterApi, ObjectRef } from "./api.js"
import type { Controller } from "./controller.js"
import { foregroundFinalizer, orphanFinalizer } from "./propagation.js"
import { reconcileLoop } from "./reconcile.js"

interface OwnerReference {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  readonly uid: string
  readonly blockOwnerDeletion: boolean
}

interface Node {
  readonly uid: string
  readonly ref: ObjectRef
  readonly namespaced: boolean
  readonly owners: ReadonlyArray<OwnerReference>
  readonly finalizers: ReadonlyArray<string>
  readonly deleting: boolean
  readonly resourceVersion: string
  readonly object: Obj
}

const ownersOf = (obj: Obj): ReadonlyArray<OwnerReference> => {
  const refs = obj.metadata?.ownerReferences
  if (!Array.isArray(refs)) return []
  return refs.filter((r): r is Obj => typeof r === "object" && r !== null && typeof r.uid === "string").map((r) => ({
    apiVersion: String(r.apiVersion ?? ""),
    kind: String(r.kind ?? ""),
    name: String(r.name ?? ""),
    uid: r.uid,
    blockOwnerDeletion: r.blockOwnerDeletion === true
  }))
}

/** Owners and dependents by uid, as the graph builder of the real collector keeps them. */
class Graph {
  readonly nodes = new Map<string, Node>()
  readonly dependents = new Map<string, Set<string>>()
  observe(change: Change, dirty: (uid: string) => void) {
    const uid = change.object.metadata?.uid
    if (typeof uid !== "string") return
    const before = this.nodes.get(uid)
    for (const owner of before?.owners ?? []) this.dependents.get(owner.uid)?.delete(uid)
    if (change.type === "DELETED") {
      this.nodes.delete(uid)
    } else {
      const obj = change.object
      const node: Node = {
        uid,
        ref: {
          apiVersion: String(obj.apiVersion),
          kind: String(obj.kind),
          namespace: change.resource.info.namespaced ? String(obj.metadata.namespace) : undefined,
          name: String(obj.metadata.name)
        },
        namespaced: change.resource.info.namespaced,
        owners: ownersOf(obj),
        finalizers: Array.isArray(obj.metadata.finalizers) ? obj.metadata.finalizers : [],
        deleting: obj.metadata.deletionTimestamp !== undefined,
        resourceVersion: String(obj.metadata.resourceVersion),
        object: obj
      }
      this.nodes.set(uid, node)
      for (const owner of node.owners) {
        let set = this.dependents.get(owner.uid)
        if (set === undefined) this.dependents.set(owner.uid, set = new Set())
        set.add(uid)
      }
    }
    // What may have to act now: the object, its owners (one may wait for it) and its dependents.
    dirty(uid)
    for (const owner of before?.owners ?? []) dirty(owner.uid)
    for (const owner of this.nodes.get(uid)?.owners ?? []) dirty(owner.uid)
    for (const dependent of this.dependents.get(uid) ?? []) dirty(dependent)
  }

  dependentsOf(uid: string): ReadonlyArray<Node> {
    const out: Array<Node> = []
    for (const d of this.dependents.get(uid) ?? []) {
      const node = this.nodes.get(d)
      if (node !== undefined) out.push(node)
    }
    return out
  }
}

const deletingDependents = (node: Node) => node.deleting && node.finalizers.includes(foregroundFinalizer)

type Verdict = "solid" | "dangling" | "waiting"

const classify = (api: ClusterApi, graph: Graph, node: Node, owner: OwnerReference): Verdict => {
  const found = graph.nodes.get(owner.uid)
  if (found === undefined) {
    // An owner of a kind nobody serves cannot be looked up; the real collector retries rather than deletes.
    return api.resource(owner.apiVersion, owner.kind) === undefined ? "solid" : "dangling"
  }
  // Owners are looked up in the dependent's namespace: a reference across namespaces points at nothing.
  if (found.namespaced && (!node.namespaced || found.ref.namespace !== node.ref.namespace)) return "dangling"
  return deletingDependents(found) ? "waiting" : "solid"
}

const ignoreGone = <A>(effect: Effect.Effect<A, { readonly code: number }>) =>
  Effect.catchIf(effect, (e) => e.code === 404, () => Effect.void)

const removeFinalizer = (api: ClusterApi, node: Node, finalizer: string) =>
  ignoreGone(api.patch(node.ref, {
    metadata: {
      finalizers: node.finalizers.filter((f) => f !== finalizer),
      resourceVersion: node.resourceVersion
    }
  }))

const withoutOwners = (api: ClusterApi, node: Node, uids: ReadonlySet<string>) => {
  const refs = (node.object.metadata.ownerReferences as Array<Obj>).filter((r) => !uids.has(r.uid))
  return ignoreGone(api.patch(node.ref, {
    metadata: { ownerReferences: refs.length === 0 ? null : refs, resourceVersion: node.resourceVersion }
  }))
}

/** One object's turn: the decision the real collector's attemptToDelete / orphan / deleting-dependents workers make. */
const process = (api: ClusterApi, graph: Graph, node: Node) =>
  Effect.gen(function*() {
    if (node.deleting) {
      if (node.finalizers.includes(orphanFinalizer)) {
        for (const dependent of graph.dependentsOf(node.uid)) {
          yield* withoutOwners(api, dependent, new Set([node.uid]))
        }
        return yield* removeFinalizer(api, node, orphanFinalizer)
      }
      if (node.finalizers.includes(foregroundFinalizer)) {
        const dependents = graph.dependentsOf(node.uid)
        const blocking = dependents.filter((d) => d.owners.some((o) => o.uid === node.uid && o.blockOwnerDeletion))
        if (blocking.length === 0) return yield* removeFinalizer(api, node, foregroundFinalizer)
        for (const dependent of dependents) if (!dependent.deleting) yield* attemptToDelete(api, graph, dependent)
      }
      return
    }
    if (node.owners.length > 0) yield* attemptToDelete(api, graph, node)
  })

const attemptToDelete = (api: ClusterApi, graph: Graph, node: Node) =>
  Effect.gen(function*() {
    if (node.deleting) return
    const verdicts = node.owners.map((o) => [o, classify(api, graph, node, o)] as const)
    const solid = verdicts.some(([, v]) => v === "solid")
    const waiting = verdicts.some(([, v]) => v === "waiting")
    if (solid) {
      const stale = new Set(verdicts.filter(([, v]) => v !== "solid").map(([o]) => o.uid))
      if (stale.size > 0) yield* withoutOwners(api, node, stale)
      return
    }
    const policy = waiting && graph.dependentsOf(node.uid).length > 0
      ? "Foreground"
      : node.finalizers.includes(orphanFinalizer)
      ? "Orphan"
      : node.finalizers.includes(foregroundFinalizer)
      ? "Foreground"
      : "Background"
    yield* ignoreGone(api.delete(node.ref, {
      propagationPolicy: policy,
      preconditions: { uid: node.uid }
    }))
  })

export const garbageCollector: Controller = {
  name: "garbage-collector-controller",
  enabled: (simulation) => simulation.garbageCollector,
  run: (api) =>
    Effect.suspend(() => {
      const graph = new Graph()
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => graph.observe(change, dirty),
        reconcile: (uid) => {
          const node = graph.nodes.get(uid)
          return node === undefined ? Effect.void : process(api, graph, node)
        }
      })
    })
}
