// Reconcile throughput of a no-op reconciler over 10,000 ConfigMaps on the in-process FakeApiServer: the time from
// starting the controller to the 10,000th reconcile, next to a baseline in the same run (the shared informer's
// initial sync alone, and the work queue alone), so the per-item queue and cache overhead is the difference.
// Heap is measured after a forced GC (run with --expose-gc when available). Prints one line per measurement.
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Controller from "../src/Controller.js"
import { ConfigMapResource } from "../src/generated/core/v1.js"
import * as SharedInformers from "../src/SharedInformers.js"
import * as Testing from "../src/testing.js"
import * as WorkQueue from "../src/WorkQueue.js"

const objects = Number(process.env.OBJECTS ?? 10_000)
const rounds = 3

const heapMb = () => {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const seed = Array.from({ length: objects }, (_, i) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: `cm-${i}`, namespace: "default", labels: { app: "bench" } },
  data: { i: String(i) }
}))

const layer = () =>
  SharedInformers.layer.pipe(
    Layer.provideMerge(Testing.layerFake({ namespace: "default", seed }, { qps: -1, retry: "none" }))
  )

const syncOnly = Effect.gen(function*() {
  const start = performance.now()
  const informer = yield* SharedInformers.resource(ConfigMapResource)
  yield* informer.waitForSync
  return performance.now() - start
}).pipe(Effect.scoped)

const controllerRun = Effect.gen(function*() {
  let reconciled = 0
  const all = yield* Deferred.make<void>()
  const start = performance.now()
  const fiber = yield* Effect.fork(Controller.make({
    for: ConfigMapResource,
    concurrency: 4,
    reconcile: () =>
      Effect.suspend(() => {
        if (++reconciled === objects) return Deferred.succeed(all, undefined).pipe(Effect.as(Controller.done))
        return Effect.succeed(Controller.done)
      })
  }))
  yield* Deferred.await(all)
  const ms = performance.now() - start
  const heap = heapMb()
  yield* Fiber.interrupt(fiber)
  return { ms, heap }
})

const queueOnly = Effect.gen(function*() {
  const queue = yield* WorkQueue.make({ name: "bench" })
  let processed = 0
  const all = yield* Deferred.make<void>()
  const start = performance.now()
  for (let i = 0; i < objects; i++) yield* queue.add(`default/cm-${i}`)
  const fiber = yield* Effect.fork(
    queue.process(
      () => Effect.suspend(() => ++processed === objects ? Deferred.succeed(all, undefined) : Effect.void),
      { concurrency: 4 }
    )
  )
  yield* Deferred.await(all)
  const ms = performance.now() - start
  yield* Fiber.interrupt(fiber)
  return ms
}).pipe(Effect.scoped)

const program = Effect.gen(function*() {
  const base = heapMb()
  const sync: Array<number> = []
  const run: Array<number> = []
  const heap: Array<number> = []
  const queue: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    sync.push(yield* Effect.provide(syncOnly, layer()))
    const result = yield* Effect.provide(controllerRun, layer())
    run.push(result.ms)
    heap.push(result.heap - base)
    queue.push(yield* queueOnly)
  }
  const s = median(sync)
  const c = median(run)
  const q = median(queue)
  console.log(
    `controller no-op reconcile of ${objects} objects (sync included): median ${c.toFixed(0)} ms, ${
      (objects / (c / 1000)).toFixed(0)
    } reconciles/s`
  )
  console.log(
    `controller baseline, informer sync alone: median ${s.toFixed(0)} ms; queue and reconcile overhead ${
      (((c - s) * 1000) / objects).toFixed(1)
    } µs/object`
  )
  console.log(
    `work queue alone, ${objects} keys add+process: median ${q.toFixed(0)} ms, ${
      ((q * 1000) / objects).toFixed(2)
    } µs/key`
  )
  console.log(`controller heap with ${objects} objects cached (fake apiserver included): ${median(heap).toFixed(1)} MB`)
})

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
