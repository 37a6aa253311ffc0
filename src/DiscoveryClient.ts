/**
 * What the server serves: client-go's discovery client with its memory cache and kubectl's disk cache.
 *
 * - Aggregated discovery (one request each for `/api` and `/apis`) when the server offers it, told apart by the
 *   response Content-Type; the legacy per-group-version documents otherwise, or always with `aggregated: false`.
 * - A group version that cannot be discovered (an aggregated API answering 503, or listed as `Stale`) does not fail
 *   the call: results carry `failed`, each entry with its typed error; {@link requireComplete} turns that into a
 *   {@link GroupDiscoveryFailed} failure for callers that want all or nothing.
 * - {@link layer} caches in memory until {@link DiscoveryClient.invalidate}; {@link layerCached} adds kubectl's disk
 *   cache (`~/.kube/cache/discovery/<host_port>/`, 6 hour TTL, shared with kubectl). A group version asked for
 *   by name and missing from the cache is fetched from the server, and the cache is dropped when it exists.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Os from "node:os"
import * as Path from "node:path"
import * as model from "./DiscoveryModel.js"
import * as gvk from "./GroupVersion.js"
import * as internal from "./internal/discovery/client.js"
import * as disk from "./internal/discovery/diskCache.js"
import { RestClient } from "./RestClient.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  GroupVersion
} from "./GroupVersion.js"

/**
 * meta/v1 APIGroup.
 *
 * @since 0.1.0
 * @category models
 */
export type APIGroup = model.APIGroup

/**
 * meta/v1 APIResource. Subresources appear as `pods/status`.
 *
 * @since 0.1.0
 * @category models
 */
export type APIResource = model.APIResource

/**
 * meta/v1 APIResourceList: the resources of one group version.
 *
 * @since 0.1.0
 * @category models
 */
export type APIResourceList = model.APIResourceList

/**
 * The server's `/version`.
 *
 * @since 0.1.0
 * @category models
 */
export type VersionInfo = model.VersionInfo

/**
 * Groups and the resource lists of every group version that could be discovered; `failed` names the others.
 *
 * @since 0.1.0
 * @category models
 */
export type GroupsAndResources = model.Snapshot

/**
 * @since 0.1.0
 * @category models
 */
export type ResourceLists = model.ResourceLists

/**
 * One group version that could not be discovered, and why.
 *
 * @since 0.1.0
 * @category models
 */
export type FailedGroupVersion = model.FailedGroupVersion

/**
 * @since 0.1.0
 * @category models
 */
export type GroupVersionError = model.GroupVersionError

/**
 * Aggregated discovery listed the group version as stale: its aggregated API server has not answered lately.
 *
 * @since 0.1.0
 * @category errors
 */
export const StaleGroupVersion: typeof model.StaleGroupVersion = model.StaleGroupVersion

/**
 * @since 0.1.0
 * @category errors
 */
export type StaleGroupVersion = model.StaleGroupVersion

/**
 * client-go's `ErrGroupDiscoveryFailed`: the message reads `unable to retrieve the complete list of server APIs:
 * metrics.k8s.io/v1beta1: the server is currently unable to handle the request`.
 *
 * @since 0.1.0
 * @category errors
 */
export const GroupDiscoveryFailed: typeof model.GroupDiscoveryFailed = model.GroupDiscoveryFailed

/**
 * @since 0.1.0
 * @category errors
 */
export type GroupDiscoveryFailed = model.GroupDiscoveryFailed

/**
 * @since 0.1.0
 * @category models
 */
export type Service = model.Service

/**
 * @since 0.1.0
 * @category tags
 */
export class DiscoveryClient extends Context.Tag("effect-kube/DiscoveryClient")<DiscoveryClient, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Ask for aggregated discovery (default true); false always uses the legacy per-group-version documents. */
  readonly aggregated?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CacheOptions extends Options {
  /**
   * The cache root; `<root>/<host_port>/` holds one server's files. Default: `$KUBECACHEDIR/discovery`, else
   * `~/.kube/cache/discovery`, as kubectl.
   */
  readonly directory?: string | undefined
  /** How long files stay valid; kubectl's default is 6 hours. */
  readonly ttl?: Duration.DurationInput | undefined
}

/**
 * kubectl's default time to live of cached discovery files.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTtl: Duration.Duration = Duration.hours(6)

/**
 * The default cache root: `$KUBECACHEDIR/discovery` or `~/.kube/cache/discovery`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultCacheRoot = (): string => {
  const base = process.env.KUBECACHEDIR !== undefined && process.env.KUBECACHEDIR !== ""
    ? process.env.KUBECACHEDIR
    : Path.join(process.env.HOME ?? Os.homedir(), ".kube", "cache")
  return Path.join(base, "discovery")
}

/**
 * The directory kubectl uses for `server` under `root` (`https://a.b:6443` → `<root>/a.b_6443`); it never lies
 * outside `root`, whatever the server string holds.
 *
 * @since 0.1.0
 * @category utils
 */
export const cacheDirectory: (root: string, server: string) => string = disk.directoryFor

/**
 * apimachinery's `ParseGroupVersion`: `v1` → core group, `apps/v1` → group apps; undefined for more than one slash.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseGroupVersion: (text: string) => gvk.GroupVersion | undefined = gvk.parseGroupVersion

/**
 * Fails with {@link GroupDiscoveryFailed} when some group versions could not be discovered.
 *
 * @since 0.1.0
 * @category utils
 */
export const requireComplete = <A extends { readonly failed: ReadonlyArray<FailedGroupVersion> }>(
  result: A
): Effect.Effect<A, GroupDiscoveryFailed> =>
  result.failed.length === 0
    ? Effect.succeed(result)
    : Effect.fail(new model.GroupDiscoveryFailed({ groups: result.failed }))

/**
 * A discovery client with a memory cache only.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, never, RestClient> =>
  Effect.flatMap(RestClient, (rest) => internal.make(rest, { aggregated: options.aggregated ?? true }))

/**
 * A discovery client with the memory cache and kubectl's disk cache.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCached = (
  options: CacheOptions = {}
): Effect.Effect<Service, never, RestClient | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const rest = yield* RestClient
    const fs = yield* FileSystem.FileSystem
    return yield* internal.make(rest, {
      aggregated: options.aggregated ?? true,
      disk: {
        fs,
        dir: disk.directoryFor(options.directory ?? defaultCacheRoot(), rest.config.server),
        ttl: options.ttl === undefined ? defaultTtl : Duration.decode(options.ttl)
      }
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<DiscoveryClient, never, RestClient> =>
  Layer.effect(DiscoveryClient, make(options))

/**
 * The disk-cached client, as kubectl uses it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCached = (
  options: CacheOptions = {}
): Layer.Layer<DiscoveryClient, never, RestClient | FileSystem.FileSystem> =>
  Layer.effect(DiscoveryClient, makeCached(options))
