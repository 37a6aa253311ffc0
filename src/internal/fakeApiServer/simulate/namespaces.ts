/**
 * kube-controller-manager's namespace controller: a Terminating namespace has its contents deleted (objects with
 * finalizers stay until those are removed), and once nothing is left its `kubernetes` finalizer is removed through
 * the finalize subresource, which lets the apiserver drop the namespace. The apiserver's half (Terminating on
 * delete, no new content meanwhile) is in namespaceAdmission.ts.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import { refOf } from "./api.js"
import type { Controller } from "./controller.js"
import { namespaceFinalizer } from "./namespaceAdmission.js"
import { reconcileLoop } from "./reconcile.js"

interface Remaining {
  /** Instances left per resource (`pods.`, `deployments.apps`: the controller's wording). */
  readonly resources: Map<string, number>
  /** Instances left per finalizer they wait for. */
  readonly finalizers: Map<string, number>
}

/** Deletes what is left in a namespace and counts what is still there afterwards. */
const sweep = (api: ClusterApi, namespace: string) =>
  Effect.gen(function*() {
    const remaining: Remaining = { resources: new Map(), finalizers: new Map() }
    for (const resource of api.resources()) {
      if (!resource.info.namespaced || !resource.info.verbs.includes("delete")) continue
      for (const obj of yield* api.listResource(resource, namespace)) {
        if (obj.metadata.deletionTimestamp === undefined) {
          yield* api.delete(refOf(obj), { propagationPolicy: "Background", preconditions: { uid: obj.metadata.uid } })
            .pipe(Effect.catchIf((e) => e.code === 404 || e.code === 409, () => Effect.void))
        }
      }
      const left = yield* api.listResource(resource, namespace)
      if (left.length === 0) continue
      remaining.resources.set(`${resource.info.plural}.${resource.info.group}`, left.length)
      for (const obj of left) {
        for (const f of (obj.metadata.finalizers ?? []) as Array<string>) {
          remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1)
        }
      }
    }
    return remaining
  })

const listed = (counts: Map<string, number>, verb: string) =>
  [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${k} ${verb} ${n} resource instances`)
    .join(", ")

/** The conditions the namespace controller reports on a Terminating namespace, as `kubectl describe ns` shows them. */
const conditionsFor = (remaining: Remaining, time: string) => {
  const condition = (type: string, holds: boolean, reason: string, message: string) => ({
    type,
    status: holds ? "True" : "False",
    lastTransitionTime: time,
    reason,
    message
  })
  return [
    condition(
      "NamespaceDeletionDiscoveryFailure",
      false,
      "ResourcesDiscovered",
      "All resources successfully discovered"
    ),
    condition(
      "NamespaceDeletionGroupVersionParsingFailure",
      false,
      "ParsedGroupVersions",
      "All legacy kube types successfully parsed"
    ),
    condition(
      "NamespaceDeletionContentFailure",
      false,
      "ContentDeleted",
      "All content successfully deleted, may be waiting on finalization"
    ),
    remaining.resources.size > 0
      ? condition(
        "NamespaceContentRemaining",
        true,
        "SomeResourcesRemain",
        `Some resources are remaining: ${listed(remaining.resources, "has")}`
      )
      : condition("NamespaceContentRemaining", false, "ContentRemoved", "All content successfully removed"),
    remaining.finalizers.size > 0
      ? condition(
        "NamespaceFinalizersRemaining",
        true,
        "SomeFinalizersRemain",
        `Some content in the namespace has finalizers remaining: ${listed(remaining.finalizers, "in")}`
      )
      : condition(
        "NamespaceFinalizersRemaining",
        false,
        "ContentHasNoFinalizers",
        "All content-preserving finalizers finished"
      )
  ]
}

/** Writes the conditions when their status, reason or message changed (transition times of unchanged ones kept). */
const report = (api: ClusterApi, ns: Obj, remaining: Remaining) =>
  Effect.gen(function*() {
    const time = timestamp(yield* api.now)
    const before = (ns.status?.conditions ?? []) as Array<Obj>
    const next = conditionsFor(remaining, time).map((c) => {
      const old = before.find((b) => b.type === c.type)
      return old !== undefined && old.status === c.status && old.reason === c.reason && old.message === c.message
        ? old
        : c
    })
    if (JSON.stringify(next) === JSON.stringify(before)) return ns
    return yield* api.update({ ...ns, status: { ...ns.status, conditions: next } }, { subresource: "status" })
  })

const finalize = (api: ClusterApi, ns: Obj) => {
  const finalizers = (ns.spec?.finalizers ?? []) as Array<string>
  if (!finalizers.includes(namespaceFinalizer)) return Effect.void
  return api.update({
    ...ns,
    spec: { ...ns.spec, finalizers: finalizers.filter((f) => f !== namespaceFinalizer) }
  }, { subresource: "finalize" }).pipe(Effect.asVoid)
}

export const namespaceController: Controller = {
  name: "namespace-controller",
  enabled: (simulation) => simulation.namespaces,
  run: (api) =>
    Effect.suspend(() => {
      const terminating = new Set<string>()
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          const meta = change.object.metadata
          if (change.resource.storageKey === "/namespaces") {
            const name = String(meta.name)
            if (change.type !== "DELETED" && meta.deletionTimestamp !== undefined) {
              terminating.add(name)
              dirty(name)
            } else {
              terminating.delete(name)
            }
            return
          }
          // A change inside a Terminating namespace (an object gone, a finalizer removed) may let it finish.
          if (typeof meta.namespace === "string" && terminating.has(meta.namespace)) dirty(meta.namespace)
        },
        reconcile: (name) =>
          Effect.gen(function*() {
            const ns = yield* api.get({ apiVersion: "v1", kind: "Namespace", name })
            if (Option.isNone(ns) || ns.value.metadata.deletionTimestamp === undefined) return
            const remaining = yield* sweep(api, name)
            const reported = yield* report(api, ns.value, remaining)
            if (remaining.resources.size === 0) yield* finalize(api, reported)
          })
      })
    })
}
