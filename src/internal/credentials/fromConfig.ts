import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { Credentials } from "../../Credentials.js"
import type { RestConfig } from "../../RestConfig.js"
import { CredentialsError } from "./error.js"
import * as Exec from "./exec.js"
import * as headers from "./headers.js"
import * as TokenFile from "./tokenFile.js"

export interface Options {
  readonly config: RestConfig
  readonly fs: FileSystem.FileSystem
  readonly executor: CommandExecutor.CommandExecutor
  readonly stdinIsTerminal: boolean
}

type Authorize = (
  request: HttpClientRequest.HttpClientRequest
) => Effect.Effect<HttpClientRequest.HttpClientRequest, CredentialsError>

const removedProviders: Record<string, string> = {
  gcp: "gke-gcloud-auth-plugin",
  azure: "kubelogin"
}

export const make = (options: Options): Effect.Effect<Credentials> =>
  Effect.gen(function*() {
    const { config } = options
    const auth = config.auth
    let authorize: Authorize = Effect.succeed
    let invalidate: Effect.Effect<boolean> = Effect.succeed(false)
    let clientCertificate: Credentials["clientCertificate"] = undefined
    // Only requests that carry no Authorization header yet get one, so a caller's explicit header wins.
    const unlessAuthorized = (f: Authorize): Authorize => (request) =>
      headers.hasAuthorization(request) ? Effect.succeed(request) : f(request)

    switch (auth._tag) {
      case "None":
        break
      case "Token":
        authorize = unlessAuthorized((request) => Effect.succeed(headers.bearer(request, auth.token)))
        break
      case "Basic":
        authorize = unlessAuthorized((request) => Effect.succeed(headers.basic(request, auth.username, auth.password)))
        break
      case "TokenFile": {
        const cache = yield* TokenFile.make({ fs: options.fs, path: auth.path, fallback: auth.token })
        authorize = unlessAuthorized((request) => Effect.map(cache.get, (token) => headers.bearer(request, token)))
        invalidate = Effect.as(cache.invalidate, true)
        break
      }
      case "Exec": {
        // client-go skips the plugin entirely when the config already has a client certificate.
        if (config.tls.certData !== undefined || config.tls.certFile !== undefined) break
        const cache = yield* Exec.make({
          exec: auth.exec,
          restConfig: config,
          executor: options.executor,
          fs: options.fs,
          stdinIsTerminal: options.stdinIsTerminal
        })
        authorize = unlessAuthorized((request) =>
          Effect.map(cache.get, (result) =>
            Option.match(result.token, {
              onNone: () => request,
              onSome: (token) => headers.bearer(request, token)
            }))
        )
        invalidate = Effect.as(cache.invalidate, true)
        clientCertificate = Effect.map(cache.get, (result) => result.clientCertificate)
        break
      }
      case "AuthProvider": {
        const source = `auth-provider ${JSON.stringify(auth.name)}`
        if (auth.name === "oidc") {
          const idToken = auth.config["id-token"]
          // Refreshing with refresh-token / idp-issuer-url is not implemented: the id-token is used as it is.
          authorize = idToken !== undefined && Redacted.value(idToken) !== ""
            ? unlessAuthorized((request) => Effect.succeed(headers.bearer(request, idToken)))
            : () =>
              Effect.fail(
                new CredentialsError({
                  reason: "AuthProviderInvalid",
                  source,
                  detail: "config has no id-token (refreshing oidc tokens is not supported; use an exec plugin " +
                    "such as kubelogin)"
                })
              )
        } else {
          const replacement = removedProviders[auth.name]
          const error = replacement !== undefined
            ? new CredentialsError({
              reason: "AuthProviderRemoved",
              source,
              detail: `this auth provider was removed from client-go; use an exec credential plugin ` +
                `(users[].user.exec) such as ${replacement}`
            })
            : new CredentialsError({
              reason: "AuthProviderInvalid",
              source,
              detail: "unknown auth provider; only oidc is supported, other providers should use an exec plugin"
            })
          authorize = () => Effect.fail(error)
        }
        break
      }
    }

    const impersonation = config.impersonate
    const finalAuthorize: Authorize = headers.hasImpersonation(impersonation)
      ? (request) => Effect.map(authorize(request), (out) => headers.impersonate(out, impersonation))
      : authorize
    const credentials: Credentials = clientCertificate === undefined
      ? { authorize: finalAuthorize, invalidate }
      : { authorize: finalAuthorize, invalidate, clientCertificate }
    return credentials
  })
