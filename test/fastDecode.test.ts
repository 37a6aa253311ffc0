// Equivalence of src/internal/restClient/fastDecode.ts with Effect's decoder: whenever the fast validator accepts
// a value, Effect's own decoder (excess properties preserved) must accept it too and return an equal value. Each
// check runs in both tiers (the interpreter a struct starts with and the function generated for it later, pinned
// with `make`) and in the default tiering, and the tiers must give the same answer on every value. Bounded counts
// and fixed seeds, so a failure reproduces.
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"
import { isDeepStrictEqual } from "node:util"
import { describe, expect, it } from "vitest"
import * as Yaml from "yaml"
import { makePods, prng } from "../bench/data.js"
import * as apiextensions from "../src/generated/apiextensions/v1.js"
import * as core from "../src/generated/core/v1.js"
import { generatedSource, make, validator } from "../src/internal/restClient/fastDecode.js"
import { Unstructured } from "../src/Unstructured.js"
import * as crontab from "./fixtures/crd/generated/stable/v1.js"

const options = { onExcessProperty: "preserve", errors: "first" } as const

interface Stats {
  checked: number
  accepted: number
  readonly mismatches: Array<string>
}

const interpreted = make({ compileAfter: Infinity })
const generated = make({ compileAfter: 0 })
const tiers = [["interpreted", interpreted], ["generated", generated], ["tiered", validator]] as const

const compare = (stats: Stats, name: string, schema: Schema.Schema<any, any>, value: unknown) => {
  const answers = tiers.map(([tier, of]) => {
    const check = of(schema.ast)
    if (check === undefined) throw new Error(`${name}: expected the fast path (${tier}) to model this schema`)
    return check(value)
  })
  if (answers.some((answer) => answer !== answers[0])) {
    stats.mismatches.push(`${name}: tiers disagree (${answers.join(", ")}) on ${JSON.stringify(value).slice(0, 300)}`)
  }
  const fast = answers[0]!
  const slow = Schema.decodeUnknownEither(schema, options)(value)
  stats.checked++
  if (!fast) return
  stats.accepted++
  if (Either.isLeft(slow) || !isDeepStrictEqual(slow.right, value)) {
    stats.mismatches.push(`${name}: fast accepted ${JSON.stringify(value).slice(0, 300)}`)
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

// Declarations whose own decoder does not just say yes or no.
const trimmed = Schema.declare([], {
  decode: () => (u, _, ast) =>
    typeof u === "string" ? ParseResult.succeed(u.trim()) : ParseResult.fail(new ParseResult.Type(ast, u)),
  encode: () => (u) => ParseResult.succeed(u)
})
const deferred = Schema.declare([], {
  decode: () => (u) => Effect.succeed(u),
  encode: () => (u) => ParseResult.succeed(u)
})

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
  ["unknown items", Schema.Struct({ items: Schema.Array(Schema.Unknown) }), [{ items: [1, "a", null] }, { items: 1 }]],
  ["declaration", Schema.Struct({ at: Schema.DateFromSelf }), [{ at: new Date(0) }, { at: "1970-01-01" }, {}]],
  ["Unstructured items", Schema.Struct({ items: Schema.Array(Unstructured) }), [
    { items: [{ kind: "Pod", spec: { x: [1] } }, {}] },
    { items: [[]] },
    { items: [null] },
    { items: ["a"] }
  ]],
  // Its decoder answers with another value: only the values it leaves as they are may pass.
  ["transforming declaration", Schema.Struct({ s: trimmed }), [{ s: "a" }, { s: " a " }, { s: 1 }]],
  // Its decoder is asynchronous: nothing passes the fast path, the parser answers.
  ["asynchronous declaration", Schema.Struct({ s: deferred }), [{ s: "a" }]]
]
// Schemas the validator must refuse (the slow path keeps their semantics).
const refused: Array<[string, Schema.Schema<any, any>]> = [
  ["transformation", Schema.NumberFromString],
  ["declaration with type parameters", Schema.OptionFromSelf(Schema.String)],
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
describe("fast decode (validator) agrees with Effect's decoder", () => {
  it("accepts generated pods, a PodList and 2,000 random mutations only where Effect returns the same value", () => {
    const pods = makePods("check", 100, 7)
    const random = prng(11)
    const stats = { checked: 0, accepted: 0, mismatches: [] as Array<string> }
    for (const pod of pods) compare(stats, "Pod", core.Pod, pod)
    compare(stats, "PodList", core.PodList, { apiVersion: "v1", kind: "PodList", metadata: {}, items: pods })
    for (let i = 0; i < 2_000; i++) compare(stats, "Pod (mutated)", core.Pod, mutate(pods[i % pods.length], random))
    expect(stats.mismatches).toEqual([])
    // The check means something only if the fast path takes the pods and refuses at least some mutations.
    expect(stats.accepted).toBeGreaterThan(pods.length)
    expect(stats.accepted).toBeLessThan(stats.checked)
  })

  it("agrees on a CRD (recursive JSONSchemaProps) and a custom resource (refinements, literals, records)", () => {
    const crd = Yaml.parse(Fs.readFileSync(new URL("./fixtures/crd/crontab.yaml", import.meta.url), "utf8"))
    const cronTab = {
      apiVersion: "stable.example.com/v1",
      kind: "CronTab",
      metadata: { name: "c", labels: { a: "b" } },
      spec: {
        cronSpec: "*/5 * * * *",
        image: "busybox",
        replicas: 3,
        port: "http",
        limits: { cpu: 1, memory: "1Gi" },
        config: { any: [1, { x: null }] },
        tags: ["a", "b"],
        deadline: null,
        concurrencyPolicy: "Forbid",
        containers: [{ name: "c", image: "busybox" }]
      },
      status: { replicas: 1, conditions: [{ type: "Ready", status: "True" }] }
    }
    // Both are valid: the fast path has to take them, or the mutations below only test the fallback.
    for (const [, of] of tiers) {
      expect(of(apiextensions.CustomResourceDefinition.ast)!(crd)).toBe(true)
      expect(of(crontab.CronTab.ast)!(cronTab)).toBe(true)
    }
    const random = prng(23)
    const stats = { checked: 0, accepted: 0, mismatches: [] as Array<string> }
    compare(stats, "CustomResourceDefinition", apiextensions.CustomResourceDefinition, crd)
    compare(stats, "CronTab", crontab.CronTab, cronTab)
    for (let i = 0; i < 400; i++) {
      compare(stats, "CRD (mutated)", apiextensions.CustomResourceDefinition, mutate(crd, random))
      compare(stats, "CronTab (mutated)", crontab.CronTab, mutate(cronTab, random))
    }
    expect(stats.mismatches).toEqual([])
    expect(stats.accepted).toBeGreaterThan(2)
    expect(stats.accepted).toBeLessThan(stats.checked)
  })

  it("agrees on hand-made schemas for each AST node it models", () => {
    const stats = { checked: 0, accepted: 0, mismatches: [] as Array<string> }
    for (const [name, schema, values] of samples) for (const value of values) compare(stats, name, schema, value)
    expect(stats.mismatches).toEqual([])
    expect(stats.accepted).toBeGreaterThan(10)
    expect(stats.accepted).toBeLessThan(stats.checked)
  })

  it.each(refused)("refuses a schema with a %s (Effect's decoder keeps its semantics)", (_name, schema) => {
    for (const [, of] of tiers) expect(of(schema.ast)).toBeUndefined()
  })

  it("takes every generated pod in every tier (the fast path is not given up on real objects)", () => {
    const pods = JSON.parse(JSON.stringify(makePods("tiers", 50, 5))) as Array<unknown>
    for (const [, of] of tiers) {
      const check = of(core.Pod.ast)!
      // Past the default tier-up, so the tiered validator runs generated code for the later pods.
      for (let round = 0; round < 2; round++) for (const pod of pods) expect(check(pod)).toBe(true)
    }
    expect(generatedSource(core.Pod.ast)).toContain(`x = v["metadata"]`)
  })

  it("takes the dynamic client's objects (Unstructured, a declaration) in every tier", () => {
    const pods = JSON.parse(JSON.stringify(makePods("dynamic", 50, 6))) as Array<unknown>
    const List = Schema.Struct({ items: Schema.Array(Unstructured) })
    for (const [, of] of tiers) {
      const object = of(Unstructured.ast)!
      const list = of(List.ast)!
      for (let round = 0; round < 2; round++) for (const pod of pods) expect(object(pod)).toBe(true)
      expect(list({ items: pods })).toBe(true)
      expect(object([])).toBe(false)
      expect(list({ items: [...pods, "not an object"] })).toBe(false)
    }
  })

  it("refuses values JSON cannot hold where Effect's decoder would not return them unchanged", () => {
    const S = Schema.Struct({ a: Schema.optionalWith(Schema.String, { exact: true }), b: Schema.Number })
    class Point {
      constructor(readonly b: number) {}
    }
    const nullProto = Object.assign(Object.create(null) as object, { b: 1 })
    const cases: Array<[unknown, boolean]> = [
      [{ b: 1 }, true],
      [nullProto, true],
      // Present but undefined is not absent: Effect checks it against String.
      [{ a: undefined, b: 1 }, false],
      // An instance: Effect's copy would be a plain object, not the input.
      [new Point(1), false],
      [{ a: "x" }, false]
    ]
    for (const [, of] of tiers) {
      const check = of(S.ast)!
      for (const [value, expected] of cases) expect(check(value)).toBe(expected)
    }
  })

  it("keeps the interpreter where code generation is refused (a Content-Security-Policy)", () => {
    const original = globalThis.Function
    globalThis.Function = function() {
      throw new EvalError("Code generation from strings disallowed for this context")
    } as unknown as FunctionConstructor
    try {
      const check = make({ compileAfter: 0 })(core.Pod.ast)!
      const [pod] = makePods("csp", 1, 3)
      expect(check(pod)).toBe(true)
      expect(check({ metadata: { name: 1 } })).toBe(false)
    } finally {
      globalThis.Function = original
    }
  })
})
