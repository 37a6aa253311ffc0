/**
 * Derives the strategic-merge / server-side-apply metadata table from the definitions' x-kubernetes-* extensions.
 * Compact: a field is listed when it carries an extension, or when it leads (through refs) to a definition that
 * has listed fields, so the merge engine can walk from any kind down to every list with a merge key.
 */
import type { FieldMeta, PatchMetaTable } from "../../src/PatchMeta.js"
import type { JsonSchema, SwaggerSpec } from "./spec.js"
import { compareStrings, schemaRef, typeOf } from "./spec.js"

type MutableFieldMeta = { -readonly [K in keyof FieldMeta]: FieldMeta[K] }

const extensionsOf = (schema: JsonSchema, meta: MutableFieldMeta): void => {
  const mergeKey = schema["x-kubernetes-patch-merge-key"]
  const strategy = schema["x-kubernetes-patch-strategy"]
  const listType = schema["x-kubernetes-list-type"]
  const mapKeys = schema["x-kubernetes-list-map-keys"]
  const mapType = schema["x-kubernetes-map-type"]
  if (typeof mergeKey === "string") meta.patchMergeKey = mergeKey
  if (typeof strategy === "string") meta.patchStrategy = strategy
  if (typeof listType === "string") meta.listType = listType
  if (Array.isArray(mapKeys)) meta.listMapKeys = [...mapKeys]
  if (typeof mapType === "string") meta.mapType = mapType
}

const hasExtension = (m: MutableFieldMeta): boolean =>
  m.patchMergeKey !== undefined || m.patchStrategy !== undefined || m.listType !== undefined ||
  m.listMapKeys !== undefined || m.mapType !== undefined

const isStruct = (def: JsonSchema | undefined): boolean => def?.properties !== undefined

/** Builds the table for every definition with properties; only definitions with something to say are kept. */
export const buildPatchMeta = (spec: SwaggerSpec): PatchMetaTable => {
  const defs = spec.definitions ?? {}
  const names = Object.keys(defs).sort(compareStrings)

  // Candidate metadata for every field: extensions and refs, before pruning.
  const candidates = new Map<string, Map<string, MutableFieldMeta>>()
  for (const name of names) {
    const def = defs[name]!
    const fields = new Map<string, MutableFieldMeta>()
    for (const field of Object.keys(def.properties ?? {}).sort(compareStrings)) {
      const prop = def.properties![field]!
      const meta: MutableFieldMeta = {}
      const ref = schemaRef(prop)
      const type = typeOf(prop)
      if (ref !== undefined) {
        const target = defs[ref]
        if (isStruct(target)) {
          meta.ref = ref
          meta.type = "object"
        }
        // A definition-level map type (e.g. atomic ObjectReference) applies to the field holding it.
        const defMapType = target?.["x-kubernetes-map-type"]
        if (typeof defMapType === "string") meta.mapType = defMapType
      } else if (type === "array") {
        meta.type = "array"
        const itemRef = prop.items === undefined ? undefined : schemaRef(prop.items)
        if (itemRef !== undefined && isStruct(defs[itemRef])) meta.ref = itemRef
      } else if (type === "object") {
        const ap = prop.additionalProperties
        const valueRef = typeof ap === "object" ? schemaRef(ap) : undefined
        meta.type = "object"
        if (valueRef !== undefined && isStruct(defs[valueRef])) meta.valuesRef = valueRef
      } else {
        meta.type = "scalar"
      }
      extensionsOf(prop, meta)
      fields.set(field, meta)
    }
    candidates.set(name, fields)
  }

  // A definition matters when one of its fields has an extension or leads to a definition that matters.
  const matters = new Set<string>()
  let changed = true
  while (changed) {
    changed = false
    for (const [name, fields] of candidates) {
      if (matters.has(name)) continue
      for (const meta of fields.values()) {
        const leads = (meta.ref !== undefined && matters.has(meta.ref)) ||
          (meta.valuesRef !== undefined && matters.has(meta.valuesRef))
        if (hasExtension(meta) || leads) {
          matters.add(name)
          changed = true
          break
        }
      }
    }
  }

  const table: Record<string, Record<string, FieldMeta>> = {}
  for (const name of names) {
    if (!matters.has(name)) continue
    const out: Record<string, FieldMeta> = {}
    for (const [field, meta] of candidates.get(name)!) {
      const leads = (meta.ref !== undefined && matters.has(meta.ref)) ||
        (meta.valuesRef !== undefined && matters.has(meta.valuesRef))
      if (!hasExtension(meta) && !leads) continue
      const kept: MutableFieldMeta = {}
      if (meta.ref !== undefined && matters.has(meta.ref)) kept.ref = meta.ref
      if (meta.valuesRef !== undefined && matters.has(meta.valuesRef)) kept.valuesRef = meta.valuesRef
      if (meta.type !== undefined) kept.type = meta.type
      if (meta.patchMergeKey !== undefined) kept.patchMergeKey = meta.patchMergeKey
      if (meta.patchStrategy !== undefined) kept.patchStrategy = meta.patchStrategy
      if (meta.listType !== undefined) kept.listType = meta.listType
      if (meta.listMapKeys !== undefined) kept.listMapKeys = meta.listMapKeys
      if (meta.mapType !== undefined) kept.mapType = meta.mapType
      out[field] = kept
    }
    table[name] = out
  }
  return table
}

const renderFieldMeta = (m: FieldMeta): string => {
  const parts: Array<string> = []
  if (m.ref !== undefined) parts.push(`ref: ${JSON.stringify(m.ref)}`)
  if (m.valuesRef !== undefined) parts.push(`valuesRef: ${JSON.stringify(m.valuesRef)}`)
  if (m.type !== undefined) parts.push(`type: ${JSON.stringify(m.type)}`)
  if (m.patchMergeKey !== undefined) parts.push(`patchMergeKey: ${JSON.stringify(m.patchMergeKey)}`)
  if (m.patchStrategy !== undefined) parts.push(`patchStrategy: ${JSON.stringify(m.patchStrategy)}`)
  if (m.listType !== undefined) parts.push(`listType: ${JSON.stringify(m.listType)}`)
  if (m.listMapKeys !== undefined) {
    parts.push(`listMapKeys: [${m.listMapKeys.map((k) => JSON.stringify(k)).join(", ")}]`)
  }
  if (m.mapType !== undefined) parts.push(`mapType: ${JSON.stringify(m.mapType)}`)
  return `{ ${parts.join(", ")} }`
}

const key = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k))

/** The TypeScript source of `patchMeta.ts`. */
export const renderPatchMeta = (header: string, table: PatchMetaTable, importPath: string): string => {
  const lines: Array<string> = [
    header,
    "",
    `import type { PatchMetaTable } from "${importPath}"`,
    "",
    "/**",
    " * Strategic-merge and server-side-apply metadata: definition name -> field name -> meta.",
    " *",
    " * @since 0.1.0",
    " * @category constants",
    " */",
    "export const patchMeta: PatchMetaTable = {"
  ]
  const names = Object.keys(table).sort(compareStrings)
  names.forEach((name, i) => {
    lines.push(`  ${JSON.stringify(name)}: {`)
    const fields = Object.keys(table[name]!).sort(compareStrings)
    fields.forEach((f, j) => {
      lines.push(`    ${key(f)}: ${renderFieldMeta(table[name]![f]!)}${j < fields.length - 1 ? "," : ""}`)
    })
    lines.push(`  }${i < names.length - 1 ? "," : ""}`)
  })
  lines.push("}", "")
  return lines.join("\n")
}
