import * as Option from "effect/Option"
import * as KubeError from "../KubeError.js"

/** kubectl's wording for a failure (cmdutil.CheckErr), without the trailing newline. */
export const describeFailure = (error: unknown): string => {
  if (KubeError.isApiError(error)) return KubeError.kubectlMessage(error)
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
