/**
 * How exec, attach, port-forward and copy fail once the stream is open. Defined apart from `PodExec`,
 * `PortForward` and `PodCopy` so the implementations under `internal/` can raise them without importing the
 * modules that wire them.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"

/**
 * The command ran and exited with a non-zero code (the status channel's `NonZeroExitCode`). `message` is the
 * server's, e.g. `command terminated with non-zero exit code: ... exit code 3`.
 *
 * @since 0.2.0
 * @category errors
 */
export class NonZeroExit extends Data.TaggedError("NonZeroExit")<{
  readonly exitCode: number
  readonly message: string
}> {}

/**
 * The server spoke the streaming protocol wrongly: no supported subprotocol, a status that is not a Status, a
 * message on an unknown channel.
 *
 * @since 0.2.0
 * @category errors
 */
export class StreamProtocolError extends Data.TaggedError("StreamProtocolError")<{
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/**
 * An archive member would have been written outside the destination, or is a link.
 *
 * @since 0.2.0
 * @category errors
 */
export class UnsafePath extends Data.TaggedError("UnsafePath")<{
  readonly path: string
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/**
 * The pod side reported a failure for a port on its error channel (typically nothing listening there:
 * `... connect: connection refused`).
 *
 * @since 0.2.0
 * @category errors
 */
export class PortForwardError extends Data.TaggedError("PortForwardError")<{
  readonly port: number
  readonly message: string
}> {}

/**
 * The local port could not be opened (in use, not permitted).
 *
 * @since 0.2.0
 * @category errors
 */
export class ListenError extends Data.TaggedError("ListenError")<{
  readonly address: string
  readonly port: number
  readonly detail: string
}> {
  override get message(): string {
    return `${this.address}:${this.port}: ${this.detail}`
  }
}

/**
 * The copy failed: `tar` in the container failed (its stderr is the detail, e.g. `tar: /x: Cannot stat: No such
 * file or directory`), or a local file could not be read or written.
 *
 * @since 0.2.0
 * @category errors
 */
export class CopyError extends Data.TaggedError("CopyError")<{
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.detail
  }
}
