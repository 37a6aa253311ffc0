// Diagnostic (not part of `npm run bench`): a GET of one pod over loopback against bench/server.ts, one layer of
// effect-kube's path added at a time, all in one process and interleaved in a shuffled order each round, so the
// variants share the process state and the host's load. Each line: median and minimum CPU (user + system) per GET
// over the rounds after the first, its ratio to the first variant, system CPU and GC pause time per GET (medians).
//   node --import tsx bench/getLadder.ts   (tsx's __name calls cost our code a few µs; a transpiled copy has none)
// env: ROUNDS (default 12), N requests a sample (2,000), LANES in flight (16), ONLY=a,b (variants whose name
// contains one of them), ALLOC=1 (afterwards, a sampled allocation profile of each variant: bytes per GET by site),
// SEPARATE=k: each variant instead in a process of its own that runs nothing else, k processes per variant in a
// shuffled order, against one server; CPU is also split into the main thread's and the other threads' (GC helpers,
// compilers), from /proc. In one process the variants share the JIT's and the heap's state, which hides costs that a
// process running only effect-kube's path pays (the bench's contenders each run in a process of their own).
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Pod } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as HttpExchange from "effect-kube/HttpExchange"
import * as Kube from "effect-kube/Kube"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as NodeTransport from "effect-kube/NodeTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Http from "node:http"
import { PerformanceObserver } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { makeAgents } from "../src/internal/transport/agent.js"
import { roundTrip } from "../src/internal/transport/nodeClient.js"
import { promiseLanes, type Rate } from "./contender.js"
import { type LocalServer, startLocalServer } from "./localServer.js"

const rounds = Math.min(40, Number(process.env.ROUNDS ?? 12))
const n = Math.min(20_000, Number(process.env.N ?? 2000))
const concurrency = Number(process.env.LANES ?? 16)
const separate = Math.min(12, Number(process.env.SEPARATE ?? 0))
// A child of a SEPARATE run: the parent's server, and only the variant named.
const parentServer = process.env.LADDER_SERVER
const info = parentServer !== undefined
  ? { ...(JSON.parse(parentServer) as Omit<LocalServer, "stop">), stop: () => {} }
  : await startLocalServer("10")
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
const rtFullHeaders = {
  accept: "application/json",
  "user-agent": cs.restClient.config.userAgent,
  "accept-encoding": "gzip"
}
const rtFullOptions = { ...rtOptions, decompress: true, maxBytes: 64 * 1024 * 1024 }
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
  // roundTrip with the headers and options NodeTransport's exchange adds (User-Agent, Accept-Encoding, gunzip).
  "roundTrip + transport headers": () =>
    runtime.runPromise(
      lanes((i) =>
        Effect.map(
          roundTrip(agents, HttpClientRequest.get(info.server + pathOf(i)), rtFullHeaders, rtFullOptions),
          parse
        )
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
  // The typed decode without the clientset's own steps (its schema lookup and the error narrowing).
  "RestClient.execute(Pod)": () =>
    runtime.runPromise(lanes((i) =>
      cs.restClient.execute(
        KubeRequest.get({ version: "v1", resource: "pods", namespace: ns, name: names[i % names.length]! }),
        Pod
      )
    )),
  "Clientset typed get": () => runtime.runPromise(lanes((i) => pods.get(names[i % names.length]!)))
}
const only = process.env.ONLY?.split(",")
const exact = process.env.LADDER_VARIANT
const keys = Object.keys(variants).filter((k) =>
  exact !== undefined ? k === exact : only === undefined || only.some((o) => k.includes(o))
)

/** CPU ticks (1/100 s) of the main thread and of all the others, from /proc (zeros where there is none). */
const threadTicks = (): { main: number; other: number } => {
  let main = 0
  let other = 0
  if (!Fs.existsSync("/proc/self/task")) return { main, other }
  for (const tid of Fs.readdirSync("/proc/self/task")) {
    const stat = Fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const ticks = Number(fields[11]) + Number(fields[12])
    if (Number(tid) === process.pid) main += ticks
    else other += ticks
  }
  return { main, other }
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Per GET: CPU, the main thread's and the other threads' CPU, system CPU, GC pauses (µs); and requests a second. */
const columns = ["cpu", "main", "other", "sys", "gc", "rate"] as const
type Samples = Record<(typeof columns)[number], Array<number>>
const samples: Record<string, Samples> = {}
for (const k of keys) samples[k] = { cpu: [], main: [], other: [], sys: [], gc: [], rate: [] }

/** One line a variant: medians, and the minimum and ratio to the first variant of its CPU. */
const report = (unit: string) => {
  const base = median(samples[keys[0]!]!.cpu)
  for (const k of keys) {
    const m = samples[k]!
    if (m.cpu.length === 0) continue
    console.log(
      `${k.padEnd(26)} CPU ${median(m.cpu).toFixed(1).padStart(6)} µs/GET (min ${Math.min(...m.cpu).toFixed(1)}) ` +
        `${(median(m.cpu) / base).toFixed(2)}x  main ${median(m.main).toFixed(0)}  other ${
          median(m.other).toFixed(0)
        }  sys ${median(m.sys).toFixed(1)}  gc ${median(m.gc).toFixed(1)}  ${
          median(m.rate).toFixed(0)
        } req/s  (${m.cpu.length} ${unit})`
    )
  }
}

if (separate > 0 && parentServer === undefined) {
  // The parent: one process per variant and sample, shuffled each time, medians of the processes' medians.
  const shared = JSON.stringify({
    port: info.port,
    server: info.server,
    kubeconfig: info.kubeconfig,
    names: { [ns]: names }
  })
  const script = fileURLToPath(import.meta.url)
  for (let i = 0; i < separate; i++) {
    for (const k of [...keys].sort(() => Math.random() - 0.5)) {
      const child = ChildProcess.spawnSync(process.execPath, [...process.execArgv, script], {
        env: { ...process.env, LADDER_SERVER: shared, LADDER_VARIANT: k, SEPARATE: "0" },
        encoding: "utf8",
        timeout: 300_000
      })
      const last = child.stdout.trim().split("\n").pop() ?? ""
      if (child.status !== 0 || !last.startsWith("{")) {
        console.log(`${k}: the child failed (${child.status}): ${child.stderr.slice(0, 500)}`)
        continue
      }
      const result = JSON.parse(last) as Record<(typeof columns)[number], number>
      for (const c of columns) samples[k]![c].push(result[c])
    }
  }
  report("processes")
  await runtime.dispose()
  info.stop()
  process.exit(0)
}

let gcMs = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration
  }
}).observe({ entryTypes: ["gc"] })
try {
  for (let round = 0; round < rounds; round++) {
    const order = [...keys].sort(() => Math.random() - 0.5)
    for (const k of order) {
      const gcBefore = gcMs
      const ticks = threadTicks()
      const before = process.cpuUsage()
      const r = await variants[k]!()
      const used = process.cpuUsage(before)
      const ticksAfter = threadTicks()
      if (round === 0) continue
      const m = samples[k]!
      m.main.push(((ticksAfter.main - ticks.main) * 10_000) / r.count)
      m.other.push(((ticksAfter.other - ticks.other) * 10_000) / r.count)
      m.cpu.push((used.user + used.system) / r.count)
      m.sys.push(used.system / r.count)
      m.gc.push(((gcMs - gcBefore) * 1000) / r.count)
      m.rate.push((r.count / r.ms) * 1000)
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
  if (exact !== undefined) {
    // A child of a SEPARATE run: its medians for the parent.
    const m = samples[keys[0]!]!
    console.log(JSON.stringify(Object.fromEntries(columns.map((c) => [c, median(m[c])]))))
  } else report("rounds")
} finally {
  await runtime.dispose()
  info.stop()
}
