import * as Data from "effect/Data"

/** @internal */
export class NonZeroExit extends Data.TaggedError("NonZeroExit")<{
  readonly exitCode: number
  readonly message: string
}> {}

/** @internal */
export class StreamProtocolError extends Data.TaggedError("StreamProtocolError")<{
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/** @internal */
export class UnsafePath extends Data.TaggedError("UnsafePath")<{
  readonly path: string
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

/** @internal */
export class PortForwardError extends Data.TaggedError("PortForwardError")<{
  readonly port: number
  readonly message: string
}> {}

/** @internal */
export class ListenError extends Data.TaggedError("ListenError")<{
  readonly address: string
  readonly port: number
  readonly detail: string
}> {
  override get message(): string {
    return `${this.address}:${this.port}: ${this.detail}`
  }
}

/** @internal */
export class CopyError extends Data.TaggedError("CopyError")<{
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.detail
  }
}
