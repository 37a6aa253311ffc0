// Diagnostic (not part of `npm run bench`): a GET of one pod over loopback against bench/server.ts, one layer of
// effect-kube's path added at a time, all in one process and interleaved in a shuffled order each round, so the
// variants share the process state and the host's load. Each line: median and minimum CPU (user + system) per GET
// over the rounds after the first, its ratio to the first variant, system CPU and GC pause time per GET (medians).
//   node --import tsx bench/getLadder.ts   (tsx's __name calls cost our code a few µs; a transpiled copy has none)
// env: ROUNDS (default 12), N requests a sample (2,000), LANES in flight (16), ONLY=a,b (variants whose name
// contains one of them), ALLOC=1 (afterwards, a sampled allocation profile of each variant: bytes per GET by site).
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clientset from "effect-kube/Clientset"
import * as HttpExchange from "effect-kube/HttpExchange"
import * as Kube from "effect-kube/Kube"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as NodeTransport from "effect-kube/NodeTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as Http from "node:http"
import { PerformanceObserver } from "node:perf_hooks"
import { makeAgents } from "../src/internal/transport/agent.js"
import { roundTrip } from "../src/internal/transport/nodeClient.js"
import { promiseLanes, type Rate } from "./contender.js"
import { startLocalServer } from "./localServer.js"

const rounds = Math.min(40, Number(process.env.ROUNDS ?? 12))
const n = Math.min(20_000, Number(process.env.N ?? 2000))
const concurrency = Number(process.env.LANES ?? 16)
const info = await startLocalServer("10")
const kubeconfig = info.kubeconfig
const names = info.names["pods-1k"]!
const ns = "pods-1k"
const pathOf = (i: number) => `/api/v1/namespaces/${ns}/pods/${names[i % names.length]!}`

const agent = new Http.Agent({ keepAlive: true })
// node:http as the raw contender uses it; the variants below differ only in what waits for it.
const nodeGet = (path: string, onBody: (body: Buffer) => void, onError: (error: Error) => void) => {
  const req = Http.get(
    { host: "127.0.0.1", port: info.port, path, agent, headers: { accept: "application/json" } },
    (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("error", onError)
      res.on("end", () => onBody(Buffer.concat(chunks)))
    }
  )
  req.on("error", onError)
  return req
}
const getJson = (path: string): Promise<unknown> =>
  new Promise((resolve, reject) => nodeGet(path, (body) => resolve(JSON.parse(body.toString("utf8"))), reject))
const asyncGet = (path: string, canceler: boolean) =>
  Effect.async<unknown, Error>((resume) => {
    const req = nodeGet(
      path,
      (body) => resume(Effect.succeed(JSON.parse(body.toString("utf8")))),
      (error) => resume(Effect.fail(error))
    )
    if (canceler) return Effect.sync(() => req.destroy())
  })
const lanes = (one: (i: number) => Effect.Effect<unknown, unknown>): Effect.Effect<Rate, unknown> =>
  Effect.suspend(() => {
    let issued = 0
    const start = performance.now()
    const lane = Effect.whileLoop({
      while: () => issued < n,
      body: () => Effect.suspend(() => one(issued++)),
      step: () => {}
    })
    return Effect.map(
      Effect.all(Array.from({ length: concurrency }, () => lane), { concurrency: "unbounded", discard: true }),
      () => ({ count: issued, ms: performance.now() - start })
    )
  })

const runtime = ManagedRuntime.make(Kube.layerKubeconfig({ path: kubeconfig }, { qps: -1 }))
const cs = await runtime.runPromise(Clientset.Clientset)
const client = await runtime.runPromise(
  NodeTransport.make(cs.restClient.config).pipe(Effect.provide(NodeFileSystem.layer), Effect.provide(Layer.scope))
)
const exchange = HttpExchange.exchangeOf(client)
const agents = makeAgents({ rejectUnauthorized: true })
const rtHeaders = { accept: "application/json" }
const rtOptions = { onTimeout: () => new Error("timeout"), classify: (e: any) => e, decompress: false }
const parse = (b: { body: Uint8Array }) =>
  JSON.parse(Buffer.from(b.body.buffer, b.body.byteOffset, b.body.byteLength).toString("utf8"))
const pods = cs.coreV1.pods(ns)

const variants: Record<string, () => Promise<Rate>> = {
  "raw promise": () => promiseLanes(concurrency, n, 60_000, (i) => getJson(pathOf(i))),
  "Effect.promise(raw)": () => runtime.runPromise(lanes((i) => Effect.promise(() => getJson(pathOf(i))))),
  "Effect.async(node:http)": () => runtime.runPromise(lanes((i) => asyncGet(pathOf(i), false))),
  // The same with a canceler returned from the async step: Effect's interruption wrapping around it (see roundTrip).
  "Effect.async(node:http) + canceler": () => runtime.runPromise(lanes((i) => asyncGet(pathOf(i), true))),
  "roundTrip": () =>
    runtime.runPromise(
      lanes((i) =>
        Effect.map(roundTrip(agents, HttpClientRequest.get(info.server + pathOf(i)), rtHeaders, rtOptions), parse)
      )
    ),
  "NodeTransport exchange": () =>
    runtime.runPromise(
      lanes((i) => Effect.map(exchange(HttpClientRequest.get(info.server + pathOf(i), { headers: rtHeaders })), parse))
    ),
  "RestClient.executeRaw": () =>
    runtime.runPromise(lanes((i) =>
      Effect.map(
        cs.restClient.executeRaw(
          KubeRequest.get({ version: "v1", resource: "pods", namespace: ns, name: names[i % names.length]! })
        ),
        (r) => JSON.parse(r.text)
      )
    )),
  "RestClient.execute(Unknown)": () =>
    runtime.runPromise(lanes((i) =>
      cs.restClient.execute(
        KubeRequest.get({ version: "v1", resource: "pods", namespace: ns, name: names[i % names.length]! }),
        Schema.Unknown
      )
    )),
  "Clientset typed get": () => runtime.runPromise(lanes((i) => pods.get(names[i % names.length]!)))
}
const only = process.env.ONLY?.split(",")
const keys = Object.keys(variants).filter((k) => only === undefined || only.some((o) => k.includes(o)))
const sys: Record<string, Array<number>> = {}
const gcs: Record<string, Array<number>> = {}
let gcCount = 0
let gcMs = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcCount++
    gcMs += e.duration
  }
}).observe({ entryTypes: ["gc"] })
const cpu: Record<string, Array<number>> = {}
const rate: Record<string, Array<number>> = {}
for (const k of keys) (cpu[k] = []), (rate[k] = []), (sys[k] = []), (gcs[k] = [])
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
try {
  for (let round = 0; round < rounds; round++) {
    const order = [...keys].sort(() => Math.random() - 0.5)
    for (const k of order) {
      const gcBefore = gcMs
      const before = process.cpuUsage()
      const r = await variants[k]!()
      const used = process.cpuUsage(before)
      if (round === 0) continue
      cpu[k]!.push((used.user + used.system) / r.count)
      sys[k]!.push(used.system / r.count)
      gcs[k]!.push(((gcMs - gcBefore) * 1000) / r.count)
      rate[k]!.push((r.count / r.ms) * 1000)
    }
  }
  if (process.env.ALLOC === "1") {
    const Inspector = await import("node:inspector/promises")
    const session = new Inspector.Session()
    session.connect()
    await session.post("HeapProfiler.enable")
    for (const k of keys) {
      await session.post("HeapProfiler.startSampling", {
        samplingInterval: 512,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true
      } as any)
      const r = await variants[k]!()
      const { profile } = (await session.post("HeapProfiler.stopSampling")) as any
      const bySite = new Map<string, number>()
      const walk = (node: any) => {
        const f = node.callFrame
        const key = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`
        bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize)
        for (const c of node.children) walk(c)
      }
      walk(profile.head)
      const total = [...bySite.values()].reduce((a, b) => a + b, 0)
      console.log(`== ${k}: ${(total / r.count).toFixed(0)} bytes/GET sampled`)
      for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
        console.log(`${(bytes / r.count).toFixed(0).padStart(7)}  ${site}`)
      }
    }
  }
  const base = median(cpu[keys[0]!]!)
  for (const k of keys) {
    console.log(
      `${k.padEnd(26)} CPU ${median(cpu[k]!).toFixed(1).padStart(6)} µs/GET (min ${Math.min(...cpu[k]!).toFixed(1)}) ` +
        `${(median(cpu[k]!) / base).toFixed(2)}x  sys ${median(sys[k]!).toFixed(1)}  gc ${
          median(gcs[k]!).toFixed(1)
        }  ${median(rate[k]!).toFixed(0)} req/s`
    )
  }
} finally {
  await runtime.dispose()
  info.stop()
}
