/**
 * JSON merge patch (RFC 7386) as the apiserver applies `application/merge-patch+json` bodies: objects merge
 * recursively, `null` deletes a member, anything else (arrays included) replaces what was there.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { clone, has, isObject, setKey } from "./json.js"
import type { JsonObject } from "./json.js"

/**
 * The patch body was not a JSON object; the apiserver answers 400 BadRequest with this message.
 *
 * @since 0.1.0
 * @category errors
 */
export class MergePatchError extends Data.TaggedError("MergePatchError")<{
  readonly message: string
  readonly status: 400
}> {}

/** Patch values placed where nothing was before still lose their nulls, as RFC 7386 prescribes. */
const stripNulls = (u: unknown): unknown => {
  if (!isObject(u)) return clone(u)
  const out: JsonObject = {}
  for (const k of Object.keys(u)) if (u[k] !== null) setKey(out, k, stripNulls(u[k]))
  return out
}

/**
 * The RFC 7386 MergePatch function over any JSON values (a non-object patch replaces the target). Never fails.
 *
 * @since 0.1.0
 * @category combinators
 */
export const mergePatchValue = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return clone(patch)
  const out: JsonObject = isObject(target) ? clone(target) : {}
  for (const k of Object.keys(patch)) {
    const v = patch[k]
    if (v === null) delete out[k]
    else setKey(out, k, has(out, k) ? mergePatchValue(out[k], v) : stripNulls(v))
  }
  return out
}

/**
 * Applies a JSON merge patch to an object the way the apiserver does: the patch must be a JSON object.
 *
 * @since 0.1.0
 * @category combinators
 */
export const applyMergePatch = (document: unknown, patch: unknown): Either.Either<unknown, MergePatchError> =>
  isObject(patch)
    ? Either.right(mergePatchValue(document, patch))
    : Either.left(new MergePatchError({ message: "Invalid JSON Patch", status: 400 }))
