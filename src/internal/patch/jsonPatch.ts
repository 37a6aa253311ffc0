/**
 * JSON patch (RFC 6902) as the apiserver applies `application/json-patch+json` bodies: add, remove, replace,
 * move, copy and test over JSON pointers (RFC 6901), applied atomically (the input is never changed and any failing
 * operation fails the whole patch). Failure messages follow the wording of the json-patch library the apiserver
 * uses, so a fake can put them in the `UnexpectedServerResponse` cause of its 422 Status.
 *
 * Deliberate strictness: negative array indices (a non-standard extension of that library) are rejected.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { clone, deepEqual, has, isObject, setKey } from "./json.js"

/**
 * Why a JSON patch could not be applied. `status` is 400 when the patch document itself is malformed (the
 * apiserver answers BadRequest) and 422 when an operation does not apply to the object (Invalid).
 *
 * @since 0.1.0
 * @category errors
 */
export class JsonPatchError extends Data.TaggedError("JsonPatchError")<{
  readonly message: string
  readonly status: 400 | 422
  /** Index of the failing operation, when one was reached. */
  readonly operation?: number
}> {}

/**
 * One RFC 6902 operation.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonPatchOperation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string }

/**
 * Splits a JSON pointer into unescaped reference tokens (`~1` is `/`, `~0` is `~`); `""` is the whole document.
 *
 * @since 0.1.0
 * @category utils
 */
export const parsePointer = (pointer: string): Either.Either<ReadonlyArray<string>, string> => {
  if (pointer === "") return Either.right([])
  if (!pointer.startsWith("/")) return Either.left(`JSON pointer must start with "/": ${pointer}`)
  const tokens: Array<string> = []
  for (const raw of pointer.slice(1).split("/")) {
    if (/~[^01]|~$/.test(raw)) return Either.left(`invalid escape in JSON pointer: ${pointer}`)
    tokens.push(raw.replace(/~1/g, "/").replace(/~0/g, "~"))
  }
  return Either.right(tokens)
}

/**
 * Escapes one reference token for use in a JSON pointer.
 *
 * @since 0.1.0
 * @category utils
 */
export const escapePointerToken = (token: string): string => token.replace(/~/g, "~0").replace(/\//g, "~1")

class Fail {
  constructor(readonly message: string) {}
}

const missing = (message: string) => new Fail(`${message}: missing value`)

const arrayIndex = (token: string, length: number, forAdd: boolean): number | Fail => {
  if (forAdd && token === "-") return length
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    return new Fail(`value was not a proper array index: '${token}'`)
  }
  const idx = Number(token)
  if (idx > (forAdd ? length : length - 1)) {
    return new Fail(`Unable to access invalid index: ${idx}: invalid index referenced`)
  }
  return idx
}

/** Walks to the container holding the last token; undefined when an intermediate step is missing. */
const parentOf = (doc: unknown, tokens: ReadonlyArray<string>): unknown => {
  let cur: unknown = doc
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return undefined
      cur = cur[Number(t)]
    } else if (isObject(cur)) {
      if (!has(cur, t)) return undefined
      cur = cur[t]
    } else {
      return undefined
    }
  }
  return Array.isArray(cur) || isObject(cur) ? cur : undefined
}

const getAt = (doc: unknown, tokens: ReadonlyArray<string>): { readonly found: boolean; readonly value?: unknown } => {
  if (tokens.length === 0) return { found: true, value: doc }
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) {
    const idx = arrayIndex(last, parent.length, false)
    return idx instanceof Fail ? { found: false } : { found: true, value: parent[idx] }
  }
  if (isObject(parent) && has(parent, last)) return { found: true, value: parent[last] }
  return { found: false }
}

// The document is cloned once up front, so the steps below mutate the private copy in place.
type Step = (doc: unknown) => unknown | Fail

const addStep = (path: string, tokens: ReadonlyArray<string>, value: unknown, verb = "add"): Step => (doc) => {
  if (tokens.length === 0) return value
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) {
    const idx = arrayIndex(last, parent.length, true)
    if (idx instanceof Fail) return new Fail(`error in ${verb} for path: '${path}': ${idx.message}`)
    parent.splice(idx, 0, value)
    return doc
  }
  if (isObject(parent)) {
    setKey(parent, last, value)
    return doc
  }
  return missing(`${verb} operation does not apply: doc is missing path: "${path}"`)
}

const removeStep = (path: string, tokens: ReadonlyArray<string>): Step => (doc) => {
  if (tokens.length === 0) return missing(`remove operation does not apply: doc is missing path: "${path}"`)
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) {
    const idx = arrayIndex(last, parent.length, false)
    if (idx instanceof Fail) return new Fail(`error in remove for path: '${path}': ${idx.message}`)
    parent.splice(idx, 1)
    return doc
  }
  if (isObject(parent)) {
    if (!has(parent, last)) {
      return missing(`error in remove for path: '${path}': Unable to remove nonexistent key: ${last}`)
    }
    delete parent[last]
    return doc
  }
  return missing(`remove operation does not apply: doc is missing path: "${path}"`)
}

const replaceStep = (path: string, tokens: ReadonlyArray<string>, value: unknown): Step => (doc) => {
  if (tokens.length === 0) return value
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]!
  if (Array.isArray(parent)) {
    const idx = arrayIndex(last, parent.length, false)
    if (idx instanceof Fail) return new Fail(`error in replace for path: '${path}': ${idx.message}`)
    parent[idx] = value
    return doc
  }
  if (isObject(parent) && has(parent, last)) {
    setKey(parent, last, value)
    return doc
  }
  return missing(`replace operation does not apply: doc is missing key: ${path}`)
}

const decodeOperation = (
  raw: unknown,
  index: number
): Either.Either<{ readonly step: Step }, JsonPatchError> => {
  const bad = (message: string, status: 400 | 422 = 422) =>
    Either.left(new JsonPatchError({ message, status, operation: index }))
  if (!isObject(raw)) return bad(`json: cannot unmarshal ${typeof raw} into Go value of type jsonpatch.Operation`, 400)
  const op = raw["op"]
  if (typeof op !== "string") return bad(`Unexpected kind: unknown`)
  if (!["add", "remove", "replace", "move", "copy", "test"].includes(op)) return bad(`Unexpected kind: ${op}`)
  const path = raw["path"]
  if (typeof path !== "string") return bad(`${op} operation failed to decode path: missing value`)
  const tokens = parsePointer(path)
  if (Either.isLeft(tokens)) return bad(tokens.left)
  const needsValue = op === "add" || op === "replace" || op === "test"
  if (needsValue && !has(raw, "value")) return bad(`${op} operation, missing value field: missing value`)
  const value = raw["value"]
  let from: ReadonlyArray<string> = []
  if (op === "move" || op === "copy") {
    const rawFrom = raw["from"]
    if (typeof rawFrom !== "string") return bad(`${op} operation failed to decode from: missing value`)
    const parsed = parsePointer(rawFrom)
    if (Either.isLeft(parsed)) return bad(parsed.left)
    from = parsed.right
  }
  const fromText = typeof raw["from"] === "string" ? raw["from"] : ""
  switch (op) {
    case "add":
      return Either.right({ step: addStep(path, tokens.right, clone(value)) })
    case "remove":
      return Either.right({ step: removeStep(path, tokens.right) })
    case "replace":
      return Either.right({ step: replaceStep(path, tokens.right, clone(value)) })
    case "test":
      return Either.right({
        step: (doc) => {
          const got = getAt(doc, tokens.right)
          if (!got.found) {
            // A missing member compares equal to an explicit null, as in the library the apiserver uses.
            if (value === null && parentOf(doc, tokens.right) !== undefined) return doc
            return missing(`test operation does not apply: is missing path: ${path}`)
          }
          return deepEqual(got.value, value) ? doc : new Fail(`testing value ${path} failed: test failed`)
        }
      })
    default: {
      const isMove = op === "move"
      return Either.right({
        step: (doc) => {
          const got = getAt(doc, from)
          if (!got.found) return missing(`${op} operation does not apply: doc is missing from path: ${fromText}`)
          if (isMove) {
            const fromPrefix = from.length < tokens.right.length && from.every((t, i) => tokens.right[i] === t)
            if (fromPrefix) return new Fail(`${op} operation does not apply: ${fromText} is a prefix of ${path}`)
            if (from.length === tokens.right.length && from.every((t, i) => tokens.right[i] === t)) return doc
            const removed = removeStep(fromText, from)(doc)
            if (removed instanceof Fail) return removed
            return addStep(path, tokens.right, got.value, op)(removed)
          }
          return addStep(path, tokens.right, clone(got.value), op)(doc)
        }
      })
    }
  }
}

/**
 * Applies a JSON patch to a document. Atomic: on failure nothing of the patch is visible, and the input is never
 * modified.
 *
 * @since 0.1.0
 * @category combinators
 */
export const applyJsonPatch = (document: unknown, patch: unknown): Either.Either<unknown, JsonPatchError> => {
  if (!Array.isArray(patch)) {
    return Either.left(
      new JsonPatchError({
        message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
        status: 400
      })
    )
  }
  let doc: unknown = clone(document)
  for (let i = 0; i < patch.length; i++) {
    const decoded = decodeOperation(patch[i], i)
    if (Either.isLeft(decoded)) return Either.left(decoded.left)
    const next = decoded.right.step(doc)
    if (next instanceof Fail) {
      return Either.left(new JsonPatchError({ message: next.message, status: 422, operation: i }))
    }
    doc = next
  }
  return Either.right(doc)
}
