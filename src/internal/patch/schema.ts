/**
 * Resolves what the patch metadata table says about a value's position in an object: which definition an object
 * follows, whether a map or list is atomic, and how list items are identified. Positions the table says nothing
 * about (custom resources, fields added by newer servers) are "Unknown" and every engine falls back to plain
 * JSON behaviour there: objects merge key by key, arrays are replaced whole.
 *
 * @since 0.1.0
 */
import type { FieldMeta, PatchMetaTable } from "../../PatchMeta.js"

/**
 * The shape of the value found at one position.
 *
 * @since 0.1.0
 * @category models
 */
export type Shape =
  | { readonly _tag: "Struct"; readonly def: string; readonly atomic: boolean }
  | { readonly _tag: "Map"; readonly values: Shape; readonly atomic: boolean }
  | {
    readonly _tag: "List"
    readonly items: Shape
    /** Server-side apply list semantics. */
    readonly listType: "atomic" | "set" | "map"
    readonly listMapKeys: ReadonlyArray<string>
  }
  | { readonly _tag: "Unknown" }

/**
 * The unknown shape.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unknownShape: Shape = { _tag: "Unknown" }

const strategies = (meta: FieldMeta | undefined): ReadonlyArray<string> =>
  meta?.patchStrategy ? meta.patchStrategy.split(",").map((s) => s.trim()) : []

/**
 * The shape of a field's value, from its metadata.
 *
 * @since 0.1.0
 * @category utils
 */
export const shapeOfField = (meta: FieldMeta | undefined): Shape => {
  if (meta === undefined) return unknownShape
  const atomic = meta.mapType === "atomic"
  const isList = meta.type === "array" || meta.listType !== undefined || meta.patchMergeKey !== undefined
  if (isList) {
    const items: Shape = meta.ref ? { _tag: "Struct", def: meta.ref, atomic: false } : unknownShape
    const declared = meta.listType
    // Older specs carry only the strategic-merge markers; the apiserver derives the same list semantics from them.
    const listType = declared === "set" || declared === "map" || declared === "atomic"
      ? declared
      : strategies(meta).includes("merge")
      ? meta.patchMergeKey ? "map" : "set"
      : "atomic"
    const listMapKeys = meta.listMapKeys ?? (meta.patchMergeKey ? [meta.patchMergeKey] : [])
    return { _tag: "List", items, listType, listMapKeys }
  }
  if (meta.valuesRef) return { _tag: "Map", values: { _tag: "Struct", def: meta.valuesRef, atomic: false }, atomic }
  if (meta.ref) return { _tag: "Struct", def: meta.ref, atomic }
  if (meta.type === "object") return { _tag: "Map", values: unknownShape, atomic }
  return unknownShape
}

/**
 * Metadata of `field` inside the object at `shape`, if the table knows it.
 *
 * @since 0.1.0
 * @category utils
 */
export const fieldMeta = (table: PatchMetaTable, shape: Shape, field: string): FieldMeta | undefined => {
  if (shape._tag !== "Struct") return undefined
  const fields = table[shape.def]
  return fields !== undefined && Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : undefined
}

/**
 * The shape of member `key` of an object at `shape`.
 *
 * @since 0.1.0
 * @category utils
 */
export const childShape = (table: PatchMetaTable, shape: Shape, key: string): Shape => {
  switch (shape._tag) {
    case "Struct":
      return shapeOfField(fieldMeta(table, shape, key))
    case "Map":
      return shape.values
    default:
      return unknownShape
  }
}

/**
 * The patch strategies declared for a field (`merge`, `replace`, `retainKeys`).
 *
 * @since 0.1.0
 * @category utils
 */
export const patchStrategies = strategies

/**
 * Whether the table describes a definition, i.e. whether strategic merge patch is meaningful for it.
 *
 * @since 0.1.0
 * @category utils
 */
export const isKnownDefinition = (table: PatchMetaTable, definition: string): boolean =>
  Object.prototype.hasOwnProperty.call(table, definition)
