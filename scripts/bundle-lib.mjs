// The library's JavaScript as it ships: a few bundled files instead of one file per source module, with effect,
// @effect/platform and every other dependency left external (users need the one copy of effect their program has).
//
// Why: a cold start paid Node's module loader for each of the ~110 files a kubeconfig + GET program loaded (resolve,
// stat, read, compile, link), about 80 ms of it on the 2-core machine. Layout written to `outDir`:
//   _library.js         every module the barrel reaches statically, and every public module whose static imports
//                       stay inside that set; exports the barrel's namespaces and each module's members as `M$name`
//   _testing.js         the public modules that reach further (the fake apiserver, its models, testing.ts)
//   _chunks/*.js        code shared by those and the generated modules, and every lazily imported module
//                       (exec, port-forward, manifests, leader election, ...) as its own chunk, still loaded
//                       only when used
//   <Module>.js         one facade per public module (`effect-kube/Kube` ...): re-exports its members from the
//                       bundle, so a subpath import and the barrel give the very same classes, tags and schemas
//   index.js            the barrel, re-exporting the namespaces
//   generated/**.js     the API modules (`effect-kube/api/core/v1` ...), each an entry of the same build
// Bundlers get modules/ instead (the package's `module` condition, which Node ignores): the same sources transpiled
// file by file, so an application bundle keeps only the modules it uses (through the bundled files it would keep
// every namespace the barrel names: 957 KB minified for a kubeconfig + list program, against 771 KB).
// Used by scripts/build.mjs (after tsc has written the .d.ts files) and by the benchmark, which measures this shape.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const src = path.join(root, "src")

const generatedModules = () => {
  const out = []
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p)
    }
  }
  walk(path.join(src, "generated"))
  return out.sort()
}

const topLevelModules = () =>
  fs.readdirSync(src).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => f.slice(0, -3)).sort()

/** The namespaces index.ts re-exports (`export * as Name from "./Name.js"`), in its order. */
const barrelMembers = () =>
  [...fs.readFileSync(path.join(src, "index.ts"), "utf8").matchAll(/^export \* as (\w+) from "\.\/(\w+)\.js"$/gm)]
    .map(([, name, module]) => {
      if (name !== module) throw new Error(`index.ts: namespace ${name} is not named after its module ${module}`)
      return name
    })

// Metafile paths are relative to the working directory: pin it, so the build gives the same answer from anywhere.
const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  tsconfig: path.join(root, "tsconfig.json"),
  logLevel: "error"
}

const inputOf = (file) => path.relative(root, file).split(path.sep).join("/")

/**
 * First pass, nothing written: every top-level module as an entry, to learn each one's runtime exports and the
 * source files it loads statically (dynamic imports are chunk boundaries, so they do not count).
 */
const analyse = async (modules) => {
  const result = await esbuild.build({
    ...common,
    entryPoints: modules.map((m) => ({ in: path.join(src, `${m}.ts`), out: m })),
    outdir: path.join(root, ".bundle-analysis"),
    write: false,
    metafile: true
  })
  const outputs = result.metafile.outputs
  const staticInputs = (output, seen = new Set()) => {
    if (seen.has(output)) return new Set()
    seen.add(output)
    const files = new Set(Object.keys(outputs[output].inputs))
    for (const i of outputs[output].imports) {
      if (i.kind === "import-statement" && !i.external) { for (const f of staticInputs(i.path, seen)) files.add(f) }
    }
    return files
  }
  const byModule = new Map()
  for (const [output, meta] of Object.entries(outputs)) {
    if (meta.entryPoint === undefined) continue
    const module = meta.entryPoint.replace(/^src\//, "").replace(/\.ts$/, "")
    byModule.set(module, { exports: [...meta.exports].sort(), inputs: staticInputs(output) })
  }
  return byModule
}

const virtualEntries = (entries) => ({
  name: "effect-kube-entries",
  setup(build) {
    build.onResolve({ filter: /^effect-kube-entry:/ }, (args) => ({ path: args.path, namespace: "effect-kube-entry" }))
    build.onLoad({ filter: /.*/, namespace: "effect-kube-entry" }, (args) => ({
      contents: entries.get(args.path.slice("effect-kube-entry:".length)),
      resolveDir: src,
      loader: "ts"
    }))
  }
})

const reexports = (module, names) =>
  names.length === 0
    ? ""
    : `export { ${names.map((n) => `${n} as ${module}$${n}`).join(", ")} } from "./${module}.ts"\n`

/** Writes every public and internal module of src/ (not the CLI's) transpiled one by one into `outDir`. */
export const transpileModules = async (outDir, { sourcemap = true } = {}) => {
  const entryPoints = []
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (p !== path.join(src, "cli")) walk(p)
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) entryPoints.push(p)
    }
  }
  walk(src)
  const result = await esbuild.build({
    entryPoints,
    outbase: src,
    outdir: outDir,
    bundle: false,
    format: "esm",
    platform: "node",
    target: "node20",
    tsconfig: path.join(root, "tsconfig.json"),
    absWorkingDir: root,
    sourcemap,
    metafile: true,
    logLevel: "error"
  })
  if (sourcemap) {
    const shipped = path.join(root, "dist", path.basename(outDir))
    for (const output of Object.keys(result.metafile.outputs)) relocateMap(path.resolve(root, output), outDir, shipped)
  }
}

/**
 * esbuild writes each map's sources relative to where the build ran; the package ships src/ beside dist/, so they are
 * rewritten as seen from <package>/dist (whatever `outDir` was, e.g. pack-check's staging copy).
 */
const relocateMap = (file, outDir, shipped = path.join(root, "dist")) => {
  if (!file.endsWith(".map")) return
  const map = JSON.parse(fs.readFileSync(file, "utf8"))
  const shippedDir = path.join(shipped, path.relative(outDir, path.dirname(file)))
  map.sources = map.sources.map((s) =>
    s.includes(":") ? s : path.relative(shippedDir, path.resolve(path.dirname(file), s)).split(path.sep).join("/")
  )
  fs.writeFileSync(file, JSON.stringify(map))
}

/** Writes the library's JavaScript (and source maps) into `outDir`; returns the esbuild metafile. */
export const bundleLibrary = async (outDir, { sourcemap = true } = {}) => {
  const modules = topLevelModules().filter((m) => m !== "index")
  const members = barrelMembers()
  const analysis = await analyse([...modules, "index"])
  const barrel = analysis.get("index").inputs
  const inLibrary = (m) => [...analysis.get(m).inputs].every((f) => barrel.has(f))
  for (const m of members) if (!inLibrary(m)) throw new Error(`barrel member ${m} reaches outside the barrel`)
  const group = new Map(modules.map((m) => [m, inLibrary(m) ? "_library" : "_testing"]))
  const entries = new Map([
    [
      "_library",
      members.map((m) => `export * as ${m} from "./${m}.ts"\n`).join("") +
      modules.filter((m) => group.get(m) === "_library").map((m) => reexports(m, analysis.get(m).exports)).join("")
    ],
    [
      "_testing",
      modules.filter((m) => group.get(m) === "_testing").map((m) => reexports(m, analysis.get(m).exports)).join("")
    ]
  ])
  const result = await esbuild.build({
    ...common,
    entryPoints: [
      { in: "effect-kube-entry:_library", out: "_library" },
      { in: "effect-kube-entry:_testing", out: "_testing" },
      ...generatedModules().map((f) => ({ in: f, out: inputOf(f).replace(/^src\//, "").replace(/\.ts$/, "") }))
    ],
    outdir: outDir,
    chunkNames: "_chunks/[name]-[hash]",
    sourcemap,
    metafile: true,
    plugins: [virtualEntries(entries)]
  })
  const facade = (module) => {
    const names = analysis.get(module).exports
    const from = `./${group.get(module)}.js`
    return names.length === 0
      ? "export {}\n"
      : `export { ${names.map((n) => `${module}$${n} as ${n}`).join(", ")} } from "${from}"\n`
  }
  for (const m of modules) fs.writeFileSync(path.join(outDir, `${m}.js`), facade(m))
  if (sourcemap) {
    for (const output of Object.keys(result.metafile.outputs)) relocateMap(path.resolve(root, output), outDir)
  }
  fs.writeFileSync(path.join(outDir, "index.js"), `export { ${members.join(", ")} } from "./_library.js"\n`)
  return result.metafile
}
