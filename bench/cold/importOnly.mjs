// `import "effect-kube"` alone (the barrel of run.ts's esbuild transpile of src/), no request. Prints one JSON line.
// argv: server kubeconfig namespace name buildDir
import { report } from "./report.mjs"

const start = performance.now()
const cpu0 = process.cpuUsage()
const buildDir = process.argv[6]
await import(`${buildDir}/src/index.js`)
report(start, cpu0, performance.now())
