// `npm run build` (and prepack): the library with tsc into dist/, then the bin bundled into dist/bin/effect-kube.mjs
// (scripts/bundle-bin.mjs). usage: node scripts/build.mjs [--outDir DIR]
import { spawnSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { bundleBin } from "./bundle-bin.mjs"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const at = process.argv.indexOf("--outDir")
const outDir = path.resolve(at >= 0 ? process.argv[at + 1] : path.join(root, "dist"))

const tsc = spawnSync(
  process.execPath,
  [
    path.join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    path.join(root, "tsconfig.build.json"),
    "--outDir",
    outDir
  ],
  { cwd: root, stdio: "inherit" }
)
if (tsc.status !== 0) process.exit(tsc.status ?? 1)
await bundleBin(path.join(outDir, "bin", "effect-kube.mjs"))
