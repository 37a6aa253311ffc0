/**
 * Kinds to resources and back, as kubectl resolves them: client-go's discovery REST mapper with its priorities
 * (groups in discovery order, each group's preferred version first), kubectl's short names (`po`, `deploy`, `svc`),
 * group and version qualifiers (`deployments.apps`, `deployments.v1.apps`), kinds (`Deployment`) and categories
 * (`all`).
 *
 * Built from the {@link DiscoveryClient.DiscoveryClient}; on a miss it invalidates discovery and tries once more, so
 * a CustomResourceDefinition created a moment ago resolves. When the priorities cannot choose between matches the
 * result is an {@link AmbiguousResource} error listing them.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { DiscoveryClient } from "./DiscoveryClient.js"
import type { Snapshot } from "./DiscoveryModel.js"
import type { GroupKind, GroupResource, GroupVersionKind, GroupVersionResource } from "./GroupVersion.js"
import * as gvk from "./GroupVersion.js"
import * as internal from "./internal/discovery/mapper.js"
import type { RestClientError } from "./RestClient.js"
import * as mapping from "./RestMapping.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  GroupKind,
  /**
   * @since 0.1.0
   * @category models
   */
  GroupResource,
  /**
   * @since 0.1.0
   * @category models
   */
  GroupVersionKind,
  /**
   * @since 0.1.0
   * @category models
   */
  GroupVersionResource
} from "./GroupVersion.js"

/**
 * How a resource is served: its GVR and GVK, scope, names, verbs and subresources.
 *
 * @since 0.1.0
 * @category models
 */
export type RestMapping = mapping.RestMapping

/**
 * A resource with optional group and version (empty means any).
 *
 * @since 0.1.0
 * @category models
 */
export type PartialResource = mapping.PartialResource

/**
 * @since 0.1.0
 * @category errors
 */
export const NoResourceMatch: typeof mapping.NoResourceMatch = mapping.NoResourceMatch

/**
 * @since 0.1.0
 * @category errors
 */
export type NoResourceMatch = mapping.NoResourceMatch

/**
 * @since 0.1.0
 * @category errors
 */
export const NoKindMatch: typeof mapping.NoKindMatch = mapping.NoKindMatch

/**
 * @since 0.1.0
 * @category errors
 */
export type NoKindMatch = mapping.NoKindMatch

/**
 * @since 0.1.0
 * @category errors
 */
export const AmbiguousResource: typeof mapping.AmbiguousResource = mapping.AmbiguousResource

/**
 * @since 0.1.0
 * @category errors
 */
export type AmbiguousResource = mapping.AmbiguousResource

/**
 * @since 0.1.0
 * @category models
 */
export type RestMapperError = mapping.MatchError | RestClientError

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * The preferred match of a partial resource by plural, singular or short name (`{ resource: "deployments" }`,
   * `{ group: "apps", resource: "deploy" }`).
   */
  readonly resourceFor: (partial: PartialResource) => Effect.Effect<GroupVersionResource, RestMapperError>
  /** Every match of a partial resource, in discovery order. */
  readonly resourcesFor: (
    partial: PartialResource
  ) => Effect.Effect<ReadonlyArray<GroupVersionResource>, RestMapperError>
  readonly kindFor: (partial: PartialResource) => Effect.Effect<GroupVersionKind, RestMapperError>
  /** The mapping of a kind; the group's preferred version unless versions are given (tried in order). */
  readonly restMapping: (
    groupKind: GroupKind,
    ...versions: ReadonlyArray<string>
  ) => Effect.Effect<RestMapping, RestMapperError>
  readonly restMappings: (
    groupKind: GroupKind,
    ...versions: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<RestMapping>, RestMapperError>
  /** The mapping of the resource a GVR or partial resource names. */
  readonly mappingFor: (partial: PartialResource) => Effect.Effect<RestMapping, RestMapperError>
  /**
   * A kubectl resource argument: `po`, `pods`, `pod`, `Pod`, `deployments.apps`, `deployments.v1.apps`,
   * `Deployment.v1.apps`.
   */
  readonly resolve: (arg: string) => Effect.Effect<RestMapping, RestMapperError>
  /** The members of a category (`all`) at their preferred versions; empty when the category is unknown. */
  readonly expandCategory: (category: string) => Effect.Effect<ReadonlyArray<RestMapping>, RestClientError>
  /** Forgets what discovery returned; the next call asks again. */
  readonly reset: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RestMapper extends Context.Tag("effect-kube/RestMapper")<RestMapper, Service>() {}

/**
 * apimachinery's `ParseResourceArg`.
 *
 * @since 0.1.0
 * @category utils
 */
export const parseResourceArg = gvk.parseResourceArg

/**
 * `deployments.apps`, or `pods` for the core group.
 *
 * @since 0.1.0
 * @category utils
 */
export const formatGroupResource: (gr: GroupResource) => string = gvk.formatGroupResource

/**
 * A mapper over a fixed discovery snapshot (no refresh): useful offline and in tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSnapshot = (snapshot: Snapshot): Service => {
  const index = internal.buildIndex(snapshot)
  const lift = <A, E>(e: Either.Either<A, E>): Effect.Effect<A, E> =>
    Either.isRight(e) ? Effect.succeed(e.right) : Effect.fail(e.left)
  return build(Effect.succeed(index), Effect.void, lift)
}

const isMiss = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "_tag" in e && (e._tag === "NoResourceMatch" || e._tag === "NoKindMatch")

const build = (
  getIndex: Effect.Effect<internal.Index, RestClientError>,
  refresh: Effect.Effect<void>,
  lift: <A, E>(e: Either.Either<A, E>) => Effect.Effect<A, E>
): Service => {
  // A miss may mean discovery is stale (a CRD was just created): refresh once and look again.
  const withIndex = <A, E>(f: (index: internal.Index) => Either.Either<A, E>): Effect.Effect<A, E | RestClientError> =>
    Effect.flatMap(getIndex, (index) => {
      const first = f(index)
      if (Either.isRight(first) || !isMiss(first.left)) return lift(first)
      return Effect.flatMap(Effect.zipRight(refresh, getIndex), (fresh) => lift(f(fresh)))
    })
  // Short names expand first, as kubectl's shortcut expander wraps its mapper.
  const mappingFor = (partial: PartialResource) =>
    withIndex((index) => internal.resourceFor(index, internal.expandShortcut(index, partial)))
  return {
    resourceFor: (partial) => Effect.map(mappingFor(partial), (m) => m.resource),
    resourcesFor: (partial) =>
      withIndex((index) => {
        const found = internal.resourcesFor(index, internal.expandShortcut(index, partial))
        return found.length === 0
          ? Either.left(new mapping.NoResourceMatch({ partialResource: partial }))
          : Either.right(found.map((m) => m.resource))
      }),
    kindFor: (partial) => Effect.map(mappingFor(partial), (m) => m.groupVersionKind),
    restMapping: (groupKind, ...versions) =>
      Effect.map(withIndex((index) => internal.restMappings(index, groupKind, versions)), (ms) => ms[0]!),
    restMappings: (groupKind, ...versions) => withIndex((index) => internal.restMappings(index, groupKind, versions)),
    mappingFor,
    resolve: (arg) => withIndex((index) => internal.resolve(index, arg)),
    expandCategory: (category) => Effect.map(getIndex, (index) => internal.expandCategory(index, category) ?? []),
    reset: refresh
  }
}

/**
 * A mapper reading discovery through the DiscoveryClient (and so its caches), rebuilding its index when discovery
 * returns a new snapshot.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, DiscoveryClient> = Effect.map(DiscoveryClient, (discovery) => {
  let last: { readonly snapshot: Snapshot; readonly index: internal.Index } | undefined
  const getIndex = Effect.map(discovery.serverGroupsAndResources, (snapshot) => {
    if (last === undefined || last.snapshot !== snapshot) last = { snapshot, index: internal.buildIndex(snapshot) }
    return last.index
  })
  const lift = <A, E>(e: Either.Either<A, E>): Effect.Effect<A, E> =>
    Either.isRight(e) ? Effect.succeed(e.right) : Effect.fail(e.left)
  return build(getIndex, discovery.invalidate, lift)
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<RestMapper, never, DiscoveryClient> = Layer.effect(RestMapper, make)
