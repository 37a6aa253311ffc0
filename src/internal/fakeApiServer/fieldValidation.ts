/**
 * `fieldValidation=Strict`: fields a built-in kind's schema does not declare are refused as the apiserver's strict
 * decoder refuses them (`strict decoding error: unknown field "spec.replica"`). The schemas are the generated
 * definitions the OpenAPI documents serve.
 */
import { schemaDefinitions } from "./openapi.js"
import type { Obj } from "./types.js"
import { isObj } from "./types.js"

const refName = (s: Obj | undefined): string | undefined => {
  const ref = s?.$ref ?? (Array.isArray(s?.allOf) && s.allOf.length === 1 ? s.allOf[0].$ref : undefined)
  return typeof ref === "string" ? ref.slice(ref.lastIndexOf("/") + 1) : undefined
}

const walk = (
  defs: Readonly<Record<string, Obj>>,
  schema: Obj | undefined,
  value: unknown,
  path: string,
  out: Array<string>
) => {
  if (schema === undefined || schema["x-kubernetes-preserve-unknown-fields"] === true) return
  const name = refName(schema)
  if (name !== undefined) return walk(defs, defs[name], value, path, out)
  if (Array.isArray(value)) {
    if (isObj(schema.items)) value.forEach((v, i) => walk(defs, schema.items, v, `${path}[${i}]`, out))
    return
  }
  if (!isObj(value)) return
  if (isObj(schema.properties)) {
    for (const [k, v] of Object.entries(value)) {
      const field = path === "" ? k : `${path}.${k}`
      const prop = schema.properties[k]
      if (prop === undefined) out.push(field)
      else walk(defs, prop, v, field, out)
    }
  } else if (isObj(schema.additionalProperties)) {
    for (const [k, v] of Object.entries(value)) {
      walk(defs, schema.additionalProperties, v, path === "" ? k : `${path}.${k}`, out)
    }
  }
}

/** Paths of the fields `obj` has that its definition does not declare. */
export const unknownFields = (definition: string, obj: Obj): ReadonlyArray<string> => {
  const defs = schemaDefinitions()
  const out: Array<string> = []
  if (defs[definition] !== undefined) walk(defs, defs[definition], obj, "", out)
  return out
}
