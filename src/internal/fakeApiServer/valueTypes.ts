/**
 * Value types of a built-in kind's body checked as the apiserver's JSON decoder checks them while it fills the Go
 * structs: the first value of the wrong JSON type (in document order) is refused with encoding/json's wording,
 * `json: cannot unmarshal number into Go struct field ConfigMap.data of type string` (the innermost struct, the
 * path of JSON field names without indices or map keys, the Go type). `null` fits anything, as in Go. Types with
 * their own decoders (Quantity, IntOrString, Time, RawExtension, JSON) accept what those accept and are not checked.
 */
import type { Obj } from "./types.js"
import { isObj } from "./types.js"

export interface TypeMismatch {
  readonly value: string
  readonly struct: string
  readonly field: string
  readonly goType: string
}

const looseRefs = [
  ".api.resource.Quantity",
  ".util.intstr.IntOrString",
  ".apis.meta.v1.Time",
  ".apis.meta.v1.MicroTime",
  ".apis.meta.v1.Duration",
  ".apis.meta.v1.FieldsV1",
  ".pkg.runtime.RawExtension",
  ".apiextensions.v1.JSON",
  ".apiextensions.v1.JSONSchemaPropsOrBool",
  ".apiextensions.v1.JSONSchemaPropsOrArray",
  ".apiextensions.v1.JSONSchemaPropsOrStringArray"
]

const refOf = (s: Obj): string | undefined => {
  const ref = s.$ref ?? (Array.isArray(s.allOf) && s.allOf.length === 1 ? s.allOf[0].$ref : undefined)
  return typeof ref === "string" ? ref.slice(ref.lastIndexOf("/") + 1) : undefined
}

/** `io.k8s.api.core.v1.ObjectMeta` -> `v1.ObjectMeta`, Go's package-qualified name. */
const goName = (definition: string) => definition.split(".").slice(-2).join(".")
const shortName = (definition: string) => definition.slice(definition.lastIndexOf(".") + 1)

const goTypeOf = (defs: Readonly<Record<string, Obj>>, s: Obj | undefined): string => {
  if (s === undefined) return "interface {}"
  const ref = refOf(s)
  if (ref !== undefined) return defs[ref]?.type === "string" ? "string" : goName(ref)
  switch (s.type) {
    case "string":
      return s.format === "byte" ? "[]uint8" : "string"
    case "integer":
      return s.format === "int32" ? "int32" : "int64"
    case "number":
      return "float64"
    case "boolean":
      return "bool"
    case "array":
      return `[]${goTypeOf(defs, isObj(s.items) ? s.items : undefined)}`
    case "object":
      return isObj(s.additionalProperties) ? `map[string]${goTypeOf(defs, s.additionalProperties)}` : "struct"
  }
  return "interface {}"
}

const kindOf = (v: unknown): string =>
  typeof v === "string"
    ? "string"
    : typeof v === "number"
    ? "number"
    : typeof v === "boolean"
    ? "bool"
    : Array.isArray(v)
    ? "array"
    : "object"

const int32Range = (n: number) => n >= -2147483648 && n <= 2147483647

interface Context {
  readonly defs: Readonly<Record<string, Obj>>
  readonly struct: string
  readonly path: ReadonlyArray<string>
}

const walk = (ctx: Context, schema: Obj | undefined, value: unknown): TypeMismatch | undefined => {
  if (schema === undefined || value === null || value === undefined) return undefined
  const mismatch = (what: string): TypeMismatch => ({
    value: what,
    struct: ctx.struct,
    field: ctx.path.join("."),
    goType: goTypeOf(ctx.defs, schema)
  })
  const ref = refOf(schema)
  if (ref !== undefined) {
    if (looseRefs.some((suffix) => ref.endsWith(suffix))) return undefined
    const def = ctx.defs[ref]
    if (def === undefined) return undefined
    if (def.type === "object" || isObj(def.properties)) {
      if (!isObj(value)) return mismatch(kindOf(value))
      return walkStruct({ ...ctx, struct: shortName(ref) }, def, value)
    }
    return walk(ctx, def, value)
  }
  if (schema["x-kubernetes-preserve-unknown-fields"] === true || schema["x-kubernetes-int-or-string"] === true) {
    return undefined
  }
  switch (schema.type) {
    case "string":
      return typeof value === "string" ? undefined : mismatch(kindOf(value))
    case "boolean":
      return typeof value === "boolean" ? undefined : mismatch(kindOf(value))
    case "number":
      return typeof value === "number" ? undefined : mismatch(kindOf(value))
    case "integer":
      if (typeof value !== "number") return mismatch(kindOf(value))
      return Number.isInteger(value) && (schema.format !== "int32" || int32Range(value))
        ? undefined
        : mismatch(`number ${value}`)
    case "array": {
      if (!Array.isArray(value)) return mismatch(kindOf(value))
      const items = isObj(schema.items) ? schema.items : undefined
      for (const item of value) {
        const found = walk(ctx, items, item)
        if (found !== undefined) return found
      }
      return undefined
    }
    case "object": {
      if (!isObj(value)) return mismatch(kindOf(value))
      if (isObj(schema.properties)) return walkStruct(ctx, schema, value)
      if (isObj(schema.additionalProperties)) {
        for (const v of Object.values(value)) {
          const found = walk(ctx, schema.additionalProperties, v)
          if (found !== undefined) return found
        }
      }
      return undefined
    }
  }
  return undefined
}

const walkStruct = (ctx: Context, def: Obj, value: Obj): TypeMismatch | undefined => {
  const properties: Obj = isObj(def.properties) ? def.properties : {}
  for (const [k, v] of Object.entries(value)) {
    const prop = properties[k]
    if (!isObj(prop)) continue
    const found = walk({ ...ctx, path: [...ctx.path, k] }, prop, v)
    if (found !== undefined) return found
  }
  return undefined
}

/** The first value of `obj` whose JSON type its kind's Go struct cannot take, if any. */
export const typeMismatch = (
  defs: Readonly<Record<string, Obj>>,
  definition: string,
  obj: Obj
): TypeMismatch | undefined => {
  const def = defs[definition]
  return def === undefined ? undefined : walkStruct({ defs, struct: shortName(definition), path: [] }, def, obj)
}

export const mismatchMessage = (m: TypeMismatch): string =>
  `json: cannot unmarshal ${m.value} into Go struct field ${m.struct}.${m.field} of type ${m.goType}`
