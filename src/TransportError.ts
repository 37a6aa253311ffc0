/**
 * How the Node transport fails: its configuration could not be built, or a request failed in TLS, in the proxy or
 * on the configured timeout. Defined apart from `NodeTransport` so the implementations under `internal/` can raise
 * them without importing the module that wires them.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

/**
 * What was wrong in the RestConfig's transport settings (see `TransportConfigError`).
 *
 * @since 0.1.0
 * @category errors
 */
export type TransportConfigErrorReason =
  | "UnreadableFile"
  | "InvalidTlsMaterial"
  | "InvalidTlsConfig"
  | "InvalidProxyUrl"
  | "UnsupportedProxy"

/**
 * The transport could not be built from the RestConfig. `reason`: `UnreadableFile` (names the CA / certificate /
 * key file in `path`), `InvalidTlsMaterial` (PEM that does not parse), `InvalidTlsConfig` (a certificate without a
 * key, or a CA together with insecure-skip-tls-verify, which client-go refuses too), `InvalidProxyUrl`,
 * `UnsupportedProxy` (socks).
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportConfigError extends Data.TaggedError("TransportConfigError")<{
  readonly reason: TransportConfigErrorReason
  readonly detail: string
  /** The file that could not be read, for `UnreadableFile`. */
  readonly path?: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.detail
  }
}

/**
 * TLS failed: `kind` is `ServerCertificate` when the server's certificate was not accepted (not signed by the
 * configured CA, wrong name, expired) and `Handshake` when the handshake failed otherwise (typically the server
 * refusing a missing or unknown client certificate). `code` is Node's error code.
 *
 * @since 0.1.0
 * @category errors
 */
export class TlsError extends Data.TaggedError("TlsError")<{
  /**
   * `ServerCertificate`: the server's certificate failed verification (unknown CA, wrong name, expired).
   * `Handshake`: the handshake failed otherwise, typically because the server refused our (missing) client
   * certificate.
   */
  readonly kind: "ServerCertificate" | "Handshake"
  /** Node / OpenSSL error code, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`. */
  readonly code: string
  readonly server: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.kind === "ServerCertificate"
      ? `TLS: the certificate of ${this.server} was not accepted (${this.code})`
      : `TLS: handshake with ${this.server} failed (${this.code})`
  }
}

/**
 * The proxy refused or failed to open a CONNECT tunnel (`status` holds its answer when it gave one).
 *
 * @since 0.1.0
 * @category errors
 */
export class ProxyError extends Data.TaggedError("ProxyError")<{
  /** The proxy URL without user info. */
  readonly proxy: string
  readonly target: string
  readonly detail: string
  readonly status?: number
  readonly cause?: unknown
}> {
  override get message(): string {
    return `proxy ${this.proxy} could not open a tunnel to ${this.target}: ${this.detail}`
  }
}

/**
 * No response headers arrived within `RestConfig.timeout`.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends Data.TaggedError("TimeoutError")<{
  readonly timeout: Duration.Duration
  readonly url: string
}> {
  override get message(): string {
    return `no response from ${this.url} within the configured timeout`
  }
}
