/**
 * The event recorder's contracts: its service interface and options.
 * Re-exported by `EventRecorder`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type { KubeObject } from "./ControllerModel.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface EventOptions {
  readonly type: "Normal" | "Warning"
  /** Why the action was taken, UpperCamelCase: `ScalingReplicaSet`. */
  readonly reason: string
  /** What was done or failed, UpperCamelCase: `Scale`. */
  readonly action: string
  /** Human-readable detail, at most 1 kB. */
  readonly note?: string | undefined
  /** A secondary object the event is about. */
  readonly related?: KubeObject | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly event: (regarding: KubeObject, options: EventOptions) => Effect.Effect<void>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** `reportingController`: the controller's name, `example.com/website-controller`. */
  readonly reportingController: string
  /** `reportingInstance`: this replica, typically the pod name. Default: `<controller>-<hostname>`. */
  readonly reportingInstance?: string | undefined
  /** Writes allowed in a burst per regarding object. Default 25. */
  readonly burst?: number | undefined
  /** Seconds per refilled token. Default 300. */
  readonly refillSeconds?: number | undefined
}
