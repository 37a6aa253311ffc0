/**
 * The `scale` subresource of any kind that has one (Deployments, ReplicaSets, StatefulSets, ReplicationControllers,
 * custom resources with a scale subresource), addressed by group and resource and resolved through the
 * {@link RestMapper.RestMapper}: client-go's `scale.ScalesGetter`. Values are autoscaling/v1 `Scale`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Scale } from "./generated/autoscaling/v1.js"
import type { GroupResource } from "./GroupVersion.js"
import { formatGroupResource } from "./GroupVersion.js"
import * as KubeRequest from "./KubeRequest.js"
import { RestClient } from "./RestClient.js"
import { RestMapper, type RestMapperError, type RestMapping } from "./RestMapper.js"

/**
 * The resource resolved, but discovery lists no `scale` subresource for it.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoScaleSubresource extends Data.TaggedError("NoScaleSubresource")<{
  readonly groupResource: GroupResource
}> {
  override get message(): string {
    return `${formatGroupResource(this.groupResource)} has no scale subresource`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type ScaleClientError = RestMapperError | NoScaleSubresource

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly get: (
    groupResource: GroupResource,
    namespace: string,
    name: string
  ) => Effect.Effect<Scale, ScaleClientError>
  /** Replaces the scale; `scale.metadata.name` names the object, and a resourceVersion in it is a precondition. */
  readonly update: (
    groupResource: GroupResource,
    namespace: string,
    scale: Scale,
    options?: KubeRequest.UpdateOptions
  ) => Effect.Effect<Scale, ScaleClientError>
  readonly patch: (
    groupResource: GroupResource,
    namespace: string,
    name: string,
    patchType: KubeRequest.PatchType,
    patch: unknown,
    options?: KubeRequest.PatchOptions
  ) => Effect.Effect<Scale, ScaleClientError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ScaleClient extends Context.Tag("effect-kube/ScaleClient")<ScaleClient, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, RestMapper | RestClient> = Effect.gen(function*() {
  const mapper = yield* RestMapper
  const rest = yield* RestClient
  const resolve = (groupResource: GroupResource): Effect.Effect<RestMapping, ScaleClientError> =>
    Effect.flatMap(
      mapper.mappingFor({ group: groupResource.group, resource: groupResource.resource }),
      (mapping) =>
        mapping.subresources.includes("scale")
          ? Effect.succeed(mapping)
          : Effect.fail(new NoScaleSubresource({ groupResource }))
    )
  const target = (mapping: RestMapping, namespace: string, name: string | undefined): KubeRequest.Target => ({
    group: mapping.resource.group,
    version: mapping.resource.version,
    resource: mapping.resource.resource,
    namespace: mapping.namespaced ? namespace : undefined,
    name,
    subresource: "scale"
  })
  return {
    get: (groupResource, namespace, name) =>
      Effect.flatMap(resolve(groupResource), (m) => rest.execute(KubeRequest.get(target(m, namespace, name)), Scale)),
    update: (groupResource, namespace, scale, options) =>
      Effect.flatMap(resolve(groupResource), (m) =>
        rest.execute(
          KubeRequest.updateOptions(
            KubeRequest.update(target(m, namespace, scale.metadata?.name), {
              apiVersion: "autoscaling/v1",
              kind: "Scale",
              ...scale
            }),
            options ?? {}
          ),
          Scale
        )),
    patch: (groupResource, namespace, name, patchType, patch, options) =>
      Effect.flatMap(resolve(groupResource), (m) =>
        rest.execute(
          KubeRequest.patchOptions(KubeRequest.patch(target(m, namespace, name), patchType, patch), options ?? {}),
          Scale
        ))
  }
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ScaleClient, never, RestMapper | RestClient> = Layer.effect(ScaleClient, make)
