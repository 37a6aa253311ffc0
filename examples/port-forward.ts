/**
 * Port-forwarding: one duplex byte stream per pod port over a WebSocket, and `PortForward.listen` serving a local
 * 127.0.0.1 port whose every connection is forwarded, as `kubectl port-forward` does.
 *
 * client-go: `portforward.NewOnAddresses(dialer, addresses, ports, stop, ready, out, errOut).ForwardPorts()`.
 *
 *   npm run example examples/port-forward.ts [--kubeconfig FILE] [--context NAME] [--namespace NS] [--pod NAME]
 *   [--port N]   (on the fake, an echo server is scripted on port 8080)
 */
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import * as PortForward from "effect-kube/PortForward"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Net from "node:net"
import { clusterLayer, fakeLayer } from "./exec.js"
import { isMain, parseFlags, runMain, say } from "./support.js"

const decoder = new TextDecoder()

/** Sends `text` to 127.0.0.1:port and reads the first answer. */
const askLocal = (port: number, text: string) =>
  Effect.async<string, Error>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.once("data", (answer: Buffer) => {
      socket.end()
      resume(Effect.succeed(answer.toString("utf8")))
    })
    socket.once("error", (e) => resume(Effect.fail(e)))
    socket.write(text)
    return Effect.sync(() => socket.destroy())
  })

export const program = (pod = "web-7d9f8-2xkqp", port = 8080) =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    const namespace = cs.restClient.config.namespace

    // One WebSocket, one stream per port: write bytes in, read the pod's answer out.
    const answer = yield* Effect.scoped(Effect.gen(function*() {
      const [stream] = yield* cs.coreV1.pods(namespace).portForward(pod, [port])
      yield* stream!.write(new TextEncoder().encode("ping"))
      const first = yield* Stream.runHead(stream!.output)
      return first._tag === "Some" ? decoder.decode(first.value) : ""
    }))
    yield* say(`portForward:  ${pod}:${port} answered ${JSON.stringify(answer)}`)

    // A local port for tools that speak TCP; it closes with the scope.
    yield* Effect.scoped(Effect.gen(function*() {
      const listening = yield* PortForward.listen({ namespace, name: pod }, { remotePort: port })
      yield* say(`listen:       Forwarding from ${listening.address}:<port> -> ${listening.remotePort}`)
      const reply = yield* askLocal(listening.localPort, "hello over TCP")
      yield* say(`listen:       a TCP client got ${JSON.stringify(reply)}`)
    }))
  })

/** On the fake, something has to listen on the pod's port: an echo server. */
export const scriptEcho = (pod = "web-7d9f8-2xkqp", port = 8080) =>
  Effect.flatMap(
    FakeApiServer.FakeApiServer,
    (fake) => fake.onPortForward({ pod }, port, (connection) => Stream.runForEach(connection.input, connection.write))
  )

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2)
  const flags = parseFlags(argv)
  const at = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined)
  const pod = at("--pod")
  const port = at("--port") === undefined ? undefined : Number(at("--port"))
  runMain(
    flags.kubeconfig === undefined
      ? Effect.provide(Effect.zipRight(scriptEcho(pod, port), program(pod, port)), fakeLayer)
      : Effect.provide(program(pod, port), clusterLayer(flags))
  )
}
