/**
 * Why a RestConfig could not be built: from kubeconfig files, from the pod's service account, or from nothing at
 * all. Defined apart from `Kubeconfig` and `RestConfig` so the implementations under `internal/` can raise them
 * without importing the modules that use them.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"

/**
 * Why a kubeconfig could not be loaded or resolved.
 *
 * @since 0.1.0
 * @category errors
 */
export type KubeconfigErrorReason =
  | "FileNotFound"
  | "ReadError"
  | "ParseError"
  | "InvalidBase64"
  | "DuplicateName"
  | "ContextNotFound"
  | "ClusterNotFound"
  | "UserNotFound"
  | "NoCurrentContext"
  | "EmptyConfig"
  | "NoServer"
  | "UnreadableFile"
  | "Invalid"

/**
 * A kubeconfig file could not be read, parsed or resolved: `reason` says what, `file` and `key` say where.
 *
 * @since 0.1.0
 * @category errors
 */
export class KubeconfigError extends Data.TaggedError("KubeconfigError")<{
  readonly reason: KubeconfigErrorReason
  /** The kubeconfig file (as listed in the loading rules) the problem is in, when there is one. */
  readonly file?: string | undefined
  /** Where in the file, e.g. `users["admin"].user.client-key-data`. */
  readonly key?: string | undefined
  /** What is wrong; never contains a credential. */
  readonly detail: string
}> {
  override get message(): string {
    // Problems found while reading a file use kubectl's wording; problems found while resolving name the place.
    if (this.file !== undefined && loadReasons.has(this.reason)) {
      return `error loading config file "${this.file}": ${this.detail}${
        this.key === undefined ? "" : ` (at ${this.key})`
      }`
    }
    const where = [
      ...(this.file === undefined ? [] : [`in "${this.file}"`]),
      ...(this.key === undefined ? [] : [`at ${this.key}`])
    ]
    return where.length === 0 ? this.detail : `${this.detail} (${where.join(" ")})`
  }
}

const loadReasons: ReadonlySet<KubeconfigErrorReason> = new Set([
  "ReadError",
  "ParseError",
  "InvalidBase64",
  "DuplicateName"
])

/**
 * The in-cluster configuration (service account token, KUBERNETES_SERVICE_HOST/PORT) is not available.
 *
 * @since 0.1.0
 * @category errors
 */
export class InClusterConfigError extends Data.TaggedError("InClusterConfigError")<{
  readonly reason: "NotInCluster" | "UnreadableToken"
  readonly path?: string | undefined
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/**
 * Neither a kubeconfig nor the in-cluster configuration applied.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoConfigurationError extends Data.TaggedError("NoConfigurationError")<{
  /** One line per source that was tried, in order, saying why it did not apply. */
  readonly tried: ReadonlyArray<string>
}> {
  override get message(): string {
    return `no Kubernetes configuration found; tried:\n${this.tried.map((line) => `  - ${line}`).join("\n")}`
  }
}
