/**
 * From a merged kubeconfig and overrides to a RestConfig, following client-go's `DirectClientConfig.ClientConfig`:
 * pick the context, cluster and user (overrides first), validate them the way `ConfirmUsable` does, resolve relative
 * paths against the file that defined each entry, and decode `*-data`.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as NodePath from "node:path"
import type * as S from "../../KubeconfigModel.js"
import type { Overrides } from "../../KubeconfigModel.js"
import type * as RestConfig from "../../RestConfigModel.js"
import { decodeStd } from "./base64.js"
import { describeFsError, entryKey, KubeconfigError } from "./error.js"
import type * as Model from "./model.js"
import { defaultUserAgent } from "./userAgent.js"

export const execClusterExtension = "client.authentication.k8s.io/exec"

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value !== ""

/** Resolves a path from a kubeconfig entry against the directory of the file that defined it. */
export const resolvePath = (origin: string, path: string): string =>
  NodePath.isAbsolute(path) ? path : NodePath.resolve(NodePath.dirname(origin), path)

const decodeData = (value: string): string => {
  const result = decodeStd(value)
  // parse() rejects invalid base64 and toRestConfig checks hand-built configs up front, so this is always Ok here.
  return result._tag === "Ok" ? Buffer.from(result.bytes).toString("utf8") : ""
}

const dataOf = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : (() => {
    const decoded = decodeData(value)
    return decoded === "" ? undefined : decoded
  })()

const hasBytes = (value: string | undefined): boolean => value !== undefined && dataOf(value) !== undefined

const clusterIsEmpty = (cluster: S.Cluster): boolean =>
  !nonEmpty(cluster.server) && !nonEmpty(cluster.tlsServerName) && cluster.insecureSkipTlsVerify !== true &&
  !nonEmpty(cluster.certificateAuthority) && !hasBytes(cluster.certificateAuthorityData) &&
  !nonEmpty(cluster.proxyUrl) && cluster.disableCompression !== true && (cluster.extensions ?? []).length === 0

const checkProxyUrl = (proxyUrl: string): string | undefined => {
  let url: URL
  try {
    url = new URL(proxyUrl)
  } catch {
    return "not a URL"
  }
  const scheme = url.protocol.replace(/:$/, "")
  if (scheme !== "http" && scheme !== "https" && scheme !== "socks5") {
    return `unsupported scheme ${JSON.stringify(scheme)}, must be http, https, or socks5`
  }
  return undefined
}

/** client-go keeps only scheme, host and path of the server URL; we also drop trailing slashes. */
const normalizeServer = (server: string): string => {
  const withScheme = server.includes("://") ? server : `http://${server}`
  try {
    const url = new URL(withScheme)
    url.search = ""
    url.hash = ""
    return url.toString().replace(/\/+$/, "")
  } catch {
    return withScheme.replace(/\/+$/, "")
  }
}

// client-go strips terminal escape sequences from install hints before printing them.
const cleanHint = (hint: string): string =>
  // eslint-disable-next-line no-control-regex
  hint.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\x1b/g, "")

export const toRestConfig = (
  fs: FileSystem.FileSystem,
  config: Model.Kubeconfig,
  overrides: Overrides = {}
): Effect.Effect<RestConfig.Service, KubeconfigError> =>
  Effect.gen(function*() {
    const fail = (
      reason: KubeconfigError["reason"],
      detail: string,
      file?: string,
      key?: string
    ) => new KubeconfigError({ reason, detail, file, key })

    // Context
    const contextName = nonEmpty(overrides.context) ? overrides.context : config.currentContext
    const context = config.contexts.find((c) => c.name === contextName)
    if (context === undefined && contextName !== "") {
      return yield* nonEmpty(overrides.context)
        ? fail("ContextNotFound", `context ${JSON.stringify(contextName)} does not exist`, undefined, "context")
        : fail(
          "ContextNotFound",
          `context was not found for specified context: ${contextName}`,
          undefined,
          "current-context"
        )
    }
    const contextValue: S.Context = context?.value ?? {}

    // Cluster
    const clusterName = nonEmpty(overrides.cluster) ? overrides.cluster : contextValue.cluster ?? ""
    const clusterEntry = config.clusters.find((c) => c.name === clusterName)
    if (clusterEntry === undefined && clusterName !== "") {
      if (nonEmpty(overrides.cluster)) {
        return yield* fail(
          "ClusterNotFound",
          `cluster ${JSON.stringify(clusterName)} does not exist`,
          undefined,
          "cluster"
        )
      }
      // client-go would treat this as "no configuration"; naming the dangling reference is more useful, unless an
      // explicit server makes the cluster entry unnecessary.
      if (!nonEmpty(overrides.server) && context !== undefined) {
        return yield* fail(
          "ClusterNotFound",
          `context ${JSON.stringify(context.name)} names cluster ${JSON.stringify(clusterName)}, which does not exist`,
          context.origin,
          entryKey("contexts", context.name, "cluster")
        )
      }
    }
    const clusterOrigin = clusterEntry?.origin ?? config.files[0] ?? "."
    let cluster: S.Cluster = clusterEntry?.value ?? {}
    if (nonEmpty(overrides.server)) {
      // As in client-go, an explicit server also drops the kubeconfig's tls-server-name, which named the old host.
      const { tlsServerName: _dropped, ...rest } = cluster
      cluster = { ...rest, server: overrides.server }
    }

    // User
    const userName = nonEmpty(overrides.user) ? overrides.user : contextValue.user ?? ""
    const userEntry = config.users.find((u) => u.name === userName)
    if (userEntry === undefined && userName !== "") {
      if (nonEmpty(overrides.user)) {
        return yield* fail("UserNotFound", `auth info ${JSON.stringify(userName)} does not exist`, undefined, "user")
      }
      // client-go silently continues without credentials here; a typo in a context should not downgrade to anonymous.
      return yield* fail(
        "UserNotFound",
        `context ${JSON.stringify(context?.name ?? "")} names user ${JSON.stringify(userName)}, which does not exist`,
        context?.origin,
        entryKey("contexts", context?.name ?? "", "user")
      )
    }
    const user: S.AuthInfo = userEntry?.value ?? {}
    const userOrigin = userEntry?.origin ?? config.files[0] ?? "."
    const userFile = userEntry?.origin
    const userKey = (field: string) => entryKey("users", userName, field)
    const clusterFile = clusterEntry?.origin
    const clusterKey = (field: string) => entryKey("clusters", clusterName, field)

    // Configs built by hand (not through parse) have not had their base64 checked yet.
    const dataFields: Array<[string | undefined, string | undefined, string]> = [
      [cluster.certificateAuthorityData, clusterFile, clusterKey("certificate-authority-data")],
      [user.clientCertificateData, userFile, userKey("client-certificate-data")],
      [user.clientKeyData, userFile, userKey("client-key-data")]
    ]
    for (const [value, file, key] of dataFields) {
      const decoded = value === undefined ? undefined : decodeStd(value)
      if (decoded !== undefined && decoded._tag === "Corrupt") {
        return yield* fail("InvalidBase64", `illegal base64 data at input byte ${decoded.offset}`, file, key)
      }
    }

    // Cluster validation (ConfirmUsable)
    if (!nonEmpty(cluster.server)) {
      if (clusterIsEmpty(cluster)) {
        return yield* fail(
          "EmptyConfig",
          "invalid configuration: no configuration has been provided",
          undefined,
          undefined
        )
      }
      return yield* fail(
        "NoServer",
        clusterName === "" ? "default cluster has no server defined" : `no server found for cluster "${clusterName}"`,
        clusterFile,
        clusterKey("server")
      )
    }
    if (nonEmpty(cluster.proxyUrl)) {
      const problem = checkProxyUrl(cluster.proxyUrl)
      if (problem !== undefined) {
        return yield* fail(
          "Invalid",
          `invalid 'proxy-url' for cluster "${clusterName}": ${problem}`,
          clusterFile,
          clusterKey("proxy-url")
        )
      }
    }
    const caFile = nonEmpty(cluster.certificateAuthority)
      ? resolvePath(clusterOrigin, cluster.certificateAuthority)
      : undefined
    const caData = dataOf(cluster.certificateAuthorityData)
    if (caFile !== undefined && caData !== undefined) {
      return yield* fail(
        "Invalid",
        `certificate-authority-data and certificate-authority are both specified for ${clusterName}`,
        clusterFile,
        clusterKey("certificate-authority")
      )
    }
    const readable = (path: string, file: string | undefined, key: string, what: string) =>
      fs.access(path, { readable: true }).pipe(
        Effect.mapError((error) =>
          fail("UnreadableFile", `unable to read ${what}: ${describeFsError("open", path, error)}`, file, key)
        )
      )
    if (caFile !== undefined) {
      yield* readable(caFile, clusterFile, clusterKey("certificate-authority"), "certificate-authority")
    }

    // AuthInfo validation (validateAuthInfo)
    const certFile = nonEmpty(user.clientCertificate) ? resolvePath(userOrigin, user.clientCertificate) : undefined
    const keyFile = nonEmpty(user.clientKey) ? resolvePath(userOrigin, user.clientKey) : undefined
    const certData = dataOf(user.clientCertificateData)
    const keyData = dataOf(user.clientKeyData)
    const useCert = certFile !== undefined || certData !== undefined
    if (useCert) {
      if (certFile !== undefined && certData !== undefined) {
        return yield* fail(
          "Invalid",
          `client-certificate-data and client-certificate are both specified for ${userName}`,
          userFile,
          userKey("client-certificate")
        )
      }
      if (keyFile !== undefined && keyData !== undefined) {
        return yield* fail(
          "Invalid",
          `client-key-data and client-key are both specified for ${userName}`,
          userFile,
          userKey("client-key")
        )
      }
      if (keyFile === undefined && keyData === undefined) {
        return yield* fail(
          "Invalid",
          `client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method`,
          userFile,
          userKey("client-key")
        )
      }
      if (certFile !== undefined) {
        yield* readable(certFile, userFile, userKey("client-certificate"), "client-certificate")
      }
      if (keyFile !== undefined) yield* readable(keyFile, userFile, userKey("client-key"), "client-key")
    }
    const exec = user.exec
    if (exec !== undefined) {
      const invalid = (detail: string, field: string) => fail("Invalid", detail, userFile, userKey(`exec.${field}`))
      if (user.authProvider !== undefined) {
        return yield* fail(
          "Invalid",
          `authProvider cannot be provided in combination with an exec plugin for ${userName}`,
          userFile,
          userKey("auth-provider")
        )
      }
      if (!nonEmpty(exec.command)) {
        return yield* invalid(`command must be specified for ${userName} to use exec authentication plugin`, "command")
      }
      if (!nonEmpty(exec.apiVersion)) {
        return yield* invalid(
          `apiVersion must be specified for ${userName} to use exec authentication plugin`,
          "apiVersion"
        )
      }
      if ((exec.env ?? []).some((v) => v.name === "")) {
        return yield* invalid(
          `env variable name must be specified for ${userName} to use exec authentication plugin`,
          "env"
        )
      }
      const mode = exec.interactiveMode ?? ""
      if (mode === "") {
        return yield* invalid(
          `interactiveMode must be specified for ${userName} to use exec authentication plugin`,
          "interactiveMode"
        )
      }
      if (mode !== "Never" && mode !== "IfAvailable" && mode !== "Always") {
        return yield* invalid(`invalid interactiveMode for ${userName}: ${JSON.stringify(mode)}`, "interactiveMode")
      }
    }
    const methods = [
      ...(nonEmpty(user.token) ? ["token"] : []),
      ...(nonEmpty(user.username) || nonEmpty(user.password) ? ["basicAuth"] : [])
    ]
    if (methods.length > 1) {
      return yield* fail(
        "Invalid",
        `more than one authentication method found for ${userName}; found [${methods.join(" ")}], only one is allowed`,
        userFile,
        userKey("token")
      )
    }
    const asUser = user.as ?? ""
    if (
      asUser === "" &&
      (nonEmpty(user.asUid) || (user.asGroups ?? []).length > 0 || Object.keys(user.asUserExtra ?? {}).length > 0)
    ) {
      return yield* fail(
        "Invalid",
        `requesting uid, groups or user-extra for ${userName} without impersonating a user`,
        userFile,
        userKey("as")
      )
    }

    // Build
    const server = normalizeServer(cluster.server)
    // client-go attaches credentials and server TLS settings only when the transport is TLS: a plain http server
    // gets neither (a token must not travel in clear text by accident).
    const secure = server.startsWith("https://")
    let auth: RestConfig.AuthConfig = { _tag: "None" }
    if (secure) {
      if (nonEmpty(user.tokenFile)) {
        const path = resolvePath(userOrigin, user.tokenFile)
        // The file wins over the inline token once read; without an inline token client-go reads it up front, so a
        // missing file is an error now rather than on the first request.
        const token = nonEmpty(user.token) ? user.token : yield* fs.readFileString(path).pipe(
          Effect.map((text) => text.trim()),
          Effect.mapError((error) =>
            fail(
              "UnreadableFile",
              `unable to read tokenFile: ${describeFsError("open", path, error)}`,
              userFile,
              userKey("tokenFile")
            )
          )
        )
        auth = { _tag: "TokenFile", path, token: Redacted.make(token) }
      } else if (nonEmpty(user.token)) {
        auth = { _tag: "Token", token: Redacted.make(user.token) }
      } else if (nonEmpty(user.username) || nonEmpty(user.password)) {
        auth = { _tag: "Basic", username: user.username ?? "", password: Redacted.make(user.password ?? "") }
      } else if (exec !== undefined) {
        const command = exec.command ?? ""
        const clusterConfig = (cluster.extensions ?? []).find((e) => e.name === execClusterExtension)?.extension
        auth = {
          _tag: "Exec",
          exec: {
            apiVersion: exec.apiVersion ?? "",
            command: command.includes("/") ? resolvePath(userOrigin, command) : command,
            args: exec.args ?? [],
            env: exec.env ?? [],
            provideClusterInfo: exec.provideClusterInfo === true,
            interactiveMode: (exec.interactiveMode ?? "IfAvailable") as RestConfig.ExecConfig["interactiveMode"],
            installHint: nonEmpty(exec.installHint) ? cleanHint(exec.installHint) : undefined,
            clusterConfig
          }
        }
      } else if (user.authProvider !== undefined) {
        const providerConfig: Record<string, Redacted.Redacted<string>> = {}
        for (const [k, v] of Object.entries(user.authProvider.config ?? {})) providerConfig[k] = Redacted.make(v)
        auth = { _tag: "AuthProvider", name: user.authProvider.name, config: providerConfig }
      }
    }
    const tls: RestConfig.TlsConfig = secure
      ? {
        insecure: cluster.insecureSkipTlsVerify === true,
        ...(caData !== undefined ? { caData } : caFile !== undefined ? { caFile } : {}),
        ...(useCert
          ? {
            ...(certData !== undefined ? { certData } : { certFile }),
            ...(keyData !== undefined ? { keyData: Redacted.make(keyData) } : { keyFile })
          }
          : {}),
        ...(nonEmpty(cluster.tlsServerName) ? { serverName: cluster.tlsServerName } : {})
      }
      : { insecure: false }
    const impersonate: RestConfig.ImpersonationConfig | undefined = asUser === "" ? undefined : {
      user: asUser,
      ...(nonEmpty(user.asUid) ? { uid: user.asUid } : {}),
      groups: user.asGroups ?? [],
      extra: user.asUserExtra ?? {}
    }
    const namespace = nonEmpty(overrides.namespace)
      ? overrides.namespace
      : nonEmpty(contextValue.namespace)
      ? contextValue.namespace
      : "default"
    const result: RestConfig.Service = {
      server,
      tls,
      ...(nonEmpty(cluster.proxyUrl) ? { proxyUrl: cluster.proxyUrl } : {}),
      disableCompression: cluster.disableCompression === true,
      auth,
      ...(impersonate !== undefined ? { impersonate } : {}),
      namespace,
      qps: 5,
      burst: 10,
      ...(overrides.timeout !== undefined ? { timeout: Duration.decode(overrides.timeout) } : {}),
      userAgent: defaultUserAgent(),
      source: config.files.join(NodePath.delimiter)
    }
    return result
  })
