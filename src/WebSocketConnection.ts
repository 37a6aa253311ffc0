/**
 * An open WebSocket to the apiserver, as the streaming subresources (exec, attach, port-forward) use it. Re-exported
 * by `WebSocketTransport`; defined apart from it so the implementations under `internal/` can use it without
 * importing the module that wires them.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"

/**
 * How a connection ended: the close code and reason the peer sent (1006 when the transport dropped).
 *
 * @since 0.2.0
 * @category models
 */
export interface Closed {
  readonly code: number
  readonly reason: string
}

/**
 * An open WebSocket. Messages are binary; `receive` is flow-controlled (the socket pauses while unread messages
 * pile up) and `send` waits while the unsent backlog is above its high-water mark.
 *
 * @since 0.2.0
 * @category models
 */
export interface Connection {
  /** The negotiated subprotocol. */
  readonly protocol: string
  /** The next binary message; `undefined` once the socket closed (see {@link closed}). */
  readonly receive: Effect.Effect<Uint8Array | undefined>
  /** Sends one binary message, waiting first while more than the high-water mark is still unsent. */
  readonly send: (data: Uint8Array) => Effect.Effect<void>
  /** Starts the closing handshake (idempotent). */
  readonly close: (code?: number, reason?: string) => Effect.Effect<void>
  readonly closed: Effect.Effect<Closed>
}
