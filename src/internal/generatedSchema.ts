/**
 * The two helpers every generated API module builds its schemas with (src/generated/<group>/<version>.ts import
 * them rather than each defining its own copy).
 *
 * `struct` checks each field's schema against the interface's field (required fields need a Schema of exactly that
 * type, optional ones an exact optional), which costs tsc about half of inferring a full `Schema.Struct` type per
 * definition and comparing it with the interface afterwards. Every struct keeps unknown fields on decode and encode.
 */
import * as Schema from "effect/Schema"

type OptionalKeys<A> = { [K in keyof A]-?: {} extends Pick<A, K> ? K : never }[keyof A]

/** The field schemas of a struct whose type is `A`. */
export type Fields<A> = {
  readonly [K in keyof A]-?: K extends OptionalKeys<A>
    ? Schema.optionalWith<Schema.Schema<Exclude<A[K], undefined>>, { exact: true }>
    : Schema.Schema<A[K]>
}

/** A struct schema named `identifier` that keeps unknown fields. */
export const struct = <A>(identifier: string, fields: Fields<A>): Schema.Schema<A> =>
  Schema.Struct(fields as Schema.Struct.Fields).annotations({
    identifier,
    parseOptions: { onExcessProperty: "preserve" }
  }) as unknown as Schema.Schema<A>

/** An exact optional field (absent, never `undefined`). */
export const optional = <A>(schema: Schema.Schema<A>): Schema.optionalWith<Schema.Schema<A>, { exact: true }> =>
  Schema.optionalWith(schema, { exact: true })
