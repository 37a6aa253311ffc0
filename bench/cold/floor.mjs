// The floor of an Effect library's cold start: `effect/Effect` and `effect/Schema` alone, nothing of effect-kube.
// With module names as arguments, those modules instead (run.ts measures what single platform modules add to the
// floor). Prints one JSON line of timings.
import { report } from "./report.mjs"

const start = performance.now()
const cpu0 = process.cpuUsage()
const modules = process.argv.length > 2 ? process.argv.slice(2) : ["effect/Effect", "effect/Schema"]
await Promise.all(modules.map((name) => import(name)))
report(start, cpu0, performance.now())
