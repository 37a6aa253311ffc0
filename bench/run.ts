// `npm run bench`: effect-kube side by side with @kubernetes/client-node 2.0.1 and a raw node:http + JSON.parse
// baseline, against one static loopback apiserver (bench/server.ts, in its own process) serving the same bytes to
// everyone. Each contender runs in its own long-lived worker process (bench/worker.ts, --expose-gc); samples of the
// contenders interleave round by round (the order rotates) so load from anything else on the machine spreads over
// all of them. Cold start spawns a fresh process per sample. Every loop is bounded in count and time.
//
// Writes bench/RESULTS.md. BENCH_QUICK=1 runs a few samples of everything (for checking the harness only);
// BENCH_ONLY=getSeq,get16 runs just those rows (see below).
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { Rate } from "./contender.js"
import type { ListResult, Request, Response } from "./worker.js"

const benchDir = Path.dirname(fileURLToPath(import.meta.url))
const root = Path.dirname(benchDir)
const quick = process.env.BENCH_QUICK === "1"
const benchStart = performance.now()
const log = (line: string) => console.log(`[${((performance.now() - benchStart) / 1000).toFixed(1)}s] ${line}`)

// ---------------------------------------------------------------------------------------------------------------
// contenders and scenarios
// ---------------------------------------------------------------------------------------------------------------

type ContenderId = "raw" | "effect-kube" | "effect-kube-rest" | "client-node"

const contenders: ReadonlyArray<{ readonly id: ContenderId; readonly label: string }> = [
  { id: "raw", label: "raw node:http + JSON.parse" },
  { id: "effect-kube", label: "effect-kube Clientset (typed)" },
  { id: "effect-kube-rest", label: "effect-kube RestClient (Schema.Unknown; informers: DynamicClient)" },
  { id: "client-node", label: "@kubernetes/client-node 2.0.1" }
]

interface ServerInfo {
  readonly port: number
  readonly names: Readonly<Record<string, ReadonlyArray<string>>>
  readonly bytes: Readonly<Record<string, number>>
  readonly watchEvents: number
}

interface Scenario {
  readonly key: string
  readonly title: string
  readonly kind: "time" | "rate"
  readonly heap: boolean
  readonly request: (server: ServerInfo) => Request
  readonly warmups: number
  readonly minSamples: number
  readonly maxSamples: number
  /** Once minSamples rounds are done, no new round starts after this much time in the scenario. */
  readonly budgetMs: number
  /** One sample of one contender may take this long before its worker is killed and restarted. */
  readonly timeoutMs: number
  /** effect-kube's target as a ratio to raw: at most (time) or at least (rate). */
  readonly target?: number | undefined
  /** The contenders that have this operation (all when unset); the others' cells say n/a. */
  readonly only?: ReadonlyArray<ContenderId> | undefined
}

const getSample = (concurrency: number, maxCount: number) => (server: ServerInfo): Request => ({
  op: "gets",
  namespace: "pods-1k",
  names: server.names["pods-1k"]!,
  concurrency,
  maxCount,
  maxMs: 1_500
})

const scale = (n: number) => quick ? Math.min(n, 2) : n

const allScenarios: ReadonlyArray<Scenario> = [
  {
    key: "list1k",
    title: "list 1,000 pods (ms)",
    kind: "time",
    heap: true,
    request: () => ({ op: "list", namespace: "pods-1k", expected: 1_000 }),
    warmups: 3,
    minSamples: scale(7),
    maxSamples: scale(15),
    budgetMs: 20_000,
    timeoutMs: 30_000
  },
  {
    key: "list10k",
    title: "list 10,000 pods (ms)",
    kind: "time",
    heap: true,
    request: () => ({ op: "list", namespace: "pods-10k", expected: 10_000 }),
    warmups: 1,
    minSamples: scale(5),
    maxSamples: scale(9),
    budgetMs: 45_000,
    timeoutMs: 60_000,
    target: 1.5
  },
  {
    key: "paged10k",
    title: "paged list 10,000 pods, limit=500 (ms)",
    kind: "time",
    heap: true,
    request: () => ({ op: "paged", namespace: "pods-10k", limit: 500, expected: 10_000 }),
    warmups: 1,
    minSamples: scale(5),
    maxSamples: scale(9),
    budgetMs: 45_000,
    timeoutMs: 60_000
  },
  {
    key: "informer10k",
    title: "informer initial sync, 10,000 pods (ms; raw: list into a Map)",
    kind: "time",
    heap: true,
    request: () => ({ op: "informer", namespace: "pods-10k", expected: 10_000, metadata: false }),
    warmups: 1,
    minSamples: scale(5),
    maxSamples: scale(9),
    budgetMs: 45_000,
    timeoutMs: 60_000,
    target: 1.3
  },
  {
    key: "informerMeta10k",
    title: "metadata-only informer sync, 10,000 pods (ms; raw: list, metadata into a Map)",
    kind: "time",
    heap: true,
    request: () => ({ op: "informer", namespace: "pods-10k", expected: 10_000, metadata: true }),
    only: ["raw", "effect-kube"],
    warmups: 1,
    minSamples: scale(5),
    maxSamples: scale(9),
    budgetMs: 45_000,
    timeoutMs: 60_000,
    target: 1.3
  },
  {
    key: "getSeq",
    title: "GET one pod, sequential (req/s)",
    kind: "rate",
    heap: false,
    request: getSample(1, 1_500),
    warmups: 4,
    minSamples: scale(5),
    maxSamples: scale(9),
    budgetMs: 35_000,
    timeoutMs: 20_000,
    target: 0.8
  },
  {
    key: "get16",
    title: "GET one pod, 16 in flight (req/s)",
    kind: "rate",
    heap: false,
    request: getSample(16, 4_000),
    warmups: 4,
    minSamples: scale(5),
    maxSamples: scale(9),
    budgetMs: 35_000,
    timeoutMs: 20_000,
    target: 0.8
  },
  {
    key: "watch",
    title: "watch (events/s)",
    kind: "rate",
    heap: false,
    request: (server) => ({ op: "watch", namespace: "pods-10k", expected: server.watchEvents, maxMs: 60_000 }),
    warmups: 1,
    minSamples: scale(3),
    maxSamples: scale(7),
    budgetMs: 80_000,
    timeoutMs: 70_000,
    target: 0.9
  },
  {
    key: "informerWatch",
    title: "informer steady state, updates of 1,000 cached pods (events/s; raw: watch lines parsed into a Map)",
    kind: "rate",
    heap: false,
    request: (server) => ({ op: "informerWatch", namespace: "pods-1k", expected: server.watchEvents, maxMs: 60_000 }),
    warmups: 1,
    minSamples: scale(3),
    maxSamples: scale(7),
    budgetMs: 80_000,
    timeoutMs: 70_000,
    target: 0.9
  }
]

// BENCH_ONLY=getSeq,get16 runs just those scenarios (no cold start unless `cold` is listed, no FakeApiServer bench) and writes
// bench/RESULTS.only.md: for iterating on one row, never for the published table.
const only = process.env.BENCH_ONLY?.split(",").filter((key) => key !== "")
const scenarios = only === undefined ? allScenarios : allScenarios.filter((s) => only.includes(s.key))

// ---------------------------------------------------------------------------------------------------------------
// processes
// ---------------------------------------------------------------------------------------------------------------

const tsxArgs = ["--import", "tsx"]

const withDeadline = <A>(what: string, ms: number, promise: Promise<A>): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
    promise.then((a) => {
      clearTimeout(timer)
      resolve(a)
    }, (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })

const startServer = (
  buildDir: string,
  watchEvents: number
): Promise<{ child: ChildProcess.ChildProcess; info: ServerInfo }> => {
  const child = ChildProcess.fork(Path.join(buildDir, "bench", "server.js"), [], {
    execArgv: [],
    env: { ...process.env, WATCH_EVENTS: String(watchEvents) },
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const listening = new Promise<ServerInfo>((resolve, reject) => {
    child.once("message", (message) => resolve(message as ServerInfo))
    child.once("exit", (code) => reject(new Error(`the bench server exited (${code})`)))
  })
  return withDeadline("bench server start", 120_000, listening).then((info) => ({ child, info }))
}

class Worker {
  private nextId = 0
  private readonly pending = new Map<number, (response: Response) => void>()
  private constructor(readonly id: ContenderId, private readonly child: ChildProcess.ChildProcess) {
    child.on("message", (message: Response) => {
      const resolve = this.pending.get(message.id)
      this.pending.delete(message.id)
      resolve?.(message)
    })
    child.on("exit", (code, signal) => {
      for (const [id, resolve] of this.pending) resolve({ id, ok: false, error: `worker exited (${code ?? signal})` })
      this.pending.clear()
    })
  }

  static start(buildDir: string, id: ContenderId, server: string, kubeconfig: string): Promise<Worker> {
    const child = ChildProcess.fork(Path.join(buildDir, "bench", "worker.js"), [id, server, kubeconfig], {
      cwd: root,
      // BENCH_WORKER_ARGS: more Node flags for the contenders' processes (`--cpu-prof --cpu-prof-dir=DIR` profiles
      // each contender as the bench runs it), for diagnosis only.
      execArgv: ["--expose-gc", ...(process.env.BENCH_WORKER_ARGS?.split(" ").filter((a) => a !== "") ?? [])],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    const ready = new Promise<Worker>((resolve, reject) => {
      child.once("message", () => resolve(new Worker(id, child)))
      child.once("exit", (code) => reject(new Error(`worker ${id} exited during start (${code})`)))
    })
    return withDeadline(`worker ${id} start`, 60_000, ready)
  }

  ask(request: Request, timeoutMs: number): Promise<Response> {
    const id = this.nextId++
    const answer = new Promise<Response>((resolve) => this.pending.set(id, resolve))
    this.child.send({ id, request })
    return withDeadline(`${this.id} ${request.op}`, timeoutMs, answer)
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()))
    this.child.send({ id: -1, close: true })
    await withDeadline(`${this.id} close`, 5_000, exited).catch(() => this.kill())
  }

  kill(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) this.child.kill("SIGKILL")
  }
}

// ---------------------------------------------------------------------------------------------------------------
// statistics
// ---------------------------------------------------------------------------------------------------------------

interface Samples {
  readonly values: Array<number>
  readonly peakHeap: Array<number>
  readonly retainedHeap: Array<number>
  /** Client CPU per request (µs), for GET samples. */
  readonly cpuPerRequest: Array<number>
  readonly errors: Array<string>
}

const emptySamples = (): Samples => ({ values: [], peakHeap: [], retainedHeap: [], cpuPerRequest: [], errors: [] })

const quantile = (xs: ReadonlyArray<number>, q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}
const median = (xs: ReadonlyArray<number>) => quantile(xs, 0.5)

const fmt = (x: number): string =>
  x >= 10_000 ? Math.round(x).toLocaleString("en-US") : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)}`

// ---------------------------------------------------------------------------------------------------------------
// running
// ---------------------------------------------------------------------------------------------------------------

const writeKubeconfig = (dir: string, server: string): string => {
  const file = Path.join(dir, "kubeconfig")
  Fs.writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: bench",
      "  cluster:",
      `    server: ${server}`,
      // client-node refuses a plain-http server unless TLS verification is off; it changes nothing for http.
      "    insecure-skip-tls-verify: true",
      "users:",
      "- name: bench",
      "  user: {}",
      "contexts:",
      "- name: bench",
      "  context:",
      "    cluster: bench",
      "    user: bench",
      "    namespace: pods-1k",
      "current-context: bench",
      ""
    ].join("\n")
  )
  return file
}

const runScenario = async (
  scenario: Scenario,
  workers: Map<ContenderId, Worker>,
  restart: (id: ContenderId) => Promise<void>,
  server: ServerInfo
): Promise<Map<ContenderId, Samples>> => {
  const results = new Map<ContenderId, Samples>(contenders.map((c) => [c.id, emptySamples()]))
  const request = scenario.request(server)
  const once = async (id: ContenderId): Promise<Response> => {
    const worker = workers.get(id)!
    try {
      return await worker.ask(request, scenario.timeoutMs)
    } catch (error) {
      worker.kill()
      await restart(id)
      return { id: -1, ok: false, error: String(error) }
    }
  }
  const participants = scenario.only === undefined
    ? contenders
    : contenders.filter((c) => scenario.only!.includes(c.id))
  for (let w = 0; w < scenario.warmups; w++) {
    for (const { id } of participants) {
      const response = await once(id)
      if (!response.ok) results.get(id)!.errors.push(`warm-up: ${response.error}`)
    }
  }
  const start = performance.now()
  for (let round = 0; round < scenario.maxSamples; round++) {
    if (round >= scenario.minSamples && performance.now() - start > scenario.budgetMs) break
    for (let k = 0; k < participants.length; k++) {
      const { id } = participants[(round + k) % participants.length]!
      const samples = results.get(id)!
      if (samples.errors.length >= 3) continue
      const response = await once(id)
      if (!response.ok) {
        samples.errors.push(response.error)
        continue
      }
      if (scenario.kind === "time") {
        const r = response.result as ListResult
        samples.values.push(r.ms)
        samples.peakHeap.push(r.peakHeap)
        samples.retainedHeap.push(r.retainedHeap)
      } else {
        const r = response.result as Rate
        samples.values.push((r.count / r.ms) * 1000)
        if (r.cpuMicros !== undefined && r.count > 0) samples.cpuPerRequest.push(r.cpuMicros / r.count)
      }
    }
  }
  const line = contenders.map(({ id }) => {
    const s = results.get(id)!
    return `${id} ${s.values.length ? fmt(median(s.values)) : "-"}${
      s.errors.length ? ` (${s.errors.length} errors)` : ""
    }`
  }).join(", ")
  log(`${scenario.title}: ${line} [${((performance.now() - start) / 1000).toFixed(1)}s]`)
  for (const { id } of contenders) {
    for (const error of results.get(id)!.errors.slice(0, 1)) {
      log(`  ${id} error: ${error.split("\n").slice(0, 6).join(" | ")}`)
    }
  }
  return results
}

/**
 * What every measured process runs, and no tsx: the library as `npm run build` ships its JavaScript
 * (scripts/bundle-lib.mjs: a few bundled files, effect external) in `lib/`, and bench/ transpiled file by file with
 * esbuild. tsx's transform keeps function names with a `__name(fn, "...")` call (Object.defineProperty) at every
 * closure creation, which is about 4 µs of each small GET's client CPU in effect-kube's request path and never
 * happens in the published code (and the cold start measures JavaScript, not tsx compiling TypeScript). Its
 * node_modules links to the project's, and its own package.json names it effect-kube with the package's exports
 * pointing into `lib/`, so the contenders' `effect-kube/...` imports resolve to the shipped shape by self-reference.
 * src/ is transpiled too, for the few bench modules that import it directly.
 */
const buildForBench = async (tmp: string): Promise<string> => {
  const esbuild = await import("esbuild")
  const out = Path.join(tmp, "build")
  const entryPoints: Array<string> = []
  const walk = (dir: string) => {
    for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
      const full = Path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) entryPoints.push(full)
      else if (entry.name.endsWith(".mjs")) {
        const target = Path.join(out, Path.relative(root, full))
        Fs.mkdirSync(Path.dirname(target), { recursive: true })
        Fs.copyFileSync(full, target)
      }
    }
  }
  walk(Path.join(root, "src"))
  walk(benchDir)
  await esbuild.build({
    entryPoints,
    outbase: root,
    outdir: out,
    bundle: false,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error"
  })
  const manifest = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8")) as { version: string }
  Fs.writeFileSync(
    Path.join(out, "package.json"),
    JSON.stringify({
      name: "effect-kube",
      version: manifest.version,
      type: "module",
      exports: {
        ".": "./lib/index.js",
        "./testing": "./lib/testing.js",
        "./api/*": "./lib/generated/*.js",
        "./*": "./lib/*.js"
      }
    })
  )
  const { bundleLibrary } = await import("../scripts/bundle-lib.mjs")
  await bundleLibrary(Path.join(out, "lib"))
  Fs.symlinkSync(Path.join(root, "node_modules"), Path.join(out, "node_modules"), "dir")
  return out
}

interface ColdSample {
  readonly importMs: number
  readonly firstRequestMs: number
  readonly wallMs: number
}

const coldOnce = (script: string, args: ReadonlyArray<string>, timeoutMs: number): Promise<ColdSample> =>
  new Promise<ColdSample>((resolve, reject) => {
    const start = performance.now()
    const child = ChildProcess.spawn(process.execPath, [Path.join(benchDir, "cold", script), ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("exit", (code) => {
      clearTimeout(timer)
      const wallMs = performance.now() - start
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${stderr.slice(0, 500)}`))
      try {
        const parsed = JSON.parse(stdout.trim().split("\n").pop()!) as { importMs: number; firstRequestMs: number }
        resolve({ importMs: parsed.importMs, firstRequestMs: parsed.firstRequestMs, wallMs })
      } catch (error) {
        reject(error)
      }
    })
  })

const coldScripts: Partial<Record<ContenderId, string>> = {
  raw: "raw.mjs",
  "effect-kube": "effectKube.mjs",
  "client-node": "clientNode.mjs"
}

const runColdStart = async (server: string, kubeconfig: string, name: string, buildDir: string) => {
  const results = new Map<ContenderId, { firstMs: Array<number>; wallMs: Array<number>; errors: Array<string> }>()
  const ids = contenders.map((c) => c.id).filter((id) => coldScripts[id] !== undefined)
  for (const id of ids) results.set(id, { firstMs: [], wallMs: [], errors: [] })
  const args = [server, kubeconfig, "pods-1k", name, buildDir]
  // One unrecorded run each fills the OS file cache.
  for (const id of ids) await coldOnce(coldScripts[id]!, args, 30_000).catch(() => undefined)
  const minSamples = scale(5)
  const maxSamples = scale(11)
  const start = performance.now()
  for (let round = 0; round < maxSamples; round++) {
    if (round >= minSamples && performance.now() - start > 40_000) break
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(round + k) % ids.length]!
      const r = results.get(id)!
      if (r.errors.length >= 3) continue
      try {
        const sample = await coldOnce(coldScripts[id]!, args, 30_000)
        r.firstMs.push(sample.importMs + sample.firstRequestMs)
        r.wallMs.push(sample.wallMs)
      } catch (error) {
        r.errors.push(String(error))
      }
    }
  }
  log(
    `cold start: ${
      ids.map((id) => `${id} ${results.get(id)!.firstMs.length ? fmt(median(results.get(id)!.firstMs)) : "-"}`)
        .join(", ")
    } [${((performance.now() - start) / 1000).toFixed(1)}s]`
  )
  for (const id of ids) for (const error of results.get(id)!.errors.slice(0, 1)) log(`  ${id} error: ${error}`)
  return results
}

// The cold start against its floors, all in the same interleaved rounds: `effect/Effect` + `effect/Schema` alone and
// `import "effect-kube"` alone (in-process import times), and the bundled bin (`get --raw /version`, the file
// `npm run build` ships) against a node:http script doing the same, spawn to exit.
interface Probe {
  readonly key:
    | "floor"
    | "floorStream"
    | "floorPlatform"
    | "deps"
    | "import"
    | "barrelGet"
    | "rawVersion"
    | "bin"
    | "binFirst"
  readonly args: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>> | undefined
  /** In-process import time from the JSON line, import + first request, or spawn to exit. */
  readonly measure: "importMs" | "firstMs" | "wallMs"
}

const probeOnce = (probe: Probe, timeoutMs: number): Promise<{ ms: number; cpuMs?: number }> =>
  new Promise<{ ms: number; cpuMs?: number }>((resolve, reject) => {
    const start = performance.now()
    const child = ChildProcess.spawn(process.execPath, [...probe.args], {
      cwd: root,
      env: probe.env === undefined ? process.env : { ...process.env, ...probe.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("exit", (code) => {
      clearTimeout(timer)
      const wallMs = performance.now() - start
      if (code !== 0) return reject(new Error(`${probe.key} exited ${code}: ${stderr.slice(0, 500)}`))
      try {
        const last = stdout.trim().split("\n").pop()!
        // The spawn-to-exit probes all GET /version.
        if (probe.measure === "wallMs") {
          if (JSON.parse(last).gitVersion === undefined) throw new Error(`${probe.key} printed ${last}`)
          return resolve({ ms: wallMs })
        }
        const parsed = JSON.parse(last) as { importMs: number; firstRequestMs: number; cpuMs?: number }
        const ms = probe.measure === "firstMs" ? parsed.importMs + parsed.firstRequestMs : parsed.importMs
        resolve(parsed.cpuMs === undefined ? { ms } : { ms, cpuMs: parsed.cpuMs })
      } catch (error) {
        reject(error)
      }
    })
  })

const runColdProbes = async (
  server: string,
  kubeconfig: string,
  podName: string,
  buildDir: string,
  binFile: string
) => {
  const cold = Path.join(benchDir, "cold")
  const barrelArgs = [Path.join(cold, "barrelGet.mjs"), server, kubeconfig, "pods-1k", podName, buildDir]
  // The third-party modules the barrel program loads up to its first answer, for the deps probe.
  const loads = Path.join(Path.dirname(buildDir), "barrel-loads.txt")
  const depsList = Path.join(Path.dirname(buildDir), "barrel-deps.mjs")
  Fs.rmSync(loads, { force: true })
  let deps: Array<string> = []
  try {
    ChildProcess.execFileSync(process.execPath, ["--import", Path.join(cold, "recordLoads.mjs"), ...barrelArgs], {
      cwd: root,
      env: { ...process.env, RECORD_LOADS: loads },
      stdio: "ignore",
      timeout: 30_000
    })
    const ownPrefix = pathToFileURL(Path.join(buildDir, "lib")).href
    deps = Fs.readFileSync(loads, "utf8").split("\n").filter((url) =>
      url.startsWith("file:") && !url.startsWith(ownPrefix) && url.includes("/node_modules/")
    )
    // One module of static imports, so they load as one graph, as the program's own imports do.
    Fs.writeFileSync(depsList, deps.map((url) => `import ${JSON.stringify(url)}\n`).join(""))
  } catch (error) {
    log(`  deps probe skipped: recording the barrel program's modules failed: ${String(error).split("\n")[0]}`)
  }
  const binArgs = [binFile, "get", "--raw", "/version", "--kubeconfig", kubeconfig]
  const floorModules = ["effect/Effect", "effect/Schema"]
  const probes: ReadonlyArray<Probe> = [
    { key: "floor", args: [Path.join(cold, "floor.mjs")], measure: "importMs" },
    // What the floor becomes with the platform modules any program on the platform's HttpClient loads: Stream
    // (an HttpClientResponse's body), then HttpClient and NodeFileSystem themselves (which import Stream too).
    {
      key: "floorStream",
      args: [Path.join(cold, "floor.mjs"), ...floorModules, "effect/Stream"],
      measure: "importMs"
    },
    {
      key: "floorPlatform",
      args: [
        Path.join(cold, "floor.mjs"),
        ...floorModules,
        "@effect/platform/HttpClient",
        "@effect/platform-node/NodeFileSystem"
      ],
      measure: "importMs"
    },
    ...(deps.length > 0
      ? [{ key: "deps", args: [Path.join(cold, "deps.mjs"), depsList], measure: "importMs" } as const]
      : []),
    {
      key: "import",
      args: [Path.join(cold, "importOnly.mjs"), server, kubeconfig, "", "", buildDir],
      measure: "importMs"
    },
    { key: "barrelGet", args: barrelArgs, measure: "firstMs" },
    { key: "rawVersion", args: [Path.join(cold, "rawVersion.mjs"), server], measure: "wallMs" },
    // The bin's code cache in a directory of this run (the warm-up run below writes it), not the user's own; the
    // first-run probe compiles every time, as the first run after an install or a Node upgrade does.
    {
      key: "bin",
      args: binArgs,
      env: { XDG_CACHE_HOME: Path.join(Path.dirname(buildDir), "bin-cache") },
      measure: "wallMs"
    },
    { key: "binFirst", args: binArgs, env: { NODE_DISABLE_COMPILE_CACHE: "1" }, measure: "wallMs" }
  ]
  const results = new Map<Probe["key"], { ms: Array<number>; cpuMs: Array<number>; errors: Array<string> }>()
  for (const p of probes) results.set(p.key, { ms: [], cpuMs: [], errors: [] })
  for (const p of probes) await probeOnce(p, 30_000).catch(() => undefined)
  const start = performance.now()
  for (let round = 0; round < scale(11); round++) {
    if (round >= scale(5) && performance.now() - start > 40_000) break
    for (let k = 0; k < probes.length; k++) {
      const p = probes[(round + k) % probes.length]!
      const r = results.get(p.key)!
      if (r.errors.length >= 3) continue
      try {
        const sample = await probeOnce(p, 30_000)
        r.ms.push(sample.ms)
        if (sample.cpuMs !== undefined) r.cpuMs.push(sample.cpuMs)
      } catch (error) {
        r.errors.push(String(error))
      }
    }
  }
  log(
    `cold probes: ${
      probes.map((p) => `${p.key} ${results.get(p.key)!.ms.length ? fmt(median(results.get(p.key)!.ms)) : "-"}`).join(
        ", "
      )
    } [${((performance.now() - start) / 1000).toFixed(1)}s]`
  )
  for (const p of probes) for (const error of results.get(p.key)!.errors.slice(0, 1)) log(`  ${p.key} error: ${error}`)
  return { results, depsModules: deps.length }
}

type ProbeResults = Awaited<ReturnType<typeof runColdProbes>>

const floorSection = (
  probeResults: ProbeResults | undefined,
  cold: Map<ContenderId, { firstMs: Array<number>; wallMs: Array<number>; errors: Array<string> }>
): string => {
  if (probeResults === undefined) return ""
  const probes = probeResults.results
  const series = (key: Probe["key"]) => probes.get(key)?.ms ?? []
  const cpu = (key: Probe["key"]) => probes.get(key)?.cpuMs ?? []
  const floor = series("floor")
  const first = cold.get("effect-kube")?.firstMs ?? []
  const rows: Array<[string, ReadonlyArray<number>, string, string]> = [
    ["`effect/Effect` + `effect/Schema` alone (the floor), import (ms)", floor, "1.00x", ""],
    [
      "the floor + `effect/Stream`, import (ms; no effect-kube module)",
      series("floorStream"),
      ratio(series("floorStream"), floor),
      ""
    ],
    [
      "the floor + `@effect/platform/HttpClient` + `@effect/platform-node/NodeFileSystem`, import (ms; no effect-kube module)",
      series("floorPlatform"),
      ratio(series("floorPlatform"), floor),
      ""
    ],
    [
      `the ${probeResults.depsModules} effect / @effect/platform modules the barrel program below loads, imported alone (ms; no effect-kube module)`,
      series("deps"),
      ratio(series("deps"), floor),
      ""
    ],
    ["`import \"effect-kube\"` alone (ms)", series("import"), ratio(series("import"), floor), ""],
    [
      "`import { Clientset, Kube } from \"effect-kube\"` + layerKubeconfig + first GET, in process (ms; these rounds)",
      series("barrelGet"),
      ratio(series("barrelGet"), floor),
      "<= 1.5x"
    ],
    [
      "the same barrel program against the modules it loads from effect and @effect/platform alone (effect-kube's own share)",
      series("barrelGet"),
      ratio(series("barrelGet"), series("deps")),
      ""
    ],
    [
      "effect-kube import (Kube + Clientset subpaths) + first GET, in process (ms; the cold start rounds above)",
      first,
      ratio(first, floor),
      ""
    ],
    [
      "CPU time of the floor's import (ms; user + system, less sensitive to a loaded machine)",
      cpu("floor"),
      "1.00x",
      ""
    ],
    [
      "CPU time of the floor + HttpClient + NodeFileSystem (ms)",
      cpu("floorPlatform"),
      ratio(cpu("floorPlatform"), cpu("floor")),
      ""
    ],
    ["CPU time of the effect / @effect/platform modules alone (ms)", cpu("deps"), ratio(cpu("deps"), cpu("floor")), ""],
    ["CPU time of `import \"effect-kube\"` alone (ms)", cpu("import"), ratio(cpu("import"), cpu("floor")), ""],
    [
      "CPU time of the barrel program above, import + first GET (ms)",
      cpu("barrelGet"),
      ratio(cpu("barrelGet"), cpu("floor")),
      ""
    ],
    ["node:http script, GET /version, spawn to exit (ms)", series("rawVersion"), "", ""],
    [
      "bundled bin `effect-kube get --raw /version`, spawn to exit (ms; its V8 code cache written by an earlier run)",
      series("bin"),
      ratio(series("bin"), series("rawVersion")),
      "<= 3x"
    ],
    [
      "the same, a first run: no code cache (NODE_DISABLE_COMPILE_CACHE=1), the whole bundle compiled (ms)",
      series("binFirst"),
      ratio(series("binFirst"), series("rawVersion")),
      ""
    ]
  ]
  const out = [
    "",
    "## Cold start against its floors",
    "",
    "Fresh `node` per sample, interleaved round by round with each other (the subpath row comes from the cold " +
    "start rounds just before; the barrel program's row, which holds the target, from these rounds). Ratios of the library rows are to the floor; the bin's is to the node:http script. " +
    "The bin is what `npm run build` writes (scripts/bundle-bin.mjs): one CommonJS bundle with effect inside, " +
    "dist/bin/effect-kube.cjs, run by dist/bin/effect-kube.mjs with a V8 code cache (scripts/bin-loader.mjs); the library is what `npm run build` ships (scripts/bundle-lib.mjs: a few bundled files, effect and " +
    "@effect/platform not bundled, as users get it).",
    "",
    "| Measurement | median (min–max) | ratio | target |",
    "| --- | ---: | ---: | ---: |",
    ...rows.map(([title, values, r, target]) => `| ${title} | ${cell(values)} | ${r} | ${target} |`)
  ]
  const errors = [...probes].flatMap(([key, r]) => r.errors.map((e) => `- ${key}: ${e.split("\n")[0]}`))
  if (errors.length > 0) out.push("", ...errors)
  out.push("")
  return out.join("\n")
}

// bench/fakeApiServer.ts (owned by the fake's helper) measures the in-process FakeApiServer; it runs as it is, in
// its own process, bounded in time, and its lines go into the report.
const runFakeApiServerBench = (
  name = "fakeApiServer.ts"
): Promise<{ lines: Array<string>; error?: string; ms: number }> =>
  new Promise((resolve) => {
    const script = Path.join(benchDir, name)
    const start = performance.now()
    if (!Fs.existsSync(script)) return resolve({ lines: [], error: `bench/${name} does not exist`, ms: 0 })
    const child = ChildProcess.spawn(process.execPath, [...tsxArgs, script], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    const limit = 150_000
    const timer = setTimeout(() => child.kill("SIGKILL"), limit)
    child.on("exit", (code, signal) => {
      clearTimeout(timer)
      const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "")
      const ms = performance.now() - start
      resolve(
        code === 0
          ? { lines, ms }
          : {
            lines,
            ms,
            error: signal === "SIGKILL" ? `killed after ${limit / 1000}s` : `exit ${code}: ${stderr.slice(0, 300)}`
          }
      )
    })
  })

// ---------------------------------------------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------------------------------------------

const cell = (values: ReadonlyArray<number>, f: (x: number) => string = fmt): string =>
  values.length === 0 ? "n/a" : `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`

const ratio = (values: ReadonlyArray<number>, base: ReadonlyArray<number>): string =>
  values.length === 0 || base.length === 0 ? "n/a" : `${(median(values) / median(base)).toFixed(2)}x`

/** Load average and the CPU time the host took from this VM (steal), read at the start and the end of the run. */
const loadReading = (): { readonly load: ReadonlyArray<number>; readonly steal: number; readonly total: number } => {
  let steal = 0
  let total = 0
  try {
    const fields = Fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number)
    total = fields.reduce((a, b) => a + b, 0)
    steal = fields[7] ?? 0
  } catch {
    // not Linux: load average only
  }
  return { load: Os.loadavg(), steal, total }
}

const loadAtStart = loadReading()

const machineLoadLine = (): string => {
  const end = loadReading()
  const avg = (r: typeof end) => r.load.map((x) => x.toFixed(2)).join(", ")
  const ticks = end.total - loadAtStart.total
  const steal = ticks > 0 ?
    ` CPU time stolen by the host during the run: ${
      ((100 * (end.steal - loadAtStart.steal)) / ticks).toFixed(1)
    }% (/proc/stat).` :
    ""
  return `- Machine load: load average (1, 5, 15 min) ${avg(loadAtStart)} at the start, ${
    avg(end)
  } at the end (the bench itself keeps about one core busy).${steal} Compare ratios within a run, not absolute times across runs.`
}

const main = async () => {
  const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-bench-"))
  const cleanups: Array<() => void | Promise<void>> = [() => Fs.rmSync(tmp, { recursive: true, force: true })]
  try {
    const watchEvents = quick ? 5_000 : 50_000
    log("transpiling src/ and bench/ (what every measured process runs)")
    const buildDir = await buildForBench(tmp)
    log("starting the bench server (generating pods)")
    const { child: serverProcess, info } = await startServer(buildDir, watchEvents)
    cleanups.unshift(() => void serverProcess.kill())
    const server = `http://127.0.0.1:${info.port}`
    const kubeconfig = writeKubeconfig(tmp, server)
    log(
      `server ${server}: list bodies ${
        Object.entries(info.bytes).map(([ns, b]) => `${ns} ${mb(b)} MB`).join(", ")
      }, watch ${info.watchEvents} events`
    )

    const workers = new Map<ContenderId, Worker>()
    const restart = async (id: ContenderId) => {
      workers.get(id)?.kill()
      workers.set(id, await Worker.start(buildDir, id, server, kubeconfig))
    }
    cleanups.unshift(async () => {
      for (const worker of workers.values()) await worker.close()
    })
    for (const { id } of contenders) await restart(id)
    log(`workers ready: ${contenders.map((c) => c.id).join(", ")}`)

    const results = new Map<string, Map<ContenderId, Samples>>()
    for (const scenario of scenarios) results.set(scenario.key, await runScenario(scenario, workers, restart, info))
    for (const worker of workers.values()) await worker.close()

    let cold: Awaited<ReturnType<typeof runColdStart>> = new Map()
    let probes: ProbeResults | undefined = undefined
    let fake: Awaited<ReturnType<typeof runFakeApiServerBench>> = { lines: [], error: "skipped (BENCH_ONLY)", ms: 0 }
    let streams: Awaited<ReturnType<typeof runFakeApiServerBench>> = { lines: [], error: "skipped (BENCH_ONLY)", ms: 0 }
    let hardening: Awaited<ReturnType<typeof runFakeApiServerBench>> = {
      lines: [],
      error: "skipped (BENCH_ONLY)",
      ms: 0
    }
    if (only === undefined || only.includes("cold")) {
      cold = await runColdStart(server, kubeconfig, info.names["pods-1k"]![0]!, buildDir)
      log("bundling the bin for its cold start")
      const binFile = Path.join(tmp, "bin", "effect-kube.mjs")
      const { bundleBin } = await import("../scripts/bundle-bin.mjs")
      await bundleBin(binFile)
      probes = await runColdProbes(server, kubeconfig, info.names["pods-1k"]![0]!, buildDir, binFile)
    }
    if (only === undefined) {
      log("running bench/fakeApiServer.ts")
      fake = await runFakeApiServerBench()
      log("running bench/controller.ts")
      const controller = await runFakeApiServerBench("controller.ts")
      fake = {
        ...fake,
        lines: [
          ...fake.lines,
          ...controller.lines,
          ...(controller.error ? [`controller bench: ${controller.error}`] : [])
        ]
      }
      log("running bench/streams.ts")
      streams = await runFakeApiServerBench("streams.ts")
      log("running bench/hardening.ts")
      hardening = await runFakeApiServerBench("hardening.ts")
    }
    log(
      fake.error === undefined
        ? `fakeApiServer bench done in ${(fake.ms / 1000).toFixed(1)}s`
        : `fakeApiServer bench: ${fake.error}`
    )

    const markdown = report(results, cold, fake, info) + floorSection(probes, cold) + streamsSection(streams) +
      hardeningSection(hardening)
    const file = only !== undefined ? "RESULTS.only.md" : quick ? "RESULTS.quick.md" : "RESULTS.md"
    Fs.writeFileSync(Path.join(benchDir, file), markdown + handWritten(Path.join(benchDir, file)))
    console.log(`\n${markdown}`)
    log(`done; wrote bench/${file}`)
  } finally {
    for (const cleanup of cleanups) {
      try {
        await cleanup()
      } catch {
        // best effort
      }
    }
  }
}

/** Everything from this line on in a results file is written by hand (analyses, before/after tables) and kept. */
const handWrittenMarker = "<!-- Written by hand from here on; npm run bench keeps it. -->"

const handWritten = (file: string): string => {
  const previous = Fs.existsSync(file) ? Fs.readFileSync(file, "utf8") : ""
  const at = previous.indexOf(handWrittenMarker)
  return at === -1 ? "" : `\n${previous.slice(at)}`
}

const report = (
  results: Map<string, Map<ContenderId, Samples>>,
  cold: Map<ContenderId, { firstMs: Array<number>; wallMs: Array<number>; errors: Array<string> }>,
  fake: { lines: Array<string>; error?: string; ms: number },
  info: ServerInfo
): string => {
  const cpus = Os.cpus()
  const out: Array<string> = []
  out.push("# effect-kube benchmark results", "")
  out.push(
    `Generated by \`npm run bench\` on ${new Date().toISOString()}${
      quick ? " (BENCH_QUICK: a harness check, not a result)" : ""
    }.`,
    ""
  )
  out.push(
    `- Machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${
      (Os.totalmem() / 2 ** 30).toFixed(1)
    } GiB RAM, ${Os.type()} ${Os.release()} (${Os.arch()}); shared with other work while running`,
    machineLoadLine(),
    `- Node ${process.version}, V8 ${process.versions.v8}; all contenders on this same Node in this same run`,
    "- Server: bench/server.ts in its own process on 127.0.0.1, static pre-serialised bodies, identical for every contender " +
      `(no gzip, for anyone); pods are deterministic (seeded PRNG), about ${
        (info.bytes["pods-10k"]! / 10_000 / 1024).toFixed(1)
      } KB of JSON each; list bodies: ${Object.entries(info.bytes).map(([ns, b]) => `${ns} ${mb(b)} MB`).join(", ")}`,
    "- Contenders, each in its own worker process (`--expose-gc`), samples interleaved round by round; every measured process runs src/ and bench/ as esbuild transpiles them file by file (what the published dist/ is: no bundling, no tsx transform, whose kept function names cost each closure an Object.defineProperty):",
    "  - raw: `node:http` keep-alive agent + `JSON.parse` (+ line splitting for the watch), no client library, no validation",
    "  - effect-kube Clientset: `Kube.layerKubeconfig(..., { qps: -1 })` (rate limiter off, default RetryPolicy: nothing is retried, every answer is 200), `coreV1.pods(ns).list() / listAll({ pageSize: 500 }) / get(name) / watch()`; every object decoded with the generated Pod Schema (unknown fields kept)",
    "  - effect-kube RestClient: the same stack's `RestClient.execute / listAll / watch` with `Schema.Unknown` (the pipeline without the typed decode)",
    "  - @kubernetes/client-node 2.0.1: `KubeConfig.loadFromFile`, `CoreV1Api.listNamespacedPod` (paged with `limit` / `_continue`), `readNamespacedPod`, `Watch`; its undici imports are redirected to undici 7 (bench/undiciHook.mjs) because its undici 8 does not load on Node 20",
    "- Cells: median (min–max) over the samples; `x raw` is the median's ratio to the raw median of the same run " +
      "(times: lower is better; rates: higher is better)",
    ""
  )

  const header = ["Measurement", ...contenders.flatMap((c) => c.id === "raw" ? [c.label] : [c.label, "x raw"])]
  const row = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`
  const table = (rows: ReadonlyArray<ReadonlyArray<string>>) => [
    row(header),
    row(header.map((_, i) => i === 0 ? "---" : "---:")),
    ...rows.map(row)
  ]
  const rows: Array<Array<string>> = []
  const heapRows: Array<Array<string>> = []
  const cpuRows: Array<Array<string>> = []
  const verdicts: Array<string> = []
  const better = (kind: "time" | "rate", a: number, b: number) => kind === "time" ? a < b : a > b

  const addRow = (
    title: string,
    kind: "time" | "rate",
    series: (id: ContenderId) => ReadonlyArray<number>,
    into: Array<Array<string>>,
    f: (x: number) => string = fmt,
    target?: number
  ) => {
    const base = series("raw")
    into.push([
      title,
      ...contenders.flatMap(({ id }) => id === "raw" ? [cell(base, f)] : [cell(series(id), f), ratio(series(id), base)])
    ])
    const ek = series("effect-kube")
    const cn = series("client-node")
    if (target !== undefined && ek.length > 0 && base.length > 0) {
      const r = median(ek) / median(base)
      const met = kind === "time" ? r <= target : r >= target
      verdicts.push(
        `- ${title}: effect-kube ${r.toFixed(2)}x raw, target ${kind === "time" ? "<=" : ">="} ${target}x: **${
          met ? "met" : "missed"
        }**`
      )
    }
    if (ek.length > 0 && cn.length > 0) {
      const ahead = better(kind, median(ek), median(cn))
      verdicts.push(
        `- ${title}: effect-kube ${f(median(ek))} vs client-node ${f(median(cn))}: **${ahead ? "ahead" : "behind"}**`
      )
    }
  }

  for (const scenario of scenarios) {
    const r = results.get(scenario.key)!
    addRow(scenario.title, scenario.kind, (id) => r.get(id)!.values, rows, fmt, scenario.target)
    if (scenario.kind === "rate" && contenders.some(({ id }) => r.get(id)!.cpuPerRequest.length > 0)) {
      const perEvent = scenario.title.includes("(events/s")
      const name = scenario.title.replace(/ \((req|events)\/s[^)]*\)/, "")
      const unit = perEvent ? "event" : "request"
      addRow(`${name}: client CPU per ${unit} (µs)`, "time", (id) => r.get(id)!.cpuPerRequest, cpuRows)
    }
    if (scenario.heap) {
      const name = scenario.title.replace(" (ms)", "")
      addRow(`${name}: peak heap delta (MB)`, "time", (id) => r.get(id)!.peakHeap, heapRows, mb)
      addRow(`${name}: retained heap (MB)`, "time", (id) => r.get(id)!.retainedHeap, heapRows, mb)
    }
  }
  const coldSeries = (pick: "firstMs" | "wallMs") => (id: ContenderId) => cold.get(id)?.[pick] ?? []
  if (cold.size > 0) {
    addRow("cold start: import + first GET, in process (ms)", "time", coldSeries("firstMs"), rows)
    addRow("cold start: spawn to exit (ms)", "time", coldSeries("wallMs"), rows)
  }

  out.push("## Latency and throughput", "", ...table(rows), "")
  out.push(
    "## Heap",
    "",
    "Used V8 heap relative to just before the call (after a full GC): peak is the highest used heap seen before any " +
      "GC during the call or at its end (v8.GCProfiler); retained is after a full GC with the result still referenced.",
    "",
    ...table(heapRows),
    ""
  )
  if (cpuRows.length > 0) {
    out.push(
      "## Client CPU per GET and per event",
      "",
      "User + system CPU time of the contender's process over a sample, divided by the requests it completed or the " +
        "events it received (process.cpuUsage; includes the kernel's share of the loopback sockets; an informer's " +
        "sample also includes its initial list of the 1,000 pods it caches). The server's CPU is not included. Less " +
        "sensitive than the rates to a busy host, whose other work delays the client without adding to its CPU time.",
      "",
      ...table(cpuRows),
      ""
    )
  }
  out.push("## Targets", "", ...verdicts, "")
  const errors: Array<string> = []
  for (const scenario of scenarios) {
    for (const { id } of contenders) {
      for (const e of results.get(scenario.key)!.get(id)!.errors) {
        errors.push(`- ${scenario.title}, ${id}: ${e.split("\n")[0]}`)
      }
    }
  }
  for (const [id, r] of cold) for (const e of r.errors) errors.push(`- cold start, ${id}: ${e.split("\n")[0]}`)
  if (errors.length > 0) out.push("## Errors", "", ...errors, "")
  out.push(
    "## Notes",
    "",
    `- Sample counts: ${
      scenarios.map((s) =>
        `${s.title.replace(/ \(.*\)$/, "")} ${
          median(contenders.map((c) => results.get(s.key)!.get(c.id)!.values.length))
        }`
      ).join("; ")
    }; cold start ${cold.get("raw")?.firstMs.length ?? 0}.`,
    "- GET samples stop at their request count or after 1.5 s, whichever is first; the rate is requests completed per second.",
    `- Warm-up: before its first measured sample each contender runs ${
      scenarios.map((s) => `${s.warmups} × ${s.title.replace(/ \(.*\)$/, "")}`).join(", ")
    } (unmeasured), so the JIT has settled; a small GET runs through far more code in a client library than in the raw baseline, and with a single warm-up sample the first measured GET samples were still visibly slower.`,
    `- Watch: one watch request per sample; the server streams ${
      info.watchEvents.toLocaleString("en-US")
    } MODIFIED events (one write per event) and ends the response; the rate is events / time from the request to the end of the stream.`,
    "- Cold start: a fresh `node` per sample (no tsx): effect-kube from an esbuild transpile of src/ (file by file, not bundled), client-node from its dist, raw imports node:http; the in-process time runs from before the first import to the decoded first pod.",
    ""
  )
  out.push("## In-process FakeApiServer (bench/fakeApiServer.ts)", "")
  if (fake.error !== undefined) out.push(`Not measured: ${fake.error}`, "")
  if (fake.lines.length > 0) out.push("```", ...fake.lines, "```", "")
  return out.join("\n")
}

// bench/streams.ts: port-forward throughput against a direct loopback TCP copy, and exec latency.
const streamsSection = (streams: { lines: Array<string>; error?: string }): string => {
  const out = ["", "## Exec and port-forward over WebSockets (bench/streams.ts)", ""]
  if (streams.error !== undefined) out.push(`Not measured: ${streams.error}`, "")
  if (streams.lines.length > 0) out.push("```", ...streams.lines, "```", "")
  return out.join("\n")
}

/** Large watch lines and a large kubeconfig against raw and kubectl baselines (bench/hardening.ts). */
const hardeningSection = (result: Awaited<ReturnType<typeof runFakeApiServerBench>>): string => {
  const out = ["", "## Large inputs (bench/hardening.ts)", ""]
  if (result.error !== undefined) out.push(`Not measured: ${result.error}`, "")
  if (result.lines.length > 0) out.push("```", ...result.lines, "```", "")
  return out.join("\n")
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
