/**
 * JSON bodies through the caller's Schema, keeping fields the Schema does not know.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { DecodeError, type RequestContext } from "../../KubeError.js"
import { validator } from "./fastDecode.js"

/** Where a request went, for error messages. */
export type { RequestContext } from "../../KubeError.js"

const options = { onExcessProperty: "preserve", errors: "first" } as const

const formatPath = (prefix: string, path: ReadonlyArray<PropertyKey>): string =>
  prefix + path.map((key) => typeof key === "number" ? `[${key}]` : `.${String(key)}`).join("")

export const parseJson = (text: string, ctx: RequestContext): Either.Either<unknown, DecodeError> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (cause) {
    return Either.left(
      new DecodeError({
        method: ctx.method,
        url: ctx.url,
        path: "$",
        detail: `invalid JSON: ${(cause as Error).message}`,
        cause
      })
    )
  }
}

export const decodeValue = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  ctx: RequestContext
): Either.Either<A, DecodeError> => {
  // Schemas that cannot change a value (the generated ones) only need checking; see fastDecode.ts.
  const check = validator(schema.ast)
  return check !== undefined && check(value) ? Either.right(value as A) : decodeSlow(schema, value, ctx)
}

const decodeSlow = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  ctx: RequestContext
): Either.Either<A, DecodeError> =>
  Either.mapLeft(Schema.decodeUnknownEither(schema, options)(value), (error) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    const first = issues[0]
    return new DecodeError({
      method: ctx.method,
      url: ctx.url,
      path: formatPath(ctx.pathPrefix ?? "$", first?.path ?? []),
      detail: first?.message ?? ParseResult.TreeFormatter.formatErrorSync(error),
      cause: error
    })
  })

export const decodeText = <A, I>(
  schema: Schema.Schema<A, I>,
  text: string,
  ctx: RequestContext
): Effect.Effect<A, DecodeError> => Either.flatMap(parseJson(text, ctx), (json) => decodeValue(schema, json, ctx))
