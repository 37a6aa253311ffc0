/**
 * Running commands in containers (`kubectl exec`) and attaching to a running container (`kubectl attach`) over the
 * `v5.channel.k8s.io` WebSocket subprotocol, falling back to `v4.channel.k8s.io` when the server does not offer v5.
 *
 * A session is scoped: closing the scope (or interrupting the fiber holding it) closes the WebSocket, and the
 * apiserver ends the command. Output is flow-controlled: a session whose stdout nobody reads stops the command's
 * output at the socket, so read `stdout` and `stderr` (or ask for neither) before waiting for `exit`;
 * {@link execCollect} does both for the one-shot case.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { lazyModule } from "./internal/lazy.js"
import {
  type AttachOptions,
  type Collected,
  type ExecOptions,
  type ExitError,
  NonZeroExit,
  type PodRef,
  type Session
} from "./PodExecModel.js"
import type { DialError, WebSocketTransport } from "./WebSocketTransport.js"

export type { AttachOptions, Collected, ExecOptions, ExitError, PodRef, Session, TerminalSize } from "./PodExecModel.js"
export { NonZeroExit, StreamProtocolError } from "./PodExecModel.js"

// The implementation loads on first use: importing the package does not load the WebSocket code.
const internal = lazyModule(() => import("./internal/websocket/exec.js"))

/**
 * @since 0.2.0
 * @category errors
 */
export type ExecError = DialError | ExitError

/**
 * Starts a command in a container (`POST /api/v1/namespaces/{ns}/pods/{name}/exec` upgraded to a WebSocket).
 *
 * @since 0.2.0
 * @category constructors
 */
export const exec: (
  pod: PodRef,
  options: ExecOptions
) => Effect.Effect<Session, DialError, WebSocketTransport | Scope.Scope> = (...args) =>
  Effect.flatMap(internal, (m) => m.exec(...args))

/**
 * Attaches to the main process of a running container.
 *
 * @since 0.2.0
 * @category constructors
 */
export const attach: (
  pod: PodRef,
  options?: AttachOptions
) => Effect.Effect<Session, DialError, WebSocketTransport | Scope.Scope> = (...args) =>
  Effect.flatMap(internal, (m) => m.attach(...args))

/**
 * Runs a command to its end and collects its output as UTF-8 text, feeding `stdin` if given (then closing it).
 *
 * @since 0.2.0
 * @category constructors
 */
export const execCollect: (
  pod: PodRef,
  options: Omit<ExecOptions, "stdin"> & { readonly stdin?: string | Uint8Array | undefined }
) => Effect.Effect<Collected, Exclude<ExecError, NonZeroExit>, WebSocketTransport> = (...args) =>
  Effect.flatMap(internal, (m) => m.execCollect(...args))
