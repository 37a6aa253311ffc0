/**
 * A small intermediate form between the input schemas (Swagger definitions, CRD openAPIV3Schema) and the emitted
 * TypeScript: named definitions whose bodies are structs or aliases of type expressions.
 */
import { fieldFacts } from "./docs.js"
import type { GroupVersionKind, JsonSchema, SwaggerSpec } from "./spec.js"
import { compareStrings, schemaRef, typeOf } from "./spec.js"

export interface Constraints {
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: boolean
  readonly exclusiveMaximum?: boolean
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minItems?: number
  readonly maxItems?: number
  readonly minProperties?: number
  readonly maxProperties?: number
}

export type TypeIR =
  | { readonly _tag: "Ref"; readonly name: string }
  | { readonly _tag: "String"; readonly constraints?: Constraints }
  | { readonly _tag: "Number"; readonly integer: boolean; readonly constraints?: Constraints }
  | { readonly _tag: "Boolean" }
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Literals"; readonly values: ReadonlyArray<string | number | boolean> }
  | { readonly _tag: "IntOrString" }
  | { readonly _tag: "Array"; readonly items: TypeIR; readonly constraints?: Constraints }
  | { readonly _tag: "Record"; readonly values: TypeIR; readonly constraints?: Constraints }
  | { readonly _tag: "Nullable"; readonly inner: TypeIR }

export interface FieldIR {
  readonly name: string
  readonly type: TypeIR
  readonly required: boolean
  /** Short facts for the field's documentation (wire format, list semantics, patch strategy); never spec prose. */
  readonly facts?: ReadonlyArray<string>
}

export type BodyIR =
  | { readonly _tag: "Struct"; readonly fields: ReadonlyArray<FieldIR> }
  | { readonly _tag: "Alias"; readonly type: TypeIR }

export interface DefinitionIR {
  /** Fully qualified name, e.g. "io.k8s.api.core.v1.Pod". */
  readonly name: string
  readonly body: BodyIR
  readonly gvks: ReadonlyArray<GroupVersionKind>
}

export const refsOf = (t: TypeIR, out: Set<string> = new Set()): Set<string> => {
  switch (t._tag) {
    case "Ref":
      out.add(t.name)
      break
    case "Array":
      refsOf(t.items, out)
      break
    case "Record":
      refsOf(t.values, out)
      break
    case "Nullable":
      refsOf(t.inner, out)
      break
  }
  return out
}

export const bodyRefs = (body: BodyIR): Set<string> => {
  const out = new Set<string>()
  if (body._tag === "Alias") refsOf(body.type, out)
  else for (const f of body.fields) refsOf(f.type, out)
  return out
}

/** Definitions modelled as opaque JSON rather than from their (absent or misleading) shape. */
const opaqueDefinitions = new Set(["io.k8s.apimachinery.pkg.runtime.RawExtension"])
/** Go's zero time marshals as null, so Time values are strings or null. */
const nullableTimeFormats = new Set(["date-time"])

/** Converts a property schema of a Swagger spec to a type expression. */
export const swaggerType = (schema: JsonSchema): TypeIR => {
  const ref = schemaRef(schema)
  if (ref !== undefined) return { _tag: "Ref", name: ref }
  const type = typeOf(schema)
  if (schema.format === "int-or-string") return { _tag: "IntOrString" }
  switch (type) {
    case "string":
      return { _tag: "String" }
    case "integer":
      return { _tag: "Number", integer: false }
    case "number":
      return { _tag: "Number", integer: false }
    case "boolean":
      return { _tag: "Boolean" }
    case "array":
      return { _tag: "Array", items: schema.items === undefined ? { _tag: "Unknown" } : swaggerType(schema.items) }
    case "object": {
      const ap = schema.additionalProperties
      if (typeof ap === "object") return { _tag: "Record", values: swaggerType(ap) }
      return { _tag: "Record", values: { _tag: "Unknown" } }
    }
    default:
      return { _tag: "Unknown" }
  }
}

/** Every definition of a Swagger spec, sorted by name. */
export const swaggerDefinitions = (spec: SwaggerSpec): Array<DefinitionIR> => {
  const defs = spec.definitions ?? {}
  return Object.keys(defs).sort(compareStrings).map((name): DefinitionIR => {
    const def = defs[name]!
    const gvks = def["x-kubernetes-group-version-kind"] ?? []
    if (opaqueDefinitions.has(name)) return { name, gvks, body: { _tag: "Alias", type: { _tag: "Unknown" } } }
    if (def.properties !== undefined) {
      const required = new Set(def.required ?? [])
      const fields = Object.keys(def.properties).sort(compareStrings).map((field): FieldIR => ({
        name: field,
        type: swaggerType(def.properties![field]!),
        required: required.has(field),
        facts: fieldFacts(def.properties![field]!, required.has(field))
      }))
      return { name, gvks, body: { _tag: "Struct", fields } }
    }
    if (typeOf(def) === "string" && def.format !== undefined && nullableTimeFormats.has(def.format)) {
      return { name, gvks, body: { _tag: "Alias", type: { _tag: "Nullable", inner: { _tag: "String" } } } }
    }
    return { name, gvks, body: { _tag: "Alias", type: swaggerType(def) } }
  })
}
