import * as Data from "effect/Data"

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
 * Defined here rather than in `Credentials.ts` so the internal modules can construct it without an import cycle.
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
