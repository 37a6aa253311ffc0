/**
 * What a RestConfig is: server, TLS, authentication, impersonation and client tuning.
 * Re-exported by `RestConfig`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Redacted from "effect/Redacted"

/**
 * TLS material. `*Data` fields hold PEM text (already base64-decoded from kubeconfig `*-data`); `*File` fields are
 * absolute paths, read by the transport when it is built so a rotated file is picked up by a new layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface TlsConfig {
  readonly caData?: string | undefined
  readonly caFile?: string | undefined
  readonly certData?: string | undefined
  readonly certFile?: string | undefined
  readonly keyData?: Redacted.Redacted<string> | undefined
  readonly keyFile?: string | undefined
  readonly insecure: boolean
  readonly serverName?: string | undefined
}

/**
 * One exec credential plugin, as configured under `users[].user.exec`. `command` is already resolved against the
 * kubeconfig directory when it contains a slash.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExecConfig {
  readonly apiVersion: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly provideClusterInfo: boolean
  readonly interactiveMode: "Never" | "IfAvailable" | "Always"
  readonly installHint?: string | undefined
  /** The cluster's `extensions["client.authentication.k8s.io/exec"]`, passed to the plugin with the cluster info. */
  readonly clusterConfig?: unknown
}

/**
 * How requests authenticate. Client certificates are TLS material (see {@link TlsConfig}) and combine with any of
 * these.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthConfig =
  | { readonly _tag: "None" }
  | { readonly _tag: "Token"; readonly token: Redacted.Redacted<string> }
  /** The file wins over an inline token, as in client-go; `token` is only the value to use before the first read. */
  | { readonly _tag: "TokenFile"; readonly path: string; readonly token?: Redacted.Redacted<string> | undefined }
  | { readonly _tag: "Basic"; readonly username: string; readonly password: Redacted.Redacted<string> }
  | { readonly _tag: "Exec"; readonly exec: ExecConfig }
  | {
    readonly _tag: "AuthProvider"
    readonly name: string
    readonly config: Readonly<Record<string, Redacted.Redacted<string>>>
  }

/**
 * Impersonation headers (`Impersonate-User`, `-Uid`, `-Group`, `-Extra-*`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ImpersonationConfig {
  readonly user?: string | undefined
  readonly uid?: string | undefined
  readonly groups: ReadonlyArray<string>
  readonly extra: Readonly<Record<string, ReadonlyArray<string>>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Scheme, host, port and any path prefix, without a trailing slash: `https://10.0.0.1:6443/k8s`. */
  readonly server: string
  readonly tls: TlsConfig
  readonly proxyUrl?: string | undefined
  readonly disableCompression: boolean
  readonly auth: AuthConfig
  readonly impersonate?: ImpersonationConfig | undefined
  /** The context's namespace, else "default". */
  readonly namespace: string
  /** Client-side rate limit; client-go defaults are 5 QPS with a burst of 10. A negative qps disables limiting. */
  readonly qps: number
  readonly burst: number
  /** Per-request timeout; `undefined` means none (client-go's zero). */
  readonly timeout?: Duration.Duration | undefined
  readonly userAgent: string
  /** Where this config came from, for messages: a kubeconfig path list, "in-cluster", or "fake-apiserver". */
  readonly source: string
}
