import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Net from "node:net"
import * as Credentials from "../src/Credentials.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as PortForward from "../src/PortForward.js"
import * as RestConfig from "../src/RestConfig.js"
import * as WebSocketTransport from "../src/WebSocketTransport.js"

const transportFor = (config: RestConfig.Service) =>
  WebSocketTransport.layer.pipe(
    Layer.provide(Credentials.layer),
    Layer.provide(Layer.succeed(RestConfig.RestConfig, config)),
    Layer.provide(NodeContext.layer)
  )

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "db", namespace: "default" },
  spec: { containers: [{ name: "main", image: "postgres" }] }
}
const db = { namespace: "default", name: "db" }

const echo: FakeApiServer.PortForwardHandler = (connection) => Stream.runForEach(connection.input, connection.write)

const withFake = <A, E>(
  body: (fake: FakeApiServer.Service) => Effect.Effect<A, E, WebSocketTransport.WebSocketTransport>,
  options: { readonly https?: boolean } = {}
) =>
  Effect.scoped(Effect.gen(function*() {
    const listening = yield* FakeApiServer.listen({ https: options.https, seed: [pod] })
    yield* listening.server.onPortForward({ pod: "db" }, 5432, echo)
    return yield* Effect.provide(body(listening.server), transportFor(listening.restConfig))
  }))

/** Connects to 127.0.0.1:port, sends `payload`, reads until `expected` bytes came back. */
const roundTrip = (port: number, payload: Buffer) =>
  Effect.async<Buffer, Error>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    const chunks: Array<Buffer> = []
    let size = 0
    socket.on("data", (c: Buffer) => {
      chunks.push(c)
      size += c.length
      if (size >= payload.length) {
        socket.end()
        resume(Effect.succeed(Buffer.concat(chunks)))
      }
    })
    socket.on("error", (e) => resume(Effect.fail(e)))
    socket.write(payload)
    return Effect.sync(() => socket.destroy())
  })

describe("PortForward", () => {
  it.live("one WebSocket, one duplex byte stream per port; an unscripted port reports on its error channel", () =>
    withFake(() =>
      Effect.scoped(Effect.gen(function*() {
        const [pg, closed] = yield* PortForward.portForward(db, [5432, 8080])
        expect(pg!.port).toBe(5432)
        yield* pg!.write(new TextEncoder().encode("ping"))
        const back = yield* Stream.runCollect(Stream.take(pg!.output, 1))
        expect(new TextDecoder().decode(Chunk.unsafeHead(back))).toBe("ping")
        const error = yield* Effect.flip(Stream.runDrain(closed!.output))
        expect(error._tag).toBe("PortForwardError")
        expect(error.port).toBe(8080)
        expect(error.message).toContain("connect: connection refused")
      }))
    ))

  it.live("listen forwards many concurrent TCP connections over HTTPS", () =>
    withFake(() =>
      Effect.scoped(Effect.gen(function*() {
        const listening = yield* PortForward.listen(db, { remotePort: 5432 })
        expect(listening.address).toBe("127.0.0.1")
        const results = yield* Effect.forEach(
          Array.from({ length: 40 }, (_, i) => Buffer.from(`connection ${i} `.repeat(200))),
          (payload) => Effect.map(roundTrip(listening.localPort, payload), (back) => back.equals(payload)),
          { concurrency: 40 }
        )
        expect(results.every(Boolean)).toBe(true)
        expect(results).toHaveLength(40)
      })), { https: true }))

  it.live(
    "100 MB through a forwarded port: the pod's writer is held back by a slow reader",
    () =>
      withFake((fake) =>
        Effect.scoped(Effect.gen(function*() {
          const total = 100 * 1024 * 1024
          const piece = Buffer.alloc(64 * 1024, 7)
          let sent = 0
          yield* fake.onPortForward({ pod: "db" }, 9000, (connection) =>
            Effect.gen(function*() {
              while (sent < total) {
                yield* connection.write(piece)
                sent += piece.length
              }
            }))
          const listening = yield* PortForward.listen(db, { remotePort: 9000 })
          const baseline = process.memoryUsage()
          let peak = 0
          const sample = () => {
            const m = process.memoryUsage()
            peak = Math.max(peak, m.heapUsed + m.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers)
          }
          const timer = setInterval(sample, 10)
          let inFlightWhilePaused = -1
          const received = yield* Effect.async<number, Error>((resume) => {
            const socket = Net.connect(listening.localPort, "127.0.0.1")
            let size = 0
            let paused = false
            socket.on("data", (c: Buffer) => {
              size += c.length
              if (!paused && size >= 10 * 1024 * 1024) {
                // A reader that stops for a while: without backpressure the pod's loop would run to the end.
                paused = true
                socket.pause()
                setTimeout(() => {
                  inFlightWhilePaused = sent - size
                  socket.resume()
                }, 800)
              }
              if (size >= total) {
                socket.destroy()
                resume(Effect.succeed(size))
              }
            })
            socket.on("error", (e) => resume(Effect.fail(e)))
            return Effect.sync(() => socket.destroy())
          }).pipe(Effect.timeout("60 seconds"), Effect.ensuring(Effect.sync(() => clearInterval(timer))))
          sample()
          expect(received).toBe(total)
          console.log(
            `port-forward 100 MB: peak heap+arrayBuffers growth ${(peak / 1024 / 1024).toFixed(1)} MB, ` +
              `in flight while the reader paused ${(inFlightWhilePaused / 1024 / 1024).toFixed(1)} MB`
          )
          // Kernel socket buffers on the two loopback hops hold tens of MB; a writer that is not held back would have
          // pushed nearly all of the remaining 90 MB during the pause.
          expect(inFlightWhilePaused).toBeGreaterThanOrEqual(0)
          expect(inFlightWhilePaused).toBeLessThan(56 * 1024 * 1024)
        }))
      ),
    90_000
  )
})
