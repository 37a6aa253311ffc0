import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Clientset from "../src/Clientset.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as internal from "../src/internal/controller/leaderElection.js"
import * as LeaderElection from "../src/LeaderElection.js"
import * as Testing from "../src/testing.js"

const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// The first Lease request loads the group's schemas (a real dynamic import, outside TestClock's control): warm it
// up once so every later request completes within virtual time.
const fake = Layer.tap(
  Testing.layerFake({ namespace: "default" }),
  (ctx) => Context.get(ctx, Clientset.Clientset).coordinationV1.leases("default").list().pipe(Effect.orDie)
)

const leaseOf = Effect.flatMap(
  FakeApiServer.FakeApiServer,
  (f) => f.get({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "default", name: "op" })
).pipe(
  Effect.map(Option.map((l) => (l as { spec: { holderIdentity?: string; leaseTransitions?: number } }).spec))
)

// The first acquire's requests go through the fake's in-process transport, which finishes on the event loop, not
// on the TestClock: give it (bounded) real turns of the loop without moving the test's clock.
const settled = (condition: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !(yield* condition); i++) {
      yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 5)))
    }
  })

describe("LeaderElection", () => {
  it.effect("rejects options under which two leaders could overlap", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(LeaderElection.make({
        name: "op",
        namespace: "default",
        leaseDuration: "10 seconds",
        renewDeadline: "10 seconds"
      })))
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(Effect.scoped(LeaderElection.make({
        name: "op",
        namespace: "default",
        renewDeadline: "1 second",
        retryPeriod: "2 seconds"
      })))
      expect(error._tag).toBe("LeaderElectionConfigError")
      expect(error.field).toBe("renewDeadline")
    }).pipe(Effect.provide(fake)))

  it.effect("acquires a free Lease, renews it, releases it on shutdown; whileLeader runs only while leading", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const election = yield* LeaderElection.make({ name: "op", namespace: "default", identity: "a" }).pipe(
        Scope.extend(scope)
      )
      expect(election.identity).toBe("a")
      let runs = 0
      const work = yield* Effect.fork(
        LeaderElection.whileLeader(Effect.sync(() => runs++).pipe(Effect.zipRight(Effect.never))).pipe(
          Effect.provideService(LeaderElection.LeaderElection, election)
        )
      )
      yield* TestClock.adjust("1 millis")
      yield* settled(election.isLeader)
      expect(yield* election.isLeader).toBe(true)
      expect(yield* election.leader).toEqual(Option.some("a"))
      expect(runs).toBe(1)
      const first = yield* leaseOf
      expect(Option.getOrThrow(first).holderIdentity).toBe("a")
      const renewedBefore = JSON.stringify(first)
      yield* TestClock.adjust("2 seconds")
      expect(JSON.stringify(yield* leaseOf)).not.toBe(renewedBefore)
      // a default identity is the hostname plus a random suffix
      const other = yield* LeaderElection.make({ name: "op", namespace: "default" }).pipe(Scope.extend(scope))
      expect(other.identity).toMatch(/_[0-9a-f]{8}$/)
      yield* TestClock.adjust("30 seconds")
      expect(yield* other.isLeader).toBe(false)
      yield* Fiber.interrupt(work)
      yield* Scope.close(scope, Exit.void)
      const released = Option.getOrThrow(yield* leaseOf)
      expect(released.holderIdentity ?? "").toBe("")
      expect(runs).toBe(1)
    }).pipe(Effect.provide(fake)))

  it.effect("a leader that cannot renew steps down within renewDeadline, and no one leads during the outage", () =>
    Effect.gen(function*() {
      const server = yield* FakeApiServer.FakeApiServer
      const a = yield* LeaderElection.make({ name: "op", namespace: "default", identity: "a" })
      const b = yield* LeaderElection.make({ name: "op", namespace: "default", identity: "b" })
      yield* TestClock.adjust("1 millis")
      yield* settled(a.isLeader)
      expect(yield* a.isLeader).toBe(true)
      yield* server.failNext({
        match: { path: "/apis/coordination.k8s.io/" },
        status: 503,
        reason: "ServiceUnavailable"
      })
      const seen: Array<[number, boolean, boolean]> = []
      for (let s = 1; s <= 40; s++) {
        yield* TestClock.adjust("1 second")
        seen.push([s, yield* a.isLeader, yield* b.isLeader])
      }
      // the last renewal was at 0 s: leadership ends by 10 s, and no one leads while the Lease is unreachable
      expect(seen.filter(([s, la]) => la && s >= 10)).toEqual([])
      expect(seen.filter(([, , lb]) => lb)).toEqual([])
      expect(seen[5]![1]).toBe(true)
      yield* server.clearFaults
      // the Lease still names a; it expires 15 s after b last saw it change, then b (or a again) takes over
      for (let s = 0; s < 20; s++) yield* TestClock.adjust("1 second")
      expect((yield* a.isLeader) !== (yield* b.isLeader)).toBe(true)
    }).pipe(Effect.scoped, Effect.provide(fake)))

  it.effect(
    "3 to 5 contenders over random crash, partition and outage schedules: never two leaders, bounded failover",
    () =>
      Effect.gen(function*() {
        for (let seed = 1; seed <= 2; seed++) {
          yield* Effect.scoped(schedule(seed)).pipe(Effect.provide(fake))
        }
      }),
    { timeout: 60_000 }
  )
})

interface Contender {
  readonly slot: number
  readonly election: LeaderElection.Service
  readonly scope: Scope.CloseableScope
  readonly partitioned: { until: number }
}

const schedule = (seed: number) =>
  Effect.gen(function*() {
    const random = rng(seed)
    const server = yield* FakeApiServer.FakeApiServer
    const cs = yield* Clientset.Clientset
    const base = internal.leaseClient(cs.coordinationV1.leases("default"))
    const count = 3 + Math.floor(random() * 3)
    let now = 0
    // A partitioned contender's requests hang until the partition heals; its own attempt timeouts cut them.
    const blocked = (p: { until: number }) => Effect.suspend(() => now < p.until ? Effect.never : Effect.void)
    const live = new Map<number, Contender>()
    let running = 0
    let violations: Array<string> = []
    let generation = 0

    const leaders = Effect.gen(function*() {
      const out: Array<string> = []
      for (const c of live.values()) if (yield* c.election.isLeader) out.push(c.election.identity)
      return out
    })
    const check = (where: string) =>
      Effect.gen(function*() {
        const l = yield* leaders
        if (l.length > 1) violations.push(`seed ${seed} ${where} t=${now}: leaders ${l.join(",")}`)
        if (running > 1) violations.push(`seed ${seed} ${where} t=${now}: ${running} whileLeader bodies`)
      })

    const start = (slot: number) =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const partitioned = { until: 0 }
        const leases: internal.LeaseClient = {
          get: (name) => Effect.zipRight(blocked(partitioned), base.get(name)),
          create: (lease) => Effect.zipRight(blocked(partitioned), base.create(lease)),
          update: (lease) => Effect.zipRight(blocked(partitioned), base.update(lease))
        }
        const election = yield* internal.make(leases, {
          name: "op",
          namespace: "default",
          identity: `c${slot}-${++generation}`,
          releaseOnCancel: random() < 0.5
        }).pipe(Effect.orDie, Scope.extend(scope))
        // every transition of anyone's leadership is a step at which the invariant must hold
        yield* election.changes.pipe(
          Stream.runForEach(() => check(`transition of ${election.identity}`)),
          Effect.forkIn(scope)
        )
        const body = Effect.acquireRelease(Effect.sync(() => running++), () => Effect.sync(() => running--)).pipe(
          Effect.zipRight(Effect.never),
          Effect.scoped
        )
        yield* internal.whileLeader(election, body).pipe(Effect.forkIn(scope))
        live.set(slot, { slot, election, scope, partitioned })
      })

    const step = (millis: number) =>
      Effect.gen(function*() {
        for (let t = 0; t < millis; t += 1000) {
          yield* TestClock.adjust("1 second")
          now += 1000
          yield* check("step")
        }
      })
    const currentLeader = Effect.gen(function*() {
      for (const c of live.values()) if (yield* c.election.isLeader) return c
      return undefined
    })

    for (let slot = 0; slot < count; slot++) yield* start(slot)
    yield* step(3_000)
    expect(yield* leaders).toHaveLength(1)

    for (let event = 0; event < 6; event++) {
      const roll = random()
      const leader = yield* currentLeader
      if (roll < 0.35 && leader !== undefined) {
        // crash or graceful stop of the leader; someone else must lead within leaseDuration + retryPeriod
        const crashedAt = now
        yield* Scope.close(leader.scope, Exit.void)
        live.delete(leader.slot)
        let firstLeader: number | undefined
        for (let t = 0; t < 17_000; t += 1000) {
          yield* step(1000)
          if (firstLeader === undefined && (yield* leaders).length === 1) firstLeader = now
        }
        if (live.size > 0) {
          expect(firstLeader, `seed ${seed}: no leader within 17 s of the crash at ${crashedAt}`).toBeDefined()
          expect(firstLeader! - crashedAt).toBeLessThanOrEqual(17_000)
        }
        yield* start(leader.slot)
        yield* step(3_000)
      } else if (roll < 0.6) {
        // partition the leader (or anyone) for 3-25 s
        const target = leader ?? [...live.values()][Math.floor(random() * live.size)]!
        target.partitioned.until = now + 3_000 + Math.floor(random() * 22) * 1_000
        yield* step(30_000)
      } else if (roll < 0.8) {
        // the Lease API is down for everyone for 12-30 s: from renewDeadline after the outage began, no one leads
        const outage = 12_000 + Math.floor(random() * 18) * 1_000
        yield* server.failNext({
          match: { path: "/apis/coordination.k8s.io/" },
          status: 503,
          reason: "ServiceUnavailable"
        })
        const began = now
        while (now - began < outage) {
          yield* step(1000)
          if (now - began >= 11_000) {
            const l = yield* leaders
            if (l.length > 0) {
              violations.push(`seed ${seed} t=${now}: ${l.join(",")} leads ${now - began} ms into an outage`)
            }
          }
        }
        yield* server.clearFaults
        yield* step(30_000)
      } else {
        yield* step(10_000)
      }
    }
    expect(violations).toEqual([])
    // after everything heals, exactly one leader, named in the Lease
    yield* step(30_000)
    const final = yield* leaders
    expect(final).toHaveLength(1)
    expect(Option.getOrThrow(yield* leaseOf).holderIdentity).toBe(final[0])
    violations = []
    for (const c of live.values()) yield* Scope.close(c.scope, Exit.void)
  })
