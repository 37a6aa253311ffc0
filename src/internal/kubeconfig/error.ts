/**
 * Errors for kubeconfig loading and in-cluster discovery. They live here so the internal modules and the public
 * modules (Kubeconfig, RestConfig) share one class each.
 */
import * as Data from "effect/Data"

/**
 * Why a kubeconfig could not be loaded or resolved.
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

export class InClusterConfigError extends Data.TaggedError("InClusterConfigError")<{
  readonly reason: "NotInCluster" | "UnreadableToken"
  readonly path?: string | undefined
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

export class NoConfigurationError extends Data.TaggedError("NoConfigurationError")<{
  /** One line per source that was tried, in order, saying why it did not apply. */
  readonly tried: ReadonlyArray<string>
}> {
  override get message(): string {
    return `no Kubernetes configuration found; tried:\n${this.tried.map((line) => `  - ${line}`).join("\n")}`
  }
}

export const entryKey = (list: "clusters" | "users" | "contexts", name: string, field?: string): string => {
  const item = list === "clusters" ? "cluster" : list === "users" ? "user" : "context"
  return `${list}[${JSON.stringify(name)}]${field === undefined ? "" : `.${item}.${field}`}`
}

/** The part of a Node file-system error worth showing, in Go's words so messages line up with kubectl's. */
export const describeFsError = (op: string, path: string, error: unknown): string => {
  const reason = typeof error === "object" && error !== null && "reason" in error ? String(error.reason) : ""
  const text = reason === "NotFound"
    ? "no such file or directory"
    : reason === "PermissionDenied"
    ? "permission denied"
    : reason === "BadResource"
    ? "is a directory"
    : reason === ""
    ? "cannot be read"
    : reason
  return `${op} ${path}: ${text}`
}
