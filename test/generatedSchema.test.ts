/**
 * The generated structs are built on first use: nothing is built when a module loads, the built schema is the one
 * every read sees, and a struct that needed itself while being built fails with its name.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { isDeepStrictEqual } from "node:util"
import { describe, expect, it } from "vitest"
import { optional, struct } from "../src/internal/generatedSchema.js"

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

  it("a field with a default goes through Schema.Struct, which owns the transformation", () => {
    const fields = { n: Schema.optionalWith(Schema.Number, { exact: true, default: () => 1 }) }
    const made = struct<{ readonly n?: number }>("WithDefault", () => fields as never)
    expect(Schema.decodeUnknownSync(made)({})).toStrictEqual({ n: 1 })
  })
})
