/**
 * How a resource is served, as the RestMapper knows it, and why a lookup found no resource or more than one.
 * Re-exported by `RestMapper`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import type { GroupKind, GroupVersionKind, GroupVersionResource } from "./GroupVersion.js"

/**
 * How a resource is served: its GVR and GVK, scope, names, verbs and subresources.
 *
 * @since 0.2.0
 * @category models
 */
export interface RestMapping {
  readonly resource: GroupVersionResource
  readonly groupVersionKind: GroupVersionKind
  readonly namespaced: boolean
  readonly singular: string
  readonly shortNames: ReadonlyArray<string>
  readonly categories: ReadonlyArray<string>
  readonly verbs: ReadonlyArray<string>
  /** Subresources served under it: `status`, `scale`, ... */
  readonly subresources: ReadonlyArray<string>
}

/**
 * A resource with optional group and version (empty means any).
 *
 * @since 0.2.0
 * @category models
 */
export interface PartialResource {
  readonly group?: string | undefined
  readonly version?: string | undefined
  readonly resource: string
}

const describeResource = (p: PartialResource) => {
  const parts = [p.resource]
  if (p.version) parts.push(p.version)
  if (p.group) parts.push(p.group)
  return parts.join(".")
}

/**
 * @since 0.2.0
 * @category errors
 */
export class NoResourceMatch extends Data.TaggedError("NoResourceMatch")<{
  readonly partialResource: PartialResource
}> {
  override get message(): string {
    return `no matches for resource "${describeResource(this.partialResource)}"`
  }
}

/**
 * @since 0.2.0
 * @category errors
 */
export class NoKindMatch extends Data.TaggedError("NoKindMatch")<{
  readonly groupKind: GroupKind
  readonly versions: ReadonlyArray<string>
}> {
  override get message(): string {
    const gk = this.groupKind
    const searched = this.versions.filter((v) => v !== "")
    if (searched.length === 0) {
      return gk.group === ""
        ? `no matches for kind "${gk.kind}"`
        : `no matches for kind "${gk.kind}" in group "${gk.group}"`
    }
    const gv = (v: string) => gk.group === "" ? v : `${gk.group}/${v}`
    return searched.length === 1
      ? `no matches for kind "${gk.kind}" in version "${gv(searched[0]!)}"`
      : `no matches for kind "${gk.kind}" in versions [${searched.map(gv).join(" ")}]`
  }
}

/**
 * @since 0.2.0
 * @category errors
 */
export class AmbiguousResource extends Data.TaggedError("AmbiguousResource")<{
  readonly partialResource: PartialResource
  readonly matches: ReadonlyArray<GroupVersionResource>
}> {
  override get message(): string {
    const list = this.matches.map((m) => `${m.group}/${m.version}, Resource=${m.resource}`).join(", ")
    return `${describeResource(this.partialResource)} matches multiple resources [${list}]`
  }
}

/**
 * Why the mapper found no resource, or more than one.
 *
 * @since 0.2.0
 * @category errors
 */
export type MatchError = NoResourceMatch | NoKindMatch | AmbiguousResource
