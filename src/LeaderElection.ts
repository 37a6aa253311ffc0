/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's `tools/leaderelection` semantics: run N
 * replicas of an operator, one leads, and the others take over within `leaseDuration + retryPeriod` of its crash.
 *
 * - A replica acquires the Lease when it is free (no holder) or expired: unchanged for `leaseDurationSeconds`
 *   since this replica first saw its current content (client-go measures expiry on the observer's clock, so
 *   clock skew between nodes does not matter).
 * - The leader renews every `retryPeriod`; every write carries the Lease's resourceVersion, so of two replicas
 *   racing for it one gets a Conflict and stays a follower.
 * - A leader that cannot renew for `renewDeadline` (shorter than `leaseDuration`) steps down before any other
 *   replica may consider the Lease expired, so two leaders never overlap. It then contends again.
 * - On shutdown the leader releases the Lease (client-go's `ReleaseOnCancel`), so a rolling update hands over
 *   within one `retryPeriod`.
 *
 * | client-go                                         | effect-kube                                            |
 * | ------------------------------------------------- | ------------------------------------------------------ |
 * | `leaderelection.RunOrDie(ctx, LeaderElectionConfig{...})` | `LeaderElection.layer({ name, namespace })`     |
 * | `Callbacks.OnStartedLeading(ctx)`                 | `LeaderElection.whileLeader(effect)`                   |
 * | `le.IsLeader()` / `le.GetLeader()`                | `election.isLeader` / `election.leader`                |
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Kube from "effect-kube/Kube"
 * import * as LeaderElection from "effect-kube/LeaderElection"
 *
 * const operator = Effect.log("reconciling as the leader").pipe(Effect.zipRight(Effect.never))
 *
 * const main = LeaderElection.whileLeader(operator).pipe(
 *   Effect.provide(LeaderElection.layer({ name: "my-operator", namespace: "operators" })),
 *   Effect.provide(Kube.layer())
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Clientset } from "./Clientset.js"
import { lazyModule } from "./internal/lazy.js"
import { LeaderElectionConfigError, type Options, type Service } from "./LeaderElectionModel.js"

// The implementation loads with the first election (a `make` the caller awaits, so a TestClock sees no gap).
const internal = lazyModule(() => import("./internal/controller/leaderElection.js"))

export type { Options, Service } from "./LeaderElectionModel.js"
export { LeaderElectionConfigError } from "./LeaderElectionModel.js"

/**
 * @since 0.2.0
 * @category tags
 */
export class LeaderElection extends Context.Tag("effect-kube/LeaderElection")<LeaderElection, Service>() {}

/**
 * Starts contending for the Lease in the background for the life of the scope.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Service, LeaderElectionConfigError, Clientset | Scope.Scope> =>
  Effect.flatMap(
    Clientset,
    (cs) => Effect.flatMap(internal, (m) => m.make(m.leaseClient(cs.coordinationV1.leases(options.namespace)), options))
  )

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<LeaderElection, LeaderElectionConfigError, Clientset> =>
  Layer.scoped(LeaderElection, make(options))

/**
 * Runs `effect` while this replica leads: it starts once leadership is acquired, is interrupted as soon as it is
 * lost (at most `renewDeadline` after the last successful renewal, always before any other replica can lead), and
 * starts again the next time this replica leads. Succeeds or fails with `effect` when it ends on its own.
 *
 * @since 0.2.0
 * @category combinators
 */
export const whileLeader = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | LeaderElection> =>
  Effect.flatMap(LeaderElection, (election) => Effect.flatMap(internal, (m) => m.whileLeader(election, effect)))
