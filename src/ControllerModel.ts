/**
 * The controller's contracts: reconcile actions, object keys, options and metrics.
 * Re-exported by `Controller`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import type * as Informer from "./Informer.js"
import type { ResourceDef } from "./Resource.js"
import type { ObjectOf } from "./SharedInformers.js"
import type { RateLimiter } from "./WorkQueueModel.js"

// ---------------------------------------------------------------------------------------------------------------
// actions
// ---------------------------------------------------------------------------------------------------------------

/**
 * What a reconcile asks for next.
 *
 * @since 0.2.0
 * @category models
 */
export type Action = Done | RequeueAfter

/**
 * @since 0.2.0
 * @category models
 */
export interface Done {
  readonly _tag: "Done"
}

/**
 * @since 0.2.0
 * @category models
 */
export interface RequeueAfter {
  readonly _tag: "RequeueAfter"
  readonly delay: Duration.Duration
}

// ---------------------------------------------------------------------------------------------------------------
// objects and keys
// ---------------------------------------------------------------------------------------------------------------

/**
 * The part of an object a controller reads: its metadata.
 *
 * @since 0.2.0
 * @category models
 */
export interface KubeObject {
  readonly apiVersion?: string | undefined
  readonly kind?: string | undefined
  readonly metadata?:
    | {
      readonly name?: string | undefined
      readonly namespace?: string | undefined
      readonly uid?: string | undefined
      readonly generation?: number | undefined
      readonly resourceVersion?: string | undefined
      readonly labels?: { readonly [key: string]: string } | undefined
      readonly annotations?: { readonly [key: string]: string } | undefined
      readonly deletionTimestamp?: string | null | undefined
      readonly finalizers?: ReadonlyArray<string> | undefined
      readonly ownerReferences?: ReadonlyArray<OwnerReference> | undefined
    }
    | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface OwnerReference {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  readonly uid: string
  readonly controller?: boolean | undefined
  readonly blockOwnerDeletion?: boolean | undefined
}

/**
 * A primary object's identity in the queue. `namespace` is absent for cluster-scoped objects.
 *
 * @since 0.2.0
 * @category models
 */
export interface ObjectKey {
  readonly namespace?: string | undefined
  readonly name: string
}

// ---------------------------------------------------------------------------------------------------------------
// predicates
// ---------------------------------------------------------------------------------------------------------------

/**
 * Decides whether an informer event of the primary resource queues its key (controller-runtime's predicates).
 *
 * @since 0.2.0
 * @category predicates
 */
export type Predicate = (event: Informer.InformerEvent<KubeObject>) => boolean

// ---------------------------------------------------------------------------------------------------------------
// the controller
// ---------------------------------------------------------------------------------------------------------------

/**
 * What `reconcile` learns besides the object.
 *
 * @since 0.2.0
 * @category models
 */
export interface Context {
  /** The queue key: `namespace/name`, or `name`. */
  readonly key: string
  /** True when the object is gone from the cache and this is its last known state. */
  readonly deleted: boolean
  /** Failed attempts for this key since its last success. */
  readonly retries: number
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Watch<D extends ResourceDef<any, any>> {
  readonly resource: D
  /** The primary keys a change of this object concerns. */
  readonly mapTo: (object: ObjectOf<D>) => ReadonlyArray<ObjectKey>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Options<D extends ResourceDef<any, any>, E, R> {
  /** The primary resource. */
  readonly for: D
  /** Dependents whose controller ownerReference names the primary. */
  readonly owns?: ReadonlyArray<ResourceDef<any, any>> | undefined
  readonly watches?: ReadonlyArray<Watch<any>> | undefined
  readonly reconcile: (object: ObjectOf<D>, context: Context) => Effect.Effect<Action, E, R>
  /** Reconciles running at once (on different keys). Default 1. */
  readonly concurrency?: number | undefined
  /** Limit every informer to one namespace. Default: all namespaces. */
  readonly namespace?: string | undefined
  /** Filters for the primary's events; an event queues its key when every predicate passes. */
  readonly predicates?: ReadonlyArray<Predicate> | undefined
  /** Reconcile a deleted object once more with its last known state. Default true. */
  readonly reconcileDeleted?: boolean | undefined
  /** The backoff after failed reconciles. Default: `WorkQueue.defaultControllerRateLimiter()`. */
  readonly rateLimiter?: RateLimiter | undefined
  /** Names the queue, logs and metrics. Default: the primary's plural and group. */
  readonly name?: string | undefined
  /** How long in-flight reconciles may run on once the controller is interrupted. Default 30 seconds. */
  readonly gracePeriod?: Duration.DurationInput | undefined
}

/**
 * Reconcile metrics, tagged `controller=<name>` as controller-runtime names them.
 *
 * @since 0.2.0
 * @category constants
 */
export const metrics = {
  reconcileTotal: Metric.counter("controller_runtime_reconcile_total", {
    description: "Reconciles per controller and result",
    incremental: true
  }),
  reconcileErrors: Metric.counter("controller_runtime_reconcile_errors_total", {
    description: "Failed reconciles per controller",
    incremental: true
  }),
  reconcileTime: Metric.histogram(
    "controller_runtime_reconcile_time_seconds",
    MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
    "Seconds per reconcile"
  )
} as const

/**
 * @since 0.2.0
 * @category models
 */
export type Metrics = typeof metrics
