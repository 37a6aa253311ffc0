/**
 * The whole client stack as one layer: pick where the configuration comes from (kubeconfig, in-cluster, inferred,
 * or the in-memory fake) and get every client in the Context.
 *
 * ```
 * RestConfig -> Credentials -> HttpClient (NodeTransport) -> RateLimit + RetryPolicy -> RestClient
 *   -> Clientset | DynamicClient | DiscoveryClient -> RestMapper -> ScaleClient
 * ```
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import * as Clientset from "./Clientset.js"
import * as Credentials from "./Credentials.js"
import * as DiscoveryClient from "./DiscoveryClient.js"
import * as DynamicClient from "./DynamicClient.js"
import * as FakeApiServer from "./FakeApiServer.js"
import type * as Kubeconfig from "./Kubeconfig.js"
import * as NodeTransport from "./NodeTransport.js"
import type * as RateLimit from "./RateLimit.js"
import * as RestClient from "./RestClient.js"
import * as RestConfig from "./RestConfig.js"
import * as RestMapper from "./RestMapper.js"
import type * as RetryPolicy from "./RetryPolicy.js"
import * as ScaleClient from "./ScaleClient.js"

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
 * Every client on top of an HttpClient, a RestConfig and Credentials. Swap the HttpClient and the same clients run
 * against anything that answers like an apiserver. Discovery is cached in memory for the life of the layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClients: Layer.Layer<
  Exclude<Clients, RestConfig.RestConfig>,
  never,
  HttpClient.HttpClient | RestConfig.RestConfig | Credentials.Credentials
> = Layer.mergeAll(Clientset.layer, DynamicClient.layer, ScaleClient.layer).pipe(
  Layer.provideMerge(RestMapper.layer),
  Layer.provideMerge(DiscoveryClient.layer()),
  Layer.provideMerge(RestClient.layerWithDefaults)
)

/**
 * The stack for a RestConfig already in the Context: credentials and the Node transport, then every client.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromConfig: Layer.Layer<
  Exclude<Clients, RestConfig.RestConfig>,
  NodeTransport.TransportConfigError,
  RestConfig.RestConfig | FileSystem.FileSystem | CommandExecutor.CommandExecutor
> = layerClients.pipe(
  Layer.provide(NodeTransport.layer),
  Layer.provideMerge(Credentials.layer)
)

const onNode = <E>(
  config: Layer.Layer<RestConfig.RestConfig, E, FileSystem.FileSystem>
): Layer.Layer<Clients, E | NodeTransport.TransportConfigError> =>
  layerFromConfig.pipe(Layer.provideMerge(config), Layer.provide(NodeContext.layer))

/**
 * kubeconfig if one resolves (`--kubeconfig`-style path, `KUBECONFIG`, `~/.kube/config`), else the pod's service
 * account: what `kubectl` and most controllers do.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: RestConfig.KubeconfigOptions & { readonly inCluster?: RestConfig.InClusterOptions | undefined }
): Layer.Layer<Clients, ConfigError> => onNode(RestConfig.layerInfer(options))

/**
 * From kubeconfig files only (client-go `BuildConfigFromFlags`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKubeconfig = (
  options?: RestConfig.KubeconfigOptions
): Layer.Layer<Clients, Kubeconfig.KubeconfigError | NodeTransport.TransportConfigError> =>
  onNode(RestConfig.layerKubeconfig(options))

/**
 * From the pod's service account only (client-go `rest.InClusterConfig`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerInCluster = (
  options?: RestConfig.InClusterOptions
): Layer.Layer<Clients, RestConfig.InClusterConfigError | NodeTransport.TransportConfigError> =>
  onNode(RestConfig.layerInCluster(options))

/**
 * Every client wired to a fresh in-memory apiserver, plus the `FakeApiServer` service for seeding and assertions:
 * the layer for tests and demos. No socket is opened.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFake = (
  options?: FakeApiServer.Options
): Layer.Layer<Clients | FakeApiServer.FakeApiServer, FakeApiServer.FakeApiServerError> =>
  layerClients.pipe(
    Layer.provideMerge(FakeApiServer.layer(options)),
    Layer.provide(Credentials.layerNone)
  )
