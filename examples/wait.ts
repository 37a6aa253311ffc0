/**
 * Waiting for conditions: a rollout that a (simulated) controller completes step by step, waited on with the
 * `kubectl rollout status` rules; a deletion; and a wait that runs out of time, failing with a typed error that
 * carries the object as last seen.
 *
 * client-go: `watchtools.UntilWithSync`; kubectl: `kubectl rollout status`, `kubectl wait`; kube-rs: `await_condition`.
 *
 *   npm run example examples/wait.ts
 */
import * as Clientset from "effect-kube/Clientset"
import * as Conditions from "effect-kube/Conditions"
import type * as Kube from "effect-kube/Kube"
import * as Wait from "effect-kube/Wait"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { isMain, runOnFake, say } from "./support.js"

export const program = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  const namespace = cs.restClient.config.namespace
  const deployments = cs.appsV1.deployments(namespace)

  // 1. A new image for web: the fake has no controllers, so a fiber plays the deployment controller's part.
  const before = yield* deployments.get("web")
  const generation = (before.metadata?.generation ?? 1) + 1
  yield* deployments.patch("web", "merge", {
    metadata: { generation },
    spec: { template: { spec: { containers: [{ name: "web", image: "example.com/shop/web:1.5.0" }] } } }
  })
  const steps = [
    { observedGeneration: generation, replicas: 4, updatedReplicas: 1, availableReplicas: 3 },
    { observedGeneration: generation, replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
    { observedGeneration: generation, replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
    { observedGeneration: generation, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }
  ]
  const controller = yield* Effect.fork(Effect.forEach(steps, (status) =>
    Effect.zipRight(
      Effect.sleep("20 millis"),
      Effect.flatMap(deployments.patchStatus("web", "merge", { status }), (d) =>
        say(Conditions.deploymentRolloutStatus(d).message))
    ), { discard: true }))
  yield* say("1. kubectl rollout status deployment/web")
  const rolledOut = yield* Wait.until(deployments, "web", Conditions.deploymentRolledOut, { timeout: "30 seconds" })
  yield* Fiber.join(controller)
  yield* say(`   done: ${rolledOut.status?.updatedReplicas} updated, ${rolledOut.status?.availableReplicas} available`)

  // 2. kubectl wait --for=delete
  const pods = cs.coreV1.pods(namespace)
  yield* say("")
  yield* say("2. kubectl wait --for=delete pod/db-migrate-1-zt8kd")
  const deleter = yield* Effect.fork(Effect.zipRight(Effect.sleep("20 millis"), pods.delete("db-migrate-1-zt8kd")))
  yield* Wait.deleted(pods, "db-migrate-1-zt8kd", { timeout: "30 seconds" })
  yield* Fiber.join(deleter)
  yield* say("   pod/db-migrate-1-zt8kd deleted")

  // 3. A condition that never comes: the typed timeout says what the object looked like.
  yield* say("")
  yield* say("3. kubectl wait --for=condition=Ready pod/web-7d9f8-qq5rn --timeout=200ms")
  yield* Wait.until(pods, "web-7d9f8-qq5rn", Conditions.podReady, { timeout: "200 millis" }).pipe(
    Effect.catchTag(
      "WaitTimeout",
      (e) => say(`   ${e.message}; last seen in phase ${Option.getOrThrow(e.last).status?.phase}`)
    )
  )
})

export const tuning: Kube.Tuning = { qps: 100, burst: 100 }

if (isMain(import.meta.url)) runOnFake(program, { tuning })
