/**
 * One WebSocket to the apiserver, carried by @effect/platform's Socket: the platform drives the socket's lifetime
 * and events, this module adds what the platform leaves out and the streaming protocols need: flow control in both
 * directions (a paused socket when the reader falls behind, a wait for the kernel buffer to drain before the next
 * write) and the Status body of a refused upgrade.
 */
import * as Socket from "@effect/platform/Socket"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type { Closed, Connection } from "../../WebSocketConnection.js"
import { onceDrained } from "./channels.js"

export type { Closed, Connection } from "../../WebSocketConnection.js"

/** A refused upgrade: the HTTP answer in place of `101 Switching Protocols`. */
export interface Refused {
  readonly _tag: "Refused"
  readonly status: number
  readonly body: string
}

/** A failure before the socket opened that is not an HTTP answer (refused connection, TLS, proxy). */
export interface Unreachable {
  readonly _tag: "Unreachable"
  readonly cause: unknown
}

export type OpenFailure = Refused | Unreachable

/** The subset of a `ws` WebSocket this module uses beyond the DOM interface the platform sees. */
export interface RawSocket {
  readonly protocol: string
  readonly bufferedAmount: number
  pause(): void
  resume(): void
  terminate(): void
  close(code?: number, reason?: string): void
  on(event: string, listener: (...args: Array<any>) => void): unknown
  once(event: string, listener: (...args: Array<any>) => void): unknown
  readonly _socket?: {
    once(event: string, listener: () => void): unknown
    off(event: string, listener: () => void): unknown
    destroyed?: boolean
  } | null
}

/** A socket the platform can drive, plus the raw handle and where a refused upgrade's answer lands. */
export interface Opened {
  readonly dom: globalThis.WebSocket
  readonly raw: RawSocket
  readonly refused: () => Refused | undefined
  /** The error the socket reported before opening (ECONNREFUSED, a TLS failure). */
  readonly error: () => unknown
}

/** Received bytes held before the socket is paused; unsent bytes held before a writer waits. */
export const highWaterMark = 1024 * 1024
const lowWaterMark = highWaterMark / 4

/**
 * Opens the socket in `scope`: the platform Socket runs in a fiber of the scope and closing the scope closes the
 * socket (code 1000), which is how interruption reaches the server.
 */
export const open = (
  acquire: Effect.Effect<Opened>
): Effect.Effect<Connection, OpenFailure, Scope.Scope> =>
  Effect.gen(function*() {
    let opened: Opened | undefined
    const platformSocket = yield* Socket.fromWebSocket(
      Effect.acquireRelease(
        Effect.map(acquire, (o) => {
          opened = o
          return o.dom
        }),
        (ws) => Effect.sync(() => ws.close(1000))
      ),
      { closeCodeIsError: () => false, openTimeout: "30 seconds" }
    )

    // Received messages, bounded by pausing the socket (TCP then pushes back on the sender).
    const inbox: Array<Uint8Array> = []
    let inboxBytes = 0
    let paused = false
    let ended = false
    let waiter: ((value: Uint8Array | undefined) => void) | undefined
    const ready = yield* Deferred.make<void>()
    const closed = yield* Deferred.make<Closed>()

    const deliver = (data: Uint8Array) => {
      if (waiter !== undefined) {
        const w = waiter
        waiter = undefined
        w(data)
        return
      }
      inbox.push(data)
      inboxBytes += data.byteLength
      if (!paused && inboxBytes > highWaterMark && opened !== undefined) {
        paused = true
        opened.raw.pause()
      }
    }
    const finish = (info: Closed) => {
      ended = true
      Deferred.unsafeDone(closed, Exit.succeed(info))
      if (waiter !== undefined) {
        const w = waiter
        waiter = undefined
        w(undefined)
      }
    }

    const fiber = yield* platformSocket.runRaw((data) => {
      if (typeof data === "string") deliver(new TextEncoder().encode(data))
      else deliver(data)
    }, { onOpen: Deferred.succeed(ready, undefined) }).pipe(
      Effect.exit,
      Effect.flatMap((exit) =>
        Effect.sync(() => {
          if (Exit.isSuccess(exit)) return finish({ code: 1000, reason: "" })
          const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
          finish(
            error !== undefined && Socket.SocketCloseError.is(error)
              ? { code: error.code, reason: error.closeReason ?? "" }
              : { code: 1006, reason: "" }
          )
        })
      ),
      Effect.forkScoped
    )

    const start = yield* Effect.raceFirst(
      Effect.as(Deferred.await(ready), "open" as const),
      Effect.as(Fiber.await(fiber), "failed" as const)
    )
    if (start === "failed" || opened === undefined) {
      const refused = opened?.refused()
      if (refused !== undefined) return yield* Effect.fail(refused)
      const info = yield* Deferred.await(closed)
      return yield* Effect.fail<OpenFailure>({ _tag: "Unreachable", cause: opened?.error() ?? info })
    }
    const raw = opened.raw
    const write = yield* platformSocket.writer

    const receive = Effect.suspend((): Effect.Effect<Uint8Array | undefined> => {
      const next = inbox.shift()
      if (next !== undefined) {
        inboxBytes -= next.byteLength
        if (paused && inboxBytes < lowWaterMark) {
          paused = false
          raw.resume()
        }
        return Effect.succeed(next)
      }
      if (ended) return Effect.succeed(undefined)
      return Effect.async<Uint8Array | undefined>((resume) => {
        waiter = (value) => resume(Effect.succeed(value))
        return Effect.sync(() => {
          waiter = undefined
        })
      })
    })

    const drained = Effect.async<void>((resume) => {
      const socket = raw._socket
      if (socket === undefined || socket === null || socket.destroyed === true || ended) {
        return resume(Effect.void)
      }
      const cancel = onceDrained(socket, () => resume(Effect.void))
      return Effect.sync(cancel)
    })
    const send = (data: Uint8Array): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (ended) return Effect.void
        const sent = Effect.catchAll(write(data), () => Effect.void)
        return raw.bufferedAmount > highWaterMark ? Effect.zipRight(drained, sent) : sent
      })
    const close = (code = 1000, reason?: string) =>
      Effect.suspend(() =>
        ended ? Effect.void : Effect.catchAll(write(new Socket.CloseEvent(code, reason)), () => Effect.void)
      )

    return {
      protocol: raw.protocol,
      receive,
      send,
      close,
      closed: Deferred.await(closed)
    }
  })
