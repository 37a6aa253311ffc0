/**
 * Turns what the HttpClient failed with into a TransportError, deciding whether the request can have reached the
 * server.
 */
import { TransportError, type TransportReason } from "../../KubeError.js"
import { transportCause } from "../transport/redact.js"

const refusedCodes = new Set(["ECONNREFUSED"])
const notSentCodes = new Set(["ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"])
const resetCodes = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET"])

const isTlsCode = (code: string): boolean =>
  code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code.includes("CERT") ||
  code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "EPROTO"

/** The innermost error in a `cause` chain, the first `code` and the tags found on the way. */
const inspect = (
  error: unknown
): { readonly code: string | undefined; readonly message: string; readonly tags: ReadonlyArray<unknown> } => {
  let current: unknown = error
  let code: string | undefined
  let message = ""
  const tags: Array<unknown> = []
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (typeof current === "object") {
      const record = current as { code?: unknown; message?: unknown; cause?: unknown; _tag?: unknown }
      tags.push(record._tag)
      if (code === undefined && typeof record.code === "string") code = record.code
      if (typeof record.message === "string" && record.message !== "") message = record.message
      current = record.cause
    } else {
      message = String(current)
      break
    }
  }
  return { code, message, tags }
}

/** A failure the transport reports that is not about the connection (an exec plugin's client certificate). */
export const credentialsCause = (cause: unknown): unknown => {
  let current: unknown = cause
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    if ((current as { _tag?: unknown })._tag === "CredentialsError") return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

export const fromCause = (method: string, url: string, cause: unknown): TransportError => {
  const { code, message, tags } = inspect(cause)
  let reason: TransportReason = "Other"
  let sent = true
  // NodeTransport's own failures carry tags instead of Node error codes.
  if (tags.includes("TimeoutError")) {
    reason = "Timeout"
  } else if (tags.includes("TlsError")) {
    reason = "Tls"
    sent = false
  } else if (code !== undefined) {
    if (refusedCodes.has(code)) {
      reason = "ConnectionRefused"
      sent = false
    } else if (notSentCodes.has(code)) {
      sent = false
    } else if (resetCodes.has(code)) {
      reason = "ConnectionReset"
    } else if (isTlsCode(code)) {
      reason = "Tls"
      sent = false
    } else if (code === "ETIMEDOUT") {
      reason = "Timeout"
    }
  } else if (/socket hang up/i.test(message)) {
    reason = "ConnectionReset"
  }
  return new TransportError({
    method,
    url,
    reason,
    sent,
    detail: message === "" ? "transport failure" : message,
    // Not the HttpClient's error itself: it holds the authorised request (see redact.ts).
    cause: transportCause(cause)
  })
}
