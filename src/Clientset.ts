/**
 * The typed clientset, client-go's `kubernetes.Clientset`: one accessor per group/version and one typed client per
 * resource, for every resource of the bundled Kubernetes API.
 *
 * | client-go                                                       | effect-kube                                   |
 * | --------------------------------------------------------------- | --------------------------------------------- |
 * | `cs.CoreV1().Pods("default").Get(ctx, "nginx", metav1.GetOptions{})` | `cs.coreV1.pods("default").get("nginx")`   |
 * | `cs.AppsV1().Deployments(ns).List(ctx, opts)`                    | `cs.appsV1.deployments(ns).list(opts)`        |
 * | `cs.CoreV1().Nodes().Get(ctx, "n1", ...)`                        | `cs.coreV1.nodes.get("n1")`                   |
 *
 * Group/versions and their clients are built on first access and each group/version's schemas are imported on its
 * first request, so an unused part of the API costs nothing at start-up. Operations need nothing from the context:
 * the RestClient is captured when the clientset is built.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Clientset from "effect-kube/Clientset"
 *
 * const program = Effect.gen(function*() {
 *   const cs = yield* Clientset.Clientset
 *   const pod = yield* cs.coreV1.pods("default").get("nginx").pipe(
 *     Effect.catchTag("NotFound", () => Effect.succeed(undefined))
 *   )
 *   return pod?.status?.phase
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Factory } from "./ClientsetModel.js"
import { type GroupVersions, makeGroupVersions } from "./generated/clientset.js"
import * as internal from "./internal/clientset/client.js"
import type { ResourceDef } from "./Resource.js"
import type { ClientFor, NamespaceArgs } from "./ResourceClient.js"
import { RestClient, type Service as RestClientService } from "./RestClient.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service extends GroupVersions {
  /** The RestClient the clients use, for requests the typed clients do not cover (client-go `RESTClient()`). */
  readonly restClient: RestClientService
  /**
   * A typed client for any ResourceDef, typically a custom resource from `CustomResource.make`. The namespace is
   * required for namespaced kinds and absent for cluster-scoped ones; `""` means all namespaces.
   */
  readonly custom: <D extends ResourceDef<any, any>>(def: D, ...namespace: NamespaceArgs<D>) => ClientFor<D>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Clientset extends Context.Tag("effect-kube/Clientset")<Clientset, Service>() {}

/**
 * A clientset over a RestClient. Nothing is built until an accessor is read.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRestClient = (restClient: RestClientService): Service => {
  const factory: Factory = {
    namespaced: (spec) => (namespace: string) => internal.make(restClient, spec, namespace),
    cluster: (spec) => internal.make(restClient, spec, undefined)
  }
  // The group/versions are memoising getters; inheriting them keeps them lazy (copying would run every getter).
  return Object.create(makeGroupVersions(factory), {
    restClient: { value: restClient, enumerable: true },
    custom: {
      value: (def: ResourceDef<any, any>, namespace?: string) =>
        internal.fromDef(restClient, def, def.namespaced ? namespace ?? "" : undefined),
      enumerable: true
    }
  }) as Service
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, RestClient> = Effect.map(RestClient, fromRestClient)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Clientset, never, RestClient> = Layer.effect(Clientset, make)
