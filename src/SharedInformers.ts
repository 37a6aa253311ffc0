/**
 * One informer per resource, namespace and selectors for a whole program (client-go's SharedInformerFactory):
 * however many parts of the program ask, one list and one watch run; the informer starts on first use and stops
 * when the last scope that asked for it closes.
 *
 * ```ts
 * const informers = yield* SharedInformers.SharedInformers
 * const pods = yield* informers.resource(PodResource, { namespace: "default" })
 * yield* pods.waitForSync
 * ```
 *
 * The first request for a key decides its informer's other options (transform, resync period, indexers); later
 * requests share that informer as it is.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type { GroupVersionResource } from "./DynamicClient.js"
import * as DynamicClient from "./DynamicClient.js"
import * as Informer from "./Informer.js"
import * as MetadataClient from "./MetadataClient.js"
import type { ResourceDef } from "./Resource.js"
import * as ResourceClient from "./ResourceClient.js"
import { RestClient, type Service as RestClientService } from "./RestClient.js"
import type { Unstructured } from "./Unstructured.js"
import type * as Watcher from "./Watcher.js"

/**
 * @since 0.2.0
 * @category options
 */
export interface Options<A> extends Informer.Options<A> {
  /** Omit (or `""`) for all namespaces or a cluster-scoped resource. */
  readonly namespace?: string | undefined
}

/**
 * The object type of a resource definition.
 *
 * @since 0.2.0
 * @category models
 */
export type ObjectOf<D> = D extends ResourceDef<infer A, any> ? A : never

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** The shared informer of a typed resource (a generated `PodResource`, a `CustomResource.make` definition). */
  readonly resource: <D extends ResourceDef<any, any>>(
    def: D,
    options?: Options<ObjectOf<D>>
  ) => Effect.Effect<Informer.Informer<ObjectOf<D>>, never, Scope.Scope>
  /** The shared informer of any resource as Unstructured objects. */
  readonly dynamic: (
    gvr: GroupVersionResource,
    options?: Options<Unstructured>
  ) => Effect.Effect<Informer.Informer<Unstructured>, never, Scope.Scope>
  /** The shared metadata-only informer of any resource (see {@link MetadataClient}). */
  readonly metadata: (
    gvr: GroupVersionResource,
    options?: Options<MetadataClient.PartialObjectMetadata>
  ) => Effect.Effect<Informer.Informer<MetadataClient.PartialObjectMetadata>, never, Scope.Scope>
  /**
   * The shared informer of any source under a key of your own: requests with equal keys (and equal namespace and
   * selectors in `options`) share one informer.
   */
  readonly custom: <A, E>(
    key: string,
    source: Watcher.Source<A, E>,
    options?: Options<A>
  ) => Effect.Effect<Informer.Informer<A>, never, Scope.Scope>
  /** The keys of the informers running now. */
  readonly running: Effect.Effect<ReadonlyArray<string>>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class SharedInformers extends Context.Tag("effect-kube/SharedInformers")<SharedInformers, Service>() {}

interface Entry {
  readonly informer: Informer.Informer<any>
  readonly scope: Scope.CloseableScope
  refs: number
}

const keyFor = (base: string, options: Options<any>) =>
  JSON.stringify([base, options.namespace ?? "", options.labelSelector ?? "", options.fieldSelector ?? ""])

/**
 * The service over a given RestClient; informers live at most as long as `scope`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, RestClient | Scope.Scope> = Effect.gen(function*() {
  const rest = yield* RestClient
  const outer = yield* Effect.scope
  const entries = new Map<string, Entry>()
  const lock = yield* Effect.makeSemaphore(1)
  const dynamic = DynamicClient.fromRestClient(rest)
  const metadata = MetadataClient.fromRestClient(rest)

  const release = (key: string, entry: Entry) =>
    lock.withPermits(1)(Effect.suspend(() => {
      entry.refs--
      if (entry.refs > 0) return Effect.void
      entries.delete(key)
      return Scope.close(entry.scope, Exit.void)
    }))

  const acquire = <A>(
    key: string,
    build: () => Watcher.Source<A, unknown>,
    options: Options<A>
  ): Effect.Effect<Informer.Informer<A>, never, Scope.Scope> =>
    Effect.uninterruptible(Effect.gen(function*() {
      const entry = yield* lock.withPermits(1)(Effect.gen(function*() {
        const existing = entries.get(key)
        if (existing !== undefined) {
          existing.refs++
          return existing
        }
        const scope = yield* Scope.fork(outer, ExecutionStrategy.sequential)
        const informer = yield* Scope.extend(Informer.make(build(), options), scope)
        const created: Entry = { informer, scope, refs: 1 }
        entries.set(key, created)
        return created
      }))
      yield* Effect.addFinalizer(() => release(key, entry))
      return entry.informer as Informer.Informer<A>
    }))

  const service: Service = {
    resource: (def, options = {}) =>
      acquire(
        keyFor(`${def.group}/${def.version}/${def.plural}`, options),
        () =>
          (ResourceClient.fromRestClient as (r: RestClientService, d: ResourceDef<any, any>, ns?: string) => any)(
            rest,
            def,
            options.namespace ?? ""
          ),
        options
      ),
    dynamic: (gvr, options = {}) =>
      acquire(
        keyFor(`dynamic:${gvr.group}/${gvr.version}/${gvr.resource}`, options),
        () => {
          const client = dynamic.resource(gvr)
          return options.namespace === undefined || options.namespace === ""
            ? client
            : client.namespace(options.namespace)
        },
        options
      ),
    metadata: (gvr, options = {}) =>
      acquire(
        keyFor(`metadata:${gvr.group}/${gvr.version}/${gvr.resource}`, options),
        () => {
          const client = metadata.resource(gvr)
          return options.namespace === undefined || options.namespace === ""
            ? client
            : client.namespace(options.namespace)
        },
        options
      ),
    custom: (key, source, options = {}) => acquire(keyFor(`custom:${key}`, options), () => source, options),
    running: Effect.sync(() => [...entries.keys()])
  }
  return service
})

/**
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<SharedInformers, never, RestClient> = Layer.scoped(SharedInformers, make)

/**
 * {@link Service.resource} through the service.
 *
 * @since 0.2.0
 * @category accessors
 */
export const resource = <D extends ResourceDef<any, any>>(
  def: D,
  options?: Options<ObjectOf<D>>
): Effect.Effect<Informer.Informer<ObjectOf<D>>, never, SharedInformers | Scope.Scope> =>
  Effect.flatMap(SharedInformers, (s) => s.resource(def, options))

/**
 * {@link Service.dynamic} through the service.
 *
 * @since 0.2.0
 * @category accessors
 */
export const dynamic = (
  gvr: GroupVersionResource,
  options?: Options<Unstructured>
): Effect.Effect<Informer.Informer<Unstructured>, never, SharedInformers | Scope.Scope> =>
  Effect.flatMap(SharedInformers, (s) => s.dynamic(gvr, options))
