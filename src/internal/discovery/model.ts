/**
 * Discovery results and their errors, shared by the fetcher, the caches and the public module.
 */
import * as Data from "effect/Data"
import type * as meta from "../../generated/meta/v1.js"
import type { RestClientError } from "../../RestClient.js"

export type APIGroup = meta.APIGroup
export type APIResource = meta.APIResource
export type APIResourceList = meta.APIResourceList

/** A group version listed by aggregated discovery as `freshness: Stale`: its aggregated API did not answer lately. */
export class StaleGroupVersion extends Data.TaggedError("StaleGroupVersion")<{
  readonly groupVersion: string
}> {
  override get message(): string {
    return `stale GroupVersion discovery: ${this.groupVersion}`
  }
}

/** Why one group version could not be discovered. */
export type GroupVersionError = RestClientError | StaleGroupVersion

export interface FailedGroupVersion {
  readonly groupVersion: string
  readonly error: GroupVersionError
}

/**
 * client-go's `ErrGroupDiscoveryFailed`: some group versions could not be discovered. Results for the others are
 * still returned next to it.
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

/** Everything discovery knows at one moment. `resources` follows the order of `groups` and their versions. */
export interface Snapshot {
  readonly groups: ReadonlyArray<APIGroup>
  readonly resources: ReadonlyArray<APIResourceList>
  readonly failed: ReadonlyArray<FailedGroupVersion>
}
