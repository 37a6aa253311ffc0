import * as Option from "effect/Option"
import * as KubeError from "../KubeError.js"

/**
 * What kubectl prints for a failure from the server (cmdutil's `StandardErrorMessage`):
 * `Error from server (NotFound): pods "x" not found`, `The Pod "x" is invalid: spec.containers: Required value`,
 * `error: You must be logged in to the server (Unauthorized)`.
 */
export const kubectlMessage = (error: KubeError.ApiError): string => {
  const status = error.status
  const message = status.message ?? ""
  if (error._tag === "Unauthorized") return `error: You must be logged in to the server (${message})`
  if (error._tag === "Invalid" && status.reason === "Invalid") {
    const details = status.details
    const causes = details?.causes ?? []
    if (details === undefined || causes.length === 0) return `The request is invalid: ${message}`
    const head = `The ${details.kind ?? ""} ${JSON.stringify(details.name ?? "")} is invalid: `
    const line = (c: KubeError.StatusCause) =>
      (c.field !== undefined && c.field !== "" ? `${c.field}: ` : "") + (c.message ?? "")
    if (causes.length === 1) return head + line(causes[0]!)
    return head + "\n" + causes.map((c) => `* ${line(c)}`).join("\n")
  }
  const reason = status.reason ?? ""
  return reason === "" ? `Error from server: ${message}` : `Error from server (${reason}): ${message}`
}

/** kubectl's wording for a failure (cmdutil.CheckErr), without the trailing newline. */
export const describeFailure = (error: unknown): string => {
  if (KubeError.isApiError(error)) return kubectlMessage(error)
  if (KubeError.isTransportError(error)) {
    if (error.reason === "ConnectionRefused") {
      const host = Option.getOrElse(Option.liftThrowable(() => new URL(error.url).host)(), () => error.url)
      return `The connection to the server ${host} was refused - did you specify the right host or port?`
    }
    return `Unable to connect to the server: ${error.detail}`
  }
  if (error instanceof Error) return `error: ${error.message}`
  return `error: ${String(error)}`
}
