// The published package as a user gets it: build, `npm pack`, unpack into a fresh project beside the dependencies,
// then compile a program importing it under `moduleResolution: NodeNext` (strict, library .d.ts checked too) and
// under `bundler`, run it, and check the closed subpaths stay closed and no public .d.ts names an internal module.
// Nothing is written to the working tree. usage: node scripts/pack-check.mjs
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-pack-"))
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" })
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${r.stdout}\n${r.stderr}`)
    process.exit(1)
  }
  return r.stdout
}

// A staging copy of what `files` names, built there, so `npm pack` neither writes dist/ into the tree nor packs it.
const stage = path.join(tmp, "stage")
fs.mkdirSync(stage)
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
for (const f of [...pkg.files.filter((f) => f !== "dist"), "package.json", "README.md", "LICENSE"]) {
  fs.cpSync(path.join(root, f), path.join(stage, f), { recursive: true })
}
// The package's own build (tsc, then the bundled bin), into the stage.
run(process.execPath, [path.join(root, "scripts/build.mjs"), "--outDir", path.join(stage, "dist")], root)

// Public declarations (everything outside internal/ and cli/) must not point into internals: users cannot import
// them, and they are not part of the contract.
const publicDts = []
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    const rel = path.relative(path.join(stage, "dist"), p)
    if (e.isDirectory()) {
      if (rel !== "internal" && rel !== "cli") walk(p)
    } else if (e.name.endsWith(".d.ts")) publicDts.push(p)
  }
}
walk(path.join(stage, "dist"))
const allowed = new Set(JSON.parse(fs.readFileSync(path.join(root, "scripts/internal-dts-allowlist.json"), "utf8")))
const offenders = []
const found = new Set()
for (const file of publicDts) {
  const rel = path.relative(path.join(stage, "dist"), file)
  const refs = [...fs.readFileSync(file, "utf8").matchAll(/["'](\.{1,2}\/(?:[^"']*\/)?(?:internal|cli)\/[^"']*)["']/g)]
  for (const [, ref] of refs) found.add(`${rel} -> ${ref}`)
}
for (const key of found) {
  if (!allowed.has(key)) offenders.push(key)
  allowed.delete(key)
}
if (offenders.length > 0) {
  console.error(`public .d.ts files reference internal modules:\n  ${offenders.join("\n  ")}`)
  process.exit(1)
}
if (allowed.size > 0) {
  console.error(`stale entries in scripts/internal-dts-allowlist.json (remove them):\n  ${[...allowed].join("\n  ")}`)
  process.exit(1)
}

const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", tmp], stage).trim()
  .split("\n").pop()

// A fresh project: the tarball unpacked as node_modules/effect-kube, every other package linked from this checkout's
// install (no network here).
const project = path.join(tmp, "project")
const modules = path.join(project, "node_modules")
fs.mkdirSync(path.join(modules, "effect-kube"), { recursive: true })
execFileSync("tar", ["-xzf", path.join(tmp, tarball), "-C", path.join(modules, "effect-kube"), "--strip-components=1"])
for (const e of fs.readdirSync(path.join(root, "node_modules"))) {
  if (e === "effect-kube" || e.startsWith(".")) continue
  fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules", e)), path.join(modules, e))
}
fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", type: "module" }))
fs.writeFileSync(
  path.join(project, "main.ts"),
  `import * as Effect from "effect/Effect"
import { Clientset, Kube, KubeError } from "effect-kube"
import * as Core from "effect-kube/api/core/v1"
import * as KubeErrorModule from "effect-kube/KubeError"
import * as RestConfig from "effect-kube/RestConfig"
import { FakeApiServer, layerFake } from "effect-kube/testing"

const pod: Core.Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default" },
  spec: { containers: [{ name: "c", image: "busybox" }] }
}
const program = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  yield* cs.coreV1.pods("default").create(pod)
  const got = yield* cs.coreV1.pods("default").get("p")
  const missing = yield* cs.coreV1.pods("default").get("nope").pipe(
    Effect.catchTag("NotFound", (e: KubeError.NotFound) => Effect.succeed(e._tag))
  )
  const fake = yield* FakeApiServer.FakeApiServer
  return {
    name: got.metadata?.name,
    missing,
    requests: (yield* fake.requests).length,
    // The barrel and a subpath are the same bundled module: one class, not two copies.
    sameClass: KubeErrorModule.NotFound === KubeError.NotFound,
    userAgent: RestConfig.defaultUserAgent()
  }
})
export const production: typeof Kube.layerKubeconfig = Kube.layerKubeconfig
export const config: typeof RestConfig.RestConfig = RestConfig.RestConfig
export const server = (config: RestConfig.Service): string => config.server
const result = await Effect.runPromise(Effect.provide(program, layerFake()))
console.log(JSON.stringify(result))
`
)
const compile = (name, options) => {
  const config = path.join(project, `tsconfig.${name}.json`)
  fs.writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022"],
        types: ["node"],
        strict: true,
        skipLibCheck: false,
        outDir: `out-${name}`,
        ...options
      },
      files: ["main.ts"]
    })
  )
  run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", config], project)
}
compile("nodenext", { module: "NodeNext", moduleResolution: "NodeNext", exactOptionalPropertyTypes: true })
compile("bundler", { module: "ESNext", moduleResolution: "bundler" })

const out = JSON.parse(run(process.execPath, [path.join(project, "out-nodenext/main.js")], project))
// The bundled files sit elsewhere than src/ relative to package.json: the agent must still name the version.
if (
  out.name !== "p" || out.missing !== "NotFound" || !(out.requests >= 3) || out.sameClass !== true ||
  !out.userAgent.startsWith(`effect-kube/${pkg.version} (`)
) {
  console.error(`the packed program printed ${JSON.stringify(out)}`)
  process.exit(1)
}
// The shipped JavaScript is a few bundled files (scripts/bundle-lib.mjs): importing the barrel loads a handful of
// them and nothing of the testing bundle, which holds the fake apiserver.
{
  const log = path.join(project, "loaded.txt")
  fs.writeFileSync(
    path.join(project, "hooks.mjs"),
    `import * as fs from "node:fs"\nexport async function load(url, context, next) {\n` +
      `  fs.appendFileSync(${JSON.stringify(log)}, url + "\\n")\n  return next(url, context)\n}\n`
  )
  fs.writeFileSync(
    path.join(project, "register.mjs"),
    `import { register } from "node:module"\nregister("./hooks.mjs", import.meta.url)\n`
  )
  run(
    process.execPath,
    ["--import", "./register.mjs", "--input-type=module", "-e", `await import("effect-kube")`],
    project
  )
  const own = fs.readFileSync(log, "utf8").split("\n").filter((u) => u.includes("/node_modules/effect-kube/dist/"))
    .map((u) => u.slice(u.indexOf("/dist/") + "/dist/".length))
  if (!own.includes("_library.js") || own.includes("_testing.js") || own.length > 40) {
    console.error(`importing effect-kube loaded ${own.length} of its files:\n  ${own.join("\n  ")}`)
    process.exit(1)
  }
}
// Bundlers resolve the `module` condition to the file-by-file copy, so an application bundle keeps only what it uses.
{
  const esbuild = await import("esbuild")
  fs.writeFileSync(
    path.join(project, "bundled.mjs"),
    `import * as Kube from "effect-kube/Kube"\nimport { Clientset } from "effect-kube"\nconsole.log(typeof Kube.layerKubeconfig, typeof Clientset.layer)\n`
  )
  const result = await esbuild.build({
    absWorkingDir: project,
    entryPoints: ["bundled.mjs"],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
    outdir: path.join(project, "bundled-out"),
    logLevel: "silent"
  })
  const inputs = Object.keys(result.metafile.inputs).filter((f) => f.includes("node_modules/effect-kube/"))
  if (!inputs.some((f) => f.includes("/dist/modules/Kube.js")) || inputs.some((f) => /\/dist\/_/.test(f))) {
    console.error(`a bundler resolved effect-kube to:\n  ${inputs.join("\n  ")}`)
    process.exit(1)
  }
}
// Closed subpaths: internals and the CLI's modules are not importable from the package.
for (
  const closed of [
    "effect-kube/internal/restClient/client",
    "effect-kube/cli/main",
    "effect-kube/generated/core/v1",
    "effect-kube/_library",
    "effect-kube/modules/Kube"
  ]
) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(closed)})`], {
    cwd: project,
    encoding: "utf8"
  })
  if (r.status === 0 || !r.stderr.includes("ERR_PACKAGE_PATH_NOT_EXPORTED")) {
    console.error(`${closed} should not be exported:\n${r.stderr}`)
    process.exit(1)
  }
}
// The packed bin, run the way npm links it (node_modules/.bin), against a loopback server answering /version.
{
  const bin = path.join(modules, ".bin")
  fs.mkdirSync(bin, { recursive: true })
  fs.symlinkSync(path.join(modules, "effect-kube", pkg.bin["effect-kube"]), path.join(bin, "effect-kube"))
  const version = { major: "1", minor: "36", gitVersion: "v1.36.0" }
  const server = (await import("node:http")).createServer((req, res) => {
    const body = JSON.stringify(req.url === "/version" ? version : { kind: "Status", code: 404 })
    res.writeHead(req.url === "/version" ? 200 : 404, { "content-type": "application/json" })
    res.end(body)
  })
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  const kubeconfig = path.join(project, "kubeconfig")
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: `http://127.0.0.1:${server.address().port}` } }],
      users: [{ name: "u", user: {} }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x"
    })
  )
  // Each run in its own cache directory state: the first writes the V8 code cache, the next reads it, a corrupt one
  // is rejected and rewritten, NODE_DISABLE_COMPILE_CACHE=1 writes none, and a changed bundle of the same length
  // (which V8's own check accepts) gets a cache of its own.
  const cacheHome = path.join(project, "xdg-cache")
  const fail = (message) => {
    server.close()
    console.error(`the packed bin: ${message}`)
    process.exit(1)
  }
  const spawnBin = async (args, env) => {
    const child = (await import("node:child_process")).spawn(path.join(bin, "effect-kube"), args, {
      cwd: project,
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (c) => (stdout += c))
    child.stderr.on("data", (c) => (stderr += c))
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)))
    clearTimeout(killer)
    return { code, stdout, stderr }
  }
  const runBin = async (what, env) => {
    const { code, stdout, stderr } = await spawnBin(["get", "--raw", "/version", "--kubeconfig", kubeconfig], env)
    let printed
    try {
      printed = JSON.parse(stdout)
    } catch {
      printed = undefined
    }
    if (code !== 0 || printed?.gitVersion !== version.gitVersion) {
      fail(`get --raw /version (${what}) exited ${code}:\n${stdout}\n${stderr}`)
    }
  }
  const cacheDir = path.join(cacheHome, "effect-kube")
  const cacheFiles = () => fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.endsWith(".v8cache")) : []
  await runBin("no code cache yet", {})
  const written = cacheFiles()
  if (written.length !== 1) fail(`expected one cache file in ${cacheDir} after the first run, found ${written.length}`)
  const cacheFile = path.join(cacheDir, written[0])
  if ((fs.statSync(cacheDir).mode & 0o077) !== 0 || (fs.statSync(cacheFile).mode & 0o077) !== 0) {
    fail("the code cache directory and file must be private to the user (0700 / 0600)")
  }
  const before = fs.readFileSync(cacheFile)
  await runBin("with its code cache", {})
  if (!fs.readFileSync(cacheFile).equals(before)) fail("an accepted code cache was rewritten")
  fs.writeFileSync(cacheFile, "not a V8 code cache")
  await runBin("with a corrupt code cache", {})
  if (fs.readFileSync(cacheFile).length < 1024) fail("a rejected code cache was not written again")
  fs.rmSync(cacheHome, { recursive: true, force: true })
  await runBin("with NODE_DISABLE_COMPILE_CACHE=1", { NODE_DISABLE_COMPILE_CACHE: "1" })
  if (cacheFiles().length !== 0) fail("NODE_DISABLE_COMPILE_CACHE=1 still wrote a code cache")
  // An unknown command's message, compiled into the cache, then changed in the bundle without changing its length.
  const bundle = path.join(modules, "effect-kube", "dist", "bin", "effect-kube.cjs")
  const unknown = async (expected) => {
    const { code, stderr } = await spawnBin(["no-such-command"], {})
    if (code !== 1 || !stderr.includes(expected)) fail(`an unknown command printed ${JSON.stringify(stderr)}`)
  }
  await unknown("' for usage.")
  const text = fs.readFileSync(bundle, "utf8")
  const changed = text.replaceAll("' for usage.", "' FOR usage.")
  if (changed === text || changed.length !== text.length) fail("the usage hint to change is not in the bundle")
  fs.writeFileSync(bundle, changed)
  await unknown("' FOR usage.")
  if (cacheFiles().length !== 2) fail("a changed bundle of the same length did not get a code cache of its own")
  server.close()
}
const files = run("tar", ["-tzf", path.join(tmp, tarball)], tmp).split("\n")
for (
  const required of [
    "package/LICENSE",
    "package/dist/index.d.ts",
    "package/dist/testing.js",
    "package/dist/bin/effect-kube.mjs",
    "package/dist/bin/effect-kube.cjs"
  ]
) {
  if (!files.includes(required)) {
    console.error(`${tarball} lacks ${required}`)
    process.exit(1)
  }
}
fs.rmSync(tmp, { recursive: true, force: true })
console.log(
  `pack check: ${tarball} compiles under NodeNext and bundler, runs, its bin answers, and keeps internal/ and cli/ closed`
)
