/**
 * The HttpClient for a RestConfig on Node: keep-alive agents carrying the cluster's TLS material (CA, client
 * certificate, SNI name, skip-verify), an optional HTTP(S) proxy (CONNECT tunnels for https servers), the
 * configured User-Agent, gzip negotiation with transparent streaming decompression, and the per-request timeout.
 *
 * Failures the RestClient should map to a transport error arrive as the platform's `RequestError` (reason
 * `"Transport"`) whose `cause` is one of {@link TransportFailure}; {@link transportFailure} extracts it. Any other
 * cause is Node's own socket error (`ECONNREFUSED`, `ECONNRESET`, ...).
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { type ClientCertificate, Credentials, type CredentialsError } from "./Credentials.js"
import { CredentialsError as CredentialsErrorClass } from "./internal/credentials/error.js"
import * as internal from "./internal/transport/client.js"
import { RestConfig, type Service as RestConfigService } from "./RestConfig.js"
import * as errors from "./TransportError.js"

/**
 * The transport could not be built from the RestConfig. `reason`: `UnreadableFile` (names the CA / certificate /
 * key file in `path`), `InvalidTlsMaterial` (PEM that does not parse), `InvalidTlsConfig` (a certificate without a
 * key, or a CA together with insecure-skip-tls-verify, which client-go refuses too), `InvalidProxyUrl`,
 * `UnsupportedProxy` (socks).
 *
 * @since 0.1.0
 * @category errors
 */
export const TransportConfigError: typeof errors.TransportConfigError = errors.TransportConfigError

/**
 * @since 0.1.0
 * @category errors
 */
export type TransportConfigError = errors.TransportConfigError

/**
 * TLS failed: `kind` is `ServerCertificate` when the server's certificate was not accepted (not signed by the
 * configured CA, wrong name, expired) and `Handshake` when the handshake failed otherwise (typically the server
 * refusing a missing or unknown client certificate). `code` is Node's error code.
 *
 * @since 0.1.0
 * @category errors
 */
export const TlsError: typeof errors.TlsError = errors.TlsError

/**
 * @since 0.1.0
 * @category errors
 */
export type TlsError = errors.TlsError

/**
 * The proxy refused or failed to open a CONNECT tunnel (`status` holds its answer when it gave one).
 *
 * @since 0.1.0
 * @category errors
 */
export const ProxyError: typeof errors.ProxyError = errors.ProxyError

/**
 * @since 0.1.0
 * @category errors
 */
export type ProxyError = errors.ProxyError

/**
 * No response headers arrived within `RestConfig.timeout`.
 *
 * @since 0.1.0
 * @category errors
 */
export const TimeoutError: typeof errors.TimeoutError = errors.TimeoutError

/**
 * @since 0.1.0
 * @category errors
 */
export type TimeoutError = errors.TimeoutError

/**
 * Causes this transport puts inside a `RequestError`: TLS and proxy failures, the configured timeout, and a
 * failure to obtain an exec plugin's client certificate.
 *
 * @since 0.1.0
 * @category errors
 */
export type TransportFailure = TlsError | ProxyError | TimeoutError | CredentialsError

/**
 * The recognised cause of a transport failure, if `error` is one.
 *
 * @since 0.1.0
 * @category errors
 */
export const transportFailure = (error: HttpClientError.HttpClientError): Option.Option<TransportFailure> => {
  if (error._tag !== "RequestError") return Option.none()
  const cause = error.cause
  return cause instanceof errors.TlsError || cause instanceof errors.ProxyError ||
      cause instanceof errors.TimeoutError || cause instanceof CredentialsErrorClass
    ? Option.some(cause)
    : Option.none()
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  /**
   * Where exec plugin client certificates come from (usually `Credentials.clientCertificate`). It is evaluated
   * before every request; when the certificate differs from the one the current connections use, a new agent is
   * built and the old one destroyed, closing its connections as client-go does on rotation. Ignored when the
   * RestConfig has its own client certificate.
   */
  readonly clientCertificate?: Effect.Effect<Option.Option<ClientCertificate>, CredentialsError> | undefined
  /**
   * Whether each request gets an @effect/platform HttpClient span (with trace-context propagation headers).
   * Default `false`: the span cost per request was a large share of a small GET's client CPU, and the RestClient
   * already logs each request at Debug. Set it to `true` when a tracer (e.g. OpenTelemetry) should see requests.
   */
  readonly tracing?: boolean | undefined
}

/**
 * Builds the client. Agents live until the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  config: RestConfigService,
  options?: MakeOptions
) => Effect.Effect<HttpClient.HttpClient, TransportConfigError, FileSystem.FileSystem | Scope.Scope> = internal.make

/**
 * {@link layer} with options; `tracing: true` gives every request an HttpClient span (off by default, see
 * {@link MakeOptions}).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: { readonly tracing?: boolean | undefined } = {}): Layer.Layer<
  HttpClient.HttpClient,
  TransportConfigError,
  RestConfig | Credentials | FileSystem.FileSystem
> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.gen(function*() {
      const config = yield* RestConfig
      const credentials = yield* Credentials
      return yield* make(config, { clientCertificate: credentials.clientCertificate, tracing: options.tracing })
    })
  )

/**
 * The HttpClient for the RestConfig in the context, presenting exec plugin client certificates from
 * {@link Credentials}. It does not add Authorization headers: the RestClient calls `Credentials.authorize`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  HttpClient.HttpClient,
  TransportConfigError,
  RestConfig | Credentials | FileSystem.FileSystem
> = layerWith()

/**
 * Like {@link layer} but only with the RestConfig's own TLS material (no exec plugin certificates).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithoutCredentials: Layer.Layer<
  HttpClient.HttpClient,
  TransportConfigError,
  RestConfig | FileSystem.FileSystem
> = Layer.scoped(HttpClient.HttpClient, Effect.flatMap(RestConfig, (config) => make(config)))
