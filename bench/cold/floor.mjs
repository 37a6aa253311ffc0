// The floor of an Effect library's cold start: `effect/Effect` and `effect/Schema` alone, nothing of effect-kube.
// Prints one JSON line of timings.
import { report } from "./report.mjs"

const start = performance.now()
const cpu0 = process.cpuUsage()
await Promise.all([import("effect/Effect"), import("effect/Schema")])
report(start, cpu0, performance.now())
