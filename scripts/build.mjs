// `npm run build` (and prepack), into a fresh dist/: the declarations with tsc, the library's JavaScript bundled into
// a few files with its dependencies external, and for bundlers file by file into dist/modules (scripts/bundle-lib.mjs),
// then the bin as one file with everything
// inside (scripts/bundle-bin.mjs). usage: node scripts/build.mjs [--outDir DIR]
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { bundleBin } from "./bundle-bin.mjs"
import { bundleLibrary, transpileModules } from "./bundle-lib.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const at = process.argv.indexOf("--outDir")
const outDir = path.resolve(at >= 0 ? process.argv[at + 1] : path.join(root, "dist"))

// Nothing of an earlier build may survive: a module that no longer exists must not stay importable.
if (path.relative(outDir, root) === "" || !path.relative(outDir, root).startsWith("..")) {
  throw new Error(`--outDir ${outDir} would remove the project itself`)
}
fs.rmSync(outDir, { recursive: true, force: true })
const tsc = spawnSync(
  process.execPath,
  [
    path.join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    path.join(root, "tsconfig.build.json"),
    "--outDir",
    outDir,
    "--emitDeclarationOnly",
    "--sourceMap",
    "false"
  ],
  { cwd: root, stdio: "inherit" }
)
if (tsc.status !== 0) process.exit(tsc.status ?? 1)
await bundleLibrary(outDir)
await transpileModules(path.join(outDir, "modules"))
await bundleBin(path.join(outDir, "bin", "effect-kube.mjs"))
