/**
 * The generated structs are built on first use: nothing is built when a module loads, the built schema is the one
 * every read sees, and a struct that needed itself while being built fails with its name.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { isDeepStrictEqual } from "node:util"
import { describe, expect, it } from "vitest"
import { array, optional, record, struct } from "../src/internal/generatedSchema.js"

interface Inner {
  readonly n: number
}
interface Outer {
  readonly inner: Inner
  readonly name?: string
}

describe("generated struct", () => {
  it("builds its fields on the first read of the AST, once", () => {
    let calls = 0
    const Inner = struct<Inner>("Inner", () => {
      calls++
      return { n: Schema.Number }
    })
    const Outer = struct<Outer>("Outer", () => ({ inner: Inner, name: optional(Schema.String) }))
    expect(Schema.isSchema(Outer)).toBe(true)
    expect(calls).toBe(0)
    const ast = Outer.ast
    // Building Outer builds what it is made of, and nothing is built twice.
    expect(calls).toBe(1)
    expect(Outer.ast).toBe(ast)
    expect(Inner.ast).toBe(Inner.ast)
    expect(calls).toBe(1)
    expect(String(Outer)).toBe("Outer")
  })

  it("decodes, keeps unknown fields and names itself in errors like an eager struct", () => {
    const Inner = struct<Inner>("Inner", () => ({ n: Schema.Number }))
    const Outer = struct<Outer>("Outer", () => ({ inner: Inner, name: optional(Schema.String) }))
    const ok = Schema.decodeUnknownEither(Outer)({ inner: { n: 1, extra: true }, other: "x" })
    expect(ok).toStrictEqual(Either.right({ inner: { n: 1, extra: true }, other: "x" }))
    const bad = Schema.decodeUnknownEither(Outer)({ inner: { n: "1" } })
    expect(Either.isLeft(bad)).toBe(true)
    if (Either.isLeft(bad)) expect(bad.left.message).toContain("Inner")
    // Combinators see the built struct.
    const annotated = Outer.annotations({ title: "outer" })
    expect(annotated.ast.annotations[Symbol.for("effect/annotation/Title")]).toBe("outer")
    expect(Schema.decodeUnknownSync(Schema.Array(Outer))([{ inner: { n: 2 } }])).toStrictEqual([{ inner: { n: 2 } }])
  })

  it("a struct that needs itself while it is built fails with its name, not a stack overflow", () => {
    interface Loop {
      readonly self?: Loop
    }
    const Loop: Schema.Schema<Loop> = struct<Loop>("Loop", () => ({ self: optional(Loop) }))
    expect(() => Loop.ast).toThrow("schema Loop refers to itself while it is being built")
    // Suspended, as the generator writes cycles, it builds and decodes.
    const Suspended: Schema.Schema<Loop> = struct<Loop>("Suspended", () => ({
      self: optional(Schema.suspend(() => Suspended))
    }))
    expect(Schema.decodeUnknownSync(Suspended)({ self: { self: {} } })).toStrictEqual({ self: { self: {} } })
  })
})

describe("generated struct AST", () => {
  it("is the AST Schema.Struct(...).annotations({ identifier, parseOptions }) makes", () => {
    interface Leaf {
      readonly v: string
    }
    const Leaf = struct<Leaf>("Leaf", () => ({ v: Schema.String }))
    const fields = {
      name: Schema.String,
      count: optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(0))),
      leaf: optional(Leaf),
      leaves: Schema.Array(Leaf),
      labels: optional(Schema.Record({ key: Schema.String, value: Schema.String })),
      mode: Schema.Literal("a", "b"),
      maybe: Schema.NullOr(Schema.Union(Schema.Number, Schema.String)),
      later: optional(Schema.suspend(() => Leaf)),
      "odd-key": Schema.Boolean,
      anything: Schema.Unknown
    }
    const expected = Schema.Struct(fields).annotations({
      identifier: "Thing",
      parseOptions: { onExcessProperty: "preserve" }
    }).ast
    const made = struct<Schema.Struct.Type<typeof fields>>("Thing", () => fields as never).ast
    expect(made).not.toBe(expected)
    expect(isDeepStrictEqual(made, expected)).toBe(true)
    expect(String(made)).toBe(String(expected))
    const empty = struct<{}>("Empty", () => ({}))
    expect(isDeepStrictEqual(
      empty.ast,
      Schema.Struct({}).annotations({
        identifier: "Empty",
        parseOptions: { onExcessProperty: "preserve" }
      }).ast
    )).toBe(true)
  })

  it("array, record and optional make the ASTs of Schema.Array, Schema.Record and Schema.optionalWith exact", () => {
    interface Leaf {
      readonly v: string
    }
    const Leaf = struct<Leaf>("Leaf", () => ({ v: Schema.String }))
    const pairs: ReadonlyArray<readonly [Schema.Schema.Any, Schema.Schema.Any]> = [
      [array(Leaf), Schema.Array(Leaf)],
      [record(Schema.Unknown), Schema.Record({ key: Schema.String, value: Schema.Unknown })],
      [record(array(Leaf)), Schema.Record({ key: Schema.String, value: Schema.Array(Leaf) })]
    ]
    for (const [made, expected] of pairs) {
      expect(Schema.isSchema(made)).toBe(true)
      expect(isDeepStrictEqual(made.ast, expected.ast)).toBe(true)
      expect(String(made)).toBe(String(expected))
    }
    // A check on an array refines the same AST (the filter is a new closure each time, so only it differs).
    const checked = array(Schema.String).pipe(Schema.minItems(1)).ast as SchemaAST.Refinement
    const eagerChecked = Schema.Array(Schema.String).pipe(Schema.minItems(1)).ast as SchemaAST.Refinement
    expect(isDeepStrictEqual(checked.from, eagerChecked.from)).toBe(true)
    expect(isDeepStrictEqual(checked.annotations, eagerChecked.annotations)).toBe(true)
    const light = { leaves: optional(array(Leaf)), tags: optional(record(Schema.String)), n: Schema.Number }
    const eager = {
      leaves: Schema.optionalWith(Schema.Array(Leaf), { exact: true }),
      tags: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { exact: true }),
      n: Schema.Number
    }
    const made = struct<Schema.Struct.Type<typeof eager>>("Mixed", () => light as never).ast
    const expected = Schema.Struct(eager).annotations({
      identifier: "Mixed",
      parseOptions: { onExcessProperty: "preserve" }
    }).ast
    expect(isDeepStrictEqual(made, expected)).toBe(true)
    // The optional field is a property signature to the rest of Effect: Schema.Struct takes it as optionalWith.
    expect(Schema.isPropertySignature(light.leaves)).toBe(true)
    expect(isDeepStrictEqual(light.leaves.ast, eager.leaves.ast)).toBe(true)
    expect(isDeepStrictEqual(Schema.Struct(light).ast, Schema.Struct(eager).ast)).toBe(true)
    expect(Schema.decodeUnknownSync(Schema.Struct(light))({ n: 1, leaves: [{ v: "a" }] })).toStrictEqual({
      n: 1,
      leaves: [{ v: "a" }]
    })
    expect(Either.isLeft(Schema.decodeUnknownEither(Schema.Struct(light))({ n: 1, leaves: undefined }))).toBe(true)
  })

  it("array and record read their element's schema only when their own AST is first read", () => {
    let calls = 0
    const Leaf = struct<{ readonly v: string }>("Leaf", () => {
      calls++
      return { v: Schema.String }
    })
    const leaves = array(Leaf)
    const byName = record(Leaf)
    expect(calls).toBe(0)
    expect(leaves.ast).toBe(leaves.ast)
    expect(byName.ast).toBe(byName.ast)
    expect(calls).toBe(1)
    expect(Schema.decodeUnknownSync(byName)({ a: { v: "x" } })).toStrictEqual({ a: { v: "x" } })
    expect(Schema.decodeUnknownSync(leaves.annotations({ title: "leaves" }))([{ v: "y" }])).toStrictEqual([{ v: "y" }])
  })

  it("a field with a default goes through Schema.Struct, which owns the transformation", () => {
    const fields = { n: Schema.optionalWith(Schema.Number, { exact: true, default: () => 1 }) }
    const made = struct<{ readonly n?: number }>("WithDefault", () => fields as never)
    expect(Schema.decodeUnknownSync(made)({})).toStrictEqual({ n: 1 })
  })
})
