/**
 * A REST mapper built from one discovery snapshot: client-go's `DefaultRESTMapper` behind a `PriorityRESTMapper`
 * (groups in discovery order, each group's preferred version first), kubectl's short-name expander and discovery
 * category expansion.
 */
import * as Either from "effect/Either"
import type { Snapshot } from "../../DiscoveryModel.js"
import {
  AmbiguousResource,
  type MatchError,
  NoKindMatch,
  NoResourceMatch,
  type PartialResource,
  type RestMapping
} from "../../RestMapping.js"
import { type GroupKind, type GroupResource, parseGroupVersion, parseResourceArg } from "./gvk.js"

interface Entry extends RestMapping {
  readonly order: number
}

interface Pattern {
  readonly group: string
  /** undefined: any version. */
  readonly version: string | undefined
}

export interface Index {
  readonly entries: ReadonlyArray<Entry>
  readonly priority: ReadonlyArray<Pattern>
  readonly preferredVersion: ReadonlyMap<string, string>
  readonly groupOrder: ReadonlyArray<string>
  /** Short name → long form, in discovery order (kubectl's shortcut list). */
  readonly shortcuts: ReadonlyArray<{ readonly short: GroupResource; readonly long: GroupResource }>
  readonly categories: ReadonlyMap<string, ReadonlyArray<GroupResource>>
}

export const buildIndex = (snapshot: Snapshot): Index => {
  const byGv = new Map(snapshot.resources.map((l) => [l.groupVersion, l]))
  const entries: Array<Entry> = []
  const priority: Array<Pattern> = []
  const preferredVersion = new Map<string, string>()
  const shortcuts: Array<{ short: GroupResource; long: GroupResource }> = []
  const categories = new Map<string, Array<GroupResource>>()
  for (const group of snapshot.groups) {
    const preferred = group.preferredVersion?.version ?? group.versions[0]?.version
    if (preferred !== undefined) preferredVersion.set(group.name, preferred)
    if (preferred !== undefined && byGv.has(group.preferredVersion?.groupVersion ?? "")) {
      priority.push({ group: group.name, version: preferred })
    }
    for (const v of group.versions) {
      const list = byGv.get(v.groupVersion)
      if (list === undefined) continue
      if (v.version !== preferred) priority.push({ group: group.name, version: v.version })
      const gv = parseGroupVersion(list.groupVersion) ?? { group: group.name, version: v.version }
      const subresources = new Map<string, Array<string>>()
      for (const r of list.resources) {
        const slash = r.name.indexOf("/")
        if (slash < 0) continue
        const parent = r.name.slice(0, slash)
        subresources.set(parent, [...(subresources.get(parent) ?? []), r.name.slice(slash + 1)])
      }
      for (const r of list.resources) {
        if (r.name.includes("/")) continue
        const singular = r.singularName !== "" ? r.singularName : r.kind.toLowerCase()
        entries.push({
          order: entries.length,
          resource: { group: gv.group, version: gv.version, resource: r.name },
          groupVersionKind: { group: gv.group, version: gv.version, kind: r.kind },
          namespaced: r.namespaced,
          singular,
          shortNames: r.shortNames ?? [],
          categories: r.categories ?? [],
          verbs: r.verbs,
          subresources: subresources.get(r.name) ?? []
        })
        for (const s of r.shortNames ?? []) {
          shortcuts.push({ short: { group: gv.group, resource: s }, long: { group: gv.group, resource: r.name } })
        }
        for (const c of r.categories ?? []) {
          const members = categories.get(c) ?? []
          if (!members.some((m) => m.group === gv.group && m.resource === r.name)) {
            members.push({ group: gv.group, resource: r.name })
          }
          categories.set(c, members)
        }
      }
    }
  }
  const groupOrder = snapshot.groups.map((g) => g.name)
  for (const g of groupOrder) priority.push({ group: g, version: undefined })
  return { entries, priority, preferredVersion, groupOrder, shortcuts, categories }
}

const matchesPattern = (p: Pattern, gvr: { readonly group: string; readonly version: string }) =>
  p.group === gvr.group && (p.version === undefined || p.version === gvr.version)

/** Every entry matching a partial resource by plural or singular name (case-insensitive). */
export const resourcesFor = (index: Index, partial: PartialResource): ReadonlyArray<RestMapping> => {
  const name = partial.resource.toLowerCase()
  return index.entries.filter((e) =>
    (!partial.group || e.resource.group === partial.group) &&
    (!partial.version || e.resource.version === partial.version) &&
    (e.resource.resource === name || e.singular === name)
  )
}

const choose = <A extends RestMapping>(
  index: Index,
  candidates: ReadonlyArray<A>
): A | ReadonlyArray<A> => {
  if (candidates.length === 1) return candidates[0]!
  let remaining = candidates
  for (const pattern of index.priority) {
    const matched = remaining.filter((c) => matchesPattern(pattern, c.resource))
    if (matched.length === 1) return matched[0]!
    if (matched.length > 1) remaining = matched
  }
  return remaining
}

export const resourceFor = (index: Index, partial: PartialResource): Either.Either<RestMapping, MatchError> => {
  const candidates = resourcesFor(index, partial)
  if (candidates.length === 0) return Either.left(new NoResourceMatch({ partialResource: partial }))
  const chosen = choose(index, candidates)
  return Array.isArray(chosen)
    ? Either.left(
      new AmbiguousResource({
        partialResource: partial,
        matches: (chosen as ReadonlyArray<RestMapping>).map((c) => c.resource)
      })
    )
    : Either.right(chosen as RestMapping)
}

/** Mappings of a group kind, preferred version first, then the group's other versions in discovery order. */
export const restMappings = (
  index: Index,
  groupKind: GroupKind,
  versions: ReadonlyArray<string>
): Either.Either<ReadonlyArray<RestMapping>, NoKindMatch> => {
  const kind = groupKind.kind.toLowerCase()
  const wanted = versions.filter((v) => v !== "")
  const found = index.entries.filter((e) =>
    e.groupVersionKind.group === groupKind.group && e.groupVersionKind.kind.toLowerCase() === kind &&
    (wanted.length === 0 || wanted.includes(e.groupVersionKind.version))
  )
  if (found.length === 0) return Either.left(new NoKindMatch({ groupKind, versions }))
  const preferred = index.preferredVersion.get(groupKind.group)
  const ordered = [...found].sort((a, b) => {
    if (wanted.length > 0) {
      return wanted.indexOf(a.groupVersionKind.version) - wanted.indexOf(b.groupVersionKind.version)
    }
    const pa = a.groupVersionKind.version === preferred ? 0 : 1
    const pb = b.groupVersionKind.version === preferred ? 0 : 1
    return pa - pb || a.order - b.order
  })
  return Either.right(ordered)
}

/** kubectl's short-name expansion: an exact resource name wins; else the first short name in discovery order. */
export const expandShortcut = (index: Index, partial: PartialResource): PartialResource => {
  const name = partial.resource.toLowerCase()
  const group = partial.group ?? ""
  const exact = index.entries.some((e) =>
    (group === "" || e.resource.group === group) && (e.resource.resource === name || e.singular === name)
  )
  if (exact) return partial
  for (const s of index.shortcuts) {
    if (group !== "" && s.short.group !== group) continue
    if (s.short.resource === name) return { ...partial, group: s.long.group, resource: s.long.resource }
  }
  if (group === "") return partial
  // `hpa.autoscal` finds `autoscaling`, as kubectl allows group prefixes for short names.
  for (const s of index.shortcuts) {
    if (s.short.group.startsWith(group) && s.short.resource === name) {
      return { ...partial, group: s.long.group, resource: s.long.resource }
    }
  }
  return partial
}

const resourceForExpanded = (index: Index, partial: PartialResource) =>
  resourceFor(index, expandShortcut(index, partial))

/**
 * kubectl's `mappingFor`: a resource argument (`po`, `deployments.apps`, `deployments.v1.apps`, `Deployment`,
 * `Deployment.v1.apps`) to a mapping.
 */
export const resolve = (index: Index, arg: string): Either.Either<RestMapping, MatchError> => {
  const { fullySpecified, groupResource } = parseResourceArg(arg)
  let firstError: MatchError | undefined
  if (fullySpecified !== undefined) {
    const r = resourceForExpanded(index, fullySpecified)
    if (Either.isRight(r)) return r
    firstError = r.left
  }
  const r = resourceForExpanded(index, { group: groupResource.group, resource: groupResource.resource })
  if (Either.isRight(r)) return r
  if (r.left._tag === "AmbiguousResource") return Either.left(r.left)
  firstError = firstError?._tag === "AmbiguousResource" ? firstError : r.left
  // A kind: `Deployment.v1.apps`, `Deployment.apps` or `Deployment`.
  const parts = arg.split(".")
  if (parts.length >= 3) {
    const m = restMappings(index, { group: parts.slice(2).join("."), kind: parts[0]! }, [parts[1]!])
    if (Either.isRight(m)) return Either.right(m.right[0]!)
  }
  const dot = arg.indexOf(".")
  const gk = dot < 0 ? { group: "", kind: arg } : { group: arg.slice(dot + 1), kind: arg.slice(0, dot) }
  const m = restMappings(index, gk, [])
  if (Either.isRight(m)) return Either.right(m.right[0]!)
  return Either.left(firstError)
}

/** The resources of a category (`all`), in discovery order, each at its preferred version. */
export const expandCategory = (index: Index, category: string): ReadonlyArray<RestMapping> | undefined => {
  const members = index.categories.get(category)
  if (members === undefined) return undefined
  const out: Array<RestMapping> = []
  for (const gr of members) {
    const r = resourceFor(index, gr)
    if (Either.isRight(r)) out.push(r.right)
  }
  return out
}
