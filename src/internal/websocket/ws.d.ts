// The parts of `ws` (a dependency of @effect/platform-node, which ships no types for it) this package uses.
declare module "ws" {
  import type { EventEmitter } from "node:events"
  import type * as Http from "node:http"
  import type * as Stream from "node:stream"

  export class WebSocket extends EventEmitter {
    constructor(url: string, protocols?: ReadonlyArray<string>, options?: Record<string, unknown>)
    readonly protocol: string
    readonly readyState: number
    readonly bufferedAmount: number
    binaryType: string
    send(data: Uint8Array | string, callback?: (error?: Error) => void): void
    close(code?: number, reason?: string): void
    terminate(): void
    pause(): void
    resume(): void
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: {
      readonly noServer: boolean
      readonly perMessageDeflate?: boolean
      readonly maxPayload?: number
      readonly handleProtocols?: (protocols: Set<string>, request: Http.IncomingMessage) => string | false
    })
    handleUpgrade(
      request: Http.IncomingMessage,
      socket: Stream.Duplex,
      head: Buffer,
      callback: (ws: WebSocket, request: Http.IncomingMessage) => void
    ): void
    close(): void
  }
}
