// The published bin as one file: scripts/bin-entry.ts with effect and every other dependency inside (it is a
// program, not a library, and a CLI run pays for each module it resolves and reads). Used by scripts/build.mjs and
// by the benchmark's cold start, which times the same file.
import * as esbuild from "esbuild"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** Writes the bundle to `outfile`. */
export const bundleBin = (outfile) =>
  esbuild.build({
    entryPoints: [path.join(root, "scripts", "bin-entry.ts")],
    outfile,
    bundle: true,
    // One file: the command table's lazy imports are inlined rather than split into chunks.
    splitting: false,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    legalComments: "none",
    // ws's optional native helpers are required inside try/catch; they are not installed.
    external: ["bufferutil", "utf-8-validate"],
    // CommonJS dependencies (ws) call require() for Node's built-ins, which an ES module lacks.
    banner: {
      js: "import { createRequire as __ekRequire } from \"node:module\"; const require = __ekRequire(import.meta.url);"
    },
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "error"
  })
