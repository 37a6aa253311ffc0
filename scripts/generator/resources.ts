/**
 * Derives the discovery table (one ResourceInfo per served group/version/resource) from the spec's paths and their
 * x-kubernetes-action / x-kubernetes-group-version-kind extensions.
 */
import type { ResourceInfo } from "../../src/Resource.js"
import * as Facts from "./discoveryFacts.js"
import type { GroupVersionKind, Operation, Parameter, SwaggerSpec } from "./spec.js"
import { compareStrings, refName, schemaRef } from "./spec.js"

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch"] as const

const actionVerbs: Readonly<Record<string, string>> = {
  get: "get",
  list: "list",
  watch: "watch",
  watchlist: "watch",
  post: "create",
  put: "update",
  patch: "patch",
  delete: "delete",
  deletecollection: "deletecollection"
}

interface Accumulator {
  group: string
  version: string
  plural: string
  namespaced: boolean
  kind?: GroupVersionKind
  listDefinition?: string
  getDefinition?: string
  verbs: Set<string>
  subresources: Set<string>
}

interface ParsedPath {
  readonly group: string
  readonly version: string
  readonly plural: string
  readonly namespaced: boolean
  readonly named: boolean
  readonly subresource: string | undefined
  readonly watchPath: boolean
}

/** Splits a resource path into its parts; undefined for paths that are not resource paths (discovery, version). */
export const parsePath = (path: string): ParsedPath | undefined => {
  const segments = path.split("/").filter((s) => s !== "")
  let group: string
  let rest: Array<string>
  if (segments[0] === "api" && segments.length >= 3) {
    group = ""
    rest = segments.slice(2)
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1]!
    rest = segments.slice(3)
  } else {
    return undefined
  }
  const version = segments[0] === "api" ? segments[1]! : segments[2]!
  let watchPath = false
  if (rest[0] === "watch") {
    watchPath = true
    rest = rest.slice(1)
  }
  let namespaced = false
  if (rest[0] === "namespaces" && rest[1] === "{namespace}" && rest.length > 2) {
    namespaced = true
    rest = rest.slice(2)
  }
  const plural = rest[0]
  if (plural === undefined || plural.startsWith("{")) return undefined
  const named = rest[1] !== undefined && rest[1].startsWith("{")
  const subresource = named ? rest[2] : undefined
  if (!named && rest.length > 1) return undefined
  return { group, version, plural, namespaced, named, subresource, watchPath }
}

const hasWatchParameter = (spec: SwaggerSpec, op: Operation): boolean =>
  (op.parameters ?? []).some((p: Parameter) => {
    const resolved = p.$ref !== undefined ? spec.parameters?.[p.$ref.replace(/^#\/parameters\//, "")] : p
    return resolved?.name === "watch" && resolved.in === "query"
  })

const responseDefinition = (op: Operation): string | undefined => {
  const schema = op.responses?.["200"]?.schema ?? op.responses?.["201"]?.schema
  return schema === undefined ? undefined : schemaRef(schema)
}

/** Definition names by "group/version/kind", from x-kubernetes-group-version-kind on definitions. */
export const definitionsByGvk = (spec: SwaggerSpec): Map<string, string> => {
  const out = new Map<string, string>()
  for (const name of Object.keys(spec.definitions ?? {}).sort(compareStrings)) {
    for (const gvk of spec.definitions![name]!["x-kubernetes-group-version-kind"] ?? []) {
      const key = `${gvk.group}/${gvk.version}/${gvk.kind}`
      if (!out.has(key)) out.set(key, name)
    }
  }
  return out
}

/** Builds the sorted resource table (by group, version, plural). */
export const buildResources = (spec: SwaggerSpec): Array<ResourceInfo> => {
  const acc = new Map<string, Accumulator>()
  for (const path of Object.keys(spec.paths ?? {}).sort(compareStrings)) {
    const parsed = parsePath(path)
    if (parsed === undefined) continue
    const item = spec.paths![path]!
    const key = `${parsed.group}/${parsed.version}/${parsed.plural}`
    for (const method of httpMethods) {
      const op = item[method] as Operation | undefined
      const action = op?.["x-kubernetes-action"]
      if (op === undefined || action === undefined) continue
      let entry = acc.get(key)
      if (entry === undefined) {
        entry = {
          group: parsed.group,
          version: parsed.version,
          plural: parsed.plural,
          namespaced: false,
          verbs: new Set(),
          subresources: new Set()
        }
        acc.set(key, entry)
      }
      if (parsed.namespaced) entry.namespaced = true
      if (parsed.subresource !== undefined) {
        entry.subresources.add(parsed.subresource)
        continue
      }
      const verb = actionVerbs[action]
      if (verb !== undefined) entry.verbs.add(verb)
      if (action === "list" && hasWatchParameter(spec, op)) entry.verbs.add("watch")
      const gvk = op["x-kubernetes-group-version-kind"]
      if (gvk !== undefined && entry.kind === undefined) entry.kind = gvk
      const def = responseDefinition(op)
      if (action === "list" && def !== undefined) entry.listDefinition = def
      if ((action === "get" || action === "post") && def !== undefined && entry.getDefinition === undefined) {
        entry.getDefinition = def
      }
    }
  }

  const byGvk = definitionsByGvk(spec)
  const entries = [...acc.values()].filter((e) => e.kind !== undefined)

  // Versions served per group, and per resource, for the preferred flag.
  const groupVersions = new Map<string, Set<string>>()
  const resourceVersions = new Map<string, Set<string>>()
  for (const e of entries) {
    if (!groupVersions.has(e.group)) groupVersions.set(e.group, new Set())
    groupVersions.get(e.group)!.add(e.version)
    const rk = `${e.group}/${e.plural}`
    if (!resourceVersions.has(rk)) resourceVersions.set(rk, new Set())
    resourceVersions.get(rk)!.add(e.version)
  }

  const out = entries.map((e): ResourceInfo => {
    const kind = e.kind!.kind
    const definition = byGvk.get(`${e.kind!.group}/${e.kind!.version}/${kind}`) ?? e.getDefinition
    const listDef = e.listDefinition
    const listKind = listDef !== undefined
      ? (spec.definitions?.[listDef]?.["x-kubernetes-group-version-kind"]?.[0]?.kind ??
        refName(listDef).split(".").pop()!)
      : `${kind}List`
    const groupPreferred = Facts.preferredVersion(e.group, [...groupVersions.get(e.group)!])
    const servedIn = [...resourceVersions.get(`${e.group}/${e.plural}`)!]
    // As ServerPreferredResources does: a resource missing from the group's preferred version is preferred in the
    // highest-priority version that serves it.
    const preferred = servedIn.includes(groupPreferred!)
      ? e.version === groupPreferred
      : e.version === [...servedIn].sort(Facts.compareVersionPriority)[0]
    const rk = Facts.resourceKey(e.plural, e.group)
    const info: ResourceInfo = {
      group: e.group,
      version: e.version,
      kind,
      listKind,
      plural: e.plural,
      singular: kind.toLowerCase(),
      namespaced: e.namespaced,
      verbs: [...e.verbs].sort(compareStrings),
      subresources: [...e.subresources].sort(compareStrings),
      shortNames: Facts.shortNames[rk] ?? [],
      categories: Facts.categories[rk] ?? [],
      preferred,
      ...(definition !== undefined ? { definition } : {})
    }
    return info
  })
  return out.sort((a, b) =>
    compareStrings(a.group, b.group) || Facts.compareVersionPriority(a.version, b.version) ||
    compareStrings(a.plural, b.plural)
  )
}

/** The TypeScript source of `resources.ts`. */
export const renderResources = (header: string, resources: ReadonlyArray<ResourceInfo>, importPath: string): string => {
  const lines: Array<string> = [
    header,
    "",
    `import type { ResourceInfo } from "${importPath}"`,
    "",
    "/**",
    " * Every served group/version/resource of the spec, as discovery reports it.",
    " *",
    " * @since 0.1.0",
    " * @category resources",
    " */",
    "export const resources: ReadonlyArray<ResourceInfo> = ["
  ]
  for (const r of resources) lines.push(`  ${renderResourceInfo(r)},`)
  if (resources.length > 0) lines[lines.length - 1] = lines[lines.length - 1]!.slice(0, -1)
  lines.push("]", "")
  return lines.join("\n")
}

const strList = (xs: ReadonlyArray<string>): string => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`

/** One ResourceInfo as an object literal (without braces' trailing newline). */
export const renderResourceInfoFields = (r: ResourceInfo): string =>
  [
    `group: ${JSON.stringify(r.group)}`,
    `version: ${JSON.stringify(r.version)}`,
    `kind: ${JSON.stringify(r.kind)}`,
    `listKind: ${JSON.stringify(r.listKind)}`,
    `plural: ${JSON.stringify(r.plural)}`,
    `singular: ${JSON.stringify(r.singular)}`,
    `namespaced: ${r.namespaced}`,
    `verbs: ${strList(r.verbs)}`,
    `subresources: ${strList(r.subresources)}`,
    `shortNames: ${strList(r.shortNames)}`,
    `categories: ${strList(r.categories)}`,
    `preferred: ${r.preferred}`,
    ...(r.definition !== undefined ? [`definition: ${JSON.stringify(r.definition)}`] : [])
  ].join(", ")

const renderResourceInfo = (r: ResourceInfo): string => `{ ${renderResourceInfoFields(r)} }`
