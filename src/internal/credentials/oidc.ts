/**
 * The `oidc` auth provider as client-go runs it: the id-token is used until 10 seconds before its `exp`, then
 * refreshed with the refresh-token at the issuer's token endpoint (found through
 * `<idp-issuer-url>/.well-known/openid-configuration`), client credentials in a Basic header first and in the form
 * when the endpoint refuses that (oauth2's auto-detection). The refreshed tokens are kept for the life of the
 * Credentials (kubectl also writes them back to the kubeconfig; effect-kube does not edit kubeconfig files).
 * Errors name the step and the HTTP status, never a token, a secret or a response body.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import * as Https from "node:https"
import { CredentialsError } from "./error.js"

export interface OidcConfig {
  readonly config: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly fs: FileSystem.FileSystem
}

const source = `auth-provider "oidc"`
const invalid = (detail: string, cause?: unknown) =>
  new CredentialsError({ reason: "AuthProviderInvalid", source, detail, ...(cause !== undefined ? { cause } : {}) })

/** The `exp` claim of a JWT in milliseconds, or why it cannot be read (client-go's idTokenExpired). */
export const jwtExpiry = (token: string): number | string => {
  const parts = token.split(".")
  if (parts.length !== 3) return "ID Token is not a valid JWT"
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { exp?: unknown }
    // A token without exp decodes to Go's zero time: always expired.
    return typeof claims.exp === "number" ? claims.exp * 1000 : 0
  } catch {
    return "the id-token's claims are not valid JSON"
  }
}

interface Reply {
  readonly status: number
  readonly body: string
}

const maxBody = 1024 * 1024

const request = (
  url: URL,
  options: { method: string; headers: Record<string, string>; body?: string; ca?: string | undefined }
): Effect.Effect<Reply, CredentialsError> =>
  Effect.async<Reply, CredentialsError>((resume) => {
    const lib = url.protocol === "https:" ? Https : Http
    const req = lib.request(url, {
      method: options.method,
      headers: options.headers,
      ...(options.ca !== undefined ? { ca: options.ca } : {})
    }, (res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      res.on("data", (c: Buffer) => {
        size += c.length
        if (size > maxBody) {
          req.destroy()
          resume(Effect.fail(invalid(`the response of ${url.origin}${url.pathname} is larger than 1 MiB`)))
        } else chunks.push(c)
      })
      res.on(
        "end",
        () => resume(Effect.succeed({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      )
      res.on("error", (e) => resume(Effect.fail(invalid(`reading ${url.origin}${url.pathname}: ${e.message}`))))
    })
    req.on("error", (e) => resume(Effect.fail(invalid(`${options.method} ${url.origin}${url.pathname}: ${e.message}`))))
    if (options.body !== undefined) req.end(options.body)
    else req.end()
    return Effect.sync(() => req.destroy())
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.seconds(30),
      onTimeout: () => invalid(`${options.method} ${url.origin}${url.pathname} timed out after 30s`)
    })
  )

const parseUrl = (value: string, what: string): Effect.Effect<URL, CredentialsError> =>
  Effect.try({
    try: () => {
      const url = new URL(value)
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http(s)")
      return url
    },
    catch: () => invalid(`${what} is not an http(s) URL`)
  })

const form = (fields: Record<string, string>) =>
  Object.entries(fields).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")

export interface Oidc {
  readonly token: Effect.Effect<Redacted.Redacted<string>, CredentialsError>
}

export const make = (options: OidcConfig): Effect.Effect<Oidc> =>
  Effect.gen(function*() {
    const value = (key: string) => {
      const v = options.config[key]
      return v === undefined ? "" : Redacted.value(v)
    }
    let idToken = value("id-token")
    let refreshToken = value("refresh-token")
    const lock = yield* Effect.makeSemaphore(1)

    const ca: Effect.Effect<string | undefined, CredentialsError> = Effect.suspend(() => {
      const data = value("idp-certificate-authority-data")
      if (data !== "") return Effect.succeed(Buffer.from(data, "base64").toString("utf8"))
      const file = value("idp-certificate-authority")
      if (file === "") return Effect.succeed(undefined)
      return options.fs.readFileString(file).pipe(
        Effect.mapError(() => invalid(`cannot read idp-certificate-authority ${file}`))
      )
    })

    const valid = (now: number) => {
      if (idToken === "") return false
      const expiry = jwtExpiry(idToken)
      return typeof expiry === "number" && now + 10_000 < expiry
    }

    const refresh = Effect.gen(function*() {
      if (refreshToken === "") return yield* invalid("No valid id-token, and cannot refresh without refresh-token")
      const issuer = value("idp-issuer-url")
      if (issuer === "") return yield* invalid("Must provide idp-issuer-url")
      const clientId = value("client-id")
      if (clientId === "") return yield* invalid("Must provide client-id")
      const clientSecret = value("client-secret")
      const authority = yield* ca
      const wellKnown = yield* parseUrl(
        `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
        "idp-issuer-url"
      )
      const meta = yield* request(wellKnown, { method: "GET", headers: { accept: "application/json" }, ca: authority })
      if (meta.status !== 200) return yield* invalid(`oidc: failed to query metadata endpoint: HTTP ${meta.status}`)
      let tokenUrl: unknown
      try {
        tokenUrl = (JSON.parse(meta.body) as { token_endpoint?: unknown }).token_endpoint
      } catch {
        return yield* invalid("oidc: failed to decode provider discovery object")
      }
      if (typeof tokenUrl !== "string" || tokenUrl === "") {
        return yield* invalid("oidc: discovery object doesn't contain a token_endpoint")
      }
      const endpoint = yield* parseUrl(tokenUrl, "the token_endpoint")
      const post = (inHeader: boolean) =>
        request(endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
            ...(inHeader
              ? {
                authorization: `Basic ${
                  Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")
                }`
              }
              : {})
          },
          body: form({
            grant_type: "refresh_token",
            refresh_token: refreshToken,
            ...(inHeader
              ? {}
              : { client_id: clientId, ...(clientSecret !== "" ? { client_secret: clientSecret } : {}) })
          }),
          ca: authority
        })
      let reply = yield* post(true)
      if (reply.status === 400 || reply.status === 401) reply = yield* post(false)
      let body: { id_token?: unknown; refresh_token?: unknown; error?: unknown } = {}
      try {
        body = JSON.parse(reply.body)
      } catch {
        // Reported below by status or as a missing id_token.
      }
      if (reply.status < 200 || reply.status > 299) {
        const code = typeof body.error === "string" && /^[\w.-]{1,64}$/.test(body.error) ? ` (${body.error})` : ""
        return yield* invalid(`failed to refresh token: the token endpoint answered HTTP ${reply.status}${code}`)
      }
      if (typeof body.id_token !== "string" || body.id_token === "") {
        return yield* invalid(
          "token response did not contain an id_token, either the scope \"openid\" wasn't requested upon login, " +
            "or the provider doesn't support id_tokens as part of the refresh response."
        )
      }
      const expiry = jwtExpiry(body.id_token)
      if (typeof expiry === "string") return yield* invalid(`the refreshed id-token: ${expiry}`)
      idToken = body.id_token
      if (typeof body.refresh_token === "string" && body.refresh_token !== "") refreshToken = body.refresh_token
    })

    const token = Effect.gen(function*() {
      if (valid(yield* Clock.currentTimeMillis)) return Redacted.make(idToken)
      return yield* lock.withPermits(1)(Effect.gen(function*() {
        // Another request may have refreshed while this one waited.
        if (!valid(yield* Clock.currentTimeMillis)) {
          // client-go stops at an id-token that is not a JWT, refresh-token or not.
          const expiry = idToken === "" ? 0 : jwtExpiry(idToken)
          if (typeof expiry === "string") return yield* invalid(expiry)
          yield* refresh
          if (!valid(yield* Clock.currentTimeMillis)) {
            return yield* invalid("the refreshed id-token is already expired")
          }
        }
        return Redacted.make(idToken)
      }))
    })
    return { token }
  })
