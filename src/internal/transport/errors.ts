import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

export type TransportConfigErrorReason =
  | "UnreadableFile"
  | "InvalidTlsMaterial"
  | "InvalidTlsConfig"
  | "InvalidProxyUrl"
  | "UnsupportedProxy"

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

export class TimeoutError extends Data.TaggedError("TimeoutError")<{
  readonly timeout: Duration.Duration
  readonly url: string
}> {
  override get message(): string {
    return `no response from ${this.url} within the configured timeout`
  }
}

// Verification results OpenSSL reports for the peer certificate, plus Node's own host name check.
const verifyCodes = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID"
])

/**
 * Recognises TLS failures among the errors Node's request emits.
 */
export const classifyTls = (cause: unknown, server: string): TlsError | undefined => {
  if (typeof cause !== "object" || cause === null) return undefined
  const code = (cause as { code?: unknown }).code
  if (typeof code !== "string") return undefined
  if (verifyCodes.has(code)) return new TlsError({ kind: "ServerCertificate", code, server, cause })
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) {
    return new TlsError({ kind: "Handshake", code, server, cause })
  }
  return undefined
}

/**
 * A response body (after gzip inflation) larger than `Limits.maxResponseBytes`; reading stopped there.
 */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{
  readonly limit: number
  readonly url: string
}> {
  override get message(): string {
    return `the response body is larger than ${this.limit} bytes (Limits.maxResponseBytes)`
  }
}
