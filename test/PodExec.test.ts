import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Credentials from "../src/Credentials.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as PodExec from "../src/PodExec.js"
import * as RestConfig from "../src/RestConfig.js"
import * as WebSocketTransport from "../src/WebSocketTransport.js"

const pod = (name: string, containers: ReadonlyArray<string> = ["main"]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: { containers: containers.map((c) => ({ name: c, image: "busybox" })) }
})

export const transportFor = (config: RestConfig.Service) =>
  WebSocketTransport.layer.pipe(
    Layer.provide(Credentials.layer),
    Layer.provide(Layer.succeed(RestConfig.RestConfig, config)),
    Layer.provide(NodeContext.layer)
  )

/** A fake listening over HTTP(S) with a token, and a transport for it. */
const withFake = <A, E>(
  body: (fake: FakeApiServer.Service) => Effect.Effect<A, E, WebSocketTransport.WebSocketTransport>,
  options: { readonly https?: boolean } = {}
) =>
  Effect.scoped(Effect.gen(function*() {
    const listening = yield* FakeApiServer.listen({ https: options.https, seed: [pod("web"), pod("two", ["a", "b"])] })
    return yield* Effect.provide(body(listening.server), transportFor(listening.restConfig))
  }))

const text = (stream: Stream.Stream<Uint8Array>) =>
  Stream.runFold(stream, "", (acc, c) => acc + new TextDecoder().decode(c))

const web = { namespace: "default", name: "web" }

describe("PodExec against the fake over HTTP", () => {
  it.live("echo, stderr separation and exit codes", () =>
    withFake(() =>
      Effect.gen(function*() {
        const echo = yield* PodExec.execCollect(web, { command: ["echo", "hello", "world"] })
        expect(echo).toEqual({ stdout: "hello world\n", stderr: "", exitCode: 0 })
        const exit3 = yield* PodExec.execCollect(web, { command: ["sh", "-c", "exit 3"] })
        expect(exit3.exitCode).toBe(3)
        const missing = yield* PodExec.execCollect(web, { command: ["nope"] })
        expect(missing.exitCode).toBe(127)
        expect(missing.stdout).toContain(`exec: "nope": executable file not found in $PATH`)
        const catMissing = yield* PodExec.execCollect(web, { command: ["cat", "/etc/none"] })
        expect(catMissing).toEqual({ stdout: "", stderr: "cat: /etc/none: No such file or directory\n", exitCode: 1 })
      })
    ))

  it.live("a non-zero exit is a typed NonZeroExit on the session", () =>
    withFake(() =>
      Effect.scoped(Effect.gen(function*() {
        const session = yield* PodExec.exec(web, { command: ["sh", "-c", "exit 42"] })
        expect(session.protocol).toBe("v5.channel.k8s.io")
        const exit = yield* Effect.exit(session.exit)
        expect(exit).toStrictEqual(Exit.fail(
          new PodExec.NonZeroExit({
            exitCode: 42,
            message: "command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42"
          })
        ))
      }))
    ))

  it.live("stdin is streamed and closing it ends cat", () =>
    withFake(() =>
      Effect.gen(function*() {
        const collected = yield* PodExec.execCollect(web, { command: ["cat"], stdin: "line one\nline two\n" })
        expect(collected).toEqual({ stdout: "line one\nline two\n", stderr: "", exitCode: 0 })
        const viaSink = yield* Effect.scoped(Effect.gen(function*() {
          const session = yield* PodExec.exec(web, { command: ["cat"], stdin: true })
          const out = yield* Effect.fork(text(session.stdout))
          yield* Stream.run(Stream.make("a", "b", new TextEncoder().encode("c")), session.stdin)
          yield* session.exit
          return yield* Fiber.join(out)
        }))
        expect(viaSink).toBe("abc")
      })
    ))

  it.live("a failed upgrade is the typed error of the Status: NotFound pod, BadRequest container", () =>
    withFake(() =>
      Effect.gen(function*() {
        const missing = yield* Effect.flip(PodExec.execCollect({ namespace: "default", name: "gone" }, {
          command: ["true"]
        }))
        expect(missing._tag).toBe("NotFound")
        expect(missing.message).toContain(`pods "gone" not found`)
        const ambiguous = yield* Effect.flip(PodExec.execCollect({ namespace: "default", name: "two" }, {
          command: ["true"]
        }))
        expect(ambiguous._tag).toBe("BadRequest")
        expect(ambiguous.message).toContain("a container name must be specified for pod two, choose one of: [a b]")
        const chosen = yield* PodExec.execCollect({ namespace: "default", name: "two" }, {
          command: ["echo", "b"],
          container: "b"
        })
        expect(chosen.stdout).toBe("b\n")
      })
    ))

  it.live("scripted handlers see command, tty and resize frames; interruption closes the socket", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const sizes: Array<{ width: number; height: number }> = []
        const interrupted = yield* Deferred.make<void>()
        const started = yield* Deferred.make<FakeApiServer.ExecRequest>()
        yield* fake.onExec({ pod: "web" }, (request, io) =>
          Effect.gen(function*() {
            yield* Deferred.succeed(started, request)
            yield* io.stdout("ready\n")
            yield* Stream.runForEach(Stream.take(io.resizes, 2), (s) => Effect.sync(() => sizes.push(s)))
            yield* io.stderr("with a tty this goes to stdout\n")
            return yield* Effect.never
          }).pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))))
        const fiber = yield* Effect.fork(Effect.scoped(
          Effect.gen(function*() {
            const session = yield* PodExec.exec(web, { command: ["top"], tty: true, stdin: true })
            yield* session.resize({ width: 80, height: 24 })
            yield* session.resize({ width: 120, height: 40 })
            const out = yield* Stream.runCollect(Stream.take(session.stdout, 2))
            return [...out].map((c) => new TextDecoder().decode(c)).join("")
          }).pipe(Effect.tap(() => Effect.never))
        ))
        const request = yield* Deferred.await(started)
        expect(request).toMatchObject({ command: ["top"], tty: true, stdin: true, container: "main" })
        yield* Effect.sleep("200 millis")
        yield* Fiber.interrupt(fiber)
        yield* Deferred.await(interrupted).pipe(Effect.timeout("5 seconds"))
        expect(sizes).toEqual([{ width: 80, height: 24 }, { width: 120, height: 40 }])
      })
    ))
})

describe("PodExec against the fake over HTTPS", () => {
  it.live("exec with the fake's token and CA", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const out = yield* PodExec.execCollect(web, { command: ["echo", "tls"] })
        expect(out.stdout).toBe("tls\n")
        const seen = yield* fake.streamRequests
        expect(seen.at(-1)?.status).toBe(101)
        expect(seen.at(-1)?.headers.authorization).toBe("<redacted>")
        expect(seen.at(-1)?.url).toBe(
          "/api/v1/namespaces/default/pods/web/exec?command=echo&command=tls&stdout=true&stderr=true"
        )
      }), { https: true }))

  it.live("exec through an HTTP CONNECT proxy", () =>
    Effect.scoped(Effect.gen(function*() {
      const tunnels: Array<string> = []
      const proxy = Http.createServer((_req, res) => res.writeHead(405).end())
      proxy.on("connect", (req: Http.IncomingMessage, client: Net.Socket, head: Buffer) => {
        tunnels.push(req.url ?? "")
        const [host, port] = (req.url ?? "").split(":")
        const upstream = Net.connect(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
          upstream.write(head)
          upstream.pipe(client)
          client.pipe(upstream)
        })
        upstream.on("error", () => client.destroy())
        client.on("error", () => upstream.destroy())
      })
      const proxyPort = yield* Effect.acquireRelease(
        Effect.async<number>((resume) => {
          proxy.listen(0, "127.0.0.1", () => resume(Effect.succeed((proxy.address() as Net.AddressInfo).port)))
        }),
        () =>
          Effect.sync(() => {
            proxy.closeAllConnections()
            proxy.close()
          })
      )
      const listening = yield* FakeApiServer.listen({ https: true, seed: [pod("web")] })
      const config = { ...listening.restConfig, proxyUrl: `http://127.0.0.1:${proxyPort}` }
      const out = yield* Effect.provide(
        PodExec.execCollect(web, { command: ["echo", "proxied"] }),
        transportFor(config)
      )
      expect(out.stdout).toBe("proxied\n")
      expect(tunnels).toEqual([`127.0.0.1:${listening.port}`])
    })))
})
