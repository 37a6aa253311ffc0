/**
 * Authentication for each request: static tokens, token files that rotate, basic auth, exec credential plugins and
 * the oidc auth-provider, plus impersonation headers.
 *
 * Exec plugins may return a client certificate instead of (or with) a token. That certificate is TLS material, so
 * it reaches the server through the transport, not through headers: {@link Credentials.clientCertificate} exposes
 * it, and `NodeTransport.layer` reads it before each request and moves to a new connection pool when it changes.
 *
 * @since 0.1.0
 */
import * as CommandExecutor from "@effect/platform/CommandExecutor"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Tty from "node:tty"
import * as errors from "./CredentialsError.js"
import { type ClientCertificate, CredentialsError, type Service } from "./CredentialsModel.js"
import * as internal from "./internal/credentials/fromConfig.js"
import * as headers from "./internal/credentials/headers.js"
import { type ImpersonationConfig, RestConfig, type Service as RestConfigService } from "./RestConfig.js"

export type { ClientCertificate, Service } from "./CredentialsModel.js"
export { CredentialsError } from "./CredentialsModel.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class Credentials extends Context.Tag("effect-kube/Credentials")<Credentials, Service>() {}

/**
 * @since 0.1.0
 * @category errors
 */
export type CredentialsErrorReason = errors.CredentialsErrorReason

/**
 * Parts of a custom credentials source; every part is optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  /** Evaluated for every request that has no Authorization header yet; cache inside it if it is expensive. */
  readonly token?: Effect.Effect<Redacted.Redacted<string>, CredentialsError> | undefined
  /** What a 401 should do; defaults to succeeding with false (nothing to refresh, do not retry). */
  readonly invalidate?: Effect.Effect<boolean> | undefined
  readonly clientCertificate?: Effect.Effect<Option.Option<ClientCertificate>, CredentialsError> | undefined
  readonly impersonate?: ImpersonationConfig | undefined
}

/**
 * Builds a Credentials value from parts, for tests and for token sources this library does not know.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: MakeOptions = {}): Service => {
  const { impersonate, token } = options
  const withImpersonation = headers.hasImpersonation(impersonate)
    ? (request: HttpClientRequest.HttpClientRequest) => headers.impersonate(request, impersonate)
    : (request: HttpClientRequest.HttpClientRequest) => request
  return {
    authorize: (request) =>
      token === undefined || headers.hasAuthorization(request)
        ? Effect.succeed(withImpersonation(request))
        : Effect.map(token, (value) => withImpersonation(headers.bearer(request, value))),
    invalidate: options.invalidate ?? Effect.succeed(false),
    clientCertificate: options.clientCertificate
  }
}

/**
 * Bearer tokens from any effect, e.g. a cloud SDK call. Failures that are not already a CredentialsError become
 * one with reason `TokenSource`; their text is not copied into the message in case it quotes the token.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromToken = <E>(
  token: Effect.Effect<Redacted.Redacted<string>, E>,
  options: { readonly invalidate?: Effect.Effect<boolean> | undefined } = {}
): Service =>
  make({
    token: Effect.mapError(token, (cause) =>
      cause instanceof errors.CredentialsError ? cause : new errors.CredentialsError({
        reason: "TokenSource",
        source: "token source",
        detail: "the token source failed",
        cause
      })),
    invalidate: options.invalidate
  })

/**
 * Credentials for the given RestConfig (see {@link layer}), for when the config is a value rather than a service.
 * `stdinIsTerminal` overrides the terminal check exec plugins' interactiveMode depends on.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromConfig = (
  config: RestConfigService,
  options: { readonly stdinIsTerminal?: boolean | undefined } = {}
): Effect.Effect<Service, never, FileSystem.FileSystem | CommandExecutor.CommandExecutor> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const executor = yield* CommandExecutor.CommandExecutor
    return yield* internal.make({
      config,
      fs,
      executor,
      stdinIsTerminal: options.stdinIsTerminal ?? Tty.isatty(0)
    })
  })

/**
 * Credentials from the RestConfig in the context: Token, TokenFile (re-read once a minute and right after a 401),
 * Basic, Exec (run on first use, cached until `expirationTimestamp`, run again after a 401; concurrent requests
 * share one run), the `oidc` auth-provider (its `id-token`, without refresh), plus impersonation headers.
 *
 * As in client-go, an exec plugin is not used when the RestConfig already carries a client certificate.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  Credentials,
  never,
  RestConfig | FileSystem.FileSystem | CommandExecutor.CommandExecutor
> = Layer.effect(Credentials, Effect.flatMap(RestConfig, (config) => fromConfig(config)))

/**
 * No authentication: requests go out unchanged.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNone: Layer.Layer<Credentials> = Layer.succeed(Credentials, make())

/**
 * A fixed bearer token.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerToken = (token: Redacted.Redacted<string>): Layer.Layer<Credentials> =>
  Layer.succeed(Credentials, make({ token: Effect.succeed(token) }))

/**
 * The source's client certificate, or none when the source never provides one.
 *
 * @since 0.1.0
 * @category utils
 */
export const clientCertificate = (
  credentials: Service
): Effect.Effect<Option.Option<ClientCertificate>, CredentialsError> =>
  credentials.clientCertificate ?? Effect.succeed(Option.none())
