/**
 * The server side of one accepted WebSocket, with the same flow control as the client's: the socket pauses while
 * unread messages pile up, and a writer waits while the kernel buffer is full.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as WS from "ws"
import { onceDrained } from "../websocket/channels.js"
import type { Closed, Connection } from "../websocket/connection.js"
import { highWaterMark } from "../websocket/connection.js"

const lowWaterMark = highWaterMark / 4

export const fromServerSocket = (raw: WS.WebSocket): Effect.Effect<Connection> =>
  Effect.gen(function*() {
    const closed = yield* Deferred.make<Closed>()
    const inbox: Array<Uint8Array> = []
    let inboxBytes = 0
    let paused = false
    let ended = false
    let waiter: ((value: Uint8Array | undefined) => void) | undefined
    const wake = (value: Uint8Array | undefined) => {
      const w = waiter
      waiter = undefined
      w?.(value)
    }
    raw.on("message", (data: Buffer | ArrayBuffer | Array<Buffer>, isBinary: boolean) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : data
      void isBinary
      if (waiter !== undefined) return wake(bytes)
      inbox.push(bytes)
      inboxBytes += bytes.byteLength
      if (!paused && inboxBytes > highWaterMark) {
        paused = true
        raw.pause()
      }
    })
    raw.on("close", (code: number, reason: Buffer) => {
      ended = true
      Deferred.unsafeDone(closed, Exit.succeed({ code, reason: reason.toString("utf8") }))
      wake(undefined)
    })
    raw.on("error", () => {
      // "close" follows every error
    })
    const socket = (raw as unknown as {
      _socket?: { once(e: string, f: () => void): void; off(e: string, f: () => void): void; destroyed?: boolean }
    })
      ._socket
    const drained = Effect.async<void>((resume) => {
      if (socket === undefined || socket.destroyed === true || ended) return resume(Effect.void)
      const cancel = onceDrained(socket, () => resume(Effect.void))
      return Effect.sync(cancel)
    })
    const send = (data: Uint8Array): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (ended || raw.readyState !== 1) return Effect.void
        const write = Effect.sync(() => raw.send(data))
        return raw.bufferedAmount > highWaterMark ? Effect.zipRight(drained, write) : write
      })
    return {
      protocol: raw.protocol,
      receive: Effect.suspend((): Effect.Effect<Uint8Array | undefined> => {
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
      }),
      send,
      close: (code = 1000, reason) =>
        Effect.sync(() => {
          if (raw.readyState === 0 || raw.readyState === 1) raw.close(code, reason)
        }),
      closed: Deferred.await(closed)
    }
  })
