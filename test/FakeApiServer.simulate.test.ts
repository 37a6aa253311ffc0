import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { patchMeta } from "../src/generated/patchMeta.js"
import { resources } from "../src/generated/resources.js"
import { Engine } from "../src/internal/fakeApiServer/engine.js"
import { makePatchEngine } from "../src/internal/fakeApiServer/patchEngines.js"
import type { Controller } from "../src/internal/fakeApiServer/simulate/controller.js"
import { resolve } from "../src/internal/fakeApiServer/simulate/options.js"
import { start } from "../src/internal/fakeApiServer/simulate/runner.js"
import { del, get, post } from "./fixtures/fake/client.js"
import { quiesce } from "./fixtures/fake/simulate.js"

const Fake = FakeApiServer.FakeApiServer
const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))

const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...extra }
})
const owner = (o: { kind: string; apiVersion: string; metadata: { name: string; uid: string } }, block = false) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  uid: o.metadata.uid,
  ...(block ? { blockOwnerDeletion: true } : {})
})

const engine = () =>
  new Engine({
    resources,
    historySize: 100,
    bookmarkInterval: Duration.minutes(1),
    watchTimeout: Duration.minutes(30),
    maxWatchBacklogBytes: 64 * 1024 * 1024,
    watchList: true,
    patch: makePatchEngine(patchMeta)
  })

describe("FakeApiServer simulate: the runner", () => {
  it.effect("starts the enabled controllers as fibers of the scope, on the Effect Clock, and stops them with it", () =>
    Effect.gen(function*() {
      const ticks = yield* Ref.make(0)
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      const ticking: Controller = {
        name: "ticking",
        enabled: () => true,
        run: () => Effect.forever(Effect.zipRight(Effect.sleep("1 second"), Ref.update(ticks, (n) => n + 1)))
      }
      const watching: Controller = {
        name: "watching",
        enabled: () => true,
        run: (api) =>
          api.changes.pipe(
            Stream.filter((c) => c.resource.info.kind === "ConfigMap"),
            Stream.runForEach((c) => Ref.update(seen, (s) => [...s, `${c.type} ${c.object.metadata.name}`]))
          )
      }
      const off: Controller = { name: "off", enabled: (s) => s.workloads, run: () => Effect.die("must not run") }
      const e = engine()
      e.seed(cm("before"), 0)
      const scope = yield* Scope.make()
      const simulation = resolve({ workloads: false })
      if (simulation === undefined || typeof simulation === "string") return expect.unreachable()
      const started = yield* Scope.extend(start(e, simulation, [ticking, watching, off]), scope)
      expect(started).toEqual(["ticking", "watching"])
      yield* TestClock.adjust("3 seconds")
      expect(yield* Ref.get(ticks)).toBe(3)
      e.seed(cm("after"), 0)
      yield* quiesce(2)
      expect(yield* Ref.get(seen)).toEqual(["ADDED before", "ADDED after"])
      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust("5 seconds")
      expect(yield* Ref.get(ticks)).toBe(3)
    }))

  it.effect("restarts a controller that fails, after a second of the Clock", () =>
    Effect.gen(function*() {
      const runs = yield* Ref.make(0)
      const flaky: Controller = {
        name: "flaky",
        enabled: () => true,
        run: () => Effect.zipRight(Ref.update(runs, (n) => n + 1), Effect.die("boom"))
      }
      const simulation = resolve(true)
      if (simulation === undefined || typeof simulation === "string") return expect.unreachable()
      const fiber = yield* Effect.fork(
        Effect.scoped(Effect.zipRight(start(engine(), simulation, [flaky]), Effect.never))
      )
      yield* quiesce(1)
      expect(yield* Ref.get(runs)).toBe(1)
      yield* TestClock.adjust("1 second")
      yield* quiesce(1)
      expect(yield* Ref.get(runs)).toBe(2)
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("refuses bad simulate options with the field named", () =>
    Effect.gen(function*() {
      const bad = yield* Effect.scoped(FakeApiServer.make({ simulate: { nodes: -1 } })).pipe(Effect.flip)
      expect(bad.message).toBe("invalid simulate option: nodes must be an integer from 0 to 1000, got -1")
      const names = yield* Effect.scoped(FakeApiServer.make({ simulate: { nodes: ["a", "A_b"] } })).pipe(Effect.flip)
      expect(names.message).toContain(`"A_b" is not a valid node name`)
    }))
})

describe("FakeApiServer without simulate", () => {
  it.effect("runs no controller: propagation is ignored, orphans stay, namespaces go at once", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      const parent = (yield* post("/api/v1/namespaces/default/configmaps", cm("parent"))).json
      yield* post("/api/v1/namespaces/default/configmaps", cm("child", { ownerReferences: [owner(parent, true)] }))
      yield* post(
        "/api/v1/namespaces/default/configmaps",
        cm("orphan", {
          ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "gone", uid: "no-such-uid" }]
        })
      )
      const deleted = yield* del("/api/v1/namespaces/default/configmaps/parent", { propagationPolicy: "Foreground" })
      expect(deleted.status).toBe(200)
      yield* quiesce()
      expect(Option.isNone(yield* fake.get({ apiVersion: "v1", kind: "ConfigMap", name: "parent" }))).toBe(true)
      expect(Option.isSome(yield* fake.get({ apiVersion: "v1", kind: "ConfigMap", name: "child" }))).toBe(true)
      expect(Option.isSome(yield* fake.get({ apiVersion: "v1", kind: "ConfigMap", name: "orphan" }))).toBe(true)
      expect((yield* del("/api/v1/namespaces/default/configmaps/x", { propagationPolicy: "Sideways" })).status).toBe(
        404
      )
      yield* post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "gone-at-once" } })
      yield* post("/api/v1/namespaces/gone-at-once/configmaps", cm("inside"))
      expect((yield* del("/api/v1/namespaces/gone-at-once")).status).toBe(200)
      expect((yield* get("/api/v1/namespaces/gone-at-once")).status).toBe(404)
      expect(yield* fake.list({ apiVersion: "v1", kind: "ConfigMap", namespace: "gone-at-once" })).toEqual([])
    }).pipe(withFake()))
})
