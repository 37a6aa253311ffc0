/**
 * CustomResourceDefinition (apiextensions.k8s.io/v1) manifests -> definitions and ResourceInfos, so that custom
 * resources get the same interface + Schema + ResourceDef modules as built-in kinds.
 */
import * as Fs from "node:fs"
import * as Yaml from "yaml"
import type { ResourceInfo } from "../../src/Resource.js"
import { compareVersionPriority } from "./discoveryFacts.js"
import type { Constraints, DefinitionIR, FieldIR, TypeIR } from "./ir.js"
import { compareStrings } from "./spec.js"

/** The parts of a CRD's JSONSchemaProps the generator reads. */
export interface CrdSchema {
  readonly type?: string
  readonly format?: string
  readonly properties?: Readonly<Record<string, CrdSchema>>
  readonly additionalProperties?: CrdSchema | boolean
  readonly items?: CrdSchema
  readonly required?: ReadonlyArray<string>
  readonly enum?: ReadonlyArray<unknown>
  readonly nullable?: boolean
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: boolean
  readonly exclusiveMaximum?: boolean
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minItems?: number
  readonly maxItems?: number
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean
  readonly "x-kubernetes-int-or-string"?: boolean
  readonly "x-kubernetes-embedded-resource"?: boolean
}

interface CrdVersion {
  readonly name: string
  readonly served?: boolean
  readonly storage?: boolean
  readonly schema?: { readonly openAPIV3Schema?: CrdSchema }
  readonly subresources?: { readonly status?: unknown; readonly scale?: unknown }
}

export interface Crd {
  readonly apiVersion?: string
  readonly kind?: string
  readonly spec?: {
    readonly group?: string
    readonly scope?: string
    readonly names?: {
      readonly kind?: string
      readonly listKind?: string
      readonly plural?: string
      readonly singular?: string
      readonly shortNames?: ReadonlyArray<string>
      readonly categories?: ReadonlyArray<string>
    }
    readonly versions?: ReadonlyArray<CrdVersion>
  }
}

/** Every CustomResourceDefinition in a YAML or JSON file (multi-document YAML and v1 Lists are accepted). */
export const loadCrds = (file: string): Array<Crd> => {
  const text = Fs.readFileSync(file, "utf8")
  const out: Array<Crd> = []
  const visit = (doc: unknown, where: string): void => {
    if (typeof doc !== "object" || doc === null) return
    const o = doc as { kind?: unknown; apiVersion?: unknown; items?: unknown }
    if (o.kind === "List" && Array.isArray(o.items)) {
      o.items.forEach((item, i) => visit(item, `${where} items[${i}]`))
      return
    }
    if (o.kind !== "CustomResourceDefinition") return
    if (o.apiVersion !== "apiextensions.k8s.io/v1") {
      throw new Error(`${file}${where}: only apiextensions.k8s.io/v1 CustomResourceDefinitions are supported`)
    }
    out.push(doc as Crd)
  }
  const docs = Yaml.parseAllDocuments(text)
  if (!Array.isArray(docs)) return out
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0]!.message}`)
    visit(doc.toJS(), docs.length > 1 ? ` (document ${i + 1})` : "")
  })
  if (out.length === 0) throw new Error(`${file}: no CustomResourceDefinition found`)
  return out
}

const pascal = (s: string): string =>
  s.split(/[^A-Za-z0-9]+/).filter((p) => p !== "").map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("")

const metaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1"

const constraintsOf = (s: CrdSchema): Constraints | undefined => {
  const c: { -readonly [K in keyof Constraints]: Constraints[K] } = {}
  if (s.minimum !== undefined) c.minimum = s.minimum
  if (s.maximum !== undefined) c.maximum = s.maximum
  if (s.exclusiveMinimum !== undefined) c.exclusiveMinimum = s.exclusiveMinimum
  if (s.exclusiveMaximum !== undefined) c.exclusiveMaximum = s.exclusiveMaximum
  if (s.minLength !== undefined) c.minLength = s.minLength
  if (s.maxLength !== undefined) c.maxLength = s.maxLength
  if (s.pattern !== undefined) {
    // Patterns JavaScript cannot compile are left to the apiserver rather than failing generation.
    try {
      new RegExp(s.pattern, "u")
      c.pattern = s.pattern
    } catch {
      // ignored on purpose
    }
  }
  if (s.minItems !== undefined) c.minItems = s.minItems
  if (s.maxItems !== undefined) c.maxItems = s.maxItems
  return Object.keys(c).length > 0 ? c : undefined
}

class Converter {
  readonly definitions: Array<DefinitionIR> = []
  private readonly used = new Set<string>()
  constructor(private readonly pkg: string) {}

  private reserve(ident: string): string {
    let name = ident
    while (this.used.has(name)) name = `${name}_`
    this.used.add(name)
    return `${this.pkg}.${name}`
  }

  /** Converts a schema; objects with properties become named definitions `<hint>`. */
  type(s: CrdSchema, hint: string): TypeIR {
    const t = this.nonNull(s, hint)
    const nullable = s.nullable === true || (s.enum !== undefined && s.enum.includes(null))
    return nullable ? { _tag: "Nullable", inner: t } : t
  }

  private nonNull(s: CrdSchema, hint: string): TypeIR {
    if (s["x-kubernetes-int-or-string"] === true) return { _tag: "IntOrString" }
    const values = (s.enum ?? []).filter((v): v is string | number | boolean =>
      typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    )
    if (values.length > 0) return { _tag: "Literals", values }
    const constraints = constraintsOf(s)
    switch (s.type) {
      case "string":
        return constraints !== undefined ? { _tag: "String", constraints } : { _tag: "String" }
      case "integer":
      case "number":
        return {
          _tag: "Number",
          integer: s.type === "integer",
          ...(constraints !== undefined ? { constraints } : {})
        }
      case "boolean":
        return { _tag: "Boolean" }
      case "array":
        return {
          _tag: "Array",
          items: s.items === undefined ? { _tag: "Unknown" } : this.type(s.items, hint),
          ...(constraints !== undefined ? { constraints } : {})
        }
      case "object":
      case undefined: {
        const embedded = s["x-kubernetes-embedded-resource"] === true
        if (s.properties !== undefined || embedded) return { _tag: "Ref", name: this.struct(s, hint, false) }
        if (typeof s.additionalProperties === "object") {
          return { _tag: "Record", values: this.type(s.additionalProperties, hint) }
        }
        if (s.type === "object") return { _tag: "Record", values: { _tag: "Unknown" } }
        return { _tag: "Unknown" }
      }
      default:
        return { _tag: "Unknown" }
    }
  }

  /** An object schema as a struct definition; `root` fixes apiVersion/kind/metadata as on every object. */
  struct(s: CrdSchema, ident: string, root: boolean): string {
    const name = this.reserve(ident)
    const required = new Set(s.required ?? [])
    const fields = new Map<string, FieldIR>()
    for (const key of Object.keys(s.properties ?? {}).sort(compareStrings)) {
      fields.set(key, {
        name: key,
        type: this.type(s.properties![key]!, `${ident}${pascal(key)}`),
        required: required.has(key)
      })
    }
    if (root || s["x-kubernetes-embedded-resource"] === true) {
      // The apiserver owns these three whatever the CRD's schema says about them.
      fields.set("apiVersion", { name: "apiVersion", type: { _tag: "String" }, required: required.has("apiVersion") })
      fields.set("kind", { name: "kind", type: { _tag: "String" }, required: required.has("kind") })
      fields.set("metadata", {
        name: "metadata",
        type: { _tag: "Ref", name: `${metaV1}.ObjectMeta` },
        required: required.has("metadata")
      })
    }
    const sorted = [...fields.values()].sort((a, b) => compareStrings(a.name, b.name))
    this.definitions.push({ name, gvks: [], body: { _tag: "Struct", fields: sorted } })
    return name
  }
}

export interface CrdOutput {
  readonly definitions: Array<DefinitionIR>
  readonly resources: Array<ResourceInfo>
}

/** Definitions and ResourceInfos for every served version of the given CRDs. */
export const convertCrds = (crds: ReadonlyArray<Crd>, source: string): CrdOutput => {
  const definitions: Array<DefinitionIR> = []
  const resources: Array<ResourceInfo> = []
  for (const crd of crds) {
    const spec = crd.spec
    const group = spec?.group
    const names = spec?.names
    if (group === undefined || names?.kind === undefined || names.plural === undefined) {
      throw new Error(`${source}: CustomResourceDefinition without spec.group, spec.names.kind or spec.names.plural`)
    }
    const kind = names.kind
    const served = (spec!.versions ?? []).filter((v) => v.served !== false)
    const preferred = [...served.map((v) => v.name)].sort(compareVersionPriority)[0]
    for (const version of served) {
      const pkg = [...group.split(".").reverse(), version.name].join(".")
      const converter = new Converter(pkg)
      const schema = version.schema?.openAPIV3Schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true }
      const root = converter.struct(schema, kind, true)
      const listKind = names.listKind ?? `${kind}List`
      const gvk = { group, version: version.name, kind }
      const defs = converter.definitions.map((d) => (d.name === root ? { ...d, gvks: [gvk] } : d))
      defs.push({
        name: `${pkg}.${listKind}`,
        gvks: [{ group, version: version.name, kind: listKind }],
        body: {
          _tag: "Struct",
          fields: [
            { name: "apiVersion", type: { _tag: "String" }, required: false },
            { name: "items", type: { _tag: "Array", items: { _tag: "Ref", name: root } }, required: true },
            { name: "kind", type: { _tag: "String" }, required: false },
            { name: "metadata", type: { _tag: "Ref", name: `${metaV1}.ListMeta` }, required: false }
          ]
        }
      })
      definitions.push(...defs)
      const subresources: Array<string> = []
      if (version.subresources?.scale !== undefined) subresources.push("scale")
      if (version.subresources?.status !== undefined) subresources.push("status")
      resources.push({
        group,
        version: version.name,
        kind,
        listKind,
        plural: names.plural,
        singular: names.singular ?? kind.toLowerCase(),
        namespaced: spec!.scope !== "Cluster",
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        subresources,
        shortNames: [...(names.shortNames ?? [])],
        categories: [...(names.categories ?? [])],
        preferred: version.name === preferred,
        definition: root
      })
    }
  }
  return { definitions, resources }
}
