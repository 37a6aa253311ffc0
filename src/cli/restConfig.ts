/**
 * The RestConfig for the bin's global flags, with kubectl's (client-go's `DirectClientConfig`) override rules:
 * the flags replace the selected cluster's and user's fields before the kubeconfig is validated and resolved.
 *
 * - `--server` replaces the server and drops the kubeconfig's `tls-server-name` (only `--tls-server-name` keeps one).
 * - `--insecure-skip-tls-verify` or `--certificate-authority` replace the CA and the skip setting together.
 * - `--token`, `--client-certificate`, `--client-key`, `--as`, `--as-uid`, `--as-group` replace the user's fields;
 *   the usual validation then applies (a token together with basic auth is still an error, as in kubectl).
 * - Paths given as flags are relative to the working directory, not to a kubeconfig file.
 *
 * Without a usable kubeconfig (and no flags that make one), the in-cluster configuration, as kubectl.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as NodePath from "node:path"
import * as Kubeconfig from "../Kubeconfig.js"
import * as RestConfig from "../RestConfig.js"
import type { GlobalFlags } from "./globals.js"

type Cluster = Kubeconfig.Cluster
type AuthInfo = Kubeconfig.AuthInfo

const set = (value: string | undefined): value is string => value !== undefined && value !== ""

const absolute = (path: string) => NodePath.resolve(path)

const clusterOverrides = (globals: GlobalFlags): ((cluster: Cluster) => Cluster) | undefined => {
  const server = globals.server
  const ca = globals.certificateAuthority
  const insecure = globals.insecureSkipTlsVerify === true
  const tlsName = globals.tlsServerName
  if (!set(server) && !set(ca) && !insecure && !set(tlsName)) return undefined
  return (cluster) => {
    let next: Cluster = { ...cluster }
    if (set(server)) next = { ...next, server }
    if (insecure || set(ca)) {
      const { certificateAuthorityData: _d, certificateAuthority: _c, ...rest } = next
      next = { ...rest, insecureSkipTlsVerify: insecure, ...(set(ca) ? { certificateAuthority: absolute(ca) } : {}) }
    }
    if (set(tlsName) || set(server)) {
      const { tlsServerName: _t, ...rest } = next
      next = { ...rest, ...(set(tlsName) ? { tlsServerName: tlsName } : {}) }
    }
    return next
  }
}

const userOverrides = (globals: GlobalFlags): ((user: AuthInfo) => AuthInfo) | undefined => {
  const changes: Partial<Record<keyof AuthInfo, unknown>> = {}
  if (set(globals.token)) changes.token = globals.token
  if (set(globals.clientCertificate)) changes.clientCertificate = absolute(globals.clientCertificate)
  if (set(globals.clientKey)) changes.clientKey = absolute(globals.clientKey)
  if (set(globals.as)) changes.as = globals.as
  if (set(globals.asUid)) changes.asUid = globals.asUid
  if (globals.asGroups.length > 0) changes.asGroups = globals.asGroups
  if (Object.keys(changes).length === 0) return undefined
  return (user) => ({ ...user, ...changes }) as AuthInfo
}

const replaceEntry = <A>(
  entries: ReadonlyArray<Kubeconfig.Entry<A>>,
  name: string,
  change: (value: A) => A,
  origin: string
): ReadonlyArray<Kubeconfig.Entry<A>> =>
  entries.some((e) => e.name === name)
    ? entries.map((e) => e.name === name ? { ...e, value: change(e.value) } : e)
    // No entry to change (no kubeconfig, or a context without one): the flags make it, under the name looked up.
    : [...entries, { name, value: change({} as A), origin }]

/** The kubeconfig as the flags change it, before resolution. */
export const applyOverrides = (config: Kubeconfig.Kubeconfig, globals: GlobalFlags): Kubeconfig.Kubeconfig => {
  const contextName = set(globals.context) ? globals.context : config.currentContext
  const context = config.contexts.find((c) => c.name === contextName)?.value
  const clusterName = set(globals.cluster) ? globals.cluster : context?.cluster ?? ""
  const userName = set(globals.user) ? globals.user : context?.user ?? ""
  const origin = NodePath.join(process.cwd(), "flags")
  const onCluster = clusterOverrides(globals)
  const onUser = userOverrides(globals)
  // A named cluster or user that is missing stays missing, so the resolver reports it (unless --server stands in).
  const clusterKnown = clusterName === "" || config.clusters.some((c) => c.name === clusterName)
  const userKnown = userName === "" || config.users.some((u) => u.name === userName)
  return {
    ...config,
    clusters: onCluster === undefined || (!clusterKnown && !set(globals.server))
      ? config.clusters
      : replaceEntry(config.clusters, clusterName, onCluster, origin),
    users: onUser === undefined || !userKnown ? config.users : replaceEntry(config.users, userName, onUser, origin)
  }
}

/** The RestConfig kubectl would build from these flags. */
export const fromGlobals = (
  globals: GlobalFlags,
  timeout: Duration.Duration | undefined
): Effect.Effect<
  RestConfig.Service,
  Kubeconfig.KubeconfigError | RestConfig.InClusterConfigError | RestConfig.NoConfigurationError,
  FileSystem.FileSystem
> =>
  Effect.gen(function*() {
    const loaded = yield* Kubeconfig.load({ path: globals.kubeconfig })
    const config = applyOverrides(loaded, globals)
    const overrides: Kubeconfig.Overrides = {
      context: globals.context,
      cluster: globals.cluster,
      user: globals.user,
      namespace: globals.namespace,
      timeout
    }
    const resolved = yield* Effect.either(Kubeconfig.toRestConfig(config, overrides))
    if (resolved._tag === "Right") return resolved.right
    if (resolved.left.reason !== "EmptyConfig") return yield* resolved.left
    return yield* RestConfig.loadInfer({ path: globals.kubeconfig, namespace: globals.namespace, timeout })
  })
