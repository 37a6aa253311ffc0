/**
 * WebSockets to the apiserver, for the streaming subresources (exec, attach, port-forward). Each connection carries
 * what every other request carries: the RestConfig's TLS material (or an exec plugin's client certificate), its
 * proxy, the User-Agent, and the Authorization and impersonation headers from {@link Credentials}; a 401 during the
 * upgrade drops cached credentials and dials once more. Built on `@effect/platform`'s `Socket` with the `ws`
 * constructor `@effect/platform-node` uses.
 *
 * @since 0.2.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Credentials, type CredentialsError, type Service as CredentialsService } from "./Credentials.js"
import { lazyModule } from "./internal/lazy.js"
import { loadMaterial } from "./internal/transport/client.js"
import type * as KubeError from "./KubeError.js"
import type { TransportConfigError } from "./NodeTransport.js"
import { RestConfig, type Service as RestConfigService } from "./RestConfig.js"
import type * as connection from "./WebSocketConnection.js"

/**
 * What opening a WebSocket can fail with: the typed error of the Status the server answered instead of upgrading
 * (`NotFound` for a missing pod, `Forbidden`, `BadRequest` for a missing container, ...), a transport failure, or
 * a credentials failure.
 *
 * @since 0.2.0
 * @category errors
 */
export type DialError = KubeError.ApiError | KubeError.TransportError | KubeError.InvalidRequest | CredentialsError

/**
 * One upgrade request.
 *
 * @since 0.2.0
 * @category models
 */
export interface DialRequest {
  /** Path below the server URL, e.g. `/api/v1/namespaces/default/pods/web/exec`. */
  readonly path: string
  /** Query parameters in order (repeated keys allowed: `command`, `ports`). */
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Offered subprotocols, preferred first. */
  readonly protocols: ReadonlyArray<string>
}

/**
 * An open WebSocket. Messages are binary; `receive` is flow-controlled (the socket pauses while unread messages
 * pile up) and `send` waits while the unsent backlog is above its high-water mark.
 *
 * @since 0.2.0
 * @category models
 */
export type Connection = connection.Connection

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** Opens a WebSocket until the scope closes; closing the scope sends a normal close (1000). */
  readonly dial: (request: DialRequest) => Effect.Effect<Connection, DialError, Scope.Scope>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class WebSocketTransport extends Context.Tag("effect-kube/WebSocketTransport")<WebSocketTransport, Service>() {}

/**
 * Builds the transport for a RestConfig; TLS files are read once, here.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  config: RestConfigService,
  credentials: CredentialsService
): Effect.Effect<Service, TransportConfigError, FileSystem.FileSystem> =>
  Effect.map(loadMaterial(config), (material) => {
    // The dialer (and @effect/platform's Socket under it) loads on the first dial; TLS files are read here, so a
    // bad certificate path still fails the layer's build.
    const dialer = Effect.map(dialModule, (m) => m.fromMaterial(config, credentials, material))
    let dial: ((request: DialRequest) => Effect.Effect<Connection, DialError, Scope.Scope>) | undefined
    return {
      dial: (request) => dial !== undefined ? dial(request) : Effect.flatMap(dialer, (d) => (dial ??= d)(request))
    }
  })

const dialModule = lazyModule(() => import("./internal/websocket/dial.js"))

/**
 * The transport for the RestConfig and Credentials in the context.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<
  WebSocketTransport,
  TransportConfigError,
  RestConfig | Credentials | FileSystem.FileSystem
> = Layer.effect(
  WebSocketTransport,
  Effect.flatMap(Effect.all([RestConfig, Credentials]), ([config, credentials]) => make(config, credentials))
)
