/**
 * Running commands in a pod over WebSockets: a one-shot command with its output collected, a typed non-zero exit,
 * and an interactive session feeding stdin and closing it (the v5 close message) so the command sees end of file.
 *
 * client-go: `remotecommand.NewWebSocketExecutor(config, "GET", req.URL()).StreamWithContext(ctx, opts)`.
 *
 *   npm run example examples/exec.ts [--kubeconfig FILE] [--context NAME] [--namespace NS] [--pod NAME]
 *   (on the fake, the pod's default commands answer: echo, cat, sh -c 'exit N')
 */
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import * as Kube from "effect-kube/Kube"
import * as WebSocketTransport from "effect-kube/WebSocketTransport"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { fake, type Flags, isMain, parseFlags, runMain, say, type StackError } from "./support.js"

const decoder = new TextDecoder()

export const program = (pod = "web-7d9f8-2xkqp") =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    const pods = cs.coreV1.pods(cs.restClient.config.namespace)

    const hello = yield* pods.execCollect(pod, { command: ["echo", "hello from", pod] })
    yield* say(`execCollect:  stdout ${JSON.stringify(hello.stdout)}, exit code ${hello.exitCode}`)

    // A non-zero exit is a typed failure of the session's `exit`.
    const failed = yield* Effect.scoped(
      Effect.flatMap(pods.exec(pod, { command: ["sh", "-c", "exit 3"] }), (session) => session.exit)
    ).pipe(
      Effect.as("exit 0"),
      Effect.catchTag("NonZeroExit", (e) => Effect.succeed(`NonZeroExit, exit code ${e.exitCode}`))
    )
    yield* say(`exec:         sh -c 'exit 3' -> ${failed}`)

    // stdin as a Sink: when the stream ends the sink closes stdin, and `cat` ends.
    const echoed = yield* Effect.scoped(Effect.gen(function*() {
      const session = yield* pods.exec(pod, { command: ["cat"], stdin: true })
      const output = yield* Effect.fork(
        Stream.runFold(session.stdout, "", (text, chunk) => text + decoder.decode(chunk))
      )
      yield* Stream.run(Stream.make("line 1\n", "line 2\n"), session.stdin)
      yield* session.exit
      return yield* output.await.pipe(Effect.flatten)
    }))
    yield* say(`exec -i cat:  ${JSON.stringify(echoed)}`)
  })

/** Every client plus WebSockets on the seeded fake (served on a loopback port for the sockets). */
export const fakeLayer: Layer.Layer<
  Kube.Clients | FakeApiServer.FakeApiServer | WebSocketTransport.WebSocketTransport,
  StackError
> = Layer.provideMerge(FakeApiServer.layerWebSocketTransport, fake())

/** Every client plus WebSockets from a kubeconfig: the Kube layers include the WebSocket transport. */
export const clusterLayer = (
  flags: Flags
): Layer.Layer<Kube.Clients | WebSocketTransport.WebSocketTransport, StackError> =>
  Kube.layerKubeconfig({ path: flags.kubeconfig, context: flags.context, namespace: flags.namespace })

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2)
  const i = argv.indexOf("--pod")
  runMain(Effect.provide(
    program(i >= 0 ? argv[i + 1] : undefined),
    (() => {
      const flags = parseFlags(argv)
      return flags.kubeconfig === undefined ? fakeLayer : clusterLayer(flags)
    })()
  ))
}
