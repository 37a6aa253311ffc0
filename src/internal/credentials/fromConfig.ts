import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Service as CredentialsService } from "../../CredentialsModel.js"
import type { Service as RestConfigService } from "../../RestConfig.js"
import { lazyModule } from "../lazy.js"
import { CredentialsError } from "./error.js"
import type * as Exec from "./exec.js"
import * as headers from "./headers.js"
import type * as Oidc from "./oidc.js"
import * as TokenFile from "./tokenFile.js"

// Exec plugins and the oidc provider load with the first config that names them.
const execModule = lazyModule((): Promise<typeof Exec> => import("./exec.js"))
const oidcModule = lazyModule((): Promise<typeof Oidc> => import("./oidc.js"))

export interface Options {
  readonly config: RestConfigService
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

const sourceOfAuth = (auth: RestConfigService["auth"]): string => {
  switch (auth._tag) {
    case "Token":
      return "token"
    case "Basic":
      return "basic auth"
    case "TokenFile":
      return `token file ${auth.path}`
    case "Exec":
      return `exec plugin ${JSON.stringify(auth.exec.command)}`
    case "AuthProvider":
      return `auth-provider ${JSON.stringify(auth.name)}`
    case "None":
      return "impersonation"
  }
}

export const make = (options: Options): Effect.Effect<CredentialsService> =>
  Effect.gen(function*() {
    const { config } = options
    const auth = config.auth
    let authorize: Authorize = Effect.succeed
    let invalidate: Effect.Effect<boolean> = Effect.succeed(false)
    let clientCertificate: CredentialsService["clientCertificate"] = undefined
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
        const cache = yield* Effect.flatMap(execModule, (Exec) =>
          Exec.make({
            exec: auth.exec,
            restConfig: config,
            executor: options.executor,
            fs: options.fs,
            stdinIsTerminal: options.stdinIsTerminal
          }))
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
          const oidc = yield* Effect.flatMap(oidcModule, (Oidc) => Oidc.make({ config: auth.config, fs: options.fs }))
          authorize = unlessAuthorized((request) => Effect.map(oidc.token, (token) => headers.bearer(request, token)))
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
    const withHeaders: Authorize = headers.hasImpersonation(impersonation)
      ? (request) => Effect.map(authorize(request), (out) => headers.impersonate(out, impersonation))
      : authorize
    // Node throws (a defect) on a header value with CR / LF; client-go's transport refuses it as an error.
    // Static credentials are checked once, on a sample request; the others (a token file, a plugin) per request.
    const isStatic = auth._tag === "None" || auth._tag === "Token" || auth._tag === "Basic"
    const staticProblem = isStatic
      ? yield* Effect.flip(
        Effect.flatMap(withHeaders(HttpClientRequest.get("http://localhost")), (out) =>
          headers.checkValues(out, sourceOfAuth(auth)))
      ).pipe(Effect.option)
      : Option.none()
    const finalAuthorize: Authorize = Option.isSome(staticProblem)
      ? () =>
        Effect.fail(staticProblem.value)
      : isStatic
      ? withHeaders
      : (request) => Effect.flatMap(withHeaders(request), (out) => headers.checkValues(out, sourceOfAuth(auth)))
    const credentials: CredentialsService = clientCertificate === undefined
      ? { authorize: finalAuthorize, invalidate }
      : { authorize: finalAuthorize, invalidate, clientCertificate }
    return credentials
  })
