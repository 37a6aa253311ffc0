// Equivalence check for src/internal/restClient/fastDecode.ts (the decode fast path this benchmark's profiling led
// to): whenever the fast validator accepts a value, Effect's own decoder (excess properties preserved) must accept
// it too and return an equal value. Runs the bench pods and thousands of random mutations of them through the Pod
// schema, plus small hand-made schemas for each AST node the validator models or refuses.
// `node --conditions=source --import tsx bench/checkFastDecode.ts`; exits 1 on a mismatch.
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { isDeepStrictEqual } from "node:util"
import * as core from "../src/generated/core/v1.js"
import { validator } from "../src/internal/restClient/fastDecode.js"
import { makePods, prng } from "./data.js"

const options = { onExcessProperty: "preserve", errors: "first" } as const
let checked = 0
let accepted = 0
let failures = 0
let slowOnly = 0

const compare = (name: string, schema: Schema.Schema<any, any>, value: unknown) => {
  const check = validator(schema.ast)
  if (check === undefined) throw new Error(`${name}: expected the fast path to model this schema`)
  const fast = check(value)
  const slow = Schema.decodeUnknownEither(schema, options)(value)
  checked++
  if (!fast && Either.isRight(slow)) slowOnly++
  if (fast) {
    accepted++
    if (Either.isLeft(slow) || !isDeepStrictEqual(slow.right, value)) {
      failures++
      if (failures <= 5) {
        console.error(`MISMATCH ${name}: fast accepted, Effect gave`, slow, "for", JSON.stringify(value).slice(0, 300))
      }
    }
  }
}

const clone = <A>(a: A): A => JSON.parse(JSON.stringify(a)) as A

// Random mutation at a random path: change a type, delete a key, add an excess key, replace with null.
const mutate = (value: unknown, random: () => number): unknown => {
  const root = clone(value) as Record<string, unknown>
  let node: any = root
  for (let depth = 0; depth < 8; depth++) {
    const keys = typeof node === "object" && node !== null ? Object.keys(node) : []
    if (keys.length === 0) break
    const key = keys[Math.floor(random() * keys.length)]!
    const child = node[key]
    if (typeof child !== "object" || child === null || random() < 0.25) {
      const r = random()
      // Only what JSON.parse can produce: no holes in arrays, no named properties on them.
      if (Array.isArray(node)) {
        if (r < 0.3) node.splice(Number(key), 1)
        else node[Number(key)] = r < 0.6 ? null : r < 0.8 ? "text" : 42
        return root
      }
      if (r < 0.2) delete node[key]
      else if (r < 0.4) node[key] = null
      else if (r < 0.55) node[key] = 42
      else if (r < 0.7) node[key] = "text"
      else if (r < 0.8) node[key] = [1, "a"]
      else if (r < 0.9) node[`x-extra-${key}`] = { anything: [1, 2] }
      else node[key] = { nested: true }
      return root
    }
    node = child
  }
  return root
}

const pods = makePods("check", 200, 7)
const random = prng(11)
for (const pod of pods) compare("Pod", core.Pod, pod)
compare("PodList", core.PodList, { apiVersion: "v1", kind: "PodList", metadata: {}, items: pods })
for (let i = 0; i < 20_000; i++) compare("Pod (mutated)", core.Pod, mutate(pods[i % pods.length], random))

// Hand-made schemas for the nodes the validator models.
interface Tree {
  readonly value: number
  readonly children: ReadonlyArray<Tree>
}
const TreeSchema: Schema.Schema<Tree> = Schema.Struct({
  value: Schema.Number,
  children: Schema.Array(Schema.suspend(() => TreeSchema))
})
const samples: Array<[string, Schema.Schema<any, any>, ReadonlyArray<unknown>]> = [
  ["Int refinement", Schema.Struct({ n: Schema.Int }), [{ n: 1 }, { n: 1.5 }, { n: "1" }, {}]],
  ["tuple", Schema.Tuple(Schema.String, Schema.optionalElement(Schema.Number)), [["a"], ["a", 1], ["a", 1, 2], [], [
    "a",
    "b"
  ]]],
  ["tuple with rest", Schema.Tuple([Schema.String], Schema.Number), [["a"], ["a", 1, 2], ["a", "b"], [1]]],
  ["record", Schema.Record({ key: Schema.String, value: Schema.Number }), [{}, { a: 1 }, { a: "1" }, [], null]],
  [
    "struct and record",
    Schema.Struct({ a: Schema.String }, Schema.Record({ key: Schema.String, value: Schema.String })),
    [
      { a: "x", b: "y" },
      { a: "x", b: 1 },
      { b: "y" }
    ]
  ],
  [
    "union",
    Schema.Union(
      Schema.Struct({ t: Schema.Literal("a"), x: Schema.Number }),
      Schema.Struct({ t: Schema.Literal("b") })
    ),
    [
      { t: "a", x: 1 },
      { t: "a" },
      { t: "b", x: "kept" },
      { t: "c" },
      "a"
    ]
  ],
  ["null or", Schema.NullOr(Schema.String), [null, "a", undefined, 1]],
  ["optional (not exact)", Schema.Struct({ a: Schema.optional(Schema.String) }), [{}, { a: "x" }, { a: undefined }, {
    a: 1
  }]],
  ["prototype names", Schema.Struct({ constructor: Schema.Unknown, toString: Schema.optional(Schema.Unknown) }), [
    {},
    { constructor: 1 },
    { constructor: 1, toString: 2 }
  ]],
  ["recursive", TreeSchema, [
    { value: 1, children: [] },
    { value: 1, children: [{ value: 2, children: [] }] },
    { value: 1, children: [{ value: "2", children: [] }] }
  ]],
  ["unknown items", Schema.Struct({ items: Schema.Array(Schema.Unknown) }), [{ items: [1, "a", null] }, { items: 1 }]]
]
for (const [name, schema, values] of samples) for (const value of values) compare(name, schema, value)

// Schemas the validator must refuse (the slow path keeps their semantics).
const refused: Array<[string, Schema.Schema<any, any>]> = [
  ["transformation", Schema.NumberFromString],
  ["declaration", Schema.DateFromSelf],
  [
    "dropping excess keys",
    Schema.Struct({ a: Schema.String }).annotations({ parseOptions: { onExcessProperty: "ignore" } })
  ],
  [
    "nested error on excess keys",
    Schema.Struct({
      a: Schema.Struct({ b: Schema.String }).annotations({ parseOptions: { onExcessProperty: "error" } })
    })
  ],
  ["default", Schema.Struct({ a: Schema.optionalWith(Schema.String, { default: () => "x" }) })]
]
for (const [name, schema] of refused) {
  if (validator(schema.ast) !== undefined) {
    failures++
    console.error(`MISMATCH ${name}: the fast path should not model this schema`)
  }
}

console.log(
  `fast decode check: ${checked} values, ${accepted} accepted by the fast path, ${slowOnly} accepted only by Effect (they take the slow path), ${failures} mismatches`
)
if (failures > 0) process.exitCode = 1
