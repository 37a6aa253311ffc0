/**
 * The package's shape: what a production import loads.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"

const root = Path.resolve(Path.dirname(Url.fileURLToPath(import.meta.url)), "..")
const src = Path.join(root, "src")

/** Every file of `src/` a child process loads when it imports `entry` (a runtime graph: dynamic imports count). */
const loadedBy = (entry: string): ReadonlyArray<string> => {
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
      ["--import", "tsx", "--import", register, "--input-type=module", "-e", `await import(${JSON.stringify(entry)})`],
      { cwd: root, encoding: "utf8", timeout: 60_000 }
    )
    expect(r.status, r.stderr).toBe(0)
    const prefix = Url.pathToFileURL(src).href + "/"
    return Fs.readFileSync(log, "utf8").split("\n").filter((u) => u.startsWith(prefix)).map((u) =>
      u.slice(prefix.length)
    )
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

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

  it("the testing entry point is where the fake comes from", () => {
    const loaded = loadedBy("effect-kube/testing")
    expect(loaded).toContain("FakeApiServer.ts")
    expect(loaded.some((f) => f.startsWith("internal/patch/"))).toBe(true)
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
