// `import "effect-kube"` alone (the barrel of run.ts's esbuild transpile of src/), no request. Prints one JSON line.
// argv: server kubeconfig namespace name buildDir
const start = performance.now()
const cpu0 = process.cpuUsage()
const buildDir = process.argv[6]
await import(`${buildDir}/src/index.js`)
const imported = performance.now()
const cpu = process.cpuUsage(cpu0)
console.log(
  JSON.stringify({
    importMs: imported - start,
    firstRequestMs: 0,
    sinceProcessStart: imported,
    cpuMs: (cpu.user + cpu.system) / 1000
  })
)
process.exit(0)
