/**
 * The simulated nodes: each registers itself Ready as a kubelet would, and registers again if it is deleted.
 * Cordons (`spec.unschedulable`), taints and labels set by users are kept.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { timestamp } from "../objects.js"
import type { Controller } from "./controller.js"
import { reconcileLoop } from "./reconcile.js"
import { simulatedNode } from "./scheduling.js"

export const nodeController: Controller = {
  name: "node-registration",
  enabled: (simulation) => simulation.nodes.length > 0,
  run: (api) =>
    Effect.suspend(() => {
      const names = api.simulation.nodes
      const index = new Map(names.map((n, i) => [n, i]))
      let started = false
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          if (!started) {
            started = true
            for (const n of names) dirty(n)
          }
          if (change.resource.storageKey === "/nodes" && change.type === "DELETED") {
            const name = String(change.object.metadata?.name)
            if (index.has(name)) dirty(name)
          }
        },
        reconcile: (name) =>
          Effect.gen(function*() {
            const existing = yield* api.get({ apiVersion: "v1", kind: "Node", name })
            if (Option.isSome(existing)) return
            const now = yield* api.now
            yield* api.create(simulatedNode(name, index.get(name) ?? 0, timestamp(now))).pipe(
              Effect.catchIf((e) => e.code === 409, () => Effect.void)
            )
          })
      })
    })
}
