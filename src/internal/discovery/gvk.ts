/**
 * Group/version/kind/resource identifiers and their string forms, as in apimachinery's `schema` package.
 */

export interface GroupVersion {
  /** "" for the core group. */
  readonly group: string
  readonly version: string
}

export interface GroupResource {
  readonly group: string
  readonly resource: string
}

export interface GroupKind {
  readonly group: string
  readonly kind: string
}

export interface GroupVersionResource {
  readonly group: string
  readonly version: string
  readonly resource: string
}

export interface GroupVersionKind {
  readonly group: string
  readonly version: string
  readonly kind: string
}

/** `v1` for the core group, `apps/v1` otherwise. */
export const formatGroupVersion = (gv: GroupVersion): string =>
  gv.group === "" ? gv.version : `${gv.group}/${gv.version}`

/** `deployments.apps`, or `pods` for the core group. */
export const formatGroupResource = (gr: GroupResource): string =>
  gr.group === "" ? gr.resource : `${gr.resource}.${gr.group}`

/**
 * apimachinery's `ParseGroupVersion`: "" is the empty group version, `v1` the core group, `apps/v1` a group; more
 * than one slash is an error (undefined here).
 */
export const parseGroupVersion = (text: string): GroupVersion | undefined => {
  if (text === "" || text === "/") return { group: "", version: "" }
  const parts = text.split("/")
  if (parts.length === 1) return { group: "", version: parts[0]! }
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! }
  return undefined
}

/**
 * apimachinery's `ParseResourceArg`: `deployments.v1.apps` may be a fully specified resource (when it has at least
 * two dots); the group resource reading (`deployments` in group `v1.apps`) is always returned too.
 */
export const parseResourceArg = (
  arg: string
): { readonly fullySpecified: GroupVersionResource | undefined; readonly groupResource: GroupResource } => {
  const dot = arg.indexOf(".")
  const groupResource = dot < 0
    ? { group: "", resource: arg }
    : { group: arg.slice(dot + 1), resource: arg.slice(0, dot) }
  const parts = arg.split(".")
  const fullySpecified = parts.length >= 3
    ? { resource: parts[0]!, version: parts[1]!, group: parts.slice(2).join(".") }
    : undefined
  return { fullySpecified, groupResource }
}

/** apimachinery's `ParseKindArg`: `Deployment.v1.apps` → a fully specified kind, and the group kind reading. */
export const parseKindArg = (
  arg: string
): { readonly fullySpecified: GroupVersionKind | undefined; readonly groupKind: GroupKind } => {
  const dot = arg.indexOf(".")
  const groupKind = dot < 0 ? { group: "", kind: arg } : { group: arg.slice(dot + 1), kind: arg.slice(0, dot) }
  const parts = arg.split(".")
  const fullySpecified = parts.length >= 3
    ? { kind: parts[0]!, version: parts[1]!, group: parts.slice(2).join(".") }
    : undefined
  return { fullySpecified, groupKind }
}

/** The group and version of an object's `apiVersion`. */
export const fromApiVersion = (apiVersion: string): GroupVersion => {
  const slash = apiVersion.indexOf("/")
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}
