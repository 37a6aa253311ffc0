/**
 * What discovery returns (groups, resource lists, the server version), how a group version fails to be discovered,
 * and the discovery client's interface. Re-exported by `DiscoveryClient`; defined apart from it so the
 * implementations under `internal/` can use them without importing the module that wires them.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as meta from "./generated/meta/v1.js"
import type { RestClientError } from "./RestClientModel.js"

/**
 * meta/v1 APIGroup.
 *
 * @since 0.2.0
 * @category models
 */
export type APIGroup = meta.APIGroup

/**
 * meta/v1 APIResource. Subresources appear as `pods/status`.
 *
 * @since 0.2.0
 * @category models
 */
export type APIResource = meta.APIResource

/**
 * meta/v1 APIResourceList: the resources of one group version.
 *
 * @since 0.2.0
 * @category models
 */
export type APIResourceList = meta.APIResourceList

/**
 * Aggregated discovery listed the group version as stale: its aggregated API server has not answered lately.
 *
 * @since 0.2.0
 * @category errors
 */
export class StaleGroupVersion extends Data.TaggedError("StaleGroupVersion")<{
  readonly groupVersion: string
}> {
  override get message(): string {
    return `stale GroupVersion discovery: ${this.groupVersion}`
  }
}

/**
 * @since 0.2.0
 * @category models
 */
export type GroupVersionError = RestClientError | StaleGroupVersion

/**
 * One group version that could not be discovered, and why.
 *
 * @since 0.2.0
 * @category models
 */
export interface FailedGroupVersion {
  readonly groupVersion: string
  readonly error: GroupVersionError
}

/**
 * client-go's `ErrGroupDiscoveryFailed`: the message reads `unable to retrieve the complete list of server APIs:
 * metrics.k8s.io/v1beta1: the server is currently unable to handle the request`.
 *
 * @since 0.2.0
 * @category errors
 */
export class GroupDiscoveryFailed extends Data.TaggedError("GroupDiscoveryFailed")<{
  readonly groups: ReadonlyArray<FailedGroupVersion>
}> {
  override get message(): string {
    const parts = [...this.groups]
      .sort((a, b) => a.groupVersion < b.groupVersion ? -1 : a.groupVersion > b.groupVersion ? 1 : 0)
      .map((g) => `${g.groupVersion}: ${errorText(g.error)}`)
    return `unable to retrieve the complete list of server APIs: ${parts.join(", ")}`
  }
}

const errorText = (error: GroupVersionError): string => {
  const status = (error as { readonly status?: { readonly message?: unknown } }).status
  return typeof status?.message === "string" && status.message !== "" ? status.message : error.message
}

/**
 * Groups and the resource lists of every group version that could be discovered; `failed` names the others.
 *
 * @since 0.2.0
 * @category models
 */
export interface Snapshot {
  readonly groups: ReadonlyArray<APIGroup>
  readonly resources: ReadonlyArray<APIResourceList>
  readonly failed: ReadonlyArray<FailedGroupVersion>
}

/**
 * The server's `/version`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const VersionInfo = Schema.Struct({
  major: Schema.optionalWith(Schema.String, { default: () => "" }),
  minor: Schema.optionalWith(Schema.String, { default: () => "" }),
  gitVersion: Schema.optionalWith(Schema.String, { default: () => "" }),
  gitCommit: Schema.optional(Schema.String),
  gitTreeState: Schema.optional(Schema.String),
  buildDate: Schema.optional(Schema.String),
  goVersion: Schema.optional(Schema.String),
  compiler: Schema.optional(Schema.String),
  platform: Schema.optional(Schema.String)
}).annotations({ parseOptions: { onExcessProperty: "preserve" } })

/**
 * @since 0.2.0
 * @category models
 */
export interface ResourceLists {
  readonly resources: ReadonlyArray<APIResourceList>
  readonly failed: ReadonlyArray<FailedGroupVersion>
}

/**
 * The discovery client (client-go's `DiscoveryInterface`): the server's version, groups and resources, cached.
 *
 * @since 0.2.0
 * @category models
 */
export interface Service {
  readonly serverVersion: Effect.Effect<VersionInfo, RestClientError>
  readonly serverGroups: Effect.Effect<{ readonly groups: ReadonlyArray<APIGroup> }, RestClientError>
  readonly serverResourcesForGroupVersion: (
    groupVersion: string
  ) => Effect.Effect<APIResourceList, RestClientError>
  readonly serverGroupsAndResources: Effect.Effect<Snapshot, RestClientError>
  readonly serverPreferredResources: Effect.Effect<ResourceLists, RestClientError>
  readonly serverPreferredNamespacedResources: Effect.Effect<ResourceLists, RestClientError>
  readonly invalidate: Effect.Effect<void>
  /** True when the last snapshot came from the server rather than from a cache (client-go's `Fresh`). */
  readonly fresh: Effect.Effect<boolean>
}

/**
 * The server's `/version`.
 *
 * @since 0.2.0
 * @category models
 */
export type VersionInfo = typeof VersionInfo.Type
