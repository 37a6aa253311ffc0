import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Clientset from "../src/Clientset.js"
import * as Conditions from "../src/Conditions.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Testing from "../src/testing.js"
import * as Wait from "../src/Wait.js"

const withFake = (options: FakeApiServer.Options = {}) =>
  Effect.provide(Testing.layerFake(options, { qps: -1, retry: "none" }))

const pod = (name: string, status: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: { containers: [{ name: "c", image: "nginx" }] },
  status
})

const ready = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] }

describe("Wait", () => {
  it.effect("until: resolves with the object once the predicate holds, watching through changes", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      yield* fake.seed(pod("other", ready))
      const waiting = yield* Effect.fork(Wait.until(pods, "web", Conditions.podReady, { timeout: "1 minute" }))
      yield* TestClock.adjust("1 second")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* fake.seed(pod("web", { phase: "Pending" }))
      yield* TestClock.adjust("1 second")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* fake.seed(pod("web", ready))
      const object = yield* Fiber.join(waiting)
      expect(object.metadata?.name).toBe("web")
      expect(object.status?.phase).toBe("Running")
    }).pipe(withFake()))

  it.effect("until: an object already in the state resolves from the list", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(pod("web", ready))
      const object = yield* Wait.until(cs.coreV1.pods("default"), "web", Conditions.podRunning)
      expect(object.metadata?.name).toBe("web")
    }).pipe(withFake()))

  it.effect("until: a typed timeout carrying the last object seen", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      yield* fake.seed(pod("web", { phase: "Pending" }))
      const waiting = yield* Effect.fork(
        Wait.until(cs.coreV1.pods("default"), "web", Conditions.podReady, { timeout: "30 seconds" })
      )
      yield* TestClock.adjust("30 seconds")
      const error = yield* Effect.flip(Fiber.join(waiting))
      expect(error._tag).toBe("WaitTimeout")
      if (error._tag !== "WaitTimeout") return
      expect(Option.getOrThrow(error.last).status?.phase).toBe("Pending")
      expect(error.message).toContain("30s")
    }).pipe(withFake()))

  it.effect("deleted: resolves when the object goes, at once when absent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      yield* Wait.deleted(pods, "never")
      yield* fake.seed(pod("web"))
      const waiting = yield* Effect.fork(Wait.deleted(pods, "web"))
      yield* TestClock.adjust("1 second")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* pods.delete("web")
      yield* Fiber.join(waiting)
    }).pipe(withFake()))
})

describe("Conditions", () => {
  const deployment = (spec: number, status: Record<string, unknown>, generation = 2) => ({
    metadata: { name: "web", generation },
    spec: { replicas: spec },
    status: { observedGeneration: 2, ...status }
  })

  it("deploymentRolloutStatus follows kubectl rollout status", () => {
    const s = Conditions.deploymentRolloutStatus
    expect(s(deployment(3, {}, 3)).message).toBe("Waiting for deployment spec update to be observed...")
    expect(s(deployment(3, { updatedReplicas: 1, replicas: 3 })).message).toBe(
      `Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`
    )
    expect(s(deployment(3, { updatedReplicas: 3, replicas: 4 })).message).toBe(
      `Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...`
    )
    expect(s(deployment(3, { updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toBe(
      `Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...`
    )
    const done = s(deployment(3, { updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))
    expect(done).toEqual({ _tag: "Done", message: `deployment "web" successfully rolled out` })
    expect(Conditions.deploymentRolledOut(deployment(3, { updatedReplicas: 3, replicas: 3, availableReplicas: 3 })))
      .toBe(true)
    expect(
      s(deployment(3, { conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] }))
        ._tag
    ).toBe("Failed")
  })

  it("condition predicates", () => {
    const withCondition = (type: string, status: string) => ({ status: { conditions: [{ type, status }] } })
    expect(Conditions.hasCondition("available")(withCondition("Available", "True"))).toBe(true)
    expect(Conditions.hasCondition("Available", "false")(withCondition("Available", "True"))).toBe(false)
    expect(Conditions.deploymentAvailable(withCondition("Available", "True"))).toBe(true)
    expect(Conditions.jobComplete(withCondition("Complete", "True"))).toBe(true)
    expect(Conditions.jobFailed(withCondition("Complete", "True"))).toBe(false)
    expect(Conditions.jobFailed(withCondition("Failed", "True"))).toBe(true)
    expect(Conditions.crdEstablished(withCondition("Established", "True"))).toBe(true)
    expect(Conditions.podReady(withCondition("Ready", "False"))).toBe(false)
    expect(Conditions.podRunning({ status: { phase: "Running" } })).toBe(true)
    expect(Conditions.namespaceActive({ status: { phase: "Terminating" } })).toBe(false)
    expect(Conditions.namespaceActive({ status: { phase: "Active" } })).toBe(true)
    expect(Conditions.podReady({})).toBe(false)
  })
})
