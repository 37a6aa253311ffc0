/**
 * Finalizers with kube-rs `runtime::finalizer` semantics: cleanup that must run before an object may go away.
 *
 * `Finalizer.apply(client, name, object, { apply, cleanup })`:
 * - object not being deleted, finalizer missing: adds the finalizer and returns `Controller.done`; the write
 *   triggers the next reconcile, which then runs `apply`. So `apply` never runs on an object whose deletion could
 *   skip `cleanup`.
 * - object not being deleted, finalizer present: runs `apply`.
 * - object being deleted (`deletionTimestamp` set), finalizer present: runs `cleanup`, then removes the finalizer.
 * - object being deleted, finalizer already gone: nothing to do.
 *
 * `cleanup` should be idempotent, as in kube-rs: a reconcile that reads a cache not yet updated after the
 * finalizer's removal may run it again (the removal then finds the object gone and succeeds).
 *
 * Both writes are JSON patches guarded by a `test` operation on the finalizer list as it was read, so a concurrent
 * change to the list fails the patch (422 Invalid, retried by the controller's backoff) instead of being
 * overwritten.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Action, KubeObject } from "./Controller.js"
import type * as ResourceClient from "./ResourceClient.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Handlers<A, E1, R1, E2, R2> {
  readonly apply: (object: A) => Effect.Effect<Action, E1, R1>
  readonly cleanup: (object: A) => Effect.Effect<Action, E2, R2>
}

/**
 * @since 0.2.0
 * @category combinators
 */
export const apply = <A extends KubeObject, E1, R1, E2, R2>(
  client: ResourceClient.Patcher<A>,
  name: string,
  object: A,
  handlers: Handlers<A, E1, R1, E2, R2>
): Effect.Effect<Action, E1 | E2 | ResourceClient.PatchError, R1 | R2> =>
  Effect.suspend((): Effect.Effect<Action, E1 | E2 | ResourceClient.PatchError, R1 | R2> => {
    const objectName = object.metadata?.name ?? ""
    const finalizers = object.metadata?.finalizers ?? []
    const at = finalizers.indexOf(name)
    const deleting = object.metadata?.deletionTimestamp != null
    if (!deleting) {
      if (at >= 0) return handlers.apply(object)
      const patch: ReadonlyArray<ResourceClient.JsonPatchOperation> = finalizers.length === 0
        ? [
          // an absent list tests equal to null, as the apiserver's JSON patch library does
          { op: "test", path: "/metadata/finalizers", value: object.metadata?.finalizers === undefined ? null : [] },
          { op: "add", path: "/metadata/finalizers", value: [name] }
        ]
        : [
          { op: "test", path: "/metadata/finalizers", value: finalizers },
          { op: "add", path: "/metadata/finalizers/-", value: name }
        ]
      return Effect.as(client.patch(objectName, "json", patch), { _tag: "Done" } as Action)
    }
    if (at < 0) return Effect.succeed({ _tag: "Done" } as Action)
    return Effect.flatMap(handlers.cleanup(object), (action) =>
      Effect.as(
        client.patch(objectName, "json", [
          { op: "test", path: `/metadata/finalizers/${at}`, value: name },
          { op: "remove", path: `/metadata/finalizers/${at}` }
        ]).pipe(
          // Already gone: a reconcile on a cache that had not seen the removal yet. The goal is reached.
          Effect.catchIf((e) => e._tag === "NotFound", () => Effect.void)
        ),
        action
      ))
  })
