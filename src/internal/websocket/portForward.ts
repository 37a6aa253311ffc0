/** Port-forward over the WebSocket channel protocol, and a local TCP listener built on it. */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import * as Net from "node:net"
import type { PodRef } from "../../PodExec.js"
import { ListenError, PortForwardError } from "../../PodStreamError.js"
import type { Listening, ListenOptions, PortStream } from "../../PortForwardModel.js"
import { type DialError, WebSocketTransport } from "../../WebSocketTransport.js"
import * as channels from "./channels.js"

type Item = Uint8Array | null | PortForwardError

const decoder = new TextDecoder()

const takeStream = (queue: Queue.Queue<Item>): Stream.Stream<Uint8Array, PortForwardError> =>
  Stream.repeatEffectOption(
    Effect.flatMap(Queue.take(queue), (item) =>
      item === null
        ? Effect.fail(Option.none())
        : item instanceof PortForwardError
        ? Effect.fail(Option.some(item))
        : Effect.succeed(item))
  )

export const portForward = (
  pod: PodRef,
  ports: ReadonlyArray<number>
): Effect.Effect<ReadonlyArray<PortStream>, DialError, WebSocketTransport | Scope.Scope> =>
  Effect.gen(function*() {
    const transport = yield* WebSocketTransport
    const connection = yield* transport.dial({
      path: `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/portforward`,
      query: ports.map((p) => ["ports", String(p)] as const),
      protocols: [channels.v4]
    })
    const queues = yield* Effect.forEach(ports, () => Queue.bounded<Item>(16))
    // The server's first message on every channel is the port number; later ones are data or error text.
    const seenPrefix = new Set<number>()
    const ended = new Set<number>()
    const end = (index: number, item: null | PortForwardError) =>
      Effect.suspend(() => {
        if (ended.has(index)) return Effect.void
        ended.add(index)
        return Queue.offer(queues[index]!, item)
      })
    const demux = Effect.gen(function*() {
      while (true) {
        const message = yield* connection.receive
        if (message === undefined) break
        if (message.byteLength === 0) continue
        const channel = message[0]!
        const index = Math.floor(channel / 2)
        if (index >= ports.length) continue
        let data = message.subarray(1)
        if (!seenPrefix.has(channel)) {
          seenPrefix.add(channel)
          data = data.subarray(2)
        }
        if (data.byteLength === 0) continue
        if (channel % 2 === 0) {
          if (!ended.has(index)) yield* Queue.offer(queues[index]!, data)
        } else {
          yield* end(index, new PortForwardError({ port: ports[index]!, message: decoder.decode(data) }))
        }
      }
      for (let i = 0; i < ports.length; i++) yield* end(i, null)
    })
    yield* Effect.forkScoped(demux)
    return ports.map((port, index): PortStream => {
      const write = (data: Uint8Array) =>
        data.byteLength === 0 ? Effect.void : connection.send(channels.frame(channels.portDataChannel(index), data))
      return {
        port,
        output: takeStream(queues[index]!),
        write,
        input: Sink.forEach(write),
        close: connection.close(1000)
      }
    })
  })

/** Pipes one accepted TCP connection through its own WebSocket, as kubectl and client-node do. */
const forwardSocket = (pod: PodRef, remotePort: number, socket: Net.Socket) =>
  Effect.scoped(Effect.gen(function*() {
    const [stream] = yield* portForward(pod, [remotePort])
    const done = yield* Deferred.make<void>()
    const runtimeWrite = (chunk: Buffer) =>
      Effect.runFork(
        Effect.ensuring(stream!.write(chunk), Effect.sync(() => socket.resume()))
      )
    socket.on("data", (chunk: Buffer) => {
      // One chunk in flight at a time: the socket pauses until the WebSocket accepted it.
      socket.pause()
      runtimeWrite(chunk)
    })
    socket.on("end", () => Deferred.unsafeDone(done, Effect.void))
    socket.on("close", () => Deferred.unsafeDone(done, Effect.void))
    socket.on("error", () => Deferred.unsafeDone(done, Effect.void))
    // Accepted paused: reading starts only now that the WebSocket is open and a listener is attached.
    socket.resume()
    const toSocket = Stream.runForEach(stream!.output, (chunk) =>
      Effect.async<void>((resume) => {
        if (socket.destroyed) return resume(Effect.void)
        if (socket.write(chunk)) return resume(Effect.void)
        return Effect.sync(channels.onceDrained(socket, () => resume(Effect.void)))
      })).pipe(
        Effect.tap(() => Effect.sync(() => socket.end())),
        Effect.catchAll((error) =>
          Effect.zipRight(
            Effect.logWarning(`port-forward ${pod.namespace}/${pod.name}:${remotePort}: ${error.message}`),
            Effect.sync(() => socket.destroy())
          )
        )
      )
    yield* Effect.raceFirst(toSocket, Deferred.await(done))
  })).pipe(
    Effect.catchAll((error) =>
      Effect.zipRight(
        Effect.logWarning(`port-forward ${pod.namespace}/${pod.name}:${remotePort}: ${error.message}`),
        Effect.sync(() => socket.destroy())
      )
    ),
    Effect.ensuring(Effect.sync(() => socket.destroy()))
  )

export const listen = (
  pod: PodRef,
  options: ListenOptions
): Effect.Effect<Listening, ListenError, WebSocketTransport | Scope.Scope> =>
  Effect.gen(function*() {
    const fibers = yield* FiberSet.make()
    const run = yield* FiberSet.runtime(fibers)<WebSocketTransport>()
    const address = options.address ?? "127.0.0.1"
    const server = Net.createServer({ pauseOnConnect: true }, (socket) => {
      socket.setNoDelay(true)
      run(forwardSocket(pod, options.remotePort, socket))
    })
    const localPort = yield* Effect.async<number, ListenError>((resume) => {
      const onError = (cause: Error) =>
        resume(Effect.fail(
          new ListenError({ address, port: options.localPort ?? 0, detail: `unable to listen: ${cause.message}` })
        ))
      server.once("error", onError)
      server.listen(options.localPort ?? 0, address, () => {
        server.off("error", onError)
        resume(Effect.succeed((server.address() as Net.AddressInfo).port))
      })
    })
    // Connections first (their fibers hold the sockets open), then the listener.
    yield* Effect.addFinalizer(() =>
      Effect.zipRight(
        FiberSet.clear(fibers),
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
        })
      )
    )
    return { address, localPort, remotePort: options.remotePort }
  })
