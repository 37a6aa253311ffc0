/**
 * The credentials' contracts: the service interface and the client certificate.
 * Re-exported by `Credentials`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as errors from "./CredentialsError.js"

/**
 * A client certificate and its key, PEM encoded, as an exec plugin returns them.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCertificate {
  readonly certificate: string
  readonly key: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Adds Authorization and impersonation headers to a request; may read a token file or run an exec plugin. */
  readonly authorize: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<HttpClientRequest.HttpClientRequest, CredentialsError>
  /**
   * Called by the RestClient after a 401: drops cached credentials (exec result, token file contents). Succeeds with
   * true when a second attempt could authenticate differently, so the request is worth one retry.
   */
  readonly invalidate: Effect.Effect<boolean>
  /**
   * The client certificate an exec plugin provides, if this source can provide one. The transport evaluates it
   * before each request (it is cached like the token, so this is cheap) and presents the result on new
   * connections. Absent for sources that never produce certificates.
   */
  readonly clientCertificate?: Effect.Effect<Option.Option<ClientCertificate>, CredentialsError> | undefined
}

/**
 * Why credentials could not be produced. `reason` tells the cases apart; `source` names the exec command, token
 * file or auth provider; neither the message nor the fields ever hold a token, key or password.
 *
 * Reasons: `ExecNotFound` (the message includes the plugin's installHint), `ExecFailed` (non-zero exit, with an
 * excerpt of stderr), `ExecInvalidOutput` (stdout is not an ExecCredential), `ExecApiVersionMismatch`,
 * `ExecMissingCredentials` (no token and no certificate/key pair), `ExecInteractive` (interactiveMode Always without
 * a terminal), `ExecConfig`, `TokenFile`, `AuthProviderRemoved` (gcp, azure), `AuthProviderInvalid`, `TokenSource`
 * (a user supplied source failed).
 *
 * @since 0.1.0
 * @category errors
 */
export const CredentialsError: typeof errors.CredentialsError = errors.CredentialsError

/**
 * @since 0.1.0
 * @category errors
 */
export type CredentialsError = errors.CredentialsError
