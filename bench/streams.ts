// Port-forward throughput against a direct loopback TCP copy measured in the same run (rounds interleave), and
// exec round-trip latency, against FakeApiServer.listen over HTTP. Prints one line per measurement; bench/run.ts
// puts them in the report. Every loop is bounded in count.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Net from "node:net"
import * as Credentials from "../src/Credentials.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as PodExec from "../src/PodExec.js"
import * as PortForward from "../src/PortForward.js"
import * as RestConfig from "../src/RestConfig.js"
import * as WebSocketTransport from "../src/WebSocketTransport.js"

const quick = process.env.BENCH_QUICK === "1"
const megabytes = quick ? 8 : 64
const total = megabytes * 1024 * 1024
const rounds = quick ? 2 : 5
const piece = Buffer.alloc(64 * 1024, 42)

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Writes `total` bytes to a socket, honouring backpressure. */
const pump = async (write: (chunk: Buffer) => boolean, drained: () => Promise<void>) => {
  for (let sent = 0; sent < total; sent += piece.length) {
    if (!write(piece)) await drained()
  }
}

/** Connects to 127.0.0.1:port and reads until `total` bytes arrived; resolves with the elapsed milliseconds. */
const download = (port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const socket = Net.connect(port, "127.0.0.1")
    let size = 0
    socket.on("data", (c: Buffer) => {
      size += c.length
      if (size >= total) {
        socket.destroy()
        resolve(performance.now() - start)
      }
    })
    socket.on("error", reject)
  })

/** The baseline: a plain TCP server on loopback sending the same bytes. */
const directServer = (): Promise<Net.Server> =>
  new Promise((resolve) => {
    const server = Net.createServer((socket) => {
      socket.on("error", () => {})
      void pump((c) => socket.write(c), () => new Promise((r) => socket.once("drain", r))).then(() => socket.end())
    })
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "bench", namespace: "default" },
  spec: { containers: [{ name: "main", image: "bench" }] }
}
const ref = { namespace: "default", name: "bench" }

const program = Effect.gen(function*() {
  const listening = yield* FakeApiServer.listen({ seed: [pod] })
  yield* listening.server.onPortForward({ pod: "bench" }, 9000, (connection) =>
    Effect.gen(function*() {
      for (let sent = 0; sent < total; sent += piece.length) yield* connection.write(piece)
    }))
  const transport = WebSocketTransport.layer.pipe(
    Layer.provide(Credentials.layer),
    Layer.provide(Layer.succeed(RestConfig.RestConfig, listening.restConfig)),
    Layer.provide(NodeContext.layer)
  )
  yield* Effect.gen(function*() {
    const forward = yield* PortForward.listen(ref, { remotePort: 9000 })
    const direct = yield* Effect.acquireRelease(
      Effect.promise(directServer),
      (s) => Effect.promise(() => new Promise<void>((r) => s.close(() => r())))
    )
    const directPort = (direct.address() as Net.AddressInfo).port
    // Warm-up, unmeasured.
    yield* Effect.promise(() => download(directPort))
    yield* Effect.promise(() => download(forward.localPort))
    const directMs: Array<number> = []
    const forwardMs: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ["direct", "forward"] : ["forward", "direct"]
      for (const which of order) {
        if (which === "direct") directMs.push(yield* Effect.promise(() => download(directPort)))
        else forwardMs.push(yield* Effect.promise(() => download(forward.localPort)))
      }
    }
    const rate = (ms: number) => megabytes / (ms / 1000)
    const directRate = rate(median(directMs))
    const forwardRate = rate(median(forwardMs))
    console.log(
      `direct loopback TCP copy: ${directRate.toFixed(0)} MB/s (median of ${rounds} × ${megabytes} MB)`
    )
    console.log(
      `port-forward (PortForward.listen -> WebSocket -> fake): ${forwardRate.toFixed(0)} MB/s, ${
        (forwardRate / directRate).toFixed(2)
      }x of direct`
    )

    // Exec: a whole one-shot command (upgrade, run, status, close), then round trips on one open session.
    const oneShot: Array<number> = []
    for (let i = 0; i < (quick ? 10 : 100); i++) {
      const start = performance.now()
      yield* PodExec.execCollect(ref, { command: ["echo", "x"] })
      oneShot.push(performance.now() - start)
    }
    console.log(`exec one-shot (execCollect echo, new WebSocket each): median ${median(oneShot).toFixed(2)} ms`)
    const roundTrips = yield* Effect.scoped(Effect.gen(function*() {
      const session = yield* PodExec.exec(ref, { command: ["cat"], stdin: true })
      const times: Array<number> = []
      const pull = yield* Stream.toPull(session.stdout)
      for (let i = 0; i < (quick ? 50 : 1000); i++) {
        const start = performance.now()
        yield* session.write("ping")
        yield* pull
        times.push(performance.now() - start)
      }
      yield* session.closeStdin
      return times
    }))
    console.log(`exec round trip (stdin -> cat -> stdout on one session): median ${median(roundTrips).toFixed(3)} ms`)
  }).pipe(Effect.provide(transport))
})

Effect.runPromise(Effect.scoped(program)).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
