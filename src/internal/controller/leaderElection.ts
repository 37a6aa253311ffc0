/**
 * The elector: one fiber alternating between contending (get, then create or update the Lease) and leading
 * (renewing every retryPeriod against a deadline).
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Os from "node:os"
import type { Lease, LeaseSpec } from "../../generated/coordination/v1.js"
import type { Options, Service } from "../../LeaderElectionModel.js"
import { LeaderElectionConfigError } from "../../LeaderElectionModel.js"
import type * as ResourceClient from "../../ResourceClient.js"

/** What the elector needs of a Lease client; a seam for fault injection in tests. */
export interface LeaseClient {
  readonly get: (name: string) => Effect.Effect<Option.Option<Lease>, unknown>
  readonly create: (lease: Lease) => Effect.Effect<Lease, unknown>
  readonly update: (lease: Lease) => Effect.Effect<Lease, unknown>
}

export const leaseClient = (
  client: ResourceClient.Getter<Lease> & ResourceClient.Creator<Lease> & ResourceClient.Updater<Lease>
): LeaseClient => ({
  get: (name) =>
    client.get(name).pipe(
      Effect.map(Option.some),
      Effect.catchTag("NotFound", () => Effect.succeed(Option.none()))
    ),
  create: (lease) => client.create(lease),
  update: (lease) => client.update(lease)
})

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
const microTime = (millis: number) => new Date(millis).toISOString().replace(/Z$/, "000Z")

const millisOf = (d: Duration.DurationInput) => Duration.toMillis(Duration.decode(d))

export const make = (
  leases: LeaseClient,
  options: Options
): Effect.Effect<Service, LeaderElectionConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const leaseDuration = millisOf(options.leaseDuration ?? "15 seconds")
    const renewDeadline = millisOf(options.renewDeadline ?? "10 seconds")
    const retryPeriod = millisOf(options.retryPeriod ?? "2 seconds")
    const jitter = options.jitter ?? 0.2
    const fail = (field: string, message: string) => Effect.fail(new LeaderElectionConfigError({ field, message }))
    if (options.name === "") return yield* fail("name", "the Lease name must not be empty")
    if (options.namespace === "") return yield* fail("namespace", "the Lease namespace must not be empty")
    if (!(leaseDuration > renewDeadline)) {
      return yield* fail("leaseDuration", "leaseDuration must be greater than renewDeadline")
    }
    if (!(renewDeadline > retryPeriod)) {
      return yield* fail("renewDeadline", "renewDeadline must be greater than retryPeriod")
    }
    if (!(retryPeriod > 0)) return yield* fail("retryPeriod", "retryPeriod must be positive")
    if (!(jitter >= 0 && jitter < 1)) return yield* fail("jitter", "jitter must be in [0, 1)")
    const suffix = (yield* Random.nextInt).toString(16).replace("-", "").padStart(8, "0").slice(-8)
    const identity = options.identity ?? `${Os.hostname()}_${suffix}`
    if (identity === "") return yield* fail("identity", "the identity must not be empty")

    const leading = yield* SubscriptionRef.make(false)
    // The Lease's spec as last read or written, and when this replica first saw that content.
    let observed: { spec: string; at: number; holder: string; duration: number } | undefined
    let lastLease: Lease | undefined

    const observe = (spec: LeaseSpec | undefined, now: number) => {
      const text = JSON.stringify(spec ?? {})
      if (observed === undefined || observed.spec !== text) {
        observed = {
          spec: text,
          at: now,
          holder: spec?.holderIdentity ?? "",
          duration: (spec?.leaseDurationSeconds ?? leaseDuration / 1000) * 1000
        }
      }
    }

    /** client-go's tryAcquireOrRenew; true when this replica holds a freshly written Lease. */
    const tryAcquireOrRenew = (now: number): Effect.Effect<boolean> =>
      Effect.gen(function*() {
        const spec: LeaseSpec = {
          holderIdentity: identity,
          leaseDurationSeconds: Math.ceil(leaseDuration / 1000),
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0
        }
        const current = yield* Effect.either(leases.get(options.name))
        if (Either.isLeft(current)) return false
        if (Option.isNone(current.right)) {
          const created = yield* Effect.either(leases.create({
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name: options.name, namespace: options.namespace },
            spec
          }))
          if (Either.isLeft(created)) return false
          lastLease = created.right
          observe(created.right.spec, now)
          return true
        }
        const lease = current.right.value
        lastLease = lease
        observe(lease.spec, now)
        const holder = lease.spec?.holderIdentity ?? ""
        const mine = holder === identity
        if (holder !== "" && !mine && observed!.at + observed!.duration > now) return false
        const next: LeaseSpec = {
          ...lease.spec,
          ...spec,
          acquireTime: mine ? lease.spec?.acquireTime ?? spec.acquireTime! : spec.acquireTime!,
          leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1)
        }
        // The resourceVersion read above travels in the update: a concurrent writer makes this a Conflict.
        const updated = yield* Effect.either(leases.update({ ...lease, spec: next }))
        if (Either.isLeft(updated)) return false
        lastLease = updated.right
        observe(updated.right.spec, now)
        return true
      })

    const attempt = (timeout: number) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const ok = yield* tryAcquireOrRenew(now).pipe(
          Effect.timeoutTo({
            duration: Duration.millis(Math.max(1, timeout)),
            onTimeout: () => false,
            onSuccess: (ok) => ok
          })
        )
        return { ok, at: now }
      })

    const followerWait = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const spread = jitter === 0 ? 0 : (yield* Random.next) * jitter
      let wait = retryPeriod * (1 - spread)
      // Wake exactly when the observed Lease expires, rather than up to a retryPeriod later.
      if (observed !== undefined && observed.holder !== "" && observed.holder !== identity) {
        const expiry = observed.at + observed.duration - now
        if (expiry > 0 && expiry < wait) wait = expiry
      }
      yield* Effect.sleep(Duration.millis(Math.max(1, wait)))
    })

    const contend: Effect.Effect<number> = Effect.flatMap(attempt(renewDeadline), (result) =>
      result.ok ? Effect.succeed(result.at) : Effect.zipRight(followerWait, Effect.suspend(() => contend)))

    /** Renews until the deadline passes without a successful renewal or someone else holds the Lease. */
    const lead = (acquiredAt: number): Effect.Effect<void> => {
      const renew = (lastRenew: number): Effect.Effect<void> =>
        Effect.gen(function*() {
          const deadline = lastRenew + renewDeadline
          const now = yield* Clock.currentTimeMillis
          yield* Effect.sleep(Duration.millis(Math.max(0, Math.min(retryPeriod, deadline - now))))
          const t = yield* Clock.currentTimeMillis
          if (t >= deadline) {
            return Option.none<number>()
          }
          const result = yield* attempt(deadline - t)
          const held = observed !== undefined && observed.holder !== "" && observed.holder !== identity
          if (!result.ok && held) {
            return Option.none<number>()
          }
          const next = result.ok ? result.at : lastRenew
          return (yield* Clock.currentTimeMillis) >= next + renewDeadline ? Option.none<number>() : Option.some(next)
        }).pipe(Effect.flatMap(Option.match({
          onNone: () =>
            Effect.void,
          onSome: renew
        })))
      return renew(acquiredAt)
    }

    const loop: Effect.Effect<never> = Effect.gen(function*() {
      const acquiredAt = yield* contend
      yield* SubscriptionRef.set(leading, true)
      yield* lead(acquiredAt)
      yield* SubscriptionRef.set(leading, false)
      return yield* loop
    })

    const release = Effect.gen(function*() {
      if (!(yield* SubscriptionRef.get(leading))) return
      yield* SubscriptionRef.set(leading, false)
      if (options.releaseOnCancel === false || lastLease === undefined) return
      const now = yield* Clock.currentTimeMillis
      const lease = yield* leases.get(options.name)
      if (Option.isNone(lease) || lease.value.spec?.holderIdentity !== identity) return
      yield* leases.update({
        ...lease.value,
        spec: {
          ...lease.value.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          acquireTime: microTime(now),
          renewTime: microTime(now)
        }
      })
    }).pipe(Effect.timeout(Duration.millis(renewDeadline)), Effect.ignore)

    yield* Effect.addFinalizer(() => release)
    yield* Effect.forkScoped(loop)

    const changes = leading.changes
    const service: Service = {
      identity,
      name: options.name,
      namespace: options.namespace,
      isLeader: SubscriptionRef.get(leading),
      leader: Effect.sync(() =>
        observed === undefined || observed.holder === "" ? Option.none() : Option.some(observed.holder)
      ),
      changes,
      awaitLeadership: changes.pipe(Stream.filter((l) => l), Stream.take(1), Stream.runDrain),
      awaitLoss: changes.pipe(Stream.filter((l) => !l), Stream.take(1), Stream.runDrain)
    }
    return service
  })

export const whileLeader = <A, E, R>(election: Service, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const loop: Effect.Effect<A, E, R> = Effect.zipRight(
    election.awaitLeadership,
    Effect.raceFirst(
      Effect.map(effect, Option.some),
      Effect.as(election.awaitLoss, Option.none<A>())
    ).pipe(Effect.flatMap((done) => Option.isSome(done) ? Effect.succeed(done.value) : loop))
  )
  return loop
}
