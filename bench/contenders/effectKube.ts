// effect-kube as a user writes it: the whole stack from a kubeconfig (`Kube.layerKubeconfig`) with client-side rate
// limiting disabled (qps -1) and the default RetryPolicy (nothing is retried here: every answer is a 200). Two ways
// in:
// - "typed": the Clientset, `coreV1.pods(ns).list/listAll/get/watch`, every body decoded with the generated Pod
//   Schema (unknown fields kept);
// - "rest": the RestClient underneath with `Schema.Unknown`, i.e. the same pipeline without the typed decode, to
//   tell the pipeline's cost from the Schema's.
import * as Clientset from "effect-kube/Clientset"
import * as DynamicClient from "effect-kube/DynamicClient"
import * as Informer from "effect-kube/Informer"
import * as Kube from "effect-kube/Kube"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as MetadataClient from "effect-kube/MetadataClient"
import type * as Watcher from "effect-kube/Watcher"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Contender, Rate, Target } from "../contender.js"

const lanes = <E>(
  concurrency: number,
  maxCount: number,
  maxMs: number,
  one: (i: number) => Effect.Effect<unknown, E>
): Effect.Effect<Rate, E> =>
  Effect.suspend(() => {
    let issued = 0
    const start = performance.now()
    const deadline = start + maxMs
    const lane = Effect.whileLoop({
      while: () => issued < maxCount && performance.now() < deadline,
      body: () => Effect.suspend(() => one(issued++)),
      step: () => {}
    })
    return Effect.map(
      Effect.all(Array.from({ length: concurrency }, () => lane), { concurrency: "unbounded", discard: true }),
      () => ({ count: issued, ms: performance.now() - start })
    )
  })

const countEvents = <A, E>(stream: Stream.Stream<A, E>, maxMs: number): Effect.Effect<Rate, E | Error> =>
  Effect.suspend(() => {
    const start = performance.now()
    return Stream.runFold(stream, 0, (n) => n + 1).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(maxMs),
        onTimeout: () => new Error(`effect-kube watch did not finish within ${maxMs} ms`)
      }),
      Effect.map((count) => ({ count, ms: performance.now() - start }))
    )
  })

// One page, as the other contenders' single list (informers page by 500 by default, as client-go's).
const syncOf = <A, E>(runtime: ManagedRuntime.ManagedRuntime<any, any>, source: Watcher.Source<A, E>) =>
  runtime.runPromise(Effect.scoped(Effect.gen(function*() {
    const informer = yield* Informer.make(source, { streamingList: false, pageSize: 10_000 })
    yield* informer.waitForSync
    return yield* informer.store.list()
  })))

// The rate from the end of the sync to the `count`th Updated event a subscriber receives.
/** An informer of `source` and a fiber counting its first `count` Updated events, subscribed before the sync. */
export const syncedUpdates = <A, E>(source: Watcher.Source<A, E>, count: number) =>
  Effect.gen(function*() {
    const informer = yield* Informer.make(source, { streamingList: false, pageSize: 10_000 })
    const updates = yield* informer.events.pipe(
      Stream.filter((e) => e._tag === "Updated"),
      Stream.take(count),
      Stream.runCount,
      Effect.fork
    )
    yield* informer.waitForSync
    return updates
  })

const updatesOf = <A, E>(
  runtime: ManagedRuntime.ManagedRuntime<any, any>,
  source: Watcher.Source<A, E>,
  count: number,
  maxMs: number
): Promise<Rate> =>
  runtime.runPromise(Effect.scoped(Effect.gen(function*() {
    const updates = yield* syncedUpdates(source, count)
    const start = performance.now()
    const seen = yield* Fiber.join(updates).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(maxMs),
        onTimeout: () => new Error(`effect-kube informer saw fewer than ${count} updates within ${maxMs} ms`)
      })
    )
    return { count: seen, ms: performance.now() - start }
  })))

const podsResource = { group: "", version: "v1", resource: "pods" }

const setup = async (target: Target) => {
  const runtime = ManagedRuntime.make(Kube.layerKubeconfig({ path: target.kubeconfig }, { qps: -1 }))
  const cs = await runtime.runPromise(Clientset.Clientset)
  return { runtime, cs }
}

export const makeTyped = async (target: Target): Promise<Contender> => {
  const { cs, runtime } = await setup(target)
  const pods = (namespace: string) => cs.coreV1.pods(namespace)
  return {
    list: (namespace) => runtime.runPromise(Effect.map(pods(namespace).list(), (list) => list.items)),
    listPaged: (namespace, limit) =>
      runtime.runPromise(
        Effect.map(Stream.runCollect(pods(namespace).listAll({ pageSize: limit })), Chunk.toReadonlyArray)
      ),
    gets: (namespace, names, concurrency, max, maxMs) => {
      const client = pods(namespace)
      return runtime.runPromise(lanes(concurrency, max, maxMs, (i) => client.get(names[i % names.length]!)))
    },
    watch: (namespace, maxMs) => runtime.runPromise(countEvents(pods(namespace).watch(), maxMs)),
    informerSync: (namespace) => syncOf(runtime, pods(namespace)),
    informerWatch: (namespace, count, maxMs) => updatesOf(runtime, pods(namespace), count, maxMs),
    metadataInformerSync: (namespace) =>
      syncOf(runtime, MetadataClient.fromRestClient(cs.restClient).resource(podsResource).namespace(namespace)),
    close: () => runtime.dispose()
  }
}

export const makeRest = async (target: Target): Promise<Contender> => {
  const { cs, runtime } = await setup(target)
  const rest = cs.restClient
  const podsOf = (namespace: string): KubeRequest.Target => ({ version: "v1", resource: "pods", namespace })
  const ListOfUnknown = Schema.Struct({ items: Schema.Array(Schema.Unknown) })
  return {
    list: (namespace) =>
      runtime.runPromise(
        Effect.map(rest.execute(KubeRequest.list(podsOf(namespace)), ListOfUnknown), (list) => list.items)
      ),
    listPaged: (namespace, limit) =>
      runtime.runPromise(
        Effect.map(
          Stream.runCollect(rest.listAll(KubeRequest.list(podsOf(namespace)), Schema.Unknown, { pageSize: limit })),
          Chunk.toReadonlyArray
        )
      ),
    gets: (namespace, names, concurrency, max, maxMs) =>
      runtime.runPromise(
        lanes(
          concurrency,
          max,
          maxMs,
          (i) => rest.execute(KubeRequest.get({ ...podsOf(namespace), name: names[i % names.length]! }), Schema.Unknown)
        )
      ),
    watch: (namespace, maxMs) =>
      runtime.runPromise(countEvents(rest.watch(KubeRequest.watch(podsOf(namespace)), Schema.Unknown), maxMs)),
    informerSync: (namespace) =>
      syncOf(runtime, DynamicClient.fromRestClient(rest).resource(podsResource).namespace(namespace)),
    informerWatch: (namespace, count, maxMs) =>
      updatesOf(runtime, DynamicClient.fromRestClient(rest).resource(podsResource).namespace(namespace), count, maxMs),
    close: () => runtime.dispose()
  }
}
