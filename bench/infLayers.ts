// Diagnostic (not part of `npm run bench`): client CPU per event of an informer's layers in one process, against
// the bench server, variants interleaved round by round so a busy host slows them alike:
// - rawWatch / rawInformer: the raw contender's watch and its watch into a Map;
// - restWatch: RestClient.watch with Schema.Unknown; dynamicWatch: the DynamicClient's watch (Unstructured);
// - watcher: Watcher.watch over the DynamicClient (list, then watch), its Apply events counted;
// - informer: Informer.make over the DynamicClient and one subscriber counting Updated events;
// - transformInformer: an informer caching only its transform's output (metadata), with no subscriber;
// - typedWatch / typedInformer: the same watch and informer over the typed client (the generated Pod schema).
// `V=rawInformer,informer` picks variants, `ROUNDS=n` (default 6; the first is warm-up). `ALLOC=1` writes, for the
// last round of each variant, a sampling allocation profile that includes the objects already collected
// (/tmp/infLayers-<variant>.heapprofile, for DevTools' memory tab) and prints the bytes allocated per event, which do
// not move with the host's load as times do.
//   node --import tsx bench/infLayers.ts
import * as Clientset from "effect-kube/Clientset"
import * as DynamicClient from "effect-kube/DynamicClient"
import * as Informer from "effect-kube/Informer"
import * as Kube from "effect-kube/Kube"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as Watcher from "effect-kube/Watcher"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Inspector from "node:inspector/promises"
import { syncedUpdates } from "./contenders/effectKube.js"
import { startLocalServer } from "./localServer.js"

const events = 50_000
const info = await startLocalServer(String(events))
const target = { server: info.server, kubeconfig: info.kubeconfig }
const raw = await (await import("./contenders/raw.js")).make(target)
const runtime = ManagedRuntime.make(Kube.layerKubeconfig({ path: info.kubeconfig }, { qps: -1 }))
const cs = await runtime.runPromise(Clientset.Clientset)
const dynamic = DynamicClient.fromRestClient(cs.restClient).resource({ group: "", version: "v1", resource: "pods" })
  .namespace("pods-1k")
const typed = cs.coreV1.pods("pods-1k")
const watcherOptions = { streamingList: false, pageSize: 10_000 }

const variants: Record<string, () => Promise<unknown>> = {
  rawWatch: () => raw.watch("pods-1k", 60_000),
  rawInformer: () => raw.informerWatch!("pods-1k", events, 60_000),
  restWatch: () =>
    runtime.runPromise(
      cs.restClient.watch(KubeRequest.watch({ version: "v1", resource: "pods", namespace: "pods-1k" }), Schema.Unknown)
        .pipe(Stream.take(events), Stream.runDrain)
    ),
  dynamicWatch: () => runtime.runPromise(dynamic.watch().pipe(Stream.take(events), Stream.runDrain)),
  watcher: () =>
    runtime.runPromise(
      Watcher.watch(dynamic, watcherOptions).pipe(
        Stream.filter((e) => e._tag === "Apply"),
        Stream.take(events),
        Stream.runDrain
      )
    ),
  informer: () => runtime.runPromise(Effect.scoped(Effect.flatMap(syncedUpdates(dynamic, events), Fiber.join))),
  // An informer that caches only what its transform keeps (metadata) and has no subscriber, as a lister-only program
  // runs it: its client CPU and, with --trace-gc-nvp, what its scavenges promote.
  transformInformer: () =>
    runtime.runPromise(Effect.scoped(Effect.gen(function*() {
      let seen = 0
      const informer = yield* Informer.make(dynamic, {
        ...watcherOptions,
        transform: (o) => {
          seen++
          return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }
        }
      })
      yield* informer.waitForSync
      const target = seen + events
      yield* Effect.sleep(10).pipe(Effect.repeat({ until: () => seen >= target }), Effect.timeout(60_000))
    }))),
  typedWatch: () => runtime.runPromise(typed.watch().pipe(Stream.take(events), Stream.runDrain)),
  typedInformer: () => runtime.runPromise(Effect.scoped(Effect.flatMap(syncedUpdates(typed, events), Fiber.join)))
}

const which = (process.env.V ?? Object.keys(variants).join(",")).split(",")
for (const v of which) if (variants[v] === undefined) throw new Error(`unknown variant ${v}`)
const rounds = Math.max(2, Number(process.env.ROUNDS ?? 6))
const session = process.env.ALLOC === "1" ? new Inspector.Session() : undefined
session?.connect()
const samples: Record<string, Array<number>> = {}
const allocated: Record<string, number> = {}
interface SampledNode {
  readonly selfSize: number
  readonly children: ReadonlyArray<SampledNode>
}
const totalBytes = (node: SampledNode): number =>
  node.children.reduce((sum, child) => sum + totalBytes(child), node.selfSize)
try {
  for (let r = 0; r < rounds; r++) {
    for (const v of which) {
      const profile = session !== undefined && r === rounds - 1
      if (profile) {
        await session.post("HeapProfiler.startSampling", {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true
        } as never)
      }
      const cpu = process.cpuUsage()
      await variants[v]!()
      const used = process.cpuUsage(cpu)
      ;(samples[v] ??= []).push((used.user + used.system) / events)
      if (profile) {
        const { profile: heap } = await session.post("HeapProfiler.stopSampling")
        Fs.writeFileSync(`/tmp/infLayers-${v}.heapprofile`, JSON.stringify(heap))
        allocated[v] = totalBytes(heap.head) / events
      }
    }
  }
  for (const v of which) {
    const measured = samples[v]!.slice(1).sort((a, b) => a - b)
    console.log(
      `${v.padEnd(13)} client CPU per event: median ${measured[Math.floor(measured.length / 2)]!.toFixed(1)} µs (${
        samples[v]!.map((x) => x.toFixed(1)).join(", ")
      }; the first is warm-up)${
        allocated[v] === undefined ? "" : `; allocated per event ${(allocated[v] / 1024).toFixed(2)} KiB`
      }`
    )
  }
} finally {
  session?.disconnect()
  await runtime.dispose()
  await raw.close()
  info.stop()
}
