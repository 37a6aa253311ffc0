/**
 * The package's shape: what a production import loads, and the source graph's layering (import cycles, type-only
 * imports included).
 */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"
import ts from "typescript"

const root = Path.resolve(Path.dirname(Url.fileURLToPath(import.meta.url)), "..")
const src = Path.join(root, "src")

/** Every URL a child process loads when it imports `entry` (a runtime graph: dynamic imports count). */
const loadedUrls = (entry: string): ReadonlyArray<string> => loadedUrlsRunning(`await import(${JSON.stringify(entry)})`)

/** Every URL a child process loads when it runs `program` (an ES module body). */
const loadedUrlsRunning = (program: string): ReadonlyArray<string> => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-graph-"))
  try {
    const log = Path.join(dir, "loaded.txt")
    const hooks = Path.join(dir, "hooks.mjs")
    Fs.writeFileSync(
      hooks,
      `import * as fs from "node:fs"\nexport async function load(url, context, next) {\n` +
        `  fs.appendFileSync(${JSON.stringify(log)}, url + "\\n")\n  return next(url, context)\n}\n`
    )
    const register = Path.join(dir, "register.mjs")
    Fs.writeFileSync(
      register,
      `import { register } from "node:module"\nregister(${JSON.stringify(Url.pathToFileURL(hooks).href)})\n`
    )
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--import", register, "--input-type=module", "-e", program],
      { cwd: root, encoding: "utf8", timeout: 60_000 }
    )
    expect(r.status, r.stderr).toBe(0)
    return Fs.readFileSync(log, "utf8").split("\n").filter((u) => u !== "")
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Every file of `src/` a child process loads when it imports `entry`. */
const loadedBy = (entry: string): ReadonlyArray<string> => {
  const prefix = Url.pathToFileURL(src).href + "/"
  return loadedUrls(entry).filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length))
}

/** The dependency modules among `urls`, as `package/path`. */
const dependencyModules = (urls: ReadonlyArray<string>): ReadonlyArray<string> =>
  urls.flatMap((u) => {
    const at = u.lastIndexOf("/node_modules/")
    return at < 0 ? [] : [u.slice(at + "/node_modules/".length)]
  })

const testOnly = (file: string) => /fakeApiServer|FakeApiServer|internal\/patch\/|^testing\.ts$/.test(file)

describe("production imports", () => {
  it("importing effect-kube (the barrel, as the package name resolves) loads no fake apiserver or patch module", () => {
    const loaded = loadedBy("effect-kube")
    // The barrel itself and the modules it names must be there, or the hook saw nothing and the check is empty.
    expect(loaded).toContain("index.ts")
    expect(loaded).toContain("Kube.ts")
    expect(loaded).toContain("Clientset.ts")
    expect(loaded.filter(testOnly)).toEqual([])
  })

  it("importing effect-kube loads deep modules only: no effect or @effect/platform index, no undici, ws, tar or NodeContext", () => {
    const deps = dependencyModules(loadedUrls("effect-kube"))
    expect(deps).toContain("effect/dist/esm/Effect.js")
    expect(deps).toContain("@effect/platform/dist/esm/HttpClient.js")
    const heavy = deps.filter((d) =>
      /^(effect|@effect\/platform|@effect\/platform-node)\/dist\/esm\/index\.js$/.test(d) ||
      /^(undici|ws|tar)\//.test(d) ||
      /NodeContext|NodeWorker|NodeTerminal|NodeHttpClient|Undici/.test(d)
    )
    expect(heavy).toEqual([])
  })

  it("a kubeconfig + typed GET program loads no yaml, WebSocket, manifest, exec/oidc or election code", () => {
    // The README's program against a loopback server, with a plain kubeconfig (the fast reader's subset).
    const program = `
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Effect from "effect/Effect"
import { Clientset, Kube } from "effect-kube"
const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u1" } }
const paths = []
const server = Http.createServer((req, res) => {
  paths.push(req.url)
  res.setHeader("content-type", "application/json")
  res.end(JSON.stringify(pod))
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-graph-kc-"))
const file = Path.join(dir, "config")
Fs.writeFileSync(file, [
  "apiVersion: v1", "kind: Config", "current-context: c", "clusters:", "- name: c", "  cluster:",
  "    server: http://127.0.0.1:" + server.address().port, "    insecure-skip-tls-verify: false", "users:",
  "- name: u", "  user:", "    token: t0k3n", "contexts:", "- name: c", "  context:", "    cluster: c", "    user: u",
  "    namespace: default", ""
].join("\\n"))
const got = await Effect.runPromise(
  Effect.flatMap(Clientset.Clientset, (cs) => cs.coreV1.pods("default").get("web")).pipe(
    Effect.provide(Kube.layerKubeconfig({ path: file }))
  )
)
server.close()
Fs.rmSync(dir, { recursive: true, force: true })
if (got.metadata.name !== "web" || paths.join() !== "/api/v1/namespaces/default/pods/web") {
  throw new Error("unexpected: " + JSON.stringify({ got, paths }))
}
`
    const urls = loadedUrlsRunning(program)
    const prefix = Url.pathToFileURL(src).href + "/"
    const own = urls.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length))
    // The GET really ran through the typed clientset: its group's schemas loaded.
    expect(own).toContain("generated/core/v1.ts")
    const deps = dependencyModules(urls)
    expect(deps.filter((d) => /^yaml\//.test(d) || d === "@effect/platform/dist/esm/Socket.js")).toEqual([])
    expect(
      own.filter((f) =>
        /^internal\/(websocket|manifest\/(apply|files|diff|order)|credentials\/(exec|oidc)|controller\/(leaderElection|eventRecorder))/
          .test(f)
      )
    ).toEqual([])
  })

  it("the testing entry point is where the fake comes from", () => {
    const loaded = loadedBy("effect-kube/testing")
    expect(loaded).toContain("FakeApiServer.ts")
    expect(loaded.some((f) => f.startsWith("internal/patch/"))).toBe(true)
  })
})

/** Relative imports of every source file, type-only and dynamic ones included. */
const sourceGraph = (): Map<string, ReadonlyArray<string>> => {
  const files: Array<string> = []
  const walk = (dir: string) => {
    for (const e of Fs.readdirSync(dir, { withFileTypes: true })) {
      const p = Path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith(".ts")) files.push(p)
    }
  }
  walk(src)
  const graph = new Map<string, ReadonlyArray<string>>()
  for (const file of files) {
    const info = ts.preProcessFile(Fs.readFileSync(file, "utf8"), true, true)
    const deps = info.importedFiles.map((i) => i.fileName).filter((s) => s.startsWith(".")).map((s) =>
      Path.resolve(Path.dirname(file), s.replace(/\.js$/, ".ts"))
    )
    graph.set(file, deps.filter((d) => Fs.existsSync(d)))
  }
  return graph
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
const cycles = (graph: Map<string, ReadonlyArray<string>>): Array<Array<string>> => {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const out: Array<Array<string>> = []
  const connect = (v: string) => {
    indices.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!))
    }
    if (low.get(v) === indices.get(v)) {
      const component: Array<string> = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(Path.relative(src, w))
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!indices.has(v)) connect(v)
  return out
}

describe("source graph", () => {
  it("the cycle finder finds a planted cycle", () => {
    const graph = new Map([["/a.ts", ["/b.ts"]], ["/b.ts", ["/c.ts"]], ["/c.ts", ["/a.ts"]], ["/d.ts", ["/a.ts"]]])
    expect(cycles(graph).map((c) => c.length)).toEqual([3])
  })

  it("has no import cycles, type-only imports included", () => {
    const graph = sourceGraph()
    expect(graph.size).toBeGreaterThan(50)
    // A public module's implementation imports the contract from a module below both (`XModel.ts`), never from the
    // module that wires it.
    expect(cycles(graph).map((c) => c.join(" <-> ")).sort()).toEqual([])
  })
})

describe("internal modules", () => {
  it("carry no @internal tags: the directory marks them, and the build's stripInternal would drop tagged declarations", () => {
    const tagged: Array<string> = []
    const walk = (dir: string) => {
      for (const e of Fs.readdirSync(dir, { withFileTypes: true })) {
        const p = Path.join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (e.name.endsWith(".ts")) {
          Fs.readFileSync(p, "utf8").split("\n").forEach((line, i) => {
            if (/@internal\b/.test(line)) tagged.push(`${Path.relative(root, p)}:${i + 1}`)
          })
        }
      }
    }
    walk(Path.join(src, "internal"))
    expect(tagged).toEqual([])
  })
})
