/**
 * Kubeconfig files with client-go's `clientcmd` semantics: the v1 schema, the loading rules (`--kubeconfig`, then
 * `KUBECONFIG`, then `~/.kube/config`), merging, overrides, and resolution to a {@link RestConfig.RestConfig}.
 *
 * @example
 * ```ts
 * import * as NodeContext from "@effect/platform-node/NodeContext"
 * import * as Effect from "effect/Effect"
 * import * as Kubeconfig from "effect-kube/Kubeconfig"
 *
 * const program = Effect.gen(function*() {
 *   const kubeconfig = yield* Kubeconfig.load()
 *   const config = yield* Kubeconfig.toRestConfig(kubeconfig, { context: "kind-dev", namespace: "apps" })
 *   console.log(config.server, config.namespace)
 * })
 * Effect.runPromise(program.pipe(Effect.provide(NodeContext.layer)))
 * ```
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as internalLoad from "./internal/kubeconfig/load.js"
import * as internalModel from "./internal/kubeconfig/model.js"
import * as internalResolve from "./internal/kubeconfig/resolve.js"
import * as internalView from "./internal/kubeconfig/view.js"
import * as S from "./KubeconfigModel.js"
import type * as RestConfig from "./RestConfig.js"
import * as errors from "./RestConfigError.js"

/**
 * The kubeconfig v1 file. Decode with `onExcessProperty: "preserve"` to keep fields this version does not know
 * (the loaders do).
 *
 * @since 0.1.0
 * @category schemas
 */
export const KubeconfigSchema = S.Config

/**
 * @since 0.1.0
 * @category models
 */
export type KubeconfigFileContent = S.Config

/**
 * A cluster entry; `certificateAuthorityData` is the base64 text as written in the file.
 *
 * @since 0.1.0
 * @category models
 */
export type Cluster = S.Cluster

/**
 * A user entry (client-go's `AuthInfo`); `*Data` fields are the base64 text as written in the file.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthInfo = S.AuthInfo

/**
 * @since 0.1.0
 * @category models
 */
export type Context = S.Context

/**
 * @since 0.1.0
 * @category models
 */
export type Preferences = S.Preferences

/**
 * @since 0.1.0
 * @category models
 */
export type NamedExtension = S.NamedExtension

/**
 * A named entry of the merged kubeconfig and the file that defined it.
 *
 * @since 0.1.0
 * @category models
 */
export type Entry<A> = S.Entry<A>

/**
 * The merged kubeconfig, as loaded: values are kept as written (relative paths unresolved, base64 undecoded, unknown
 * fields preserved) so it can be printed like `kubectl config view`.
 *
 * @since 0.1.0
 * @category models
 */
export type Kubeconfig = S.Kubeconfig

/**
 * One parsed file.
 *
 * @since 0.1.0
 * @category models
 */
export type KubeconfigFile = S.KubeconfigFile

/**
 * Loading or resolving failed. `reason` says how, `file` and `key` say where; `detail` never holds a credential.
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
 * @since 0.1.0
 * @category errors
 */
export type KubeconfigErrorReason = errors.KubeconfigErrorReason

/**
 * A kubeconfig with nothing in it (what kubectl shows when no file exists).
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Kubeconfig = internalModel.empty

/**
 * Parses one kubeconfig document (YAML or JSON). `path` labels errors and becomes the origin of every entry, so
 * relative paths in the document resolve against its directory.
 *
 * @since 0.1.0
 * @category conversions
 */
export const parse = (text: string, path: string): Effect.Effect<KubeconfigFile, KubeconfigError> =>
  internalLoad.parse(text, path)

/**
 * Merges parsed files, earlier files first: a named cluster, user or context comes whole from the first file that
 * defines it; current-context and preferences come from the first file that sets them.
 *
 * @since 0.1.0
 * @category combinators
 */
export const merge: (files: ReadonlyArray<KubeconfigFile>) => Kubeconfig = internalModel.merge

/**
 * @since 0.1.0
 * @category models
 */
export interface LoadOptions {
  /** An explicit file (`--kubeconfig`); when set, only this file is read and it must exist. */
  readonly path?: string | undefined
}

/**
 * The files the loading rules would read: the explicit path alone; else the `KUBECONFIG` list (split on `:`, empty
 * entries dropped, duplicates removed); else `$HOME/.kube/config`. Environment variables are read through Effect's
 * `ConfigProvider`, so tests can substitute them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadingPaths = (
  options?: LoadOptions
): Effect.Effect<{ readonly explicit?: string | undefined; readonly files: ReadonlyArray<string> }> =>
  internalLoad.loadingPaths(options?.path)

/**
 * Applies the loading rules and merges the files found. A missing explicit file fails with reason `FileNotFound`;
 * missing files in `KUBECONFIG` or the home default are skipped, so nothing found gives {@link empty}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const load = (options?: LoadOptions): Effect.Effect<Kubeconfig, KubeconfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* internalLoad.loadingPaths(options?.path)
    return yield* internalLoad.load(fs, paths)
  })

/**
 * What a command line can override (kubectl's `--context`, `--cluster`, `--user`, `--namespace`, `--server`,
 * `--request-timeout`); defined in `KubeconfigModel`.
 *
 * @since 0.1.0
 * @category models
 */
export type Overrides = S.Overrides

// Tells the data-first call of a dual from the data-last one: the arguments after the kubeconfig are a string
// (a context) or overrides, which have no `clusters` or `contexts`.
const isKubeconfig = (u: unknown): u is Kubeconfig =>
  typeof u === "object" && u !== null && Array.isArray((u as Kubeconfig).clusters) &&
  Array.isArray((u as Kubeconfig).contexts)

/**
 * Resolves the selected context to a RestConfig, as client-go's `ClientConfig()`. Dual:
 * `pipe(kubeconfig, Kubeconfig.toRestConfig({ context: "prod" }))`.
 *
 * - Selection: an override names a context / cluster / user that must exist; otherwise current-context and the
 *   context's cluster and user are used. Unlike client-go, a context naming a missing cluster (without a `server`
 *   override) or a missing user is an error rather than "no configuration" / anonymous.
 * - Paths (certificate-authority, client-certificate, client-key, tokenFile, exec command containing `/`) resolve
 *   against the directory of the file that defined the entry. `*-data` is base64-decoded.
 * - Auth: tokenFile (with the inline token as the value before the first read) > token > basic > exec >
 *   auth-provider. token together with basic, or exec together with auth-provider, is an error (as in client-go).
 *   A plain `http://` server gets no credentials and no TLS material, as in client-go.
 * - Validation as client-go's `ConfirmUsable`: both `X` and `X-data`, cert without key, unreadable files, exec
 *   without command/apiVersion/interactiveMode, impersonation extras without `as`, a bad proxy-url.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toRestConfig: {
  (
    overrides?: Overrides
  ): (kubeconfig: Kubeconfig) => Effect.Effect<RestConfig.Service, KubeconfigError, FileSystem.FileSystem>
  (
    kubeconfig: Kubeconfig,
    overrides?: Overrides
  ): Effect.Effect<RestConfig.Service, KubeconfigError, FileSystem.FileSystem>
} = dual(
  (args) => isKubeconfig(args[0]),
  (kubeconfig: Kubeconfig, overrides?: Overrides) =>
    Effect.flatMap(FileSystem.FileSystem, (fs) => internalResolve.toRestConfig(fs, kubeconfig, overrides))
)

/**
 * Keeps only the current context (or `context`) and its cluster and user, as `kubectl config view --minify`.
 * Dual: `pipe(kubeconfig, Kubeconfig.minify("prod"))`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const minify: {
  (context?: string): (kubeconfig: Kubeconfig) => Effect.Effect<Kubeconfig, KubeconfigError>
  (kubeconfig: Kubeconfig, context?: string): Effect.Effect<Kubeconfig, KubeconfigError>
} = dual(
  (args) => isKubeconfig(args[0]),
  (kubeconfig: Kubeconfig, context?: string) => internalView.minify(kubeconfig, context)
)

/**
 * Reads certificate-authority, client-certificate and client-key files into their `*-data` fields, as
 * `kubectl config view --flatten`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const flatten = (kubeconfig: Kubeconfig): Effect.Effect<Kubeconfig, KubeconfigError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => internalView.flatten(fs, kubeconfig))

/**
 * The kubeconfig in the v1 shape `kubectl config view -o json` prints. Unless `raw` is set, `*-data` fields show
 * `DATA+OMITTED` and token and password show `REDACTED`. Fields unknown to kubectl are left out, as kubectl does.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toJson = (kubeconfig: Kubeconfig, options?: { readonly raw?: boolean }): Record<string, unknown> =>
  internalView.toJson(kubeconfig, { redact: options?.raw !== true })

/**
 * kubectl's JSON text (four-space indent) of a {@link toJson} value.
 *
 * @since 0.1.0
 * @category conversions
 */
export const printJson: (value: unknown) => string = internalView.printJson

/**
 * kubectl's YAML text of a {@link toJson} value (go-yaml key order, unindented sequences).
 *
 * @since 0.1.0
 * @category conversions
 */
export const printYaml: (value: unknown) => string = internalView.printYaml
