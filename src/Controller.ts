/**
 * Controllers: a reconcile function per object, run from a work queue fed by shared informers (controller-runtime's
 * `Builder` / kube-runtime's `Controller`).
 *
 * - `for`: the primary resource. Its changes (filtered by `predicates`) queue its key.
 * - `owns`: resources the primary creates. A change to one with an ownerReference `controller: true` naming the
 *   primary's group and kind queues the owner.
 * - `watches`: any other resource, mapped to primary keys by `mapTo`.
 * - `reconcile(object, context)` always receives the latest cached object, read when its key is taken; it returns
 *   `Controller.done` or `Controller.requeueAfter(d)`. A failure (your typed error) is logged and the key retried
 *   after the rate limiter's backoff (client-go's default controller limiter unless `rateLimiter` replaces it);
 *   success resets the backoff.
 * - A deleted object is reconciled once more with its last known state (`context.deleted` is true), unless
 *   `reconcileDeleted: false`.
 * - Nothing is reconciled before every informer has synced; one key is never reconciled by two fibers at once.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Controller from "effect-kube/Controller"
 * import { DeploymentResource } from "effect-kube/api/apps/v1"
 * import { ConfigMapResource } from "effect-kube/api/core/v1"
 *
 * const run = Controller.make({
 *   for: ConfigMapResource,
 *   owns: [DeploymentResource],
 *   reconcile: (cm) => Effect.log(`reconcile ${cm.metadata?.name}`).pipe(Effect.as(Controller.done)),
 *   concurrency: 4
 * })
 * ```
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import type * as Informer from "./Informer.js"
import * as internal from "./internal/controller/controller.js"
import type { ResourceDef } from "./Resource.js"
import type { ObjectOf, SharedInformers } from "./SharedInformers.js"
import type * as Watcher from "./Watcher.js"
import type { RateLimiter } from "./WorkQueue.js"

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

/**
 * Nothing more to do until something changes (kube-rs `Action::await_change`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const done: Action = Data.struct({ _tag: "Done" as const })

/**
 * Reconcile again after `delay` (kube-rs `Action::requeue`, controller-runtime `Result{RequeueAfter}`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const requeueAfter = (delay: Duration.DurationInput): Action =>
  Data.struct({ _tag: "RequeueAfter" as const, delay: Duration.decode(delay) })

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

/**
 * client-go's `MetaNamespaceKeyFunc`: `namespace/name`, or `name` for cluster-scoped objects.
 *
 * @since 0.2.0
 * @category utils
 */
export const keyOf = (key: ObjectKey): string =>
  key.namespace === undefined || key.namespace === "" ? key.name : `${key.namespace}/${key.name}`

/**
 * The ownerReference with `controller: true` that makes `owner` (an object of a given group and kind) the
 * controller of a dependent, as `metav1.NewControllerRef` builds it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const controllerReference = (
  owner: KubeObject,
  def: { readonly group: string; readonly version: string; readonly kind: string }
): OwnerReference & { readonly controller: boolean; readonly blockOwnerDeletion: boolean } => ({
  apiVersion: def.group === "" ? def.version : `${def.group}/${def.version}`,
  kind: def.kind,
  name: owner.metadata?.name ?? "",
  uid: owner.metadata?.uid ?? "",
  controller: true,
  blockOwnerDeletion: true
})

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

/**
 * Updates pass only when `metadata.generation` changed (spec changes; status-only writes are dropped). Adds and
 * deletes pass. controller-runtime's `GenerationChangedPredicate`.
 *
 * @since 0.2.0
 * @category predicates
 */
export const generationChanged: Predicate = (event) =>
  event._tag !== "Updated" || event.old.metadata?.generation !== event.object.metadata?.generation

const sameRecord = (
  a: { readonly [k: string]: string } | undefined,
  b: { readonly [k: string]: string } | undefined
) => {
  const ka = Object.keys(a ?? {})
  const kb = Object.keys(b ?? {})
  return ka.length === kb.length && ka.every((k) => (a ?? {})[k] === (b ?? {})[k])
}

/**
 * Updates pass only when labels changed. controller-runtime's `LabelChangedPredicate`.
 *
 * @since 0.2.0
 * @category predicates
 */
export const labelsChanged: Predicate = (event) =>
  event._tag !== "Updated" || !sameRecord(event.old.metadata?.labels, event.object.metadata?.labels)

/**
 * Updates pass only when annotations changed. controller-runtime's `AnnotationChangedPredicate`.
 *
 * @since 0.2.0
 * @category predicates
 */
export const annotationsChanged: Predicate = (event) =>
  event._tag !== "Updated" || !sameRecord(event.old.metadata?.annotations, event.object.metadata?.annotations)

/**
 * Passes when any of the predicates passes (`predicate.Or`).
 *
 * @since 0.2.0
 * @category predicates
 */
export const or = (...predicates: ReadonlyArray<Predicate>): Predicate => (event) => predicates.some((p) => p(event))

/**
 * Passes when every predicate passes (`predicate.And`).
 *
 * @since 0.2.0
 * @category predicates
 */
export const and = (...predicates: ReadonlyArray<Predicate>): Predicate => (event) => predicates.every((p) => p(event))

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
 * Runs the controller until interrupted. Fails only if an informer stops on an error it cannot recover from.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <D extends ResourceDef<any, any>, E, R>(
  options: Options<D, E, R>
): Effect.Effect<never, Watcher.WatcherError, R | SharedInformers> => internal.make(options, metrics)

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
