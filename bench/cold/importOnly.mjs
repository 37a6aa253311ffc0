// `import "effect-kube"` alone (the barrel of the shipped build run.ts puts in lib/), no request. Prints one JSON line.
// argv: server kubeconfig namespace name buildDir
import { report } from "./report.mjs"

const start = performance.now()
const cpu0 = process.cpuUsage()
const buildDir = process.argv[6]
await import(`${buildDir}/lib/index.js`)
report(start, cpu0, performance.now())
