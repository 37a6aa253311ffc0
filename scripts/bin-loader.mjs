// dist/bin/effect-kube.mjs: runs the bundled CLI (effect-kube.cjs beside it) with a V8 code cache.
//
// Compiling the 1.7 MB bundle was about a quarter of a `get --raw /version` run (63 of 283 ms in a profile), on
// every run: Node 20 keeps no compile cache for ES modules, and `module.enableCompileCache` only exists from 22.1.
// So the bundle is CommonJS, compiled here as a vm.Script with the cache V8 made on an earlier run; after the first
// run (or when V8 rejects the cache: another Node, another bundle) the cache is written again at exit, and then
// holds the functions that run compiled too.
//
// The cache lives in the user's own cache directory ($XDG_CACHE_HOME or ~/.cache, then effect-kube/, created 0700),
// not in a shared temporary directory: V8 trusts code cache as it trusts the code.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for Node's own cache. Any failure to read or write it only costs
// the compile.
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as vm from "node:vm"

const filename = fileURLToPath(new URL("./effect-kube.cjs", import.meta.url))
const source = fs.readFileSync(filename, "utf8")

const cacheFile = (() => {
  if (process.env.NODE_DISABLE_COMPILE_CACHE === "1") return undefined
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), ".cache") : "")
  if (!path.isAbsolute(base)) return undefined
  // V8 checks its own version and flags, but of the source only its length: a cache made for another bundle of the
  // same length would be accepted. So the key hashes the bundle's text (about 4 ms; size and mtime would not do, npm
  // gives every installed file the same mtime), and keeps one file per bundle and Node.
  const key = createHash("sha256").update(`${process.version}\0${process.arch}\0${process.execArgv.join(" ")}\0`)
    .update(source).digest("hex").slice(0, 32)
  return path.join(base, "effect-kube", `bin-${key}.v8cache`)
})()

let cachedData
if (cacheFile !== undefined) {
  try {
    cachedData = fs.readFileSync(cacheFile)
  } catch {
    cachedData = undefined
  }
}

// Node's own CommonJS wrapper, so the bundle sees what it would as a required file.
const script = new vm.Script(
  `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
  { filename, cachedData }
)

if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
  process.once("exit", () => {
    try {
      const data = script.createCachedData()
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 })
      // Written whole under a temporary name, then renamed: a concurrent run never reads half a cache.
      const temporary = `${cacheFile}.${process.pid}.tmp`
      fs.writeFileSync(temporary, data, { mode: 0o600 })
      fs.renameSync(temporary, cacheFile)
    } catch {
      // A read-only home or a full disk: the next run compiles again.
    }
  })
}

const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(filename), module, filename, path.dirname(filename))
