// The floor of an Effect library's cold start: `effect/Effect` and `effect/Schema` alone, nothing of effect-kube.
// Prints one JSON line of timings.
const start = performance.now()
const cpu0 = process.cpuUsage()
await Promise.all([import("effect/Effect"), import("effect/Schema")])
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
