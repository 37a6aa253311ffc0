// One contender in its own process (forked by run.ts with --expose-gc), so heaps and JIT state never mix. It answers
// one measurement per IPC message; run.ts decides the order, so samples of all contenders interleave.
import * as V8 from "node:v8"
import type { Contender, Rate, Target } from "./contender.js"

export type Request =
  | { readonly op: "list"; readonly namespace: string; readonly expected: number }
  | { readonly op: "paged"; readonly namespace: string; readonly limit: number; readonly expected: number }
  | {
    readonly op: "gets"
    readonly namespace: string
    readonly names: ReadonlyArray<string>
    readonly concurrency: number
    readonly maxCount: number
    readonly maxMs: number
  }
  | { readonly op: "watch"; readonly namespace: string; readonly expected: number; readonly maxMs: number }
  | { readonly op: "informer"; readonly namespace: string; readonly expected: number; readonly metadata: boolean }
  | { readonly op: "informerWatch"; readonly namespace: string; readonly expected: number; readonly maxMs: number }

export interface ListResult {
  readonly ms: number
  /** Highest used heap seen (before any GC during the call, or at its end) above the heap before the call. */
  readonly peakHeap: number
  /** Used heap after a full GC with the result still referenced, above the heap before the call. */
  readonly retainedHeap: number
}

export type Response =
  | { readonly id: number; readonly ok: true; readonly result: ListResult | Rate }
  | { readonly id: number; readonly ok: false; readonly error: string }

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) throw new Error("the worker needs --expose-gc")
  collect()
  collect()
}

const measureList = async (expected: number, f: () => Promise<ReadonlyArray<unknown>>): Promise<ListResult> => {
  gc()
  const base = process.memoryUsage().heapUsed
  const profiler = new V8.GCProfiler()
  profiler.start()
  const start = performance.now()
  const items = await f()
  const ms = performance.now() - start
  const atEnd = process.memoryUsage().heapUsed
  const stats = profiler.stop()
  let peak = atEnd
  for (const gcEvent of stats.statistics) peak = Math.max(peak, gcEvent.beforeGC.heapStatistics.usedHeapSize)
  gc()
  const retainedHeap = process.memoryUsage().heapUsed - base
  if (items.length !== expected) throw new Error(`expected ${expected} items, got ${items.length}`)
  return { ms, peakHeap: peak - base, retainedHeap }
}

const load = async (name: string, target: Target): Promise<Contender> => {
  switch (name) {
    case "raw":
      return (await import("./contenders/raw.js")).make(target)
    case "effect-kube":
      return (await import("./contenders/effectKube.js")).makeTyped(target)
    case "effect-kube-rest":
      return (await import("./contenders/effectKube.js")).makeRest(target)
    case "client-node":
      return (await import("./contenders/clientNode.js")).make(target)
    default:
      throw new Error(`unknown contender ${name}`)
  }
}

const handle = async (contender: Contender, request: Request): Promise<ListResult | Rate> => {
  switch (request.op) {
    case "list":
      return measureList(request.expected, () => contender.list(request.namespace))
    case "paged":
      return measureList(request.expected, () => contender.listPaged(request.namespace, request.limit))
    case "gets": {
      const cpu = process.cpuUsage()
      const rate = await contender.gets(
        request.namespace,
        request.names,
        request.concurrency,
        request.maxCount,
        request.maxMs
      )
      const used = process.cpuUsage(cpu)
      return { ...rate, cpuMicros: used.user + used.system }
    }
    case "informer": {
      const sync = request.metadata ? contender.metadataInformerSync : contender.informerSync
      if (sync === undefined) throw new Error("no informer for this contender")
      return measureList(request.expected, () => sync(request.namespace))
    }
    case "informerWatch": {
      if (contender.informerWatch === undefined) throw new Error("no informer for this contender")
      const cpu = process.cpuUsage()
      const rate = await contender.informerWatch(request.namespace, request.expected, request.maxMs)
      const used = process.cpuUsage(cpu)
      if (rate.count !== request.expected) throw new Error(`expected ${request.expected} updates, got ${rate.count}`)
      // Includes the informer's initial list of the cached pods (about 2% of a sample's CPU).
      return { ...rate, cpuMicros: used.user + used.system }
    }
    case "watch": {
      const cpu = process.cpuUsage()
      const rate = await contender.watch(request.namespace, request.maxMs)
      const used = process.cpuUsage(cpu)
      if (rate.count !== request.expected) throw new Error(`expected ${request.expected} events, got ${rate.count}`)
      return { ...rate, cpuMicros: used.user + used.system }
    }
  }
}

// fetch and undici put the reason in `cause` ("fetch failed" alone says nothing).
const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  const causes: Array<string> = []
  let cause: unknown = error.cause
  for (let depth = 0; depth < 4 && cause !== undefined && cause !== null; depth++) {
    const c = cause as { code?: unknown; message?: unknown; cause?: unknown }
    causes.push([c.code, c.message].filter((x) => typeof x === "string").join(" "))
    cause = c.cause
  }
  const stack = error.stack ?? error.message
  return causes.length === 0 ? stack : `${error.message} (caused by: ${causes.join("; ")})\n${stack}`
}

const main = async () => {
  const [name, server, kubeconfig] = process.argv.slice(2)
  const contender = await load(name!, { server: server!, kubeconfig: kubeconfig! })
  process.on("message", (message: { id: number; request: Request } | { id: number; close: true }) => {
    if ("close" in message) {
      void contender.close().finally(() => process.exit(0))
      return
    }
    handle(contender, message.request).then(
      (result) => process.send!({ id: message.id, ok: true, result } satisfies Response),
      (error: unknown) =>
        process.send!(
          {
            id: message.id,
            ok: false,
            error: describe(error)
          } satisfies Response
        )
    )
  })
  process.send!({ ready: true })
}

process.on("disconnect", () => process.exit(0))
main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
