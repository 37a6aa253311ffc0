/**
 * What `kubectl config view` does to a loaded kubeconfig: minify to one context, flatten referenced files into
 * `*-data`, redact, and print in the v1 wire shape (field order, omitempty rules and YAML key order as kubectl's).
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type * as YAML from "yaml"
import type * as S from "../../KubeconfigModel.js"
import * as lazyYaml from "../yaml.js"
import { decodeStd } from "./base64.js"
import { describeFsError, KubeconfigError } from "./error.js"
import type * as Model from "./model.js"
import { resolvePath } from "./resolve.js"

/** `clientcmdapi.MinifyConfig`, with the `--context` flag applied first as `kubectl config view` does. */
export const minify = (
  config: Model.Kubeconfig,
  context?: string
): Effect.Effect<Model.Kubeconfig, KubeconfigError> =>
  Effect.gen(function*() {
    const current = context !== undefined && context !== "" ? context : config.currentContext
    if (current === "") {
      return yield* new KubeconfigError({
        reason: "NoCurrentContext",
        detail: "current-context must exist in order to minify"
      })
    }
    const ctx = config.contexts.find((c) => c.name === current)
    if (ctx === undefined) {
      return yield* new KubeconfigError({ reason: "ContextNotFound", detail: `cannot locate context ${current}` })
    }
    const clusterName = ctx.value.cluster ?? ""
    const cluster = config.clusters.find((c) => c.name === clusterName)
    if (clusterName !== "" && cluster === undefined) {
      return yield* new KubeconfigError({ reason: "ClusterNotFound", detail: `cannot locate cluster ${clusterName}` })
    }
    const userName = ctx.value.user ?? ""
    const user = config.users.find((u) => u.name === userName)
    if (userName !== "" && user === undefined) {
      return yield* new KubeconfigError({ reason: "UserNotFound", detail: `cannot locate user ${userName}` })
    }
    return {
      ...config,
      currentContext: current,
      contexts: [ctx],
      clusters: cluster === undefined ? [] : [cluster],
      users: user === undefined ? [] : [user]
    }
  })

const flattenField = (
  fs: FileSystem.FileSystem,
  origin: string,
  path: string | undefined,
  data: string | undefined
): Effect.Effect<{ path?: string; data?: string } | undefined, KubeconfigError> => {
  if (path === undefined || path === "") return Effect.succeed(undefined)
  if (data !== undefined && data !== "") {
    return Effect.fail(
      new KubeconfigError({ reason: "Invalid", file: origin, detail: "cannot have values for both path and data" })
    )
  }
  const abs = resolvePath(origin, path)
  return fs.readFile(abs).pipe(
    Effect.map((bytes) => ({ data: Buffer.from(bytes).toString("base64") })),
    Effect.mapError((error) =>
      new KubeconfigError({ reason: "UnreadableFile", detail: describeFsError("open", abs, error) })
    )
  )
}

/** `clientcmdapi.FlattenConfig`: CA, client certificate and key files become `*-data`. */
export const flatten = (
  fs: FileSystem.FileSystem,
  config: Model.Kubeconfig
): Effect.Effect<Model.Kubeconfig, KubeconfigError> =>
  Effect.gen(function*() {
    const clusters: Array<Model.Entry<S.Cluster>> = []
    for (const entry of config.clusters) {
      const ca = yield* flattenField(
        fs,
        entry.origin,
        entry.value.certificateAuthority,
        entry.value.certificateAuthorityData
      )
      if (ca === undefined) {
        clusters.push(entry)
        continue
      }
      const { certificateAuthority: _path, ...rest } = entry.value
      clusters.push({ ...entry, value: { ...rest, certificateAuthorityData: ca.data! } })
    }
    const users: Array<Model.Entry<S.AuthInfo>> = []
    for (const entry of config.users) {
      let value = entry.value
      const cert = yield* flattenField(fs, entry.origin, value.clientCertificate, value.clientCertificateData)
      if (cert !== undefined) {
        const { clientCertificate: _path, ...rest } = value
        value = { ...rest, clientCertificateData: cert.data! }
      }
      const key = yield* flattenField(fs, entry.origin, value.clientKey, value.clientKeyData)
      if (key !== undefined) {
        const { clientKey: _path, ...rest } = value
        value = { ...rest, clientKeyData: key.data! }
      }
      users.push({ ...entry, value })
    }
    return { ...config, clusters, users }
  })

const dataOmitted = "DATA+OMITTED"
const redacted = "REDACTED"

// kubectl re-encodes the decoded bytes, so line breaks inside the original base64 disappear.
const canonicalData = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  const decoded = decodeStd(value)
  if (decoded._tag !== "Ok" || decoded.bytes.length === 0) return undefined
  return Buffer.from(decoded.bytes).toString("base64")
}

const put = (target: Record<string, unknown>, key: string, value: unknown) => {
  if (value === undefined || value === "" || value === false) return
  if (Array.isArray(value) && value.length === 0) return
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return
  target[key] = value
}

const sortByName = <A extends { readonly name: string }>(list: ReadonlyArray<A>): Array<A> =>
  [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

const extensionsJson = (list: ReadonlyArray<S.NamedExtension> | undefined): Array<unknown> | undefined =>
  list === undefined || list.length === 0
    ? undefined
    : sortByName(list).map((ext) => ({ name: ext.name, extension: ext.extension ?? null }))

const clusterJson = (cluster: S.Cluster, redact: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = { server: cluster.server ?? "" }
  put(out, "tls-server-name", cluster.tlsServerName)
  put(out, "insecure-skip-tls-verify", cluster.insecureSkipTlsVerify)
  put(out, "certificate-authority", cluster.certificateAuthority)
  const ca = canonicalData(cluster.certificateAuthorityData)
  put(out, "certificate-authority-data", ca !== undefined && redact ? dataOmitted : ca)
  put(out, "proxy-url", cluster.proxyUrl)
  put(out, "disable-compression", cluster.disableCompression)
  put(out, "extensions", extensionsJson(cluster.extensions))
  return out
}

const userJson = (user: S.AuthInfo, redact: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const cert = canonicalData(user.clientCertificateData)
  const key = canonicalData(user.clientKeyData)
  put(out, "client-certificate", user.clientCertificate)
  put(out, "client-certificate-data", cert !== undefined && redact ? dataOmitted : cert)
  put(out, "client-key", user.clientKey)
  put(out, "client-key-data", key !== undefined && redact ? dataOmitted : key)
  put(out, "token", user.token !== undefined && user.token !== "" && redact ? redacted : user.token)
  put(out, "tokenFile", user.tokenFile)
  put(out, "as", user.as)
  put(out, "as-uid", user.asUid)
  put(out, "as-groups", user.asGroups)
  put(out, "as-user-extra", user.asUserExtra)
  put(out, "username", user.username)
  put(out, "password", user.password !== undefined && user.password !== "" && redact ? redacted : user.password)
  if (user.authProvider !== undefined) {
    out["auth-provider"] = { name: user.authProvider.name, config: user.authProvider.config ?? null }
  }
  if (user.exec !== undefined) {
    const exec = user.exec
    const e: Record<string, unknown> = {
      command: exec.command ?? "",
      args: exec.args ?? null,
      env: exec.env === undefined ? null : exec.env.map((v) => ({ name: v.name, value: v.value }))
    }
    put(e, "apiVersion", exec.apiVersion)
    put(e, "installHint", exec.installHint)
    e.provideClusterInfo = exec.provideClusterInfo === true
    put(e, "interactiveMode", exec.interactiveMode)
    out.exec = e
  }
  put(out, "extensions", extensionsJson(user.extensions))
  return out
}

const contextJson = (context: S.Context): Record<string, unknown> => {
  const out: Record<string, unknown> = { cluster: context.cluster ?? "", user: context.user ?? "" }
  put(out, "namespace", context.namespace)
  put(out, "extensions", extensionsJson(context.extensions))
  return out
}

const listOrNull = <A>(list: Array<A>): Array<A> | null => (list.length === 0 ? null : list)

/**
 * The kubeconfig in the v1 wire shape kubectl prints: lists sorted by name, empty lists as null, unknown fields
 * dropped, and with `redact` the `*-data` fields as `DATA+OMITTED` and token/password as `REDACTED`.
 */
export const toJson = (config: Model.Kubeconfig, options: { readonly redact: boolean }): Record<string, unknown> => {
  const out: Record<string, unknown> = { kind: "Config", apiVersion: "v1" }
  const preferences: Record<string, unknown> = {}
  put(preferences, "colors", config.preferences.colors)
  put(preferences, "extensions", extensionsJson(config.preferences.extensions))
  put(out, "preferences", preferences)
  out.clusters = listOrNull(
    sortByName(config.clusters).map((c) => ({ name: c.name, cluster: clusterJson(c.value, options.redact) }))
  )
  out.users = listOrNull(
    sortByName(config.users).map((u) => ({ name: u.name, user: userJson(u.value, options.redact) }))
  )
  out.contexts = listOrNull(sortByName(config.contexts).map((c) => ({ name: c.name, context: contextJson(c.value) })))
  out["current-context"] = config.currentContext
  put(out, "extensions", extensionsJson(config.extensions))
  return out
}

/** kubectl's JSON printer: four-space indent. */
export const printJson = (value: unknown): string => JSON.stringify(value, null, 4)

const isLetter = (c: string): boolean => /\p{L}/u.test(c)
const isDigit = (c: string): boolean => c >= "0" && c <= "9"

/** go-yaml v2's map key order (letters compare plainly, digit runs numerically), which sigs.k8s.io/yaml inherits. */
const goYamlKeyLess = (a: string, b: string): boolean => {
  const ar = Array.from(a)
  const br = Array.from(b)
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue
    const al = isLetter(ar[i]!)
    const bl = isLetter(br[i]!)
    if (al && bl) return ar[i]! < br[i]!
    if (al || bl) return bl
    let an = 0
    let bn = 0
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1
          bn = 1
          break
        }
      }
    }
    let ai = i
    let bi = i
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai])
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi])
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return ar[i]! < br[i]!
  }
  return ar.length < br.length
}

/** kubectl's YAML printer: keys in go-yaml order, sequences not indented under their key, no line folding. */
export const printYaml = (value: unknown): string => printYamlWith(lazyYaml.sync(), value)

const printYamlWith = (yaml: typeof YAML, value: unknown): string => {
  const keyOf = (pair: YAML.Pair<unknown, unknown>): string =>
    yaml.isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
  return yaml.stringify(value, {
    version: "1.1",
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    sortMapEntries: (a, b) => {
      const ka = keyOf(a)
      const kb = keyOf(b)
      return goYamlKeyLess(ka, kb) ? -1 : goYamlKeyLess(kb, ka) ? 1 : 0
    }
  })
}
