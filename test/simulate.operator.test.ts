// The example operator on a simulated cluster, in-process under TestClock: the Deployment it applies becomes
// Available (pods scheduled and Ready) without any status patched by hand, and follows a spec change to a new
// rollout. The operator's informers, work queue and leader election run on the same clock as the cluster.
//
// The client-side rate limiter is off (qps -1, as in the other TestClock suites): with client-go's 5 QPS / burst 10
// the operator's start (CRD, lease, informer lists and watches, applies, status, events) spends the burst, and the
// test's own next GET then waits for a token on the TestClock, which only this (now blocked) fiber moves: that
// deadlock, not a real timer, is why this test hung under TestClock. No component here runs on real time.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Clientset from "../src/Clientset.js"
import * as LeaderElection from "../src/LeaderElection.js"
import { eventually } from "./fixtures/fake/simulate.js"

const operatorExample = await import("../examples/operator.js")
const support = await import("../examples/support.js")

const layer = operatorExample.operatorLayer("shop").pipe(
  Layer.provideMerge(support.fake({ simulate: true }, { qps: -1 }))
)

const isAvailable = (d: any) =>
  d.status?.observedGeneration === d.metadata?.generation &&
  d.status?.availableReplicas === d.spec?.replicas &&
  (d.status?.conditions ?? []).some((c: any) => c.type === "Available" && c.status === "True") &&
  (d.status?.conditions ?? []).some((c: any) => c.type === "Progressing" && c.reason === "NewReplicaSetAvailable")

describe("examples/operator.ts on a simulated cluster", () => {
  it.scoped(
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
          { tries: 100, step: "100 millis" }
        )
        expect(first?.status?.readyReplicas).toBe(1)
        const pods = yield* cs.coreV1.pods("shop").list()
        expect(pods.items.filter((p) => p.metadata?.name?.startsWith("shop-site-")).map((p) => p.status?.phase))
          .toEqual(["Running"])

        yield* sites.patch("shop-site", "merge", { spec: { replicas: 3, image: "nginx:1.28" } })
        const second = yield* eventually(
          deployments.get("shop-site"),
          (d) => d.spec?.replicas === 3 && isAvailable(d),
          { tries: 150, step: "100 millis" }
        )
        expect(second.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("2")
        const images = (yield* cs.coreV1.pods("shop").list()).items
          // Replaced pods stay Terminating (still Running) for a moment: only the live ones.
          .filter((p) =>
            p.metadata?.name?.startsWith("shop-site-") && p.status?.phase === "Running" &&
            p.metadata.deletionTimestamp === undefined
          ).map((p) => p.spec?.containers[0]?.image)
        expect(images).toEqual(["nginx:1.28", "nginx:1.28", "nginx:1.28"])
        yield* Fiber.interrupt(running)
      }).pipe(Effect.provide(layer)),
    30_000
  )
})
