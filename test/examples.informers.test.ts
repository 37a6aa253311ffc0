/**
 * The informer and wait examples, run in-process against a fresh seeded fake, with the output they promise.
 * (Their own file, next to examples.test.ts, so the shared suite file stays untouched.)
 */
import { describe, expect, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"

const support = await import("../examples/support.js")
const informer = await import("../examples/informer.js")
const wait = await import("../examples/wait.js")

const captured = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const current = yield* Effect.console
    const console: Console.Console = {
      ...current,
      log: (...args: ReadonlyArray<unknown>) =>
        Effect.sync(() => void lines.push(...args.map(String).join(" ").split("\n")))
    }
    yield* Console.withConsole(effect, console)
    return lines.map((l) => l.trim()).filter((l) => l !== "")
  })

describe("examples", () => {
  it.live(
    "informer: a shared, indexed cache; events; Deleted after a relist over compacted history",
    () =>
      Effect.gen(function*() {
        const lines = yield* captured(informer.run)
        expect(lines).toEqual([
          "1. synced 7 pods; two readers, same informer: true",
          "watch requests so far: 1",
          "node-a: api-5c6b7-hd2lw, web-7d9f8-2xkqp, worker-84f6d-vb3sx",
          "node-b: api-5c6b7-p9x7c, db-migrate-1-zt8kd, web-7d9f8-8mzt4",
          "app=web: 3 pods",
          "2. changes arrive as events; then the watch drops, a pod goes while it is down, history is compacted",
          "Updated pod/web-7d9f8-qq5rn Pending on no node -> Pending on node-a",
          "Updated pod/web-7d9f8-qq5rn Pending on node-a -> Running on node-a",
          "Deleted pod/db-migrate-1-zt8kd",
          "Deleted pod/worker-84f6d-vb3sx",
          "3. listed 2 times; 5 pods cached, 5 on the server"
        ])
        const fake = yield* FakeApiServer.FakeApiServer
        expect(yield* fake.list({ apiVersion: "v1", kind: "Pod", namespace: "shop" })).toHaveLength(5)
      }).pipe(Effect.provide(support.fake({}, informer.tuning))),
    20_000
  )

  it.live("wait: rollout status, deletion, typed timeout", () =>
    Effect.gen(function*() {
      const lines = yield* captured(wait.program)
      expect(lines).toEqual([
        "1. kubectl rollout status deployment/web",
        `Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`,
        `Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...`,
        `Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...`,
        `deployment "web" successfully rolled out`,
        "done: 3 updated, 3 available",
        "2. kubectl wait --for=delete pod/db-migrate-1-zt8kd",
        "pod/db-migrate-1-zt8kd deleted",
        "3. kubectl wait --for=condition=Ready pod/web-7d9f8-qq5rn --timeout=200ms",
        `timed out after 200ms waiting for "web-7d9f8-qq5rn"; last seen in phase Pending`
      ])
    }).pipe(Effect.provide(support.fake({}, wait.tuning))), 20_000)
})
