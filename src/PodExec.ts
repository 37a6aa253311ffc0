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
import type * as Sink from "effect/Sink"
import type * as Stream from "effect/Stream"
import { lazyModule } from "./internal/lazy.js"
import type * as KubeError from "./KubeError.js"
import * as errors from "./PodStreamError.js"
import type { DialError, WebSocketTransport } from "./WebSocketTransport.js"

// The implementation loads on first use: importing the package does not load the WebSocket code.
const internal = lazyModule(() => import("./internal/websocket/exec.js"))

/**
 * The command ran and exited with a non-zero code (the status channel's `NonZeroExitCode`). `message` is the
 * server's, e.g. `command terminated with non-zero exit code: ... exit code 3`.
 *
 * @since 0.2.0
 * @category errors
 */
export const NonZeroExit: typeof errors.NonZeroExit = errors.NonZeroExit

/**
 * @since 0.2.0
 * @category errors
 */
export type NonZeroExit = errors.NonZeroExit

/**
 * The server spoke the streaming protocol wrongly: no supported subprotocol, a status that is not a Status, a
 * message on an unknown channel.
 *
 * @since 0.2.0
 * @category errors
 */
export const StreamProtocolError: typeof errors.StreamProtocolError = errors.StreamProtocolError

/**
 * @since 0.2.0
 * @category errors
 */
export type StreamProtocolError = errors.StreamProtocolError

/**
 * How a session ends badly: a non-zero exit, the typed error of a failure Status on the status channel (the
 * container is not running, the command could not start, ...), the connection dropping before a status arrived, or
 * a protocol violation.
 *
 * @since 0.2.0
 * @category errors
 */
export type ExitError = NonZeroExit | KubeError.ApiError | KubeError.TransportError | StreamProtocolError

/**
 * @since 0.2.0
 * @category errors
 */
export type ExecError = DialError | ExitError

/**
 * Which pod, as `namespace` and `name`.
 *
 * @since 0.2.0
 * @category models
 */
export interface PodRef {
  readonly namespace: string
  readonly name: string
}

/**
 * core/v1 PodAttachOptions: which container and streams. `stdout` defaults to true and `stderr` to `!tty` (a
 * terminal merges them, as kubectl does).
 *
 * @since 0.2.0
 * @category models
 */
export interface AttachOptions {
  /** Required when the pod has more than one container. */
  readonly container?: string | undefined
  readonly stdin?: boolean | undefined
  readonly stdout?: boolean | undefined
  readonly stderr?: boolean | undefined
  readonly tty?: boolean | undefined
}

/**
 * core/v1 PodExecOptions.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExecOptions extends AttachOptions {
  /** The argv, not a shell line: `["sh", "-c", "echo hi"]`. */
  readonly command: ReadonlyArray<string>
}

/**
 * A terminal size.
 *
 * @since 0.2.0
 * @category models
 */
export interface TerminalSize {
  readonly width: number
  readonly height: number
}

/**
 * A running exec or attach.
 *
 * @since 0.2.0
 * @category models
 */
export interface Session {
  /** The negotiated subprotocol (`v5.channel.k8s.io` or `v4.channel.k8s.io`). */
  readonly protocol: string
  /**
   * The command's stdin (only when asked for with `stdin: true`). The sink finishing closes stdin: in v5 a close
   * message, so the command sees end of file; v4 has no half-close, so there the command only sees the socket end.
   */
  readonly stdin: Sink.Sink<void, Uint8Array | string>
  /** Writes one piece of stdin. */
  readonly write: (data: Uint8Array | string) => Effect.Effect<void>
  /** Closes stdin (idempotent), as the `stdin` sink does when it finishes. */
  readonly closeStdin: Effect.Effect<void>
  /** Standard output; can be consumed once. Ends when the command's output ends. */
  readonly stdout: Stream.Stream<Uint8Array>
  /** Standard error (empty with a tty). */
  readonly stderr: Stream.Stream<Uint8Array>
  /** Sends a terminal size (meaningful with `tty: true`). */
  readonly resize: (size: TerminalSize) => Effect.Effect<void>
  /** Waits for the end: success for exit code 0, else the {@link ExitError}. */
  readonly exit: Effect.Effect<void, ExitError>
}

/**
 * What {@link execCollect} gathers. A non-zero exit is a result here, not an error.
 *
 * @since 0.2.0
 * @category models
 */
export interface Collected {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

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
