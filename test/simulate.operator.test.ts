// The example operator on a simulated cluster (real time, the default small delays; under TestClock the operator's
// own informers and leader election would need the clock moved for them too): the Deployment it applies becomes Available (pods
// scheduled and Ready) without any status patched by hand, and follows a spec change to a new rollout.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Clientset from "../src/Clientset.js"
import * as LeaderElection from "../src/LeaderElection.js"

/** Polls on real time, boundedly: `tries` reads `100 ms` apart. */
const eventually = <A, E, R>(
  check: Effect.Effect<A, E, R>,
  holds: (a: A) => boolean,
  options: { readonly tries: number }
) =>
  Effect.gen(function*() {
    let last: A | undefined
    for (let i = 0; i < options.tries; i++) {
      last = yield* check
      if (holds(last)) return last
      yield* Effect.sleep("100 millis")
    }
    return yield* Effect.fail(new Error(`not reached; last: ${JSON.stringify(last)}`))
  })

const operatorExample = await import("../examples/operator.js")
const support = await import("../examples/support.js")

const layer = operatorExample.operatorLayer("shop").pipe(Layer.provideMerge(support.fake({ simulate: true })))

const isAvailable = (d: any) =>
  d.status?.observedGeneration === d.metadata?.generation &&
  d.status?.availableReplicas === d.spec?.replicas &&
  (d.status?.conditions ?? []).some((c: any) => c.type === "Available" && c.status === "True") &&
  (d.status?.conditions ?? []).some((c: any) => c.type === "Progressing" && c.reason === "NewReplicaSetAvailable")

describe("examples/operator.ts on a simulated cluster", () => {
  it.live(
    "the operator's Deployment becomes Available, and rolls out again after a spec change",
    () =>
      Effect.gen(function*() {
        const cs = yield* Clientset.Clientset
        yield* operatorExample.ensureCrd
        const running = yield* Effect.fork(LeaderElection.whileLeader(operatorExample.operator("shop")))
        const sites = cs.custom(operatorExample.Website, "shop")
        const deployments = cs.appsV1.deployments("shop")
        yield* sites.create({ metadata: { name: "shop-site", namespace: "shop" }, spec: { image: "nginx:1.27" } })
        const first = yield* eventually(
          deployments.get("shop-site").pipe(Effect.orElseSucceed(() => undefined)),
          (d) => d !== undefined && isAvailable(d),
          { tries: 100 }
        )
        expect(first?.status?.readyReplicas).toBe(1)
        const pods = yield* cs.coreV1.pods("shop").list()
        expect(pods.items.filter((p) => p.metadata?.name?.startsWith("shop-site-")).map((p) => p.status?.phase))
          .toEqual(["Running"])

        yield* sites.patch("shop-site", "merge", { spec: { replicas: 3, image: "nginx:1.28" } })
        const second = yield* eventually(
          deployments.get("shop-site"),
          (d) => d.spec?.replicas === 3 && isAvailable(d),
          { tries: 150 }
        )
        expect(second.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2")
        const images = (yield* cs.coreV1.pods("shop").list()).items
          .filter((p) => p.metadata?.name?.startsWith("shop-site-") && p.status?.phase === "Running").map((p) =>
            p.spec?.containers[0]?.image
          )
        expect(images).toEqual(["nginx:1.28", "nginx:1.28", "nginx:1.28"])
        yield* Fiber.interrupt(running)
      }).pipe(Effect.provide(layer)),
    60_000
  )
})
