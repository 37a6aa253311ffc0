/**
 * What the generated JSDoc says besides a definition's name: a link to the definition's section of the Kubernetes API
 * reference for the spec's minor version, and short facts about each field taken from the spec (wire format,
 * list and map semantics, patch strategy). Only facts: the spec's description prose is never copied.
 */
import * as Path from "node:path"
import type { DefinitionIR } from "./ir.js"
import type { JsonSchema } from "./spec.js"

/** The one-page API reference the Kubernetes project publishes per minor release. */
const referenceBase = (minor: string): string =>
  `https://kubernetes.io/docs/reference/generated/kubernetes-api/v${minor}/`

/** The minor version a spec file is for, from its name (`swagger-v1.36.json`); undefined when it does not say. */
export const referenceMinor = (file: string): string | undefined => /v(\d+\.\d+)/.exec(Path.basename(file))?.[1]

export interface ReferenceLink {
  readonly url: string
  /** How the reference titles the section: kind, version, group (e.g. `Pod v1 core`). */
  readonly label: string
}

const packageOf = (name: string): string => name.slice(0, name.lastIndexOf("."))
const lastSegment = (name: string): string => name.slice(name.lastIndexOf(".") + 1)

/**
 * The reference's section anchors are `<kind>-<version>-<group>` in lower case, the core group spelled `core`, dots
 * of a group replaced by dashes, and meta/v1 types under `meta`. A definition's group is the group of the kinds its Go
 * package serves; definitions of packages that serve no kind (quantities, int-or-string, raw extensions) have no
 * section of their own and link to the page.
 */
export const referenceLinks = (
  definitions: ReadonlyArray<DefinitionIR>,
  minor: string
): (name: string) => ReferenceLink => {
  const base = referenceBase(minor)
  const groups = new Map<string, string>()
  for (const d of definitions) {
    const pkg = packageOf(d.name)
    if (pkg.startsWith("io.k8s.apimachinery.")) continue
    for (const gvk of d.gvks) if (!groups.has(pkg)) groups.set(pkg, gvk.group === "" ? "core" : gvk.group)
  }
  groups.set("io.k8s.apimachinery.pkg.apis.meta.v1", "meta")
  return (name) => {
    const pkg = packageOf(name)
    const group = groups.get(pkg)
    const kind = lastSegment(name)
    if (group === undefined) return { url: base, label: `Kubernetes ${minor} API reference` }
    const version = lastSegment(pkg)
    const anchor = `${kind}-${version}-${group.replaceAll(".", "-")}`.toLowerCase()
    return { url: `${base}#${anchor}`, label: `${kind} ${version} ${group}` }
  }
}

const code = (s: string): string => `\`${s}\``

/** Facts about one property, in the order a reader wants them. */
export const fieldFacts = (schema: JsonSchema, required: boolean): Array<string> => {
  const out: Array<string> = []
  const item = schema.items
  const format = schema.format ?? item?.format
  if (format !== undefined && format !== "int-or-string") out.push(code(format))
  if (required) out.push("required")
  const listType = schema["x-kubernetes-list-type"]
  if (listType !== undefined) {
    const keys = schema["x-kubernetes-list-map-keys"]
    out.push(
      listType === "map" && keys !== undefined && keys.length > 0
        ? `list type ${code("map")} keyed by ${keys.map(code).join(", ")}`
        : `list type ${code(listType)}`
    )
  }
  const mapType = schema["x-kubernetes-map-type"]
  if (mapType !== undefined) out.push(`map type ${code(mapType)}`)
  const strategy = schema["x-kubernetes-patch-strategy"]
  if (strategy !== undefined) {
    const key = schema["x-kubernetes-patch-merge-key"]
    out.push(`patch strategy ${code(strategy)}${key !== undefined ? ` on ${code(key)}` : ""}`)
  }
  return out
}
