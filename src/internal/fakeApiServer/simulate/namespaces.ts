/**
 * kube-controller-manager's namespace controller: a Terminating namespace has its contents deleted (objects with
 * finalizers stay until those are removed), and once nothing is left its `kubernetes` finalizer is removed through
 * the finalize subresource, which lets the apiserver drop the namespace. The apiserver's half (Terminating on
 * delete, no new content meanwhile) is in namespaceAdmission.ts.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import { refOf } from "./api.js"
import type { Controller } from "./controller.js"
import { namespaceFinalizer } from "./namespaceAdmission.js"
import { reconcileLoop } from "./reconcile.js"

/** Deletes what is left in a namespace; true when nothing is left. */
const sweep = (api: ClusterApi, namespace: string) =>
  Effect.gen(function*() {
    let remaining = 0
    for (const resource of api.resources()) {
      if (!resource.info.namespaced || !resource.info.verbs.includes("delete")) continue
      for (const obj of yield* api.listResource(resource, namespace)) {
        if (obj.metadata.deletionTimestamp === undefined) {
          yield* api.delete(refOf(obj), { propagationPolicy: "Background", preconditions: { uid: obj.metadata.uid } })
            .pipe(Effect.catchIf((e) => e.code === 404 || e.code === 409, () => Effect.void))
        }
      }
      remaining += (yield* api.listResource(resource, namespace)).length
    }
    return remaining === 0
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
            if (yield* sweep(api, name)) yield* finalize(api, ns.value)
          })
      })
    })
}
