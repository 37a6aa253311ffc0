/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), following apimachinery's
 * strategicpatch package as the apiserver runs it. The object's definition (e.g. `io.k8s.api.apps.v1.Deployment`)
 * is walked through the patch metadata table:
 *
 * - lists whose field has patch strategy `merge` merge item by item: maps by their patch merge key, primitives as a
 *   union (e.g. finalizers); other lists are replaced;
 * - maps merge key by key unless the field's strategy is `replace`; `null` deletes;
 * - directives: `$patch: replace | delete` in maps, `$patch: delete | replace` items in merged lists,
 *   `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys`;
 * - resulting list order follows apimachinery: patched items in patch (or `$setElementOrder`) order, server-only
 *   items interleaved where the live order puts them.
 *
 * Where the table knows nothing (custom resources, fields newer than the table) maps still merge and lists are
 * replaced, which is JSON merge patch behaviour; the apiserver refuses strategic merge patches for custom resources
 * (415), so callers check {@link isKnownDefinition} first.
 *
 * Known gaps: `$patch: merge` is rejected exactly as apimachinery rejects it; lists of lists are replaced rather
 * than rejected; new values placed where nothing was before lose their directives and nulls (the apiserver drops
 * them when decoding into the typed object, so the stored result is the same).
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import type { PatchMetaTable } from "../../PatchMeta.js"
import { clone, deepEqual, goFormat, has, isObject, setKey } from "./json.js"
import type { JsonObject } from "./json.js"
import { mergePatchValue } from "./mergePatch.js"
import { childShape, fieldMeta, isKnownDefinition, patchStrategies, unknownShape } from "./schema.js"
import type { Shape } from "./schema.js"

export {
  /**
   * Whether the table describes a definition. The apiserver answers 415 UnsupportedMediaType to strategic merge
   * patches of kinds it has no Go type for (custom resources); a fake does the same when this is false.
   *
   * @since 0.1.0
   * @category utils
   */
  isKnownDefinition
}

/**
 * Why a strategic merge patch could not be applied. `status` is what the apiserver answers: 400 for malformed
 * directives, 422 for content the directives forbid, 500 for the errors it passes through unclassified.
 *
 * @since 0.1.0
 * @category errors
 */
export class StrategicMergePatchError extends Data.TaggedError("StrategicMergePatchError")<{
  readonly message: string
  readonly status: 400 | 422 | 500
}> {}

/**
 * What a strategic merge patch needs besides the two documents.
 *
 * @since 0.1.0
 * @category models
 */
export interface StrategicMergeOptions {
  readonly meta: PatchMetaTable
  /** Definition name of the object's kind, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly rootDefinition: string
}

const PATCH = "$patch"
const RETAIN_KEYS = "$retainKeys"
const SET_ORDER = "$setElementOrder/"
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"

class Fail {
  constructor(readonly message: string, readonly status: 400 | 422 | 500) {}
}

const isDirectiveKey = (k: string): boolean =>
  k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)

/** A patch value landing where the original had nothing: directives and nulls have no meaning there. */
const cleanNew = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.filter((item) => !(isObject(item) && has(item, PATCH))).map(cleanNew)
  if (isObject(u)) {
    const out: JsonObject = {}
    for (const k of Object.keys(u)) {
      if (isDirectiveKey(k) || u[k] === null) continue
      setKey(out, k, cleanNew(u[k]))
    }
    return out
  }
  return u
}

const kindOf = (u: unknown): "object" | "array" | "scalar" =>
  Array.isArray(u) ? "array" : isObject(u) ? "object" : "scalar"

const mergeMap = (table: PatchMetaTable, original: JsonObject, patch: JsonObject, shape: Shape): JsonObject | Fail => {
  if (has(patch, PATCH)) {
    const directive = patch[PATCH]
    if (directive === "replace") {
      const rest: JsonObject = {}
      for (const k of Object.keys(patch)) if (k !== PATCH) setKey(rest, k, patch[k])
      return cleanNew(rest) as JsonObject
    }
    if (directive === "delete") return {}
    return new Fail(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`, 500)
  }
  const out = clone(original)
  if (has(patch, RETAIN_KEYS)) {
    const retain = patch[RETAIN_KEYS]
    if (!Array.isArray(retain) || !retain.every((k) => typeof k === "string")) {
      return new Fail("invalid patch format of retainKeys", 400)
    }
    for (const k of Object.keys(patch)) {
      if (!isDirectiveKey(k) && !retain.includes(k)) return new Fail("invalid patch format of retainKeys", 400)
    }
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k]
  }

  const listFields = new Set<string>()
  for (const k of Object.keys(patch)) {
    if (k.startsWith(SET_ORDER)) listFields.add(k.slice(SET_ORDER.length))
  }

  for (const k of Object.keys(patch)) {
    if (isDirectiveKey(k)) continue
    const pv = patch[k]
    if (pv === null) {
      delete out[k]
      continue
    }
    const meta = fieldMeta(table, shape, k)
    const strategies = patchStrategies(meta)
    const child = childShape(table, shape, k)
    const order = patch[SET_ORDER + k]
    if (!has(out, k) && !(Array.isArray(pv) && strategies.includes("merge") && order !== undefined)) {
      setKey(out, k, cleanNew(pv))
      continue
    }
    const ov = has(out, k) ? out[k] : []
    if (kindOf(ov) !== kindOf(pv)) {
      setKey(out, k, cleanNew(pv))
      continue
    }
    if (isObject(pv)) {
      const merged = strategies.includes("replace")
        ? (cleanNew(pv) as JsonObject)
        : mergeMap(table, ov as JsonObject, pv, child)
      if (merged instanceof Fail) return merged
      setKey(out, k, merged)
    } else if (Array.isArray(pv)) {
      if (strategies.includes("merge")) {
        const merged = mergeList(table, ov as ReadonlyArray<unknown>, pv, meta?.patchMergeKey, child, order)
        if (merged instanceof Fail) return merged
        setKey(out, k, merged)
        listFields.delete(k)
      } else {
        setKey(out, k, cleanNew(pv))
      }
    } else {
      setKey(out, k, pv)
    }
  }

  // `$setElementOrder/<field>` without a `<field>` list in the patch only reorders what is there.
  for (const k of listFields) {
    const meta = fieldMeta(table, shape, k)
    if (!patchStrategies(meta).includes("merge")) continue
    const ov = has(out, k) ? out[k] : []
    if (!Array.isArray(ov)) continue
    const merged = mergeList(table, ov, [], meta?.patchMergeKey, childShape(table, shape, k), patch[SET_ORDER + k])
    if (merged instanceof Fail) return merged
    if (merged.length > 0 || has(out, k)) setKey(out, k, merged)
  }

  for (const k of Object.keys(patch)) {
    if (!k.startsWith(DELETE_PRIMITIVE)) continue
    const field = k.slice(DELETE_PRIMITIVE.length)
    const toDelete = patch[k]
    if (!Array.isArray(toDelete)) return new Fail("invalid patch format of primitive list", 400)
    const ov = out[field]
    if (Array.isArray(ov)) setKey(out, field, ov.filter((v) => !toDelete.some((d) => deepEqual(d, v))))
  }
  return out
}

const mergeList = (
  table: PatchMetaTable,
  original: ReadonlyArray<unknown>,
  patch: ReadonlyArray<unknown>,
  mergeKey: string | undefined,
  shape: Shape,
  order: unknown
): Array<unknown> | Fail => {
  if (order !== undefined && !Array.isArray(order)) return new Fail("invalid patch format of setElementOrder list", 400)
  const itemShape = shape._tag === "List" ? shape.items : unknownShape
  const sample = [...patch, ...original, ...(order ?? [])].find((v) => v !== undefined)
  if (sample === undefined) return [...original]
  if (Array.isArray(sample)) return new Fail("lists of lists are not supported", 422)

  if (!isObject(sample)) {
    // Lists of primitives: a union, first occurrence wins.
    const merged: Array<unknown> = []
    for (const v of [...original, ...patch]) if (!merged.some((m) => deepEqual(m, v))) merged.push(v)
    const patchOrder: ReadonlyArray<unknown> = order ?? patch
    const same = (a: unknown, b: unknown) => deepEqual(a, b)
    return normalizeOrder(merged, patchOrder, original, same)
  }

  if (mergeKey === undefined) return new Fail(`cannot merge lists without merge key for ${shapeName(shape)}`, 500)
  let base: Array<unknown> = original.map(clone)
  const plain: Array<JsonObject> = []
  let replace = false
  for (const item of patch) {
    if (!isObject(item)) return new Fail(`lists of mixed types are not supported: ${goFormat(item)}`, 500)
    if (!has(item, PATCH)) {
      plain.push(item)
      continue
    }
    const directive = item[PATCH]
    if (directive === "delete") {
      if (!has(item, mergeKey)) {
        return new Fail(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`, 500)
      }
      base = base.filter((o) => !(isObject(o) && deepEqual(o[mergeKey], item[mergeKey])))
    } else if (directive === "replace") {
      replace = true
    } else if (directive === "merge") {
      return new Fail("merging lists cannot yet be specified in the patch", 500)
    } else {
      return new Fail(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`, 500)
    }
  }
  if (replace) return plain.map(cleanNew)

  const merged = [...base]
  for (const item of plain) {
    if (!has(item, mergeKey)) {
      return new Fail(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`, 500)
    }
    const at = merged.findIndex((o) => isObject(o) && deepEqual(o[mergeKey], item[mergeKey]))
    if (at >= 0) {
      const m = mergeMap(table, merged[at] as JsonObject, item, itemShape)
      if (m instanceof Fail) return m
      merged[at] = m
    } else {
      merged.push(cleanNew(item))
    }
  }
  if (order !== undefined) {
    for (const o of order) {
      if (!isObject(o) || !has(o, mergeKey)) return new Fail("invalid patch format of setElementOrder list", 400)
    }
  }
  const same = (a: unknown, b: unknown) => isObject(a) && isObject(b) && deepEqual(a[mergeKey], b[mergeKey])
  return normalizeOrder(merged, order ?? plain, base, same)
}

const shapeName = (shape: Shape): string =>
  shape._tag === "List" && shape.items._tag === "Struct" ? shape.items.def : shape._tag

/**
 * apimachinery's ordering: items named by the patch (or its `$setElementOrder`) follow that order; server-only
 * items keep their live order and are slotted in front of a patch item only when the live list had them first.
 */
const normalizeOrder = (
  merged: ReadonlyArray<unknown>,
  patchOrder: ReadonlyArray<unknown>,
  serverOrder: ReadonlyArray<unknown>,
  same: (a: unknown, b: unknown) => boolean
): Array<unknown> => {
  const indexIn = (list: ReadonlyArray<unknown>, v: unknown) => list.findIndex((x) => same(x, v))
  const patchItems = merged.filter((m) => indexIn(patchOrder, m) >= 0)
  const serverOnly = merged.filter((m) => indexIn(patchOrder, m) < 0)
  const byPatch = patchItems.map((v, i) => ({ v, i, k: indexIn(patchOrder, v) }))
    .sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.v)
  const byServer = serverOnly.map((v, i) => ({ v, i, k: indexIn(serverOrder, v) }))
    .sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.v)
  const out: Array<unknown> = []
  let i = 0
  let j = 0
  while (i < byServer.length || j < byPatch.length) {
    if (j >= byPatch.length) out.push(byServer[i++])
    else if (i >= byServer.length) out.push(byPatch[j++])
    else {
      const li = indexIn(serverOrder, byServer[i])
      const ri = indexIn(serverOrder, byPatch[j])
      if (li >= 0 && ri >= 0 && li < ri) out.push(byServer[i++])
      else out.push(byPatch[j++])
    }
  }
  return out
}

/**
 * Applies a strategic merge patch to `original`, an object of kind `options.rootDefinition`. For a definition the
 * table does not know, this is a JSON merge patch.
 *
 * @since 0.1.0
 * @category combinators
 */
export const strategicMergePatch = (
  original: unknown,
  patch: unknown,
  options: StrategicMergeOptions
): Either.Either<unknown, StrategicMergePatchError> => {
  if (!isObject(patch) || !isObject(original)) {
    return Either.left(new StrategicMergePatchError({ message: "invalid JSON document", status: 400 }))
  }
  if (!isKnownDefinition(options.meta, options.rootDefinition)) return Either.right(mergePatchValue(original, patch))
  const root: Shape = { _tag: "Struct", def: options.rootDefinition, atomic: false }
  const result = mergeMap(options.meta, original, patch, root)
  return result instanceof Fail
    ? Either.left(new StrategicMergePatchError({ message: result.message, status: result.status }))
    : Either.right(result)
}
