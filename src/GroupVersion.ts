/**
 * Group/version/kind/resource identifiers and their string forms, as in apimachinery's `schema` package.
 *
 * @since 0.2.0
 */

/**
 * A group and version: `apps/v1`, or `v1` in the core group.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupVersion {
  /** "" for the core group. */
  readonly group: string
  readonly version: string
}

/**
 * A resource within a group, any version: `deployments.apps`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupResource {
  readonly group: string
  readonly resource: string
}

/**
 * A kind within a group, any version: `Deployment.apps`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupKind {
  readonly group: string
  readonly kind: string
}

/**
 * A resource at one group version: what a URL path names.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupVersionResource {
  readonly group: string
  readonly version: string
  readonly resource: string
}

/**
 * A kind at one group version: what an object's apiVersion and kind name.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupVersionKind {
  readonly group: string
  readonly version: string
  readonly kind: string
}

/**
 * `deployments.apps`, or `pods` for the core group.
 *
 * @since 0.1.0
 * @category utils
 */
export const formatGroupResource = (gr: GroupResource): string =>
  gr.group === "" ? gr.resource : `${gr.resource}.${gr.group}`

/**
 * apimachinery's `ParseGroupVersion`: "" is the empty group version, `v1` the core group, `apps/v1` a group; more
 * than one slash is an error (undefined here).
 *
 * @since 0.1.0
 * @category utils
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
 *
 * @since 0.1.0
 * @category utils
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

/**
 * The group and version of an object's `apiVersion`.
 *
 * @since 0.1.0
 * @category utils
 */
export const fromApiVersion = (apiVersion: string): GroupVersion => {
  const slash = apiVersion.indexOf("/")
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}
