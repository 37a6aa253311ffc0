import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { ContainerFs } from "../tarFs.js"

/** What the client asked to run (attach: `command` is empty). */
export interface ExecRequest {
  readonly subresource: "exec" | "attach"
  readonly namespace: string
  readonly pod: string
  readonly container: string
  readonly command: ReadonlyArray<string>
  readonly stdin: boolean
  readonly tty: boolean
}

export interface ExecIo {
  /** Bytes the client sent; ends when the client closes stdin (v5) or the connection. Empty without stdin. */
  readonly stdin: Stream.Stream<Uint8Array>
  readonly stdout: (data: Uint8Array | string) => Effect.Effect<void>
  /** With a tty, written to stdout (a terminal has one output stream). */
  readonly stderr: (data: Uint8Array | string) => Effect.Effect<void>
  /** Terminal sizes the client sent on the resize channel. */
  readonly resizes: Stream.Stream<{ readonly width: number; readonly height: number }>
  /** The container's in-memory file system. */
  readonly fs: ContainerFs
}

/** An exit code, or output and an exit code at once (`void` is 0). */
export type ExecResult =
  | number
  | void
  | {
    readonly stdout?: string | undefined
    readonly stderr?: string | undefined
    readonly exitCode?: number | undefined
  }

export type ExecHandler = (request: ExecRequest, io: ExecIo) => Effect.Effect<ExecResult>

export interface PortForwardConnection {
  readonly namespace: string
  readonly pod: string
  readonly port: number
  /** Bytes from the client; ends when the client closes the connection. */
  readonly input: Stream.Stream<Uint8Array>
  readonly write: (data: Uint8Array | string) => Effect.Effect<void>
}

export type PortForwardHandler = (connection: PortForwardConnection) => Effect.Effect<void>
