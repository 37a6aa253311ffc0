// Micro-measure of the typed validator (src/internal/restClient/fastDecode.ts), not part of `npm run bench`:
// `node --import tsx bench/validate.ts` prints, for the Pod schema, the time from a fresh validator to the first
// pod checked (what a program reading one object pays), and the median µs a pod over rounds of 10,000
// JSON.parse'd bench pods, for the interpreter tier alone (the walk over field tables, as before the generated
// functions), the generated functions alone and the default tiering, interleaved round by round in this one
// process; Effect's own decoder on the same pods for scale. Bounded: fixed rounds of a fixed count.
import * as Schema from "effect/Schema"
import { makePods } from "./data.js"

const count = 10_000
const rounds = Number(process.env.ROUNDS ?? 15)
const pods = JSON.parse(JSON.stringify(makePods("bench", count, 42))) as Array<unknown>
const core = await import("../src/generated/core/v1.js")
const { make } = await import("../src/internal/restClient/fastDecode.js")

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const tiers = {
  interpreted: make({ compileAfter: Infinity }),
  generated: make({ compileAfter: 0 }),
  tiered: make({ compileAfter: 32 })
}
const checks: Record<string, (u: unknown) => boolean> = {}
const lines: Array<string> = []
for (const [name, validator] of Object.entries(tiers)) {
  const start = performance.now()
  const check = validator(core.Pod.ast)
  if (check === undefined || !check(pods[0])) throw new Error(`${name}: the first pod was not accepted`)
  lines.push(`${name}: validator + first pod ${(performance.now() - start).toFixed(2)} ms`)
  checks[name] = check
}

const perPod: Record<string, Array<number>> = {}
for (let r = 0; r < rounds; r++) {
  for (const [name, check] of Object.entries(checks)) {
    const start = performance.now()
    for (let i = 0; i < count; i++) if (!check(pods[i])) throw new Error(`${name}: pod ${i} rejected`)
    ;(perPod[name] ??= []).push(((performance.now() - start) * 1000) / count)
  }
}
for (const [name, xs] of Object.entries(perPod)) {
  lines.push(`${name}: median ${median(xs).toFixed(2)} µs a pod (min ${Math.min(...xs).toFixed(2)}), ${rounds} rounds`)
}

const decode = Schema.decodeUnknownSync(core.Pod, { onExcessProperty: "preserve" })
const effectPerPod: Array<number> = []
for (let r = 0; r < 5; r++) {
  const start = performance.now()
  for (let i = 0; i < 1_000; i++) decode(pods[i])
  effectPerPod.push(((performance.now() - start) * 1000) / 1_000)
}
lines.push(`Effect's decoder (excess kept), for scale: median ${median(effectPerPod).toFixed(2)} µs a pod`)
console.log(lines.join("\n"))
