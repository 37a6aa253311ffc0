// What importing the package costs a production program: modules loaded, import time and RSS of `effect-kube` from
// a compiled build, and the minified bundle of a minimal kubeconfig + Clientset program (esbuild, as an application
// bundler would see it). Used for bench/RESULTS.md; the module-graph assertion itself lives in test/packaging.test.ts.
// usage: node scripts/import-cost.mjs <dir holding a tsc build of src/ (index.js, Kube.js, ...)> [runs]
import * as esbuild from "esbuild"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"

const [dist, runsArg] = process.argv.slice(2)
if (dist === undefined) throw new Error("usage: node scripts/import-cost.mjs <build dir> [runs]")
const root = path.resolve(dist)
const runs = Number(runsArg ?? 7)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-import-cost-"))

// A loader hook that appends every loaded URL to a file: the runtime graph, dynamic imports included.
const log = path.join(tmp, "loaded.txt")
const hooks = path.join(tmp, "hooks.mjs")
fs.writeFileSync(
  hooks,
  `import * as fs from "node:fs"\nexport async function load(url, context, next) {\n  fs.appendFileSync(${
    JSON.stringify(log)
  }, url + "\\n")\n  return next(url, context)\n}\n`
)
const register = path.join(tmp, "register.mjs")
fs.writeFileSync(
  register,
  `import { register } from "node:module"\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`
)
const probe = path.join(tmp, "probe.mjs")
fs.writeFileSync(
  probe,
  `const t = performance.now()\nawait import(${
    JSON.stringify(pathToFileURL(path.join(root, "index.js")).href)
  })\nconsole.log(JSON.stringify({ ms: performance.now() - t, rss: process.memoryUsage().rss }))\n`
)

const cwd = process.cwd()
const graph = spawnSync(process.execPath, ["--import", register, probe], { cwd, encoding: "utf8" })
if (graph.status !== 0) throw new Error(graph.stderr)
const loaded = fs.readFileSync(log, "utf8").split("\n").filter((u) => u.startsWith(pathToFileURL(root).href))
const own = loaded.map((u) => u.slice(pathToFileURL(root).href.length + 1))
const count = (re) => own.filter((f) => re.test(f)).length

const samples = []
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, [probe], { cwd, encoding: "utf8" })
  if (r.status !== 0) throw new Error(r.stderr)
  samples.push(JSON.parse(r.stdout))
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const programs = {
  barrel: `import * as Effect from "effect/Effect"
import { Clientset, Kube } from "effect-kube"
const program = Effect.flatMap(Clientset.Clientset, (cs) => cs.coreV1.pods("default").list())
Effect.runPromise(Effect.provide(program, Kube.layerKubeconfig()))
`,
  withKube: `import * as Effect from "effect/Effect"
import * as Clientset from "effect-kube/Clientset"
import * as Kube from "effect-kube/Kube"
const program = Effect.flatMap(Clientset.Clientset, (cs) => cs.coreV1.pods("default").list())
Effect.runPromise(Effect.provide(program, Kube.layerKubeconfig()))
`,
  withoutKube: `import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Clientset from "effect-kube/Clientset"
import * as Credentials from "effect-kube/Credentials"
import * as NodeTransport from "effect-kube/NodeTransport"
import * as RateLimit from "effect-kube/RateLimit"
import * as RestClient from "effect-kube/RestClient"
import * as RestConfig from "effect-kube/RestConfig"
import * as RetryPolicy from "effect-kube/RetryPolicy"
const program = Effect.flatMap(Clientset.Clientset, (cs) => cs.coreV1.pods("default").list())
const stack = Clientset.layer.pipe(
  Layer.provide(RestClient.layer),
  Layer.provide(Layer.mergeAll(RateLimit.${"layerConfig"}, RetryPolicy.layerDefault, NodeTransport.layer)),
  Layer.provideMerge(Credentials.layer),
  Layer.provideMerge(RestConfig.layerKubeconfig()),
  Layer.provide(NodeContext.layer)
)
Effect.runPromise(Effect.provide(program, stack))
`
}
const alias = {
  name: "effect-kube-build",
  setup(build) {
    build.onResolve({ filter: /^effect-kube(\/|$)/ }, (args) => {
      const sub = args.path.slice("effect-kube".length).replace(/^\//, "")
      const file = sub === "" ? "index" : sub.startsWith("api/") ? `generated/${sub.slice(4)}` : sub
      return { path: path.join(root, `${file}.js`) }
    })
  }
}
const bundles = {}
for (const [name, source] of Object.entries(programs)) {
  const entry = path.join(tmp, `${name}.mjs`)
  // The RateLimit layer was renamed; build whichever name this build has.
  const rateLimit =
    fs.readFileSync(path.join(root, "RateLimit.js"), "utf8").includes("export const layerFromRestConfig")
      ? "layerFromRestConfig"
      : "layerConfig"
  fs.writeFileSync(entry, source.replace("RateLimit.layerConfig", `RateLimit.${rateLimit}`))
  const sizes = {}
  for (const splitting of [false, true]) {
    const outdir = path.join(tmp, `${name}-${splitting}`)
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      splitting,
      outdir,
      metafile: true,
      nodePaths: [path.join(cwd, "node_modules")],
      plugins: [alias],
      logLevel: "silent"
    })
    const outputs = result.metafile.outputs
    if (!splitting) {
      sizes.bundle = Object.values(outputs).filter((o) => o.entryPoint !== undefined).reduce((n, o) => n + o.bytes, 0)
    } else {
      // What loads before the first request: the entry chunk and its static imports (lazy API groups excluded).
      const seen = new Set()
      const visit = (file) => {
        if (seen.has(file)) return
        seen.add(file)
        for (const i of outputs[file].imports) if (i.kind === "import-statement" && outputs[i.path]) visit(i.path)
      }
      for (const [file, o] of Object.entries(outputs)) if (o.entryPoint !== undefined) visit(file)
      sizes.initial = [...seen].reduce((n, f) => n + outputs[f].bytes, 0)
    }
  }
  bundles[name] = sizes
}

console.log(JSON.stringify(
  {
    modules: own.length,
    fakeApiServer: count(/fakeApiServer|FakeApiServer/),
    patch: count(/patch/i),
    importMsMedian: Math.round(median(samples.map((s) => s.ms))),
    rssMbMedian: Math.round(median(samples.map((s) => s.rss)) / 2 ** 20),
    bundles
  },
  null,
  2
))
fs.rmSync(tmp, { recursive: true, force: true })
