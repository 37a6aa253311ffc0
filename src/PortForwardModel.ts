/**
 * Port-forward's contracts: listen options, the listening handle and one forwarded stream.
 * Re-exported by `PortForward`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Sink from "effect/Sink"
import type * as Stream from "effect/Stream"
import * as errors from "./PodStreamError.js"

/**
 * The pod side reported a failure for a port on its error channel (typically nothing listening there:
 * `... connect: connection refused`).
 *
 * @since 0.2.0
 * @category errors
 */
export const PortForwardError: typeof errors.PortForwardError = errors.PortForwardError

/**
 * @since 0.2.0
 * @category errors
 */
export type PortForwardError = errors.PortForwardError

/**
 * One forwarded port: bytes from the pod in `output`, bytes to it through `write` or `input`. The protocol has
 * no half-close: a connection ends when the WebSocket closes (`close`, or the scope).
 *
 * @since 0.2.0
 * @category models
 */
export interface PortStream {
  readonly port: number
  readonly output: Stream.Stream<Uint8Array, PortForwardError>
  /** Sends bytes, waiting while the unsent backlog is above the high-water mark. */
  readonly write: (data: Uint8Array) => Effect.Effect<void>
  readonly input: Sink.Sink<void, Uint8Array>
  /** Closes the WebSocket (every port of it). */
  readonly close: Effect.Effect<void>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ListenOptions {
  /** 0 or unset: any free port (see {@link Listening.localPort}). */
  readonly localPort?: number | undefined
  readonly remotePort: number
  /** Default 127.0.0.1. */
  readonly address?: string | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Listening {
  readonly address: string
  readonly localPort: number
  readonly remotePort: number
}
