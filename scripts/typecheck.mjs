// `npm test`'s type-check: `tsc -p tsconfig.json --noEmit`, plus, from the same program (so the check costs about a
// second more), the declarations of every public module emitted in memory and scanned: a public .d.ts must not name
// a module under src/internal/ or src/cli/, which a user cannot import (the package closes those subpaths).
// `npm run check:pack` checks the same on the real build. usage: node scripts/typecheck.mjs
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const src = path.join(root, "src")

const host = {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
  }
}
const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, host)
// The build's declaration settings (tsconfig.build.json). They do not change what the checker reports.
const options = {
  ...config.options,
  noEmit: false,
  declaration: true,
  emitDeclarationOnly: true,
  declarationMap: false,
  sourceMap: false,
  stripInternal: true,
  outDir: path.join(root, "dist")
}
const program = ts.createProgram({ rootNames: config.fileNames, options, configFileParsingDiagnostics: config.errors })

const diagnostics = [
  ...program.getConfigFileParsingDiagnostics(),
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...program.getSyntacticDiagnostics(),
  ...program.getSemanticDiagnostics()
]
const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }
if (diagnostics.length > 0) {
  const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics
  process.stderr.write(format(diagnostics, formatHost))
  console.error(`type-check: ${diagnostics.length} error(s)`)
  process.exit(1)
}

const isPublic = (file) => {
  const rel = path.relative(src, file)
  return !rel.startsWith("..") && !path.isAbsolute(rel) && !/^(internal|cli)\//.test(rel) && !file.endsWith(".d.ts")
}
const closed = (file) => /^(internal|cli)\//.test(path.relative(src, file))
const allowed = new Set(JSON.parse(fs.readFileSync(path.join(root, "scripts/internal-dts-allowlist.json"), "utf8")))
const offenders = []
const declarationErrors = []
let emitted = 0
for (const sf of program.getSourceFiles()) {
  if (!isPublic(sf.fileName)) continue
  const rel = path.relative(src, sf.fileName).replace(/\.ts$/, ".d.ts")
  const result = program.emit(
    sf,
    (_name, text) => {
      emitted++
      for (const [, spec] of text.matchAll(/(?:from\s+|import\(\s*)["']([^"']+)["']/g)) {
        const target = spec.startsWith(".")
          ? path.resolve(path.dirname(sf.fileName), spec)
          : spec.startsWith("effect-kube/")
          ? path.join(src, spec.slice("effect-kube/".length))
          : undefined
        if (target !== undefined && closed(target)) {
          const key = `${rel} -> ${spec}`
          if (!allowed.has(key)) offenders.push(key)
        }
      }
    },
    undefined,
    true
  )
  declarationErrors.push(...result.diagnostics)
}
if (declarationErrors.length > 0) {
  process.stderr.write(ts.formatDiagnostics(declarationErrors, formatHost))
  console.error(`declaration emit: ${declarationErrors.length} error(s)`)
  process.exit(1)
}
if (emitted < 50) {
  console.error(`declaration check: only ${emitted} public declarations emitted; the scan saw nothing`)
  process.exit(1)
}
if (offenders.length > 0) {
  console.error(
    `public .d.ts files name internal modules (move the contract into a public module):\n  ${
      [...new Set(offenders)].join("\n  ")
    }`
  )
  process.exit(1)
}
console.log(`type-check clean; ${emitted} public declarations name no internal module`)
