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
 */
import { pipeArguments } from "effect/Pipeable"
import * as Schema from "effect/Schema"

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
 */
const lazySchema = <A>(identifier: string, build: () => Schema.Schema<A>): Schema.Schema<A> => {
  let built: Schema.Schema<A> | undefined
  let building = false
  const force = (): Schema.Schema<A> => {
    if (built !== undefined) return built
    if (building) throw new Error(`schema ${identifier} refers to itself while it is being built`)
    building = true
    try {
      built = build()
    } finally {
      building = false
    }
    return built
  }
  return {
    [Schema.TypeId]: variance,
    get ast() {
      return force().ast
    },
    annotations: (annotations: Schema.Annotations.GenericSchema<A>) => force().annotations(annotations),
    pipe() {
      return pipeArguments(this, arguments)
    },
    toString: () => String(force().ast)
  } as unknown as Schema.Schema<A>
}

/** A struct schema named `identifier` that keeps unknown fields, built from `fields` on first use. */
export const struct = <A>(identifier: string, fields: () => Fields<A>): Schema.Schema<A> =>
  lazySchema(identifier, () =>
    Schema.Struct(fields() as Schema.Struct.Fields).annotations({
      identifier,
      parseOptions: { onExcessProperty: "preserve" }
    }) as unknown as Schema.Schema<A>)

/** An exact optional field (absent, never `undefined`). */
export const optional = <A>(schema: Schema.Schema<A>): Schema.optionalWith<Schema.Schema<A>, { exact: true }> =>
  Schema.optionalWith(schema, { exact: true })
