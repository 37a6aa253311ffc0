/**
 * The transport's own failure classification; the error classes users see are in `TransportError`.
 */
import * as Data from "effect/Data"
import { TlsError } from "../../TransportError.js"

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
