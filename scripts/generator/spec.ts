/**
 * The parts of a Swagger 2.0 document the generator reads. Only facts (names, types, paths, extensions) are taken
 * from it; descriptions are never copied.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

export interface JsonSchema {
  readonly $ref?: string
  readonly type?: string | ReadonlyArray<string>
  readonly format?: string
  readonly items?: JsonSchema
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly additionalProperties?: JsonSchema | boolean
  readonly required?: ReadonlyArray<string>
  readonly allOf?: ReadonlyArray<JsonSchema>
  readonly enum?: ReadonlyArray<unknown>
  readonly nullable?: boolean
  readonly "x-kubernetes-group-version-kind"?: ReadonlyArray<GroupVersionKind>
  readonly "x-kubernetes-patch-merge-key"?: string
  readonly "x-kubernetes-patch-strategy"?: string
  readonly "x-kubernetes-list-type"?: string
  readonly "x-kubernetes-list-map-keys"?: ReadonlyArray<string>
  readonly "x-kubernetes-map-type"?: string
  readonly [key: string]: unknown
}

export interface GroupVersionKind {
  readonly group: string
  readonly version: string
  readonly kind: string
}

export interface Parameter {
  readonly $ref?: string
  readonly name?: string
  readonly in?: string
}

export interface Operation {
  readonly "x-kubernetes-action"?: string
  readonly "x-kubernetes-group-version-kind"?: GroupVersionKind
  readonly parameters?: ReadonlyArray<Parameter>
  readonly responses?: Readonly<Record<string, { readonly schema?: JsonSchema }>>
}

export type PathItem = Readonly<Record<string, Operation | ReadonlyArray<Parameter> | undefined>>

export interface SwaggerSpec {
  readonly swagger?: string
  readonly info?: { readonly title?: string; readonly version?: string }
  readonly paths?: Readonly<Record<string, PathItem>>
  readonly definitions?: Readonly<Record<string, JsonSchema>>
  readonly parameters?: Readonly<Record<string, Parameter>>
}

/** Reads a Swagger 2.0 document; the error names the file and what was wrong with it. */
export const loadSpec = (file: string): SwaggerSpec => {
  const text = Fs.readFileSync(file, "utf8")
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new Error(`${file}: not valid JSON (${String(cause)})`)
  }
  if (typeof parsed !== "object" || parsed === null || !("definitions" in parsed)) {
    throw new Error(`${file}: not a Swagger 2.0 document (no "definitions")`)
  }
  return parsed as SwaggerSpec
}

/** A short, deterministic description of the input used in the do-not-edit header. */
export const specLabel = (spec: SwaggerSpec, file: string): string =>
  `${spec.info?.title ?? "OpenAPI"} ${spec.info?.version ?? ""}`.trim() + ` (${Path.basename(file)})`

export const refName = (ref: string): string => ref.replace(/^#\/definitions\//, "")

export const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type as string | undefined

/** `$ref`, or an `allOf` holding a single `$ref` (as OpenAPI v3 conversions write it). */
export const schemaRef = (schema: JsonSchema): string | undefined => {
  if (schema.$ref !== undefined) return refName(schema.$ref)
  if (schema.allOf !== undefined && schema.allOf.length === 1 && schema.allOf[0]!.$ref !== undefined) {
    return refName(schema.allOf[0]!.$ref)
  }
  return undefined
}

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
