// The published bin: scripts/bin-entry.ts with effect and every other dependency inside, as one CommonJS file (it
// is a program, not a library, and a CLI run pays for each module it resolves and reads), and beside it the ES
// module that runs it with a V8 code cache (scripts/bin-loader.mjs says why). Used by scripts/build.mjs and by the
// benchmark's cold start, which times the same files.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** Writes the loader to `outfile` (an .mjs path) and the bundle beside it as effect-kube.cjs. */
export const bundleBin = async (outfile) => {
  const result = await esbuild.build({
    entryPoints: [path.join(root, "scripts", "bin-entry.ts")],
    outfile: path.join(path.dirname(outfile), "effect-kube.cjs"),
    bundle: true,
    // One file: the command table's lazy imports are inlined rather than split into chunks.
    splitting: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    minify: true,
    legalComments: "none",
    // ws's optional native helpers are required inside try/catch; they are not installed.
    external: ["bufferutil", "utf-8-validate"],
    // The two modules that locate files relative to themselves (yaml's require, the User-Agent's package.json)
    // see the bundle's own URL, as they did when it was an ES module.
    define: { "import.meta.url": "__ekImportMetaUrl" },
    banner: { js: "var __ekImportMetaUrl=require(\"node:url\").pathToFileURL(__filename).href;" },
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "error"
  })
  fs.copyFileSync(path.join(root, "scripts", "bin-loader.mjs"), outfile)
  return result
}
