/**
 * Leader election's contracts: its service interface, options and configuration error.
 * Re-exported by `LeaderElection`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** The Lease's name. */
  readonly name: string
  /** The Lease's namespace. */
  readonly namespace: string
  /** This replica's identity in `spec.holderIdentity`. Default: the hostname, `_` and a random suffix. */
  readonly identity?: string | undefined
  /** How long a Lease stays valid after its last change as observed by a follower. Default 15 seconds. */
  readonly leaseDuration?: Duration.DurationInput | undefined
  /** How long the leader keeps trying to renew before it steps down. Default 10 seconds. */
  readonly renewDeadline?: Duration.DurationInput | undefined
  /** How often the leader renews and followers retry. Default 2 seconds. */
  readonly retryPeriod?: Duration.DurationInput | undefined
  /**
   * Followers wait a random part of up to this fraction less than `retryPeriod` between attempts, so replicas
   * started together spread out; never more, which keeps the failover bound. Default 0.2.
   */
  readonly jitter?: number | undefined
  /** Release the Lease when the layer's scope closes. Default true. */
  readonly releaseOnCancel?: boolean | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly identity: string
  readonly name: string
  readonly namespace: string
  /** True while this replica holds a Lease it renewed within `renewDeadline`. */
  readonly isLeader: Effect.Effect<boolean>
  /** The holder named in the Lease as last read, if any (client-go `GetLeader`). */
  readonly leader: Effect.Effect<Option.Option<string>>
  /** This replica's leadership: the current value, then every change. */
  readonly changes: Stream.Stream<boolean>
  /** Completes once this replica leads. */
  readonly awaitLeadership: Effect.Effect<void>
  /** Completes once this replica no longer leads (at once when it does not). */
  readonly awaitLoss: Effect.Effect<void>
}

/**
 * Options that cannot work: client-go's `NewLeaderElector` checks, so that a leader always steps down before its
 * Lease can expire for others.
 *
 * @since 0.2.0
 * @category errors
 */
export class LeaderElectionConfigError extends Data.TaggedError("LeaderElectionConfigError")<{
  readonly field: string
  readonly message: string
}> {}
