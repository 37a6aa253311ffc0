/**
 * The kubeconfig v1 file as an Effect Schema. Field names are camelCase on the type side and the kubeconfig spelling
 * on the encoded side; decoding with `onExcessProperty: "preserve"` keeps fields this version does not know.
 */
import * as Schema from "effect/Schema"

// Go's encoding/json leaves a field at its zero value when the document says `null`, so every optional field here
// accepts null and treats it as absent.
const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true, nullable: true })

// A missing name is the empty string, as in client-go.
const Name = Schema.optionalWith(Schema.String, { nullable: true, default: () => "" })

const optKey = <S extends Schema.Schema.Any>(key: string, schema: S) =>
  Schema.optionalWith(schema, { exact: true, nullable: true }).pipe(Schema.fromKey(key))

export const NamedExtension = Schema.Struct({
  name: Name,
  extension: opt(Schema.Unknown)
})

export type NamedExtension = Schema.Schema.Type<typeof NamedExtension>

const Extensions = opt(Schema.Array(NamedExtension))

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

export type Cluster = Schema.Schema.Type<typeof Cluster>

export const ExecEnvVar = Schema.Struct({ name: Schema.String, value: Schema.String })

export const ExecConfig = Schema.Struct({
  command: opt(Schema.String),
  args: opt(Schema.Array(Schema.String)),
  env: opt(Schema.Array(ExecEnvVar)),
  apiVersion: opt(Schema.String),
  installHint: opt(Schema.String),
  provideClusterInfo: opt(Schema.Boolean),
  interactiveMode: opt(Schema.String)
})

export type ExecConfig = Schema.Schema.Type<typeof ExecConfig>

export const AuthProviderConfig = Schema.Struct({
  name: Schema.String,
  config: opt(Schema.Record({ key: Schema.String, value: Schema.String }))
})

export type AuthProviderConfig = Schema.Schema.Type<typeof AuthProviderConfig>

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

export type AuthInfo = Schema.Schema.Type<typeof AuthInfo>

export const Context = Schema.Struct({
  cluster: opt(Schema.String),
  user: opt(Schema.String),
  namespace: opt(Schema.String),
  extensions: Extensions
})

export type Context = Schema.Schema.Type<typeof Context>

export const Preferences = Schema.Struct({
  colors: opt(Schema.Boolean),
  extensions: Extensions
})

export type Preferences = Schema.Schema.Type<typeof Preferences>

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

export type Config = Schema.Schema.Type<typeof Config>
