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
import {
  type Action,
  type KubeObject,
  metrics,
  type ObjectKey,
  type Options,
  type OwnerReference,
  type Predicate
} from "./ControllerModel.js"
import * as internal from "./internal/controller/controller.js"
import type { ResourceDef } from "./Resource.js"
import type { SharedInformers } from "./SharedInformers.js"
import type * as Watcher from "./Watcher.js"

export type {
  Action,
  Context,
  Done,
  KubeObject,
  Metrics,
  ObjectKey,
  Options,
  OwnerReference,
  Predicate,
  RequeueAfter,
  Watch
} from "./ControllerModel.js"
export { metrics } from "./ControllerModel.js"

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

/**
 * Runs the controller until interrupted. Fails only if an informer stops on an error it cannot recover from.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <D extends ResourceDef<any, any>, E, R>(
  options: Options<D, E, R>
): Effect.Effect<never, Watcher.WatcherError, R | SharedInformers> => internal.make(options, metrics)
