/**
 * JSON bodies through the caller's Schema, keeping fields the Schema does not know.
 *
 * Errors name where the body went wrong and what was expected there, never what was found: a response may be a
 * Secret, and an error is printed, logged and snapshotted. For the same reason a DecodeError carries no `cause`
 * (Schema's ParseError and V8's SyntaxError both quote the input).
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { DecodeError, type RequestContext } from "../../KubeError.js"
import { defaults as defaultLimits } from "../../Limits.js"
import { validator } from "./fastDecode.js"

/** Where a request went, for error messages. */
export type { RequestContext } from "../../KubeError.js"

const options = { onExcessProperty: "preserve", errors: "first" } as const

const formatPath = (prefix: string, path: ReadonlyArray<PropertyKey>): string =>
  prefix + path.map((key) => typeof key === "number" ? `[${key}]` : `.${String(key)}`).join("")

const fail = (ctx: RequestContext, path: string, detail: string) =>
  new DecodeError({ method: ctx.method, url: ctx.url, path, detail })

/**
 * Whether the parsed value's objects and arrays nest deeper than `max` (the root container is level 1). V8's
 * JSON.parse does not recurse, so a deep body parses; what would overflow the stack is a recursive walk after it
 * (the validator, Effect's decoder, the user's code). Walking the parsed containers costs a few microseconds for a
 * pod; scanning the text's characters, as this did before, cost about 6 ns a character (33 ms for a 4.4 MB list of 1,000 pods, against 5.4 ms for this walk).
 * Only a text of at least `2 * max` characters can nest that deep, so ordinary bodies skip the walk.
 */
export const depthExceeds = (root: unknown, max: number): boolean => {
  if (typeof root !== "object" || root === null) return false
  if (max < 1) return true
  const values: Array<object> = [root]
  const depths: Array<number> = [1]
  while (values.length > 0) {
    const value = values.pop()! as Record<string, unknown>
    const child = depths.pop()! + 1
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i]
        if (typeof element !== "object" || element === null) continue
        if (child > max) return true
        values.push(element)
        depths.push(child)
      }
    } else {
      for (const key in value) {
        const element = value[key]
        if (typeof element !== "object" || element === null) continue
        if (child > max) return true
        values.push(element)
        depths.push(child)
      }
    }
  }
  return false
}

const depthError = (ctx: RequestContext, max: number) =>
  fail(ctx, ctx.pathPrefix ?? "$", `JSON nested deeper than ${max} levels (Limits.maxJsonDepth)`)

const isStackOverflow = (cause: unknown): boolean => cause instanceof RangeError && /call stack/i.test(cause.message)

export const parseJson = (text: string, ctx: RequestContext): Either.Either<unknown, DecodeError> => {
  const max = ctx.maxJsonDepth ?? defaultLimits.maxJsonDepth
  try {
    const value: unknown = JSON.parse(text)
    return text.length >= 2 * max && depthExceeds(value, max) ? Either.left(depthError(ctx, max)) : Either.right(value)
  } catch (cause) {
    if (isStackOverflow(cause)) return Either.left(depthError(ctx, max))
    // V8's message quotes the text around the error; only the position is kept.
    const position = /position (\d+)/.exec((cause as Error).message)
    const where = position !== null ? ` at position ${position[1]}` : /end of JSON/i.test(String(cause))
      ? " (unexpected end)"
      : ""
    return Either.left(fail(ctx, "$", `invalid JSON${where} (${text.length} characters)`))
  }
}

const checked = <A, I>(
  check: ((u: unknown) => boolean) | undefined,
  schema: Schema.Schema<A, I>,
  value: unknown,
  ctx: RequestContext
): Either.Either<A, DecodeError> => {
  try {
    // Schemas that cannot change a value (the generated ones) only need checking; see fastDecode.ts.
    return check !== undefined && check(value) ? Either.right(value as A) : decodeSlow(schema, value, ctx)
  } catch (cause) {
    if (isStackOverflow(cause)) return Either.left(depthError(ctx, ctx.maxJsonDepth ?? defaultLimits.maxJsonDepth))
    throw cause
  }
}

export const decodeValue = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  ctx: RequestContext
): Either.Either<A, DecodeError> => checked(validator(schema.ast), schema, value, ctx)

/** {@link decodeValue} for one schema, its validator looked up once (a watch decodes each event's object). */
export const decoderFor = <A, I>(
  schema: Schema.Schema<A, I>
): (value: unknown, ctx: RequestContext) => Either.Either<A, DecodeError> => {
  const check = validator(schema.ast)
  return (value, ctx) => checked(check, schema, value, ctx)
}

/** The JSON type of a value: what an error may say about it. */
const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value

const describe = (ast: SchemaAST.AST): string => {
  const text = String(ast)
  return text.length > 200 ? text.slice(0, 200) + "..." : text
}

/** The first failure in an issue tree: its path and a description without the actual value. */
const firstProblem = (
  issue: ParseResult.ParseIssue,
  path: Array<PropertyKey>
): { readonly path: ReadonlyArray<PropertyKey>; readonly detail: string } => {
  switch (issue._tag) {
    case "Pointer":
      return firstProblem(issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])])
    case "Composite": {
      const first = Array.isArray(issue.issues) ? issue.issues[0] : issue.issues
      return first === undefined
        ? { path, detail: `expected ${describe(issue.ast)}, got ${kindOf(issue.actual)}` }
        : firstProblem(first as ParseResult.ParseIssue, path)
    }
    case "Refinement":
      return issue.kind === "From"
        ? firstProblem(issue.issue, path)
        : { path, detail: `expected ${describe(issue.ast)}` }
    case "Transformation":
      return firstProblem(issue.issue, path)
    case "Missing":
      return { path, detail: "is missing" }
    case "Unexpected":
      return { path, detail: "is unexpected" }
    case "Forbidden":
      return { path, detail: "cannot be decoded synchronously" }
    case "Type":
      return { path, detail: `expected ${describe(issue.ast)}, got ${kindOf(issue.actual)}` }
  }
}

const decodeSlow = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  ctx: RequestContext
): Either.Either<A, DecodeError> =>
  Either.mapLeft(Schema.decodeUnknownEither(schema, options)(value), (error) => {
    const problem = firstProblem(error.issue, [])
    return fail(ctx, formatPath(ctx.pathPrefix ?? "$", problem.path), problem.detail)
  })

export const decodeText = <A, I>(
  schema: Schema.Schema<A, I>,
  text: string,
  ctx: RequestContext
): Effect.Effect<A, DecodeError> => Either.flatMap(parseJson(text, ctx), (json) => decodeValue(schema, json, ctx))
