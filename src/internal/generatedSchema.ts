/**
 * The two helpers every generated API module builds its schemas with (src/generated/<group>/<version>.ts import
 * them rather than each defining its own copy).
 *
 * `struct` checks each field's schema against the interface's field (required fields need a Schema of exactly that
 * type, optional ones an exact optional), which costs tsc about half of inferring a full `Schema.Struct` type per
 * definition and comparing it with the interface afterwards. Every struct keeps unknown fields on decode and encode.
 *
 * A struct is built on first use, not when its module loads: core/v1 alone defines 239 schemas and a program that
 * reads pods needs the few dozen a Pod is made of, while building all of them cost a cold start about 30 ms.
 *
 * `optional`, `array` and `record` stand for `Schema.optionalWith(s, { exact: true })`, `Schema.Array(s)` and
 * `Schema.Record({ key: Schema.String, value: s })` with the same ASTs, without the classes Effect creates for each
 * (three per array or record, two objects per optional field): a Pod's schema has some 600 fields and 40 arrays, and
 * building them was most of a cold start's first typed request.
 */
import { pipeArguments } from "effect/Pipeable"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

type OptionalKeys<A> = { [K in keyof A]-?: {} extends Pick<A, K> ? K : never }[keyof A]

/** The field schemas of a struct whose type is `A`. */
export type Fields<A> = {
  readonly [K in keyof A]-?: K extends OptionalKeys<A>
    ? Schema.optionalWith<Schema.Schema<Exclude<A[K], undefined>>, { exact: true }>
    : Schema.Schema<A[K]>
}

// Every Schema carries the same variance marker under its TypeId; `Schema.isSchema` checks that it is an object.
const variance = (Schema.String as unknown as Record<symbol, unknown>)[Schema.TypeId]

/**
 * A Schema whose AST is made by `build` the first time anything reads it. Every Schema operation goes through
 * `ast`, so the value behaves as the built schema everywhere (the same AST object on every read, which the decoders'
 * caches key on). References between generated structs that form a cycle are already `Schema.suspend`ed by the
 * generator, so building one never needs itself; should it, the error names it instead of overflowing the stack.
 * A class, so each schema is one small object rather than a set of closures.
 */
class LazyAstSchema {
  #ast: SchemaAST.AST | undefined
  #building = false
  constructor(private readonly name: string, private readonly build: () => SchemaAST.AST) {}
  get ast(): SchemaAST.AST {
    if (this.#ast !== undefined) return this.#ast
    if (this.#building) throw new Error(`schema ${this.name} refers to itself while it is being built`)
    this.#building = true
    try {
      this.#ast = this.build()
    } finally {
      this.#building = false
    }
    return this.#ast
  }
  annotations(annotations: Schema.Annotations.GenericSchema<unknown>) {
    return Schema.make(this.ast).annotations(annotations)
  }
  pipe() {
    return pipeArguments(this, arguments)
  }
  toString() {
    return String(this.ast)
  }
}
;(LazyAstSchema.prototype as any)[Schema.TypeId] = variance

const lazySchema = <A>(name: string, build: () => SchemaAST.AST): Schema.Schema<A> =>
  new LazyAstSchema(name, build) as unknown as Schema.Schema<A>

const preserve = { onExcessProperty: "preserve" } as const

/**
 * The AST `Schema.Struct(fields).annotations({ identifier, parseOptions })` makes (a test holds them equal), built
 * directly: each Struct and each `annotations` call creates a class, and a Pod alone is made of some sixty structs,
 * which a cold start paid for on its first request.
 */
const structAst = (identifier: string, fields: Schema.Struct.Fields): SchemaAST.AST => {
  const signatures: Array<SchemaAST.PropertySignature> = []
  for (const key of Object.keys(fields)) {
    const field = fields[key]!
    if (field instanceof OptionalField) {
      signatures.push(new SchemaAST.PropertySignature(key, field.from.ast, true, true))
    } else if (Schema.isPropertySignature(field)) {
      const ast = field.ast
      // `optional` below makes declarations only; anything else goes through Schema.Struct itself.
      if (ast._tag !== "PropertySignatureDeclaration" || ast.defaultValue !== undefined) {
        return Schema.Struct(fields).annotations({ identifier, parseOptions: preserve }).ast
      }
      signatures.push(new SchemaAST.PropertySignature(key, ast.type, ast.isOptional, true, ast.annotations))
    } else {
      signatures.push(new SchemaAST.PropertySignature(key, field.ast, false, true))
    }
  }
  return new SchemaAST.TypeLiteral(signatures, [], {
    [SchemaAST.IdentifierAnnotationId]: identifier,
    [SchemaAST.ParseOptionsAnnotationId]: preserve
  })
}

/** A struct schema named `identifier` that keeps unknown fields, built from `fields` on first use. */
export const struct = <A>(identifier: string, fields: () => Fields<A>): Schema.Schema<A> =>
  lazySchema(identifier, () => structAst(identifier, fields() as Schema.Struct.Fields))

/**
 * A property signature whose declaration is made on first read, as `Schema.optionalWith(from, { exact: true })`
 * makes it; `structAst` reads `from` and never needs it. Anything else (Schema.Struct, annotations) sees the
 * declaration.
 */
class OptionalField {
  constructor(readonly from: Schema.Schema.Any) {}
  declare [Schema.PropertySignatureTypeId]: null
  #ast: Schema.PropertySignatureDeclaration | undefined
  get ast(): Schema.PropertySignatureDeclaration {
    return this.#ast ??= new Schema.PropertySignatureDeclaration(this.from.ast, true, true, {}, undefined)
  }
  annotations(annotations: Schema.PropertySignature.Annotations<unknown>) {
    return Schema.optionalWith(this.from, { exact: true }).annotations(annotations)
  }
  pipe() {
    return pipeArguments(this, arguments)
  }
  toString() {
    return `${this.from}?`
  }
}
;(OptionalField.prototype as any)[Schema.PropertySignatureTypeId] = null

/** An exact optional field (absent, never `undefined`). */
export const optional = <A>(schema: Schema.Schema<A>): Schema.optionalWith<Schema.Schema<A>, { exact: true }> =>
  new OptionalField(schema) as unknown as Schema.optionalWith<Schema.Schema<A>, { exact: true }>

/** `Schema.Array(item)`: the same AST (a readonly rest of `item`), built on first read. */
export const array = <A>(item: Schema.Schema<A>): Schema.Schema<ReadonlyArray<A>> =>
  lazySchema("Array", () => new SchemaAST.TupleType([], [new SchemaAST.Type(item.ast)], true))

/** `Schema.Record({ key: Schema.String, value })`: the same AST (one readonly string index), built on first read. */
export const record = <A>(value: Schema.Schema<A>): Schema.Schema<{ readonly [key: string]: A }> =>
  lazySchema(
    "Record",
    () => new SchemaAST.TypeLiteral([], [new SchemaAST.IndexSignature(SchemaAST.stringKeyword, value.ast, true)])
  )
