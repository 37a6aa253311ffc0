/**
 * The example operator on the fake: create, spec change, owned-object drift, deletion through the finalizer, and a
 * restart that picks up a change made while it was down. The tour itself runs once too, as `npm run example` would.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Clientset from "../src/Clientset.js"
import * as LeaderElection from "../src/LeaderElection.js"
import * as SharedInformers from "../src/SharedInformers.js"

const operatorExample = await import("../examples/operator.js")
const support = await import("../examples/support.js")

const layer = operatorExample.operatorLayer("shop").pipe(Layer.provideMerge(support.fake()))

const until = <A, E, R>(what: string, get: Effect.Effect<A, E, R>, ok: (a: A) => boolean) =>
  get.pipe(
    Effect.filterOrFail(ok, () => new Error(`timed out waiting for ${what}`)),
    Effect.retry({ schedule: Schedule.spaced("10 millis"), times: 500 })
  )

describe("examples/operator.ts", () => {
  it.live("create, spec change, drift, restart, deletion with the finalizer", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      yield* operatorExample.ensureCrd
      const sites = cs.custom(operatorExample.Website, "shop")
      const deployments = cs.appsV1.deployments("shop")
      // other parts of a program keep the shared informers alive across the operator's restart
      yield* SharedInformers.resource(operatorExample.Website, { namespace: "shop" })
      const start = Effect.fork(LeaderElection.whileLeader(operatorExample.operator("shop")))
      let running = yield* start

      // create
      yield* sites.create({ metadata: { name: "shop-site", namespace: "shop" }, spec: { image: "nginx:1.27" } })
      const ready = yield* until(
        "Ready",
        sites.get("shop-site"),
        (s) => s.status?.observedGeneration === s.metadata.generation && s.status?.conditions?.[0]?.status === "True"
      )
      expect(ready.metadata.finalizers).toEqual([operatorExample.finalizerName])
      const dep = yield* deployments.get("shop-site")
      expect(dep.spec?.replicas).toBe(1)
      expect(dep.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Website", name: "shop-site", controller: true })
      const svc = yield* cs.coreV1.services("shop").get("shop-site")
      expect(svc.spec?.ports?.[0]?.port).toBe(80)

      // idempotent: once Ready, passes write nothing
      const rv = (yield* sites.get("shop-site")).metadata.resourceVersion
      const depRv = dep.metadata?.resourceVersion
      yield* Effect.sleep("150 millis")
      expect((yield* sites.get("shop-site")).metadata.resourceVersion).toBe(rv)
      expect((yield* deployments.get("shop-site")).metadata?.resourceVersion).toBe(depRv)

      // spec change
      yield* sites.patch("shop-site", "merge", { spec: { replicas: 3, image: "nginx:1.28" } })
      const scaled = yield* until("scale", deployments.get("shop-site"), (d) => d.spec?.replicas === 3)
      expect(scaled.spec?.template.spec?.containers[0]?.image).toBe("nginx:1.28")
      yield* until("observedGeneration 2", sites.get("shop-site"), (s) => s.status?.observedGeneration === 2)

      // drift on the owned Deployment is taken back
      yield* deployments.patch("shop-site", "merge", { spec: { replicas: 10 } })
      yield* until("repair", deployments.get("shop-site"), (d) => d.spec?.replicas === 3)

      // restart: a change made while the operator is down is reconciled when it comes back
      yield* Fiber.interrupt(running)
      yield* sites.patch("shop-site", "merge", { spec: { replicas: 5 } })
      yield* Effect.sleep("100 millis")
      expect((yield* deployments.get("shop-site")).spec?.replicas).toBe(3)
      running = yield* start
      yield* until("after restart", deployments.get("shop-site"), (d) => d.spec?.replicas === 5)

      // deletion: cleanup removes the dependents, then the finalizer, then the Website is gone
      yield* sites.delete("shop-site")
      yield* until("gone", sites.list(), (l) => l.items.length === 0)
      const left = yield* deployments.list()
      expect(left.items.map((d) => d.metadata?.name)).not.toContain("shop-site")
      const events = (yield* cs.eventsV1.events("shop").list()).items.filter((e) => e.regarding?.name === "shop-site")
      expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Reconciled", "CleanedUp"]))
      expect(events.filter((e) => e.reason === "CleanedUp")).toHaveLength(1)
      yield* Fiber.interrupt(running)
    }).pipe(Effect.scoped, Effect.provide(layer)), { timeout: 60_000 })

  it.live("the tour prints each step", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      yield* operatorExample.tour.pipe(
        Effect.withConsole({
          ...console,
          log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => lines.push(args.map(String).join(" ")))
        } as never)
      )
      const text = lines.join("\n")
      expect(text).toContain("deployment/blog replicas=2 image=nginx:1.27")
      expect(text).toContain("deployment/blog replicas=3 again")
      expect(text).toContain("website/blog gone; deployments left: 0")
    }).pipe(Effect.provide(layer)), { timeout: 60_000 })
})
