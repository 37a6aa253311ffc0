/**
 * The typed client for one kind of resource, client-go's `PodInterface`, `DeploymentInterface`, ...: get, list,
 * listAll, watch, create, update, patch (JSON, merge, strategic, server-side apply), delete, deleteCollection, and
 * the subresources the kind serves (status, scale, pod logs, eviction, binding, ...).
 *
 * The {@link Clientset} builds one for every built-in resource; {@link make} builds one for any
 * {@link ResourceDef}, for example a custom resource described with `CustomResource.make`.
 *
 * Every operation's error channel names what it can fail with (`get` can fail with `NotFound`, `create` with
 * `AlreadyExists`, ...). A server answer outside that list (a webhook answering a read with `Conflict`, say) arrives
 * as a `StatusError` that keeps the code and Status, so the declared unions stay exhaustive.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as authentication_v1 from "./generated/authentication/v1.js"
import type * as autoscaling_v1 from "./generated/autoscaling/v1.js"
import type * as core_v1 from "./generated/core/v1.js"
import type * as meta_v1 from "./generated/meta/v1.js"
import * as internal from "./internal/clientset/client.js"
import type * as KubeError from "./KubeError.js"
import type * as KubeRequest from "./KubeRequest.js"
import type * as PodExec from "./PodExec.js"
import type * as PortForward from "./PortForward.js"
import type { ResourceDef } from "./Resource.js"
import { RestClient, type Service as RestClientService } from "./RestClient.js"
import type { CredentialsError } from "./RestClient.js"
import type { WatchEvent } from "./Watch.js"
import type { DialError, WebSocketTransport } from "./WebSocketTransport.js"

// ---------------------------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------------------------

/*
 * The API errors of each operation are listed once, in `KubeError.operationErrorTags`; the implementation narrows
 * to the same lists at run time.
 */

/**
 * What any request can fail with: authentication and authorisation, throttling, server trouble, the transport,
 * a body the Schema rejects, a request that could not be built, credentials that could not be obtained.
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError =
  | KubeError.OperationApiError<"common">
  | KubeError.TransportError
  | KubeError.DecodeError
  | KubeError.InvalidRequest
  | CredentialsError

/**
 * @since 0.1.0
 * @category errors
 */
export type GetError = CommonError | KubeError.OperationApiError<"get">

/**
 * `Gone` / `Expired`: the resourceVersion or continue token is too old.
 *
 * @since 0.1.0
 * @category errors
 */
export type ListError = CommonError | KubeError.OperationApiError<"list">

/**
 * @since 0.1.0
 * @category errors
 */
export type WatchError = ListError

/**
 * `NotFound` when the namespace does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export type CreateError = CommonError | KubeError.OperationApiError<"create">

/**
 * `Conflict` when the object changed since it was read (a stale resourceVersion).
 *
 * @since 0.1.0
 * @category errors
 */
export type UpdateError = CommonError | KubeError.OperationApiError<"update">

/**
 * `Conflict` also when server-side apply meets fields owned by another manager (without `force`);
 * `UnsupportedMediaType` for a strategic merge patch on a custom resource.
 *
 * @since 0.1.0
 * @category errors
 */
export type PatchError = CommonError | KubeError.OperationApiError<"patch">

/**
 * `Conflict` when a precondition (uid, resourceVersion) does not hold.
 *
 * @since 0.1.0
 * @category errors
 */
export type DeleteError = CommonError | KubeError.OperationApiError<"delete">

/**
 * @since 0.1.0
 * @category errors
 */
export type DeleteCollectionError = CommonError | KubeError.OperationApiError<"deleteCollection">

/**
 * `BadRequest` (in {@link CommonError}) when the container is not one of the pod's.
 *
 * @since 0.1.0
 * @category errors
 */
export type LogError = CommonError | KubeError.OperationApiError<"log">

/**
 * `TooManyRequests` (in {@link CommonError}) when a PodDisruptionBudget does not allow the eviction now.
 *
 * @since 0.1.0
 * @category errors
 */
export type EvictError = CommonError | KubeError.OperationApiError<"evict">

// ---------------------------------------------------------------------------------------------------------------
// options and values
// ---------------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category options
 */
export type GetOptions = KubeRequest.GetOptions

/**
 * @since 0.1.0
 * @category options
 */
export type ListOptions = KubeRequest.ListOptions

/**
 * @since 0.1.0
 * @category options
 */
export interface ListAllOptions extends Omit<KubeRequest.ListOptions, "continue"> {
  /** Items per page when `limit` is unset; 500 as client-go's pager. */
  readonly pageSize?: number | undefined
}

/**
 * @since 0.1.0
 * @category options
 */
export type WatchOptions = KubeRequest.ListOptions

/**
 * @since 0.1.0
 * @category options
 */
export type CreateOptions = KubeRequest.CreateOptions

/**
 * @since 0.1.0
 * @category options
 */
export type UpdateOptions = KubeRequest.UpdateOptions

/**
 * @since 0.1.0
 * @category options
 */
export type PatchOptions = KubeRequest.PatchOptions

/**
 * Server-side apply needs a field manager; `force` takes over fields other managers own.
 *
 * @since 0.1.0
 * @category options
 */
export interface ApplyOptions extends KubeRequest.PatchOptions {
  readonly fieldManager: string
}

/**
 * @since 0.1.0
 * @category options
 */
export type DeleteOptions = KubeRequest.DeleteOptions

/**
 * @since 0.1.0
 * @category options
 */
export interface DeleteCollectionOptions extends KubeRequest.DeleteOptions, KubeRequest.ListOptions {}

/**
 * core/v1 PodLogOptions.
 *
 * @since 0.1.0
 * @category options
 */
export interface LogOptions {
  /** Required when the pod has more than one container and none is marked default. */
  readonly container?: string | undefined
  readonly follow?: boolean | undefined
  /** The previous, terminated instance of the container. */
  readonly previous?: boolean | undefined
  readonly sinceSeconds?: number | undefined
  /** RFC 3339 time, or a Date. */
  readonly sinceTime?: string | Date | undefined
  readonly timestamps?: boolean | undefined
  readonly tailLines?: number | undefined
  readonly limitBytes?: number | undefined
  readonly insecureSkipTLSVerifyBackend?: boolean | undefined
  /** Which stream of the container; the server's default is "All". */
  readonly stream?: "All" | "Stdout" | "Stderr" | undefined
}

/**
 * @since 0.1.0
 * @category options
 */
export interface EvictOptions {
  /** Passed in the Eviction, governing the deletion of the pod (grace period, preconditions, dryRun). */
  readonly deleteOptions?: KubeRequest.DeleteOptions | undefined
}

/**
 * A list as returned by `list`: the same shape as `PodList`, `DeploymentList`, ...
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectList<A> {
  readonly apiVersion?: string
  readonly kind?: string
  readonly metadata?: meta_v1.ListMeta
  readonly items: ReadonlyArray<A>
}

/**
 * One RFC 6902 operation.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonPatchOperation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string }

/**
 * A merge, strategic merge or apply patch for `A`: every field optional, `null` to remove one (merge patches), and
 * strategic-merge directives (`$patch`, `$retainKeys`, `$setElementOrder/...`, `$deleteFromPrimitiveList/...`)
 * allowed at any level.
 *
 * @since 0.1.0
 * @category models
 */
export type PatchOf<A> = A extends ReadonlyArray<infer E> ? ReadonlyArray<PatchOf<E>>
  : A extends object ?
    { readonly [K in keyof A]?: PatchOf<A[K]> | null } & { readonly [directive: `$${string}`]: unknown }
  : A

/**
 * What `apply` sends: a partial object naming itself. `apiVersion` and `kind` are filled in when missing.
 *
 * @since 0.1.0
 * @category models
 */
export type ApplyConfig<A> = PatchOf<A> & { readonly metadata: { readonly name: string } }

/**
 * client-go's `Patch(ctx, name, patchType, data, opts)`: the patch type decides the body's shape.
 *
 * @since 0.1.0
 * @category models
 */
export interface PatchFunction<A> {
  (
    name: string,
    type: "json",
    patch: ReadonlyArray<JsonPatchOperation>,
    options?: PatchOptions
  ): Effect.Effect<A, PatchError>
  (name: string, type: "merge" | "strategic", patch: PatchOf<A>, options?: PatchOptions): Effect.Effect<A, PatchError>
  (name: string, type: "apply", patch: PatchOf<A>, options: ApplyOptions): Effect.Effect<A, PatchError>
}

// ---------------------------------------------------------------------------------------------------------------
// capabilities
// ---------------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Getter<A> {
  /** client-go `Get(ctx, name, metav1.GetOptions{})`. */
  readonly get: (name: string, options?: GetOptions) => Effect.Effect<A, GetError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Lister<A> {
  /** One page (all items unless `limit` is set): client-go `List(ctx, metav1.ListOptions{})`. */
  readonly list: (options?: ListOptions) => Effect.Effect<ObjectList<A>, ListError>
  /** Every item of every page, fetched page by page as the stream is read (client-go's pager). */
  readonly listAll: (options?: ListAllOptions) => Stream.Stream<A, ListError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Watcher<A> {
  /** client-go `Watch(ctx, opts)`: the events of one watch request; interrupting the stream closes it. */
  readonly watch: (options?: WatchOptions) => Stream.Stream<WatchEvent<A>, WatchError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Creator<A> {
  /** client-go `Create(ctx, obj, metav1.CreateOptions{})`; returns the object as stored. */
  readonly create: (object: A, options?: CreateOptions) => Effect.Effect<A, CreateError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Updater<A> {
  /**
   * client-go `Update(ctx, obj, metav1.UpdateOptions{})`: replaces the object named by `metadata.name`. Fields the
   * schema does not know, read by an earlier `get`, are sent back unchanged.
   */
  readonly update: (object: A, options?: UpdateOptions) => Effect.Effect<A, UpdateError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Patcher<A> {
  readonly patch: PatchFunction<A>
  /** client-go `Apply(ctx, applyConfig, metav1.ApplyOptions{FieldManager, Force})`: server-side apply. */
  readonly apply: (config: ApplyConfig<A>, options: ApplyOptions) => Effect.Effect<A, PatchError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Deleter {
  /** client-go `Delete(ctx, name, metav1.DeleteOptions{})`. */
  readonly delete: (name: string, options?: DeleteOptions) => Effect.Effect<void, DeleteError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CollectionDeleter {
  /** client-go `DeleteCollection(ctx, deleteOptions, listOptions)`. */
  readonly deleteCollection: (options?: DeleteCollectionOptions) => Effect.Effect<void, DeleteCollectionError>
}

/**
 * The operations of a resource serving every standard verb.
 *
 * @since 0.1.0
 * @category models
 */
export interface Client<A>
  extends Getter<A>, Lister<A>, Watcher<A>, Creator<A>, Updater<A>, Patcher<A>, Deleter, CollectionDeleter
{}

/**
 * The `status` subresource.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithStatus<A> {
  readonly getStatus: (name: string, options?: GetOptions) => Effect.Effect<A, GetError>
  /** client-go `UpdateStatus(ctx, obj, opts)`: only `status` changes. */
  readonly updateStatus: (object: A, options?: UpdateOptions) => Effect.Effect<A, UpdateError>
  readonly patchStatus: PatchFunction<A>
  /** client-go `ApplyStatus(ctx, applyConfig, opts)`. */
  readonly applyStatus: (config: ApplyConfig<A>, options: ApplyOptions) => Effect.Effect<A, PatchError>
}

/**
 * The `scale` subresource (autoscaling/v1 Scale).
 *
 * @since 0.1.0
 * @category models
 */
export interface WithScale {
  /** client-go `GetScale(ctx, name, opts)`. */
  readonly getScale: (name: string, options?: GetOptions) => Effect.Effect<autoscaling_v1.Scale, GetError>
  /** client-go `UpdateScale(ctx, name, scale, opts)`. */
  readonly updateScale: (
    name: string,
    scale: autoscaling_v1.Scale,
    options?: UpdateOptions
  ) => Effect.Effect<autoscaling_v1.Scale, UpdateError>
  readonly patchScale: PatchFunction<autoscaling_v1.Scale>
}

/**
 * Pod logs.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithLog {
  /** client-go `GetLogs(name, opts).Stream(ctx)`, split into lines; with `follow` it runs until the container ends. */
  readonly log: (name: string, options?: LogOptions) => Stream.Stream<string, LogError>
  /** client-go `GetLogs(name, opts).Do(ctx).Raw()`: the whole log as text. */
  readonly getLog: (name: string, options?: Omit<LogOptions, "follow">) => Effect.Effect<string, LogError>
}

/**
 * Running a command in a pod's container over a WebSocket (`kubectl exec`); see {@link PodExec} for the session.
 * Scoped: closing the scope closes the socket and ends the command.
 *
 * @since 0.2.0
 * @category models
 */
export interface WithExec {
  readonly exec: (
    name: string,
    options: PodExec.ExecOptions
  ) => Effect.Effect<PodExec.Session, DialError | KubeError.InvalidRequest, WebSocketTransport | Scope.Scope>
  /** Runs the command to its end and collects stdout, stderr and the exit code. */
  readonly execCollect: (
    name: string,
    options: Omit<PodExec.ExecOptions, "stdin"> & { readonly stdin?: string | Uint8Array | undefined }
  ) => Effect.Effect<
    PodExec.Collected,
    Exclude<PodExec.ExecError, PodExec.NonZeroExit> | KubeError.InvalidRequest,
    WebSocketTransport
  >
}

/**
 * Attaching to a running container's main process (`kubectl attach`).
 *
 * @since 0.2.0
 * @category models
 */
export interface WithAttach {
  readonly attach: (
    name: string,
    options?: PodExec.AttachOptions
  ) => Effect.Effect<PodExec.Session, DialError | KubeError.InvalidRequest, WebSocketTransport | Scope.Scope>
}

/**
 * Forwarding a pod's ports over one WebSocket; see {@link PortForward} for a local TCP listener.
 *
 * @since 0.2.0
 * @category models
 */
export interface WithPortForward {
  readonly portForward: (
    name: string,
    ports: ReadonlyArray<number>
  ) => Effect.Effect<
    ReadonlyArray<PortForward.PortStream>,
    DialError | KubeError.InvalidRequest,
    WebSocketTransport | Scope.Scope
  >
}

/**
 * The policy/v1 eviction of a pod.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithEviction {
  /** client-go `EvictV1(ctx, &policyv1.Eviction{...})`. */
  readonly evict: (name: string, options?: EvictOptions) => Effect.Effect<void, EvictError>
}

/**
 * Binding a pod to a node (what a scheduler does).
 *
 * @since 0.1.0
 * @category models
 */
export interface WithBinding {
  /** client-go `Bind(ctx, binding, opts)`: the pod is `binding.metadata.name`. */
  readonly bind: (binding: core_v1.Binding, options?: CreateOptions) => Effect.Effect<void, CreateError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WithEphemeralContainers<A> {
  /** client-go `UpdateEphemeralContainers(ctx, name, pod, opts)`. */
  readonly updateEphemeralContainers: (object: A, options?: UpdateOptions) => Effect.Effect<A, UpdateError>
  readonly patchEphemeralContainers: PatchFunction<A>
}

/**
 * In-place resize of a pod's container resources.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithResize<A> {
  /** client-go `UpdateResize(ctx, name, pod, opts)`. */
  readonly updateResize: (object: A, options?: UpdateOptions) => Effect.Effect<A, UpdateError>
  readonly patchResize: PatchFunction<A>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WithFinalize<A> {
  /** client-go `Finalize(ctx, namespace, opts)`: writes `spec.finalizers`. */
  readonly finalize: (object: A, options?: UpdateOptions) => Effect.Effect<A, UpdateError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WithToken {
  /** client-go `CreateToken(ctx, serviceAccountName, tokenRequest, opts)`. */
  readonly createToken: (
    name: string,
    request: authentication_v1.TokenRequest,
    options?: CreateOptions
  ) => Effect.Effect<authentication_v1.TokenRequest, CreateError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WithApproval<A> {
  /** client-go `UpdateApproval(ctx, name, csr, opts)`: writes the approval conditions. */
  readonly updateApproval: (object: A, options?: UpdateOptions) => Effect.Effect<A, UpdateError>
}

// ---------------------------------------------------------------------------------------------------------------
// clients for any ResourceDef
// ---------------------------------------------------------------------------------------------------------------

/**
 * The subresources a definition declares at the type level (`CustomResource.make` keeps them); `never` when only
 * known at run time.
 *
 * @since 0.1.0
 * @category models
 */
export type SubresourcesOf<D> = D extends { readonly subresources: ReadonlyArray<infer S extends string> }
  ? string extends S ? never : S
  : never

/**
 * The client type for a definition: every standard verb, plus `status` and `scale` operations when the definition
 * declares them at the type level.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientFor<D> = D extends ResourceDef<infer A, infer _I> ?
    & Client<A>
    & ([Extract<SubresourcesOf<D>, "status">] extends [never] ? unknown : WithStatus<A>)
    & ([Extract<SubresourcesOf<D>, "scale">] extends [never] ? unknown : WithScale)
  : never

/**
 * The namespace argument a definition takes: required for namespaced kinds, none for cluster-scoped ones, optional
 * when only known at run time. `""` means all namespaces (for list, listAll, watch).
 *
 * @since 0.1.0
 * @category models
 */
export type NamespaceArgs<D> = D extends { readonly namespaced: true } ? [namespace: string]
  : D extends { readonly namespaced: false } ? []
  : [namespace?: string]

/**
 * A client for `def` over a given RestClient. Operations whose verb or subresource the definition does not list
 * are absent at run time too.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRestClient = <D extends ResourceDef<any, any>>(
  restClient: RestClientService,
  def: D,
  ...namespace: NamespaceArgs<D>
): ClientFor<D> => internal.fromDef(restClient, def, def.namespaced ? namespace[0] ?? "" : undefined) as ClientFor<D>

/**
 * A client for `def` (a generated `PodResource`, or a custom resource from `CustomResource.make`), capturing the
 * RestClient so its operations need nothing more.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Schema from "effect/Schema"
 * import * as CustomResource from "effect-kube/CustomResource"
 * import * as ResourceClient from "effect-kube/ResourceClient"
 *
 * const CronTab = CustomResource.make({
 *   group: "stable.example.com",
 *   version: "v1",
 *   kind: "CronTab",
 *   plural: "crontabs",
 *   namespaced: true,
 *   schema: Schema.Struct({
 *     metadata: Schema.Struct({ name: Schema.String }),
 *     spec: Schema.Struct({ cronSpec: Schema.String })
 *   })
 * })
 *
 * const program = Effect.gen(function*() {
 *   const crontabs = yield* ResourceClient.make(CronTab, "default")
 *   const tab = yield* crontabs.get("nightly")
 *   return tab.spec.cronSpec
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <D extends ResourceDef<any, any>>(
  def: D,
  ...namespace: NamespaceArgs<D>
): Effect.Effect<ClientFor<D>, never, RestClient> =>
  Effect.map(RestClient, (rest) => fromRestClient(rest, def, ...namespace))
