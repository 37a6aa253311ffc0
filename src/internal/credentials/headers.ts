import * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { ImpersonationConfig } from "../../RestConfig.js"
import { CredentialsError } from "./error.js"

// RFC 7230 `tchar`: the bytes a header name may carry unescaped.
const isTokenByte = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
  "!#$&'*+-.^_`|~".includes(String.fromCharCode(b))

/**
 * Percent-encodes an `Impersonate-Extra-` key the way client-go does: every UTF-8 byte that is not a header token
 * character, and `%` itself (so the server's unescape round-trips), becomes `%XX` with upper-case hex.
 */
export const escapeExtraKey = (key: string): string => {
  let out = ""
  for (const b of Buffer.from(key, "utf8")) {
    out += isTokenByte(b) ? String.fromCharCode(b) : "%" + b.toString(16).toUpperCase().padStart(2, "0")
  }
  return out
}

/**
 * Platform `Headers` hold one string per name, but the apiserver reads each `Impersonate-Group` line as its own
 * group, so a comma-joined value would name one group "a, b". Several values are therefore stored as a string array;
 * Node's `http.request` writes each element as its own header line. In-process clients must accept
 * `string | ReadonlyArray<string>` for these names.
 */
const setMulti = (
  request: HttpClientRequest.HttpClientRequest,
  name: string,
  values: ReadonlyArray<string>
): HttpClientRequest.HttpClientRequest => {
  if (values.length === 0) return request
  if (values.length === 1) return HttpClientRequest.setHeader(request, name, values[0]!)
  return HttpClientRequest.setHeader(request, name, [...values] as unknown as string)
}

export const hasImpersonation = (config: ImpersonationConfig | undefined): config is ImpersonationConfig =>
  config !== undefined &&
  ((config.user !== undefined && config.user !== "") || (config.uid !== undefined && config.uid !== "") ||
    config.groups.length > 0 || Object.keys(config.extra).length > 0)

/**
 * Adds the impersonation headers unless the request already impersonates someone (a caller's explicit choice wins,
 * as in client-go).
 */
export const impersonate = (
  request: HttpClientRequest.HttpClientRequest,
  config: ImpersonationConfig
): HttpClientRequest.HttpClientRequest => {
  if (request.headers["impersonate-user"] !== undefined) return request
  let out = request
  if (config.user !== undefined && config.user !== "") {
    out = HttpClientRequest.setHeader(out, "Impersonate-User", config.user)
  }
  if (config.uid !== undefined && config.uid !== "") {
    out = HttpClientRequest.setHeader(out, "Impersonate-Uid", config.uid)
  }
  out = setMulti(out, "Impersonate-Group", config.groups)
  for (const key of Object.keys(config.extra).sort()) {
    out = setMulti(out, `Impersonate-Extra-${escapeExtraKey(key)}`, config.extra[key]!)
  }
  return out
}

export const hasAuthorization = (request: HttpClientRequest.HttpClientRequest): boolean =>
  Headers.has(request.headers, "authorization")

export const bearer = (
  request: HttpClientRequest.HttpClientRequest,
  token: Redacted.Redacted<string>
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.setHeader(request, "Authorization", `Bearer ${Redacted.value(token)}`)

/**
 * `btoa` throws on characters above U+00FF; Go encodes the UTF-8 bytes, so do the same.
 */
export const basic = (
  request: HttpClientRequest.HttpClientRequest,
  username: string,
  password: Redacted.Redacted<string>
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.setHeader(
    request,
    "Authorization",
    `Basic ${Buffer.from(`${username}:${Redacted.value(password)}`, "utf8").toString("base64")}`
  )

// What Node refuses in a header value (it throws ERR_INVALID_CHAR): control characters other than tab.
const invalidValue = /[\x00-\x08\x0a-\x1f\x7f]/

/**
 * Fails when a credential or impersonation header holds a character no HTTP header may carry (a token file
 * written with CRLF line endings, say). The message names the header, never its value.
 */
export const checkValues = (
  request: HttpClientRequest.HttpClientRequest,
  source: string
): Effect.Effect<HttpClientRequest.HttpClientRequest, CredentialsError> => {
  for (const name in request.headers) {
    if (name !== "authorization" && !name.startsWith("impersonate-")) continue
    const value = request.headers[name] as string | ReadonlyArray<string>
    const values = typeof value === "string" ? [value] : value
    for (const one of values) {
      if (invalidValue.test(one)) {
        return Effect.fail(
          new CredentialsError({
            reason: "InvalidHeader",
            source,
            detail: `invalid header field value for ${JSON.stringify(name)} (a control character such as CR or LF)`
          })
        )
      }
    }
  }
  return Effect.succeed(request)
}
