/**
 * Controllers that keep one object in every active namespace, as kube-controller-manager's serviceaccount
 * controller (the `default` ServiceAccount) and root-ca-cert-publisher (the `kube-root-ca.crt` ConfigMap) do: the
 * object is created with each namespace, created again when it is deleted, and, where the controller owns its
 * content, put back when a user changes it. A Terminating namespace is left alone: the namespace controller is
 * emptying it, and the apiserver would refuse the create.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NS_KEY } from "../engineState.js"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import { reconcileLoop } from "./reconcile.js"

export interface NamespaceObject {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  /** What the controller writes into a new object (besides apiVersion, kind and metadata). */
  readonly content: Obj
  /** The fields of an existing object the controller owns and resets when they differ (none: it only creates). */
  readonly owned: ReadonlyArray<string>
}

const isTerminating = (ns: Obj): boolean =>
  ns.metadata?.deletionTimestamp !== undefined || ns.status?.phase === "Terminating"

/** Runs until interrupted, keeping `desired` in every active namespace. */
export const keepInEveryNamespace = (api: ClusterApi, desired: NamespaceObject): Effect.Effect<never> => {
  const storageKey = api.resource(desired.apiVersion, desired.kind)?.storageKey
  return reconcileLoop<string>(api, {
    observe: (change, dirty) => {
      const meta = change.object.metadata
      if (change.resource.storageKey === NS_KEY) {
        if (change.type !== "DELETED") dirty(String(meta?.name))
      } else if (change.resource.storageKey === storageKey && meta?.name === desired.name) {
        dirty(String(meta?.namespace))
      }
    },
    reconcile: (namespace) =>
      Effect.gen(function*() {
        const ns = yield* api.get({ apiVersion: "v1", kind: "Namespace", name: namespace })
        if (Option.isNone(ns) || isTerminating(ns.value)) return
        const ref = { apiVersion: desired.apiVersion, kind: desired.kind, namespace, name: desired.name }
        const existing = yield* api.get(ref)
        if (Option.isNone(existing)) {
          yield* api.create({
            apiVersion: desired.apiVersion,
            kind: desired.kind,
            metadata: { name: desired.name, namespace },
            ...desired.content
          })
          return
        }
        const current = existing.value
        if (desired.owned.every((field) => deepEqual(current[field], desired.content[field]))) return
        const reset: Obj = { ...current }
        for (const field of desired.owned) reset[field] = desired.content[field]
        yield* api.update(reset)
      }).pipe(
        // A namespace deleted or turning Terminating meanwhile (404, 403), or a user's concurrent write (409):
        // the change that caused it marks the namespace again.
        Effect.catchIf((e) => e.code === 404 || e.code === 403 || e.code === 409, () => Effect.void)
      )
  })
}
