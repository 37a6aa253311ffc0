/**
 * An informer: the shop's pods cached in memory and kept current by a self-healing watch, indexed by node, with a
 * stream of Added / Updated / Deleted for the program to react to. Two readers ask the same SharedInformers for the
 * pods and share one list and one watch. When the watch is down while the history is compacted, the informer lists
 * again and reports what vanished meanwhile as Deleted.
 *
 * client-go: `informers.NewSharedInformerFactory(cs, 0).Core().V1().Pods()`, `AddIndexers`, `AddEventHandler`,
 * `cache.WaitForCacheSync`; kube-rs: `watcher` + `reflector`.
 *
 *   npm run example examples/informer.ts     (fake only: it cuts the watch on purpose)
 */
import type { Pod } from "effect-kube/api/core/v1"
import { PodResource } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import type * as Informer from "effect-kube/Informer"
import type * as Kube from "effect-kube/Kube"
import * as SharedInformers from "effect-kube/SharedInformers"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { isMain, runOnFake, say } from "./support.js"

const state = (pod: Pod) => `${pod.status?.phase ?? "?"} on ${pod.spec?.nodeName || "no node"}`

const describeEvent = (e: Informer.InformerEvent<Pod>) =>
  e._tag === "Updated"
    ? `Updated pod/${e.object.metadata?.name} ${state(e.old)} -> ${state(e.object)}`
    : `${e._tag} pod/${e.object.metadata?.name}`

export const program = Effect.gen(function*() {
  const fake = yield* FakeApiServer.FakeApiServer
  const cs = yield* Clientset.Clientset
  const namespace = cs.restClient.config.namespace
  const options = {
    namespace,
    // managedFields are large and of no use to a cache.
    transform: (pod: Pod): Pod => {
      const { managedFields: _, ...metadata } = pod.metadata ?? {}
      return { ...pod, metadata }
    },
    indexers: { node: (pod: Pod) => [pod.spec?.nodeName ?? ""] }
  }
  // The first watch connection drops after the initial 7 pods, its bookmark and three changes.
  yield* fake.cutWatch({ match: { path: /pods\?.*watch=true/ }, afterEvents: 11, times: 1 })
  const pods = yield* SharedInformers.resource(PodResource, options)
  const samePods = yield* SharedInformers.resource(PodResource, options)
  yield* pods.waitForSync
  const watches = (yield* fake.requests).filter((r) => r.url.includes("/pods?") && r.url.includes("watch=true"))
  yield* say(`1. synced ${yield* pods.store.size} pods; two readers, same informer: ${pods === samePods}`)
  yield* say(`   watch requests so far: ${watches.length}`)
  for (const node of ["node-a", "node-b"]) {
    const onNode = yield* Effect.orDie(pods.store.byIndex("node", node))
    yield* say(`   ${node}: ${onNode.map((p) => p.metadata?.name).sort().join(", ")}`)
  }
  const web = yield* Effect.orDie(pods.store.list({ labelSelector: "app=web" }))
  yield* say(`   app=web: ${web.length} pods`)

  // A subscriber hears of the cached pods first (Added), then of every change.
  const seen = yield* pods.events.pipe(
    Stream.drop(yield* pods.store.size),
    Stream.take(4),
    Stream.tap((e) => say(`   ${describeEvent(e)}`)),
    Stream.runDrain,
    Effect.fork
  )
  // Every later watch request fails until the history is compacted: the resume will meet 410 Expired.
  yield* fake.failNext({ match: { path: /pods\?.*watch=true/ }, status: 503, reason: "ServiceUnavailable" })
  yield* say("")
  yield* say("2. changes arrive as events; then the watch drops, a pod goes while it is down, history is compacted")
  const podsClient = cs.coreV1.pods(namespace)
  yield* Effect.sleep("10 millis")
  yield* podsClient.patch("web-7d9f8-qq5rn", "merge", { spec: { nodeName: "node-a" } })
  yield* podsClient.patchStatus("web-7d9f8-qq5rn", "merge", { status: { phase: "Running" } })
  yield* podsClient.delete("db-migrate-1-zt8kd")
  yield* Effect.sleep("10 millis")

  yield* fake.remove({ apiVersion: "v1", kind: "Pod", namespace, name: "worker-84f6d-vb3sx" })
  yield* fake.compact
  yield* fake.clearFaults
  yield* Fiber.join(seen)
  yield* say("")
  const lists = (yield* fake.requests).filter((r) => r.url.includes("sendInitialEvents=true")).length
  const served = (yield* fake.list({ apiVersion: "v1", kind: "Pod", namespace })).length
  yield* say(`3. listed ${lists} times; ${yield* pods.store.size} pods cached, ${served} on the server`)
})

/** The informers need the SharedInformers service; the examples' stack gives the clients. */
export const layer = SharedInformers.layer

export const tuning: Kube.Tuning = { qps: 100, burst: 100 }

const main = Effect.scoped(Effect.provide(program, layer))

/** The program with its SharedInformers, for the suite. */
export const run = main

if (isMain(import.meta.url)) runOnFake(main, { tuning })
