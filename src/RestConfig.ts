/**
 * The resolved connection to one API server: what client-go calls `rest.Config`.
 *
 * Everything above the transport reads this value from the Context; the loaders that produce it (kubeconfig files,
 * in-cluster service account, inference between the two) live in this module too.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as internalInCluster from "./internal/kubeconfig/inCluster.js"
import * as internalLoad from "./internal/kubeconfig/load.js"
import * as internalResolve from "./internal/kubeconfig/resolve.js"
import * as internalUserAgent from "./internal/kubeconfig/userAgent.js"
import type { Overrides } from "./KubeconfigModel.js"
import * as errors from "./RestConfigError.js"
import type { Service } from "./RestConfigModel.js"

export type { AuthConfig, ExecConfig, ImpersonationConfig, Service, TlsConfig } from "./RestConfigModel.js"

/**
 * The RestConfig in the Context; its value is a {@link Service}.
 *
 * @since 0.1.0
 * @category tags
 */
export class RestConfig extends Context.Tag("effect-kube/RestConfig")<RestConfig, Service>() {}

/**
 * client-go's defaults for the rate limiter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultQps = 5

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBurst = 10

/**
 * The User-Agent client-go would send, for this package: `effect-kube/<version> (<os>/<arch>) effect-kube/unknown`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultUserAgent = (): string => internalUserAgent.defaultUserAgent()

/**
 * Loading or resolving a kubeconfig failed (re-exported from the Kubeconfig module).
 *
 * @since 0.1.0
 * @category errors
 */
export const KubeconfigError = errors.KubeconfigError

/**
 * @since 0.1.0
 * @category errors
 */
export type KubeconfigError = errors.KubeconfigError

/**
 * Not running in a pod (service variables unset), or the service-account token cannot be read.
 *
 * @since 0.1.0
 * @category errors
 */
export const InClusterConfigError = errors.InClusterConfigError

/**
 * @since 0.1.0
 * @category errors
 */
export type InClusterConfigError = errors.InClusterConfigError

/**
 * Neither a kubeconfig nor an in-cluster service account was found; `tried` lists each source and why it did not
 * apply.
 *
 * @since 0.1.0
 * @category errors
 */
export const NoConfigurationError = errors.NoConfigurationError

/**
 * @since 0.1.0
 * @category errors
 */
export type NoConfigurationError = errors.NoConfigurationError

/**
 * Options for {@link layerKubeconfig}: the explicit file and kubectl's overrides.
 *
 * @since 0.1.0
 * @category models
 */
export interface KubeconfigOptions extends Overrides {
  /** Explicit kubeconfig file; must exist. Without it: `KUBECONFIG`, then `~/.kube/config`. */
  readonly path?: string | undefined
}

/**
 * Options for {@link layerInCluster}.
 *
 * @since 0.1.0
 * @category models
 */
export interface InClusterOptions {
  /** Where the service account is mounted; defaults to `/var/run/secrets/kubernetes.io/serviceaccount`. */
  readonly directory?: string | undefined
  /** Overrides `POD_NAMESPACE` and the mounted namespace file. */
  readonly namespace?: string | undefined
}

/**
 * Loads the kubeconfig (client-go's `BuildConfigFromFlags(server, path)` with overrides) and resolves it. See
 * `Kubeconfig.toRestConfig` for the precedence rules.
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadKubeconfig = (
  options: KubeconfigOptions = {}
): Effect.Effect<Service, KubeconfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* internalLoad.loadingPaths(options.path)
    const kubeconfig = yield* internalLoad.load(fs, paths)
    return yield* internalResolve.toRestConfig(fs, kubeconfig, options)
  })

/**
 * The service-account configuration of a pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (IPv6 in
 * brackets), the token file as `TokenFile` auth (re-read: the kubelet rotates it), `ca.crt` as CA file when present,
 * and the namespace from `POD_NAMESPACE`, the namespace file, else "default".
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadInCluster = (
  options: InClusterOptions = {}
): Effect.Effect<Service, InClusterConfigError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => internalInCluster.inClusterConfig(fs, options))

/**
 * What client-go's deferred loader does: the kubeconfig when one resolves; when it is empty (no file, or no
 * cluster selected) the in-cluster configuration if this looks like a pod; otherwise {@link NoConfigurationError}.
 * Any other kubeconfig error (bad YAML, unknown context, ...) fails as it is, without falling back.
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadInfer = (
  options: KubeconfigOptions & { readonly inCluster?: InClusterOptions | undefined } = {}
): Effect.Effect<Service, KubeconfigError | InClusterConfigError | NoConfigurationError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* internalLoad.loadingPaths(options.path)
    const kubeconfig = yield* internalLoad.load(fs, paths)
    const resolved = yield* Effect.either(internalResolve.toRestConfig(fs, kubeconfig, options))
    if (resolved._tag === "Right") return resolved.right
    if (resolved.left.reason !== "EmptyConfig") return yield* resolved.left
    if (yield* internalInCluster.possible(fs, options.inCluster)) {
      return yield* internalInCluster.inClusterConfig(fs, {
        ...options.inCluster,
        namespace: options.inCluster?.namespace ?? options.namespace
      })
    }
    const dir = options.inCluster?.directory ?? internalInCluster.defaultServiceAccountDirectory
    return yield* new NoConfigurationError({
      tried: [
        kubeconfig.files.length === 0
          ? `kubeconfig: no file found at ${paths.files.join(", ")}`
          : `kubeconfig: ${kubeconfig.files.join(", ")} selects no cluster`,
        `in-cluster: needs KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and ${dir}/token`
      ]
    })
  })

/**
 * A RestConfig from {@link loadKubeconfig}. Requires a FileSystem (`NodeContext.layer` in practice).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerKubeconfig = (
  options?: KubeconfigOptions
): Layer.Layer<RestConfig, KubeconfigError, FileSystem.FileSystem> => Layer.effect(RestConfig, loadKubeconfig(options))

/**
 * A RestConfig from {@link loadInCluster}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerInCluster = (
  options?: InClusterOptions
): Layer.Layer<RestConfig, InClusterConfigError, FileSystem.FileSystem> =>
  Layer.effect(RestConfig, loadInCluster(options))

/**
 * A RestConfig from {@link loadInfer}: kubeconfig, else in-cluster.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerInfer = (
  options?: KubeconfigOptions & { readonly inCluster?: InClusterOptions | undefined }
): Layer.Layer<RestConfig, KubeconfigError | InClusterConfigError | NoConfigurationError, FileSystem.FileSystem> =>
  Layer.effect(RestConfig, loadInfer(options))

/**
 * A RestConfig given as a value.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: Service): Layer.Layer<RestConfig> => Layer.succeed(RestConfig, config)
