/** The shape of one simulated controller (see runner.ts for the contract it runs under). */
import type * as Effect from "effect/Effect"
import type { ClusterApi } from "./api.js"
import type { Simulation } from "./options.js"

export interface Controller {
  /** As kube-controller-manager names it (`garbage-collector-controller`), for logs. */
  readonly name: string
  readonly enabled: (simulation: Simulation) => boolean
  /** Runs until interrupted; a failure or return is logged and the controller is started again. */
  readonly run: (api: ClusterApi) => Effect.Effect<void>
}
