// The Effect modules the barrel program (barrelGet.mjs) loads, imported alone: effect, @effect/platform and
// @effect/platform-node files, nothing of effect-kube. bench/run.ts lists them with a loader hook (recordLoads.mjs)
// and writes one module of static imports, so they load as one graph; this is the floor of a program built on those
// packages, and what lies above it is effect-kube's own. argv: that module's path. Prints one JSON line of timings.
import { pathToFileURL } from "node:url"
import { report } from "./report.mjs"

const start = performance.now()
const cpu0 = process.cpuUsage()
await import(pathToFileURL(process.argv[2]).href)
report(start, cpu0, performance.now())
