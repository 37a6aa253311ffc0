import * as Data from "effect/Data"
export class NonZeroExit extends Data.TaggedError("NonZeroExit")<{
  readonly exitCode: number
  readonly message: string
}> {}
export class StreamProtocolError extends Data.TaggedError("StreamProtocolError")<{
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}
export class UnsafePath extends Data.TaggedError("UnsafePath")<{
  readonly path: string
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}
export class PortForwardError extends Data.TaggedError("PortForwardError")<{
  readonly port: number
  readonly message: string
}> {}
export class ListenError extends Data.TaggedError("ListenError")<{
  readonly address: string
  readonly port: number
  readonly detail: string
}> {
  override get message(): string {
    return `${this.address}:${this.port}: ${this.detail}`
  }
}
export class CopyError extends Data.TaggedError("CopyError")<{
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.detail
  }
}
