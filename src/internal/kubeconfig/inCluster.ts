/**
 * The service-account configuration a pod gets: client-go's `rest.InClusterConfig` plus the namespace lookup of
 * clientcmd's in-cluster client config.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as NodePath from "node:path"
import type * as RestConfig from "../../RestConfigModel.js"
import { describeFsError, InClusterConfigError } from "./error.js"
import { defaultUserAgent } from "./userAgent.js"

export const defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

export interface InClusterOptions {
  /** Where the service account files are mounted; tests point this at a temp dir. */
  readonly directory?: string | undefined
  readonly namespace?: string | undefined
}

const env = (name: string): Effect.Effect<string> =>
  Config.option(Config.string(name)).pipe(
    Effect.map(Option.getOrElse(() => "")),
    Effect.orElseSucceed(() => "")
  )

/** `net.JoinHostPort`: IPv6 literals get brackets. */
export const joinHostPort = (host: string, port: string): string =>
  host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`

/** Whether the environment looks like a pod: both service variables set and a token file present. */
export const possible = (fs: FileSystem.FileSystem, options: InClusterOptions = {}): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const host = yield* env("KUBERNETES_SERVICE_HOST")
    const port = yield* env("KUBERNETES_SERVICE_PORT")
    if (host === "" || port === "") return false
    const dir = options.directory ?? defaultServiceAccountDirectory
    return yield* fs.exists(NodePath.join(dir, "token")).pipe(Effect.orElseSucceed(() => false))
  })

export const inClusterConfig = (
  fs: FileSystem.FileSystem,
  options: InClusterOptions = {}
): Effect.Effect<RestConfig.Service, InClusterConfigError> =>
  Effect.gen(function*() {
    const host = yield* env("KUBERNETES_SERVICE_HOST")
    const port = yield* env("KUBERNETES_SERVICE_PORT")
    if (host === "" || port === "") {
      return yield* new InClusterConfigError({
        reason: "NotInCluster",
        detail:
          "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"
      })
    }
    const dir = options.directory ?? defaultServiceAccountDirectory
    const tokenPath = NodePath.join(dir, "token")
    const token = yield* fs.readFileString(tokenPath).pipe(
      Effect.mapError((error) =>
        new InClusterConfigError({
          reason: "UnreadableToken",
          path: tokenPath,
          detail: `unable to load in-cluster configuration: ${describeFsError("open", tokenPath, error)}`
        })
      )
    )
    const caPath = NodePath.join(dir, "ca.crt")
    // client-go logs and carries on without a CA when ca.crt is unusable; the system roots then apply.
    const hasCa = yield* fs.access(caPath, { readable: true }).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
    const podNamespace = yield* env("POD_NAMESPACE")
    const fileNamespace = yield* fs.readFileString(NodePath.join(dir, "namespace")).pipe(
      Effect.map((text) => text.trim()),
      Effect.orElseSucceed(() => "")
    )
    const namespace = options.namespace !== undefined && options.namespace !== ""
      ? options.namespace
      : podNamespace !== ""
      ? podNamespace
      : fileNamespace !== ""
      ? fileNamespace
      : "default"
    const config: RestConfig.Service = {
      server: `https://${joinHostPort(host, port)}`,
      tls: { insecure: false, ...(hasCa ? { caFile: caPath } : {}) },
      disableCompression: false,
      // The kubelet rotates the projected token, so it is a file to re-read, not a value to keep.
      auth: { _tag: "TokenFile", path: tokenPath, token: Redacted.make(token.trim()) },
      namespace,
      qps: 5,
      burst: 10,
      userAgent: defaultUserAgent(),
      source: "in-cluster"
    }
    return config
  })
