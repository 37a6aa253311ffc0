// The project's test command: type-check everything, run vitest, and close with the one line CI reads.
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { writeExampleBlocks } from "./example-blocks.mjs"
import { ensureHelm, ensureKubectl } from "./kubectl.mjs"
import { writeReadmeBlocks } from "./readme-blocks.mjs"

const args = process.argv.slice(2)
ensureKubectl()
ensureHelm()
writeReadmeBlocks()
writeExampleBlocks()

// tsc --noEmit, and no public .d.ts naming an internal module (scripts/typecheck.mjs).
const tsc = spawnSync(process.execPath, [path.join(import.meta.dirname, "typecheck.mjs")], { stdio: "inherit" })
const typeCheckFailed = tsc.status !== 0
if (typeCheckFailed) console.error("type-check failed")

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-vitest-")), "results.json")
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...args],
  { stdio: "inherit" }
)
let passed = 0
let failed = 0
try {
  const results = JSON.parse(fs.readFileSync(out, "utf8"))
  passed = results.numPassedTests
  failed = results.numFailedTests
  // A file that fails to load has no tests in the count; count it so the line cannot look green.
  for (const file of results.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed++
  }
} catch {
  failed++
}
if (typeCheckFailed) failed++
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || run.status !== 0 ? 1 : 0)
