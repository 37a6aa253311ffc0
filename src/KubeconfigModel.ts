/**
 * The kubeconfig v1 file as an Effect Schema, and the merged kubeconfig the loaders build from the files. Field names
 * are camelCase on the type side and the kubeconfig spelling on the encoded side; decoding with
 * `onExcessProperty: "preserve"` keeps fields this version does not know. Re-exported by `Kubeconfig`; defined apart
 * from it so the implementations under `internal/` can use them without importing the module that wires them.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

// Go's encoding/json leaves a field at its zero value when the document says `null`, so every optional field here
// accepts null and treats it as absent.
const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true, nullable: true })

// A missing name is the empty string, as in client-go.
const Name = Schema.optionalWith(Schema.String, { nullable: true, default: () => "" })

const optKey = <S extends Schema.Schema.Any>(key: string, schema: S) =>
  Schema.optionalWith(schema, { exact: true, nullable: true }).pipe(Schema.fromKey(key))

/**
 * @since 0.2.0
 * @category schemas
 */
export const NamedExtension = Schema.Struct({
  name: Name,
  extension: opt(Schema.Unknown)
})

/**
 * @since 0.2.0
 * @category models
 */
export type NamedExtension = Schema.Schema.Type<typeof NamedExtension>

const Extensions = opt(Schema.Array(NamedExtension))

/**
 * @since 0.2.0
 * @category schemas
 */
export const Cluster = Schema.Struct({
  server: opt(Schema.String),
  tlsServerName: optKey("tls-server-name", Schema.String),
  insecureSkipTlsVerify: optKey("insecure-skip-tls-verify", Schema.Boolean),
  certificateAuthority: optKey("certificate-authority", Schema.String),
  certificateAuthorityData: optKey("certificate-authority-data", Schema.String),
  proxyUrl: optKey("proxy-url", Schema.String),
  disableCompression: optKey("disable-compression", Schema.Boolean),
  extensions: Extensions
})

/**
 * @since 0.2.0
 * @category models
 */
export type Cluster = Schema.Schema.Type<typeof Cluster>

/**
 * @since 0.2.0
 * @category schemas
 */
export const ExecEnvVar = Schema.Struct({ name: Schema.String, value: Schema.String })

/**
 * @since 0.2.0
 * @category schemas
 */
export const ExecConfig = Schema.Struct({
  command: opt(Schema.String),
  args: opt(Schema.Array(Schema.String)),
  env: opt(Schema.Array(ExecEnvVar)),
  apiVersion: opt(Schema.String),
  installHint: opt(Schema.String),
  provideClusterInfo: opt(Schema.Boolean),
  interactiveMode: opt(Schema.String)
})

/**
 * @since 0.2.0
 * @category models
 */
export type ExecConfig = Schema.Schema.Type<typeof ExecConfig>

/**
 * @since 0.2.0
 * @category schemas
 */
export const AuthProviderConfig = Schema.Struct({
  name: Schema.String,
  config: opt(Schema.Record({ key: Schema.String, value: Schema.String }))
})

/**
 * @since 0.2.0
 * @category models
 */
export type AuthProviderConfig = Schema.Schema.Type<typeof AuthProviderConfig>

/**
 * @since 0.2.0
 * @category schemas
 */
export const AuthInfo = Schema.Struct({
  clientCertificate: optKey("client-certificate", Schema.String),
  clientCertificateData: optKey("client-certificate-data", Schema.String),
  clientKey: optKey("client-key", Schema.String),
  clientKeyData: optKey("client-key-data", Schema.String),
  token: opt(Schema.String),
  tokenFile: opt(Schema.String),
  as: opt(Schema.String),
  asUid: optKey("as-uid", Schema.String),
  asGroups: optKey("as-groups", Schema.Array(Schema.String)),
  asUserExtra: optKey("as-user-extra", Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })),
  username: opt(Schema.String),
  password: opt(Schema.String),
  authProvider: optKey("auth-provider", AuthProviderConfig),
  exec: opt(ExecConfig),
  extensions: Extensions
})

/**
 * @since 0.2.0
 * @category models
 */
export type AuthInfo = Schema.Schema.Type<typeof AuthInfo>

/**
 * @since 0.2.0
 * @category schemas
 */
export const Context = Schema.Struct({
  cluster: opt(Schema.String),
  user: opt(Schema.String),
  namespace: opt(Schema.String),
  extensions: Extensions
})

/**
 * @since 0.2.0
 * @category models
 */
export type Context = Schema.Schema.Type<typeof Context>

/**
 * @since 0.2.0
 * @category schemas
 */
export const Preferences = Schema.Struct({
  colors: opt(Schema.Boolean),
  extensions: Extensions
})

/**
 * @since 0.2.0
 * @category models
 */
export type Preferences = Schema.Schema.Type<typeof Preferences>

/**
 * @since 0.2.0
 * @category schemas
 */
export const Config = Schema.Struct({
  kind: opt(Schema.String),
  apiVersion: opt(Schema.String),
  preferences: opt(Preferences),
  clusters: opt(Schema.Array(Schema.Struct({ name: Name, cluster: opt(Cluster) }))),
  users: opt(Schema.Array(Schema.Struct({ name: Name, user: opt(AuthInfo) }))),
  contexts: opt(Schema.Array(Schema.Struct({ name: Name, context: opt(Context) }))),
  currentContext: optKey("current-context", Schema.String),
  extensions: Extensions
})

/**
 * @since 0.2.0
 * @category models
 */
export type Config = Schema.Schema.Type<typeof Config>

/**
 * A named entry of the merged kubeconfig and the file that defined it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry<A> {
  readonly name: string
  readonly value: A
  /** The file that defined this entry, as listed in the loading rules (possibly relative to the working directory). */
  readonly origin: string
}

/**
 * The merged kubeconfig, as loaded: values are kept as written (relative paths unresolved, base64 undecoded, unknown
 * fields preserved) so it can be printed like `kubectl config view`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Kubeconfig {
  /** The files that were read, in precedence order. */
  readonly files: ReadonlyArray<string>
  readonly clusters: ReadonlyArray<Entry<Cluster>>
  readonly users: ReadonlyArray<Entry<AuthInfo>>
  readonly contexts: ReadonlyArray<Entry<Context>>
  /** "" when no file sets it, as in client-go. */
  readonly currentContext: string
  readonly preferences: Preferences
  readonly extensions: ReadonlyArray<NamedExtension>
}

/**
 * One parsed file.
 *
 * @since 0.1.0
 * @category models
 */
export interface KubeconfigFile {
  readonly path: string
  readonly config: Config
}

/**
 * What a command line can override when a kubeconfig is resolved (kubectl's `--context`, `--cluster`, `--user`,
 * `--namespace`, `--server`, `--request-timeout`). `Kubeconfig.toRestConfig` and `RestConfig.layerKubeconfig` take it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Overrides {
  readonly context?: string | undefined
  readonly cluster?: string | undefined
  readonly user?: string | undefined
  readonly namespace?: string | undefined
  /** Replaces the cluster's server and, as in client-go, drops its `tls-server-name`. */
  readonly server?: string | undefined
  readonly timeout?: Duration.DurationInput | undefined
}
