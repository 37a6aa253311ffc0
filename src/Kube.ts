/**
 * The whole client stack as one layer: pick where the configuration comes from (kubeconfig, in-cluster or inferred)
 * and get every client in the Context. The in-memory fake's stack is `layerFake` in `effect-kube/testing`, so a
 * production program never loads the fake apiserver.
 *
 * ```
 * RestConfig -> Credentials -> HttpClient (NodeTransport) -> RateLimit + RetryPolicy -> RestClient
 *   -> Clientset | DynamicClient | DiscoveryClient -> RestMapper -> ScaleClient
 * ```
 *
 * @since 0.1.0
 */
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Clientset from "./Clientset.js"
import * as Credentials from "./Credentials.js"
import * as DiscoveryClient from "./DiscoveryClient.js"
import * as DynamicClient from "./DynamicClient.js"
import * as stack from "./internal/kube/stack.js"
import type * as Kubeconfig from "./Kubeconfig.js"
import * as NodeTransport from "./NodeTransport.js"
import * as RateLimit from "./RateLimit.js"
import * as RestClient from "./RestClient.js"
import * as RestConfig from "./RestConfig.js"
import * as RestMapper from "./RestMapper.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as ScaleClient from "./ScaleClient.js"
import * as WebSocketTransport from "./WebSocketTransport.js"

/**
 * Every service the stack provides to a program.
 *
 * @since 0.1.0
 * @category models
 */
export type Clients =
  | RestConfig.RestConfig
  | RestClient.RestClient
  | RateLimit.RateLimit
  | RetryPolicy.RetryPolicy
  | Clientset.Clientset
  | DynamicClient.DynamicClient
  | DiscoveryClient.DiscoveryClient
  | RestMapper.RestMapper
  | ScaleClient.ScaleClient

/**
 * What the Node stacks ({@link layer}, {@link layerKubeconfig}, {@link layerInCluster}, {@link layerFromConfig})
 * provide: every client, plus the WebSockets that `PodExec`, `PortForward` and `PodCopy` dial with the same TLS
 * material, proxy and credentials. (The fake's stack gets its WebSockets from `FakeApiServer.layerWebSocketTransport`.)
 *
 * @since 0.2.0
 * @category models
 */
export type NodeClients = Clients | WebSocketTransport.WebSocketTransport

/**
 * Where the stack's configuration may fail to load.
 *
 * @since 0.1.0
 * @category errors
 */
export type ConfigError =
  | Kubeconfig.KubeconfigError
  | RestConfig.InClusterConfigError
  | RestConfig.NoConfigurationError
  | NodeTransport.TransportConfigError

/**
 * The knobs client-go users set on `rest.Config` before building clients (`config.QPS = 50`), plus the retry policy.
 * Unset fields keep what the configuration source said (client-go defaults: 5 QPS, burst 10, no timeout).
 *
 * @since 0.1.0
 * @category models
 */
export interface Tuning {
  /** Requests per second of the shared token bucket; negative disables client-side limiting. */
  readonly qps?: number | undefined
  readonly burst?: number | undefined
  readonly timeout?: Duration.Duration | undefined
  readonly userAgent?: string | undefined
  /** Retry options, or "none" to fail on the first error. Default: {@link RetryPolicy.defaults}. */
  readonly retry?: RetryPolicy.Options | "none" | undefined
  /**
   * Give every request an @effect/platform HttpClient span, for a tracer such as OpenTelemetry. Default `false`:
   * spans cost a large share of a small GET's client CPU (see {@link NodeTransport.MakeOptions}).
   */
  readonly tracing?: boolean | undefined
}

/**
 * Applies a {@link Tuning}'s qps, burst, timeout and user agent to the RestConfig a layer provides, keeping the
 * layer's other services (a fake's HttpClient, say). The retry and tracing fields are read by the client layers.
 *
 * @since 0.2.0
 * @category combinators
 */
export const tuneConfig: {
  (tuning: Tuning): <ROut, E, R>(config: Layer.Layer<ROut, E, R>) => Layer.Layer<ROut, E, R>
  <ROut, E, R>(config: Layer.Layer<ROut, E, R>, tuning: Tuning): Layer.Layer<ROut, E, R>
} = dual(
  2,
  <ROut, E, R>(config: Layer.Layer<ROut, E, R>, tuning: Tuning): Layer.Layer<ROut, E, R> =>
    !tunes(tuning) ? config : Layer.map(config, (context) => {
      const c = Context.unsafeGet(context as Context.Context<RestConfig.RestConfig>, RestConfig.RestConfig)
      // Context.add replaces the entry and keeps the layer's other services (the fake's HttpClient).
      return Context.add(context, RestConfig.RestConfig, tune(c, tuning)) as Context.Context<ROut>
    })
)

const tunes = (tuning: Tuning): boolean =>
  tuning.qps !== undefined || tuning.burst !== undefined || tuning.timeout !== undefined ||
  tuning.userAgent !== undefined

const tune = (c: RestConfig.Service, tuning: Tuning): RestConfig.Service =>
  !tunes(tuning) ? c : {
    ...c,
    qps: tuning.qps ?? c.qps,
    burst: tuning.burst ?? c.burst,
    timeout: tuning.timeout ?? c.timeout,
    userAgent: tuning.userAgent ?? c.userAgent
  }

/**
 * Every client on top of an HttpClient, a RestConfig and Credentials. Swap the HttpClient and the same clients run
 * against anything that answers like an apiserver. Discovery is cached in memory for the life of the layer; one
 * rate limiter, built from the RestConfig's qps and burst, is shared by every client.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClientsWith = (tuning: Tuning = {}): Layer.Layer<
  Exclude<Clients, RestConfig.RestConfig>,
  never,
  HttpClient.HttpClient | RestConfig.RestConfig | Credentials.Credentials
> => Layer.scopedContext(stack.clients(tuning))

/**
 * @since 0.1.0
 * @category layers
 * @deprecated Use {@link layerClientsWith}: it returns a Layer, and layers are named `layer*`.
 */
export const makeClients: (tuning?: Tuning) => Layer.Layer<
  Exclude<Clients, RestConfig.RestConfig>,
  never,
  HttpClient.HttpClient | RestConfig.RestConfig | Credentials.Credentials
> = layerClientsWith

/**
 * {@link layerClientsWith} with default tuning.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClients: Layer.Layer<
  Exclude<Clients, RestConfig.RestConfig>,
  never,
  HttpClient.HttpClient | RestConfig.RestConfig | Credentials.Credentials
> = layerClientsWith()

/**
 * The stack for a RestConfig already in the Context: credentials and the Node transport, then every client, and
 * the WebSocket transport for exec, attach, port-forward and cp.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromConfig = (tuning: Tuning = {}): Layer.Layer<
  Exclude<NodeClients, RestConfig.RestConfig>,
  NodeTransport.TransportConfigError,
  RestConfig.RestConfig | FileSystem.FileSystem | CommandExecutor.CommandExecutor
> => Layer.scopedContext(stack.node(tuning))

// The two platform services the stack reads (kubeconfig and token files, exec credential plugins): not
// `NodeContext.layer`, whose workers and terminal a client never uses but every program would load.
const nodeServices: Layer.Layer<FileSystem.FileSystem | CommandExecutor.CommandExecutor> = Layer.provideMerge(
  NodeCommandExecutor.layer,
  NodeFileSystem.layer
)

const onNode = <E>(
  load: Effect.Effect<RestConfig.Service, E, FileSystem.FileSystem>,
  tuning: Tuning
): Layer.Layer<NodeClients, E | NodeTransport.TransportConfigError> =>
  Layer.scopedContext(Effect.gen(function*() {
    const config = tune(yield* load, tuning)
    const services = yield* Effect.provideService(stack.node(tuning), RestConfig.RestConfig, config)
    return Context.add(services, RestConfig.RestConfig, config)
  })).pipe(Layer.provide(nodeServices))

/**
 * kubeconfig if one resolves (`--kubeconfig`-style path, `KUBECONFIG`, `~/.kube/config`), else the pod's service
 * account: what `kubectl` and most controllers do.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: RestConfig.KubeconfigOptions & { readonly inCluster?: RestConfig.InClusterOptions | undefined },
  tuning: Tuning = {}
): Layer.Layer<NodeClients, ConfigError> => onNode(RestConfig.loadInfer(options), tuning)

/**
 * From kubeconfig files only (client-go `BuildConfigFromFlags`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKubeconfig = (
  options?: RestConfig.KubeconfigOptions,
  tuning: Tuning = {}
): Layer.Layer<NodeClients, Kubeconfig.KubeconfigError | NodeTransport.TransportConfigError> =>
  onNode(RestConfig.loadKubeconfig(options), tuning)

/**
 * From the pod's service account only (client-go `rest.InClusterConfig`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerInCluster = (
  options?: RestConfig.InClusterOptions,
  tuning: Tuning = {}
): Layer.Layer<NodeClients, RestConfig.InClusterConfigError | NodeTransport.TransportConfigError> =>
  onNode(RestConfig.loadInCluster(options), tuning)
