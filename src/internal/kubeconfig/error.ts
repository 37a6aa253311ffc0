/**
 * Helpers for kubeconfig and in-cluster errors; the error classes are public, in `RestConfigError.ts`.
 */
export {
  InClusterConfigError,
  KubeconfigError,
  type KubeconfigErrorReason,
  NoConfigurationError
} from "../../RestConfigError.js"

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
