/**
 * Authentication for each request: static tokens, token files that rotate, basic auth, exec credential plugins and
 * the oidc auth-provider, plus impersonation headers.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"

/**
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  /** Adds Authorization and impersonation headers to a request; may read a token file or run an exec plugin. */
  readonly authorize: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<HttpClientRequest.HttpClientRequest, CredentialsError>
  /**
   * Called by the RestClient after a 401: drops cached credentials (exec result, token file contents). Succeeds with
   * true when a second attempt could authenticate differently, so the request is worth one retry.
   */
  readonly invalidate: Effect.Effect<boolean>
}

/**
 * @since 0.1.0
 * @category tags
 */
export const Credentials: Context.Tag<Credentials, Credentials> = Context.GenericTag<Credentials>(
  "effect-kube/Credentials"
)

// CredentialsError and the layers are defined by the implementation below.
