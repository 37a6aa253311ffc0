/**
 * Objects without a compile-time type, as the dynamic client reads and writes them: client-go's
 * `unstructured.Unstructured`. An object is plain JSON; every field the server sent survives a round trip.
 *
 * The nested-field helpers mirror `unstructured.NestedString` and friends but return typed results: `Option.none()`
 * when the field is absent, a {@link FieldTypeError} naming the path when it holds the wrong type. Setters return new
 * objects; the input is never mutated.
 *
 * {@link decode} turns an object into a typed value through a generated Schema and fails with a
 * {@link UnstructuredDecodeError} whose message names the path: `spec.containers[0].image: expected string`.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { fromApiVersion, type GroupVersionKind } from "./GroupVersion.js"

/**
 * Any JSON value.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonValue = string | number | boolean | null | ReadonlyArray<JsonValue> | {
  readonly [key: string]: JsonValue
}

/**
 * A Kubernetes object as plain JSON. `apiVersion`, `kind` and `metadata` are the only fields with a known meaning.
 *
 * @since 0.1.0
 * @category models
 */
export interface Unstructured {
  readonly apiVersion?: string | undefined
  readonly kind?: string | undefined
  readonly metadata?: { readonly [key: string]: unknown } | undefined
  readonly [key: string]: unknown
}

/**
 * A list as the server returns it (`PodList`, `List`, ...): its items are objects.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnstructuredList {
  readonly apiVersion?: string | undefined
  readonly kind?: string | undefined
  readonly metadata?: { readonly [key: string]: unknown } | undefined
  readonly items: ReadonlyArray<Unstructured>
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Any JSON object, every field kept. Used to decode what the dynamic client receives.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Unstructured: Schema.Schema<Unstructured> = Schema.declare(
  (u: unknown): u is Unstructured => isRecord(u),
  { identifier: "Unstructured", description: "a JSON object" }
)

/**
 * @since 0.1.0
 * @category guards
 */
export const isUnstructured = (u: unknown): u is Unstructured => isRecord(u)

/**
 * A path into an object or array was not what it should be: a field holds another type than asked for, or a setter
 * met a non-object on its way.
 *
 * @since 0.1.0
 * @category errors
 */
export class FieldTypeError extends Data.TaggedError("FieldTypeError")<{
  /** The path as written in messages: `spec.template.spec.containers`. */
  readonly path: string
  readonly expected: string
  readonly actual: string
}> {
  override get message(): string {
    return `${this.path} accessor error: the value is of the type ${this.actual}, expected ${this.expected}`
  }
}

/**
 * Converting an object to a typed value failed; `path` and `detail` say where and why, `message` reads
 * `spec.containers[0].image: expected string, got 42`.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnstructuredDecodeError extends Data.TaggedError("UnstructuredDecodeError")<{
  /** The kind being decoded, when the object names one. */
  readonly kind?: string | undefined
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.path === "" ? this.detail : `${this.path}: ${this.detail}`
  }
}

const typeName = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "array" : typeof u === "object" ? "map" : typeof u

const formatPath = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else out += out === "" ? String(key) : `.${String(key)}`
  }
  return out
}

/**
 * The value at `path`, whatever its type; none when a step is missing or not an object.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedField = (obj: unknown, ...path: ReadonlyArray<string>): Option.Option<unknown> => {
  let current: unknown = obj
  for (const key of path) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return Option.none()
    current = current[key]
  }
  return Option.some(current)
}

const typed = <A>(
  expected: string,
  check: (u: unknown) => u is A
) =>
(obj: unknown, ...path: ReadonlyArray<string>): Either.Either<Option.Option<A>, FieldTypeError> => {
  const found = nestedField(obj, ...path)
  if (Option.isNone(found)) return Either.right(Option.none())
  return check(found.value)
    ? Either.right(Option.some(found.value))
    : Either.left(new FieldTypeError({ path: path.join("."), expected, actual: typeName(found.value) }))
}

/**
 * `unstructured.NestedString`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedString: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<string>, FieldTypeError> = typed(
  "string",
  (u): u is string => typeof u === "string"
)

/**
 * `unstructured.NestedBool`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedBool: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<boolean>, FieldTypeError> = typed(
  "bool",
  (u): u is boolean => typeof u === "boolean"
)

/**
 * `unstructured.NestedInt64`: an integral number (JSON has no separate integer type).
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedInt64: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<number>, FieldTypeError> = typed(
  "int64",
  (u): u is number => typeof u === "number" && Number.isInteger(u)
)

/**
 * `unstructured.NestedFloat64`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedFloat64: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<number>, FieldTypeError> = typed(
  "float64",
  (u): u is number => typeof u === "number"
)

/**
 * `unstructured.NestedSlice`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedSlice: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<ReadonlyArray<unknown>>, FieldTypeError> = typed(
  "[]interface {}",
  (u): u is ReadonlyArray<unknown> => Array.isArray(u)
)

/**
 * `unstructured.NestedStringSlice`: an array whose every element is a string.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedStringSlice: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<ReadonlyArray<string>>, FieldTypeError> = typed(
  "[]string",
  (u): u is ReadonlyArray<string> => Array.isArray(u) && u.every((x) => typeof x === "string")
)

/**
 * `unstructured.NestedMap`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedMap: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<{ readonly [key: string]: unknown }>, FieldTypeError> = typed(
  "map[string]interface {}",
  isRecord
)

/**
 * `unstructured.NestedStringMap`: an object whose every value is a string (labels, annotations).
 *
 * @since 0.1.0
 * @category accessors
 */
export const nestedStringMap: (
  obj: unknown,
  ...path: ReadonlyArray<string>
) => Either.Either<Option.Option<{ readonly [key: string]: string }>, FieldTypeError> = typed(
  "map[string]string",
  (u): u is { readonly [key: string]: string } => isRecord(u) && Object.values(u).every((v) => typeof v === "string")
)

/**
 * `unstructured.SetNestedField`: a copy of `obj` with `value` at `path`, creating missing objects on the way. Fails
 * when a step on the way holds something other than an object. Data-last: `pipe(obj, setNestedField(value, ["spec", "x"]))`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const setNestedField: {
  (value: unknown, path: ReadonlyArray<string>): <A extends Unstructured>(obj: A) => Either.Either<A, FieldTypeError>
  <A extends Unstructured>(obj: A, value: unknown, ...path: ReadonlyArray<string>): Either.Either<A, FieldTypeError>
} = (...args: Array<any>): any =>
  // The data-last form takes the path as one array (a value and a variadic path cannot be told apart from an object
  // and a value); a two-argument data-first call had an empty path, which changes nothing.
  args.length === 2 && Array.isArray(args[1])
    ? (obj: Unstructured) => setAt(obj, args[0], args[1])
    : setAt(args[0], args[1], args.slice(2))

const setAt = <A extends Unstructured>(
  obj: A,
  value: unknown,
  path: ReadonlyArray<string>
): Either.Either<A, FieldTypeError> => {
  if (path.length === 0) return Either.right(obj)
  const go = (
    current: Record<string, unknown>,
    depth: number
  ): Either.Either<Record<string, unknown>, FieldTypeError> => {
    const key = path[depth]!
    if (depth === path.length - 1) return Either.right({ ...current, [key]: value })
    const next = Object.hasOwn(current, key) ? current[key] : undefined
    if (next !== undefined && next !== null && !isRecord(next)) {
      return Either.left(
        new FieldTypeError({
          path: path.slice(0, depth + 1).join("."),
          expected: "map[string]interface {}",
          actual: typeName(next)
        })
      )
    }
    return Either.map(go(isRecord(next) ? next : {}, depth + 1), (child) => ({ ...current, [key]: child }))
  }
  return go(obj, 0) as Either.Either<A, FieldTypeError>
}

/**
 * `unstructured.RemoveNestedField`: a copy of `obj` without the field at `path` (unchanged when it is absent).
 * Data-last: `pipe(obj, removeNestedField(["metadata", "labels"]))`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const removeNestedField: {
  (path: ReadonlyArray<string>): <A extends Unstructured>(obj: A) => A
  <A extends Unstructured>(obj: A, ...path: ReadonlyArray<string>): A
} = (...args: Array<any>): any =>
  Array.isArray(args[0]) ? (obj: Unstructured) => removeAt(obj, args[0]) : removeAt(args[0], args.slice(1))

const removeAt = <A extends Unstructured>(obj: A, path: ReadonlyArray<string>): A => {
  if (path.length === 0) return obj
  const go = (current: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const key = path[depth]!
    if (!Object.hasOwn(current, key)) return current
    if (depth === path.length - 1) {
      const { [key]: _, ...rest } = current
      return rest
    }
    const next = current[key]
    return isRecord(next) ? { ...current, [key]: go(next, depth + 1) } : current
  }
  return go(obj, 0) as A
}

const metaString = (obj: Unstructured, key: string): string | undefined => {
  const value = obj.metadata?.[key]
  return typeof value === "string" ? value : undefined
}

/**
 * @since 0.1.0
 * @category accessors
 */
export const getName = (obj: Unstructured): string | undefined => metaString(obj, "name")

/**
 * @since 0.1.0
 * @category accessors
 */
export const getNamespace = (obj: Unstructured): string | undefined => metaString(obj, "namespace")

/**
 * @since 0.1.0
 * @category accessors
 */
export const getResourceVersion = (obj: Unstructured): string | undefined => metaString(obj, "resourceVersion")

/**
 * @since 0.1.0
 * @category accessors
 */
export const getUid = (obj: Unstructured): string | undefined => metaString(obj, "uid")

/**
 * The labels; an empty record when there are none (or they are malformed).
 *
 * @since 0.1.0
 * @category accessors
 */
export const getLabels = (obj: Unstructured): { readonly [key: string]: string } =>
  Option.getOrElse(Either.getOrElse(nestedStringMap(obj, "metadata", "labels"), () => Option.none()), () => ({}))

/**
 * The annotations; an empty record when there are none.
 *
 * @since 0.1.0
 * @category accessors
 */
export const getAnnotations = (obj: Unstructured): { readonly [key: string]: string } =>
  Option.getOrElse(Either.getOrElse(nestedStringMap(obj, "metadata", "annotations"), () => Option.none()), () => ({}))

/**
 * The group, version and kind from `apiVersion` and `kind` (empty strings when absent).
 *
 * @since 0.1.0
 * @category accessors
 */
export const groupVersionKind = (obj: Unstructured): GroupVersionKind => {
  const gv = fromApiVersion(typeof obj.apiVersion === "string" ? obj.apiVersion : "")
  return { ...gv, kind: typeof obj.kind === "string" ? obj.kind : "" }
}

const decodeOptions = { onExcessProperty: "preserve", errors: "first" } as const

const toDecodeError = (obj: unknown, error: ParseResult.ParseError): UnstructuredDecodeError => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const path = formatPath(issue?.path ?? [])
  const kind = isRecord(obj) && typeof obj.kind === "string" ? obj.kind : undefined
  return new UnstructuredDecodeError({
    kind,
    path,
    detail: describeIssue(issue?.message ?? ParseResult.TreeFormatter.formatErrorSync(error)),
    cause: error
  })
}

// Schema's messages read `Expected string, actual 42`; the Kubernetes style is lower case.
const describeIssue = (message: string): string => {
  const match = /^Expected (.+?), actual (.+)$/s.exec(message)
  if (match !== null) return `expected ${match[1]}, got ${match[2]}`
  if (message === "is missing") return "required field is missing"
  return message
}

/**
 * Converts an object to a typed value with a Schema (for example the generated `Pod`), keeping fields the Schema
 * does not name. The error names the first offending path.
 *
 * @since 0.1.0
 * @category conversions
 */
export const decode =
  <A, I>(schema: Schema.Schema<A, I>) => (obj: unknown): Effect.Effect<A, UnstructuredDecodeError> =>
    Either.match(Schema.decodeUnknownEither(schema, decodeOptions)(obj), {
      onLeft: (error) => Effect.fail(toDecodeError(obj, error)),
      onRight: Effect.succeed
    })

/**
 * Synchronous {@link decode}.
 *
 * @since 0.1.0
 * @category conversions
 */
export const decodeEither =
  <A, I>(schema: Schema.Schema<A, I>) => (obj: unknown): Either.Either<A, UnstructuredDecodeError> =>
    Either.mapLeft(Schema.decodeUnknownEither(schema, decodeOptions)(obj), (error) => toDecodeError(obj, error))

/**
 * Converts a typed value to an object through its Schema (the reverse of {@link decode}).
 *
 * @since 0.1.0
 * @category conversions
 */
export const encode =
  <A, I>(schema: Schema.Schema<A, I>) => (value: A): Effect.Effect<Unstructured, UnstructuredDecodeError> =>
    Effect.flatMap(
      Effect.mapError(Schema.encode(schema, decodeOptions)(value), (error) => toDecodeError(value, error)),
      (encoded) =>
        isRecord(encoded)
          ? Effect.succeed(encoded as Unstructured)
          : Effect.fail(
            new UnstructuredDecodeError({ path: "", detail: `expected an object, got ${typeName(encoded)}` })
          )
    )
