// The floor of an Effect library's cold start: `effect/Effect` and `effect/Schema` alone, nothing of effect-kube.
// Prints one JSON line of timings.
const start = performance.now()
await Promise.all([import("effect/Effect"), import("effect/Schema")])
const imported = performance.now()
console.log(JSON.stringify({ importMs: imported - start, firstRequestMs: 0, sinceProcessStart: imported }))
process.exit(0)
