/**
 * Requests as errors may carry them: without credentials and without a body.
 *
 * A failed request's error holds the request for diagnosis, but by then the RestClient has added the Authorization
 * header (and a body may be a Secret being created). Printing the error (`console.log`, `util.inspect`,
 * `JSON.stringify`, `Cause.pretty`) must never show either, so errors are built from this copy instead.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"

/** Headers that carry credentials or session state (client-go's round-tripper debug output masks the same). */
const sensitive = new Set(["authorization", "proxy-authorization", "cookie", "x-csrf-token"])

/** The request without credential headers and without its body. */
export const safeRequest = (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
  const headers: Record<string, string> = {}
  for (const name in request.headers) {
    if (!sensitive.has(name.toLowerCase())) headers[name] = request.headers[name]!
  }
  return HttpClientRequest.make(request.method)(request.url, {
    headers: Headers.fromInput(headers),
    urlParams: request.urlParams
  })
}

/** Header values as Node would refuse them (CR, LF, NUL and other controls but tab), so they fail before sending. */
export const invalidHeaderValue = /[^\t\x20-\x7e\x80-\xff]/

/**
 * The innermost cause of an HttpClient failure: the socket, TLS, proxy or timeout error. The platform's
 * RequestError / ResponseError wrappers hold the request (and a response pointing back at it), so they are peeled.
 */
export const transportCause = (cause: unknown): unknown => {
  let current = cause
  for (let depth = 0; depth < 8; depth++) {
    if (typeof current !== "object" || current === null) return current
    const tag = (current as { _tag?: unknown })._tag
    if ((tag === "RequestError" || tag === "ResponseError") && "request" in current) {
      const inner = (current as { cause?: unknown }).cause
      if (inner === undefined) {
        const record = current as { reason?: unknown; message?: unknown }
        return new Error(typeof record.message === "string" ? record.message : String(record.reason))
      }
      current = inner
      continue
    }
    return current
  }
  return current
}
