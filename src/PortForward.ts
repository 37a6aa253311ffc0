/**
 * Forwarding a pod's ports over the apiserver's WebSocket port-forward protocol (`v4.channel.k8s.io` framing: for
 * the i-th requested port, data on channel 2i and errors on 2i+1, each channel's first server message being the
 * port number).
 *
 * {@link portForward} gives one duplex byte stream per port over one WebSocket; {@link listen} serves a local
 * 127.0.0.1 TCP port and forwards every accepted connection through its own WebSocket, as `kubectl port-forward`
 * does. Both are scoped: closing the scope closes the sockets.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { lazyModule } from "./internal/lazy.js"
import type { PodRef } from "./PodExec.js"
import * as errors from "./PodStreamError.js"
import type { Listening, ListenOptions, PortStream } from "./PortForwardModel.js"
import type { DialError, WebSocketTransport } from "./WebSocketTransport.js"

export type { Listening, ListenOptions, PortStream } from "./PortForwardModel.js"
export { PortForwardError } from "./PortForwardModel.js"

// The implementation loads on first use: importing the package does not load the WebSocket code.
const internal = lazyModule(() => import("./internal/websocket/portForward.js"))

/**
 * The local port could not be opened (in use, not permitted).
 *
 * @since 0.2.0
 * @category errors
 */
export const ListenError: typeof errors.ListenError = errors.ListenError

/**
 * @since 0.2.0
 * @category errors
 */
export type ListenError = errors.ListenError

/**
 * Opens one WebSocket forwarding `ports` of the pod.
 *
 * @since 0.2.0
 * @category constructors
 */
export const portForward: (
  pod: PodRef,
  ports: ReadonlyArray<number>
) => Effect.Effect<ReadonlyArray<PortStream>, DialError, WebSocketTransport | Scope.Scope> = (...args) =>
  Effect.flatMap(internal, (m) => m.portForward(...args))

/**
 * Serves `localPort` on 127.0.0.1 until the scope closes; each accepted connection gets its own WebSocket to
 * `remotePort`. A connection whose forward fails is closed and logged at Warning; the listener keeps serving.
 *
 * @since 0.2.0
 * @category constructors
 */
export const listen: (
  pod: PodRef,
  options: ListenOptions
) => Effect.Effect<Listening, ListenError, WebSocketTransport | Scope.Scope> = (...args) =>
  Effect.flatMap(internal, (m) => m.listen(...args))
