/**
 * Why credentials could not be obtained. Defined apart from `Credentials` so the implementations under `internal/`
 * can raise it without importing the module that uses them.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"

/**
 * What kind of credential source failed.
 *
 * @since 0.1.0
 * @category errors
 */
export type CredentialsErrorReason =
  | "ExecNotFound"
  | "ExecFailed"
  | "ExecInvalidOutput"
  | "ExecApiVersionMismatch"
  | "ExecMissingCredentials"
  | "ExecInteractive"
  | "ExecConfig"
  | "TokenFile"
  | "AuthProviderRemoved"
  | "AuthProviderInvalid"
  | "TokenSource"
  | "ExecTimeout"
  | "InvalidHeader"

/**
 * A credential source (exec plugin, token file, auth provider) failed; `source` names it, never a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsError extends Data.TaggedError("CredentialsError")<{
  readonly reason: CredentialsErrorReason
  /** What produced the failure, e.g. `exec plugin "aws"` or `token file /var/run/token`; never a secret. */
  readonly source: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.source}: ${this.detail}`
  }
}
