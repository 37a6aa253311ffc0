/**
 * exec, attach and portforward over WebSockets, as the apiserver serves them: `v5.channel.k8s.io` (with stdin
 * half-close) or `v4.channel.k8s.io` for remotecommand, and `v4.channel.k8s.io` channel pairs with a port prefix
 * for portforward. The HTTP server hands every upgrade request here; anything else gets the Status an apiserver
 * would answer.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import type * as Stream_ from "node:stream"
import * as WS from "ws"
import type { ExecHandler, ExecRequest, ExecResult, PortForwardHandler } from "../../FakeApiServerModel.js"
import { ContainerFs } from "../tarFs.js"
import * as channels from "../websocket/channels.js"
import type { Connection } from "../websocket/connection.js"
import { runDefault } from "./commands.js"
import type { Auth } from "./router.js"
import * as S from "./status.js"
import type { Obj } from "./types.js"
import { fromServerSocket } from "./wsConnection.js"

/** Scripts and file systems, keyed by namespace/pod (and container or port). */
export class Streaming {
  readonly execHandlers = new Map<string, ExecHandler>()
  readonly portHandlers = new Map<string, PortForwardHandler>()
  readonly fileSystems = new Map<string, ContainerFs>()
  /** Every upgrade request seen, for assertions (Authorization redacted). */
  readonly log: Array<
    { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly status: number }
  > = []

  constructor(readonly getPod: (namespace: string, name: string) => Obj | undefined) {}

  fs(namespace: string, pod: string, container: string): ContainerFs {
    const key = `${namespace}/${pod}/${container}`
    let fs = this.fileSystems.get(key)
    if (fs === undefined) {
      fs = new ContainerFs()
      this.fileSystems.set(key, fs)
    }
    return fs
  }
}

const encoder = new TextEncoder()
const bytes = (data: Uint8Array | string) => typeof data === "string" ? encoder.encode(data) : data

const path = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/

const containersOf = (pod: Obj): Array<string> => {
  const spec = pod.spec as { containers?: Array<{ name?: unknown }> } | undefined
  return (spec?.containers ?? []).map((c) => String(c.name ?? "")).filter((n) => n !== "")
}

const refuse = (socket: Stream_.Duplex, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 404 ? "Not Found" : "Bad Request"}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n` +
      text
  )
}

/** The `upgrade` listener for the fake's HTTP server. */
export const upgradeHandler = (streaming: Streaming, auth: Auth, runtime: Runtime.Runtime<never>) => {
  const runFork = Runtime.runFork(runtime)
  const server = new WS.WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 100 * 1024 * 1024,
    handleProtocols: (offered, request) => {
      const isPortForward = (request.url ?? "").split("?")[0]!.endsWith("/portforward")
      const wanted = isPortForward ? [channels.v4] : [channels.v5, channels.v4]
      return wanted.find((p) => offered.has(p)) ?? false
    }
  })
  return (req: Http.IncomingMessage, socket: Stream_.Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = k === "authorization" ? "<redacted>" : Array.isArray(v) ? v.join(", ") : v
    }
    const answer = (code: number, body?: unknown) => {
      streaming.log.push({ url: url.pathname + url.search, headers, status: code })
      if (body !== undefined) refuse(socket, code, body)
    }
    const authorization = req.headers["authorization"]
    if (authorization !== `Bearer ${auth.token}` && !(authorization === undefined && auth.allowAnonymous)) {
      return answer(401, S.statusBody(401, "Unauthorized", "Unauthorized"))
    }
    const match = path.exec(url.pathname)
    if (match === null || (req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
      return answer(400, S.statusBody(400, "BadRequest", "Upgrade request required"))
    }
    const namespace = decodeURIComponent(match[1]!)
    const name = decodeURIComponent(match[2]!)
    const subresource = match[3] as "exec" | "attach" | "portforward"
    const pod = streaming.getPod(namespace, name)
    if (pod === undefined) {
      return answer(404, S.statusBody(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" }))
    }
    const fail = (message: string) => answer(400, S.statusBody(400, "BadRequest", message))

    if (subresource === "portforward") {
      const ports: Array<number> = []
      for (const value of url.searchParams.getAll("ports")) {
        for (const piece of value.split(",")) {
          const port = Number(piece.trim())
          if (!Number.isInteger(port) || port < 1 || port > 65535) {
            return fail(`invalid port ${JSON.stringify(piece.trim())}`)
          }
          ports.push(port)
        }
      }
      if (ports.length === 0) return fail("at least one port must be specified")
      return server.handleUpgrade(req, socket, head, (ws) => {
        answer(101)
        runFork(Effect.flatMap(fromServerSocket(ws), (c) => servePortForward(streaming, namespace, name, ports, c)))
      })
    }

    const containers = containersOf(pod)
    let container = url.searchParams.get("container") ?? ""
    if (container === "") {
      if (containers.length > 1) {
        return fail(`a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`)
      }
      container = containers[0] ?? ""
    } else if (containers.length > 0 && !containers.includes(container)) {
      return fail(`container ${container} is not valid for pod ${name}`)
    }
    const flag = (key: string) => url.searchParams.get(key) === "true" || url.searchParams.get(key) === "1"
    const command = url.searchParams.getAll("command")
    if (subresource === "exec" && command.length === 0) {
      return fail("you must specify at least one command for the container")
    }
    const request: ExecRequest = {
      subresource,
      namespace,
      pod: name,
      container,
      command,
      stdin: flag("stdin"),
      tty: flag("tty")
    }
    const streams = { stdout: flag("stdout"), stderr: flag("stderr") }
    if (!request.stdin && !streams.stdout && !streams.stderr) {
      return fail("you must specify at least 1 of stdin, stdout, stderr")
    }
    server.handleUpgrade(req, socket, head, (ws) => {
      answer(101)
      runFork(Effect.flatMap(fromServerSocket(ws), (c) => serveExec(streaming, request, streams, c)))
    })
  }
}

const statusSuccess = JSON.stringify({ metadata: {}, status: "Success" })

const exitStatus = (request: ExecRequest, code: number) =>
  JSON.stringify({
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${
      request.command.join(" ")
    }], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] }
  })

const serveExec = (
  streaming: Streaming,
  request: ExecRequest,
  streams: { readonly stdout: boolean; readonly stderr: boolean },
  connection: Connection
): Effect.Effect<void> =>
  Effect.scoped(Effect.gen(function*() {
    const v5 = connection.protocol === channels.v5
    const stdin = yield* Queue.bounded<Uint8Array | null>(16)
    const resizes = yield* Queue.unbounded<{ width: number; height: number } | null>()
    const send = (channel: number, data: Uint8Array | string) => connection.send(channels.frame(channel, data))
    const stdout = (data: Uint8Array | string) => streams.stdout ? send(channels.stdout, bytes(data)) : Effect.void
    const stderr = (data: Uint8Array | string) =>
      request.tty ? stdout(data) : streams.stderr ? send(channels.stderr, bytes(data)) : Effect.void
    let stdinEnded = false
    const endStdin = Effect.suspend(() => {
      if (stdinEnded) return Effect.void
      stdinEnded = true
      return Queue.offer(stdin, null)
    })
    const reader = Effect.gen(function*() {
      while (true) {
        const message = yield* connection.receive
        if (message === undefined) break
        if (message.byteLength === 0) continue
        const channel = message[0]!
        if (channel === channels.stdin && request.stdin && !stdinEnded) {
          if (message.byteLength > 1) yield* Queue.offer(stdin, message.subarray(1))
        } else if (channel === channels.resize) {
          try {
            const size = JSON.parse(new TextDecoder().decode(message.subarray(1))) as {
              Width?: number
              Height?: number
            }
            yield* Queue.offer(resizes, { width: Number(size.Width ?? 0), height: Number(size.Height ?? 0) })
          } catch {
            // a malformed resize is ignored, as the kubelet does
          }
        } else if (channel === channels.close && v5 && message[1] === channels.stdin) {
          yield* endStdin
        }
      }
      yield* endStdin
      yield* Queue.offer(resizes, null)
    })
    yield* Effect.forkScoped(reader)
    if (!request.stdin) yield* endStdin
    const takeUntilNull = <A>(queue: Queue.Queue<A | null>): Stream.Stream<A> =>
      Stream.repeatEffectOption(
        Effect.flatMap(Queue.take(queue), (a) => a === null ? Effect.fail(Option.none()) : Effect.succeed(a))
      )
    const key = `${request.namespace}/${request.pod}`
    const handler = streaming.execHandlers.get(`${key}/${request.container}`) ?? streaming.execHandlers.get(key) ??
      runDefault
    const io = {
      stdin: takeUntilNull(stdin),
      stdout,
      stderr,
      resizes: takeUntilNull(resizes),
      fs: streaming.fs(request.namespace, request.pod, request.container)
    }
    // The command runs until it ends or the client goes away; a closed connection interrupts it.
    const run = Effect.flatMap(handler(request, io), (result: ExecResult) =>
      Effect.gen(function*() {
        if (typeof result === "object" && result !== null) {
          if (result.stdout !== undefined) yield* stdout(result.stdout)
          if (result.stderr !== undefined) yield* stderr(result.stderr)
          return result.exitCode ?? 0
        }
        return typeof result === "number" ? result : 0
      }))
    const outcome = yield* Effect.raceFirst(
      Effect.map(run, (code) => Option.some(code)),
      Effect.as(connection.closed, Option.none<number>())
    ).pipe(Effect.exit)
    if (Exit.isSuccess(outcome) && Option.isSome(outcome.value)) {
      const code = outcome.value.value
      yield* send(channels.status, code === 0 ? statusSuccess : exitStatus(request, code))
      yield* connection.close(1000)
    } else if (Exit.isFailure(outcome)) {
      yield* send(
        channels.status,
        JSON.stringify({
          metadata: {},
          status: "Failure",
          message: "Internal error occurred: the exec handler failed",
          reason: "InternalError",
          code: 500
        })
      )
      yield* connection.close(1000)
    }
  }))

const servePortForward = (
  streaming: Streaming,
  namespace: string,
  pod: string,
  ports: ReadonlyArray<number>,
  connection: Connection
): Effect.Effect<void> =>
  Effect.scoped(Effect.gen(function*() {
    const inputs = yield* Effect.forEach(ports, () => Queue.bounded<Uint8Array | null>(16))
    for (let i = 0; i < ports.length; i++) {
      yield* connection.send(channels.frame(channels.portDataChannel(i), channels.portPrefix(ports[i]!)))
      yield* connection.send(channels.frame(channels.portErrorChannel(i), channels.portPrefix(ports[i]!)))
    }
    const reader = Effect.gen(function*() {
      while (true) {
        const message = yield* connection.receive
        if (message === undefined) break
        const channel = message[0]
        if (channel !== undefined && channel % 2 === 0 && channel / 2 < inputs.length && message.byteLength > 1) {
          yield* Queue.offer(inputs[channel / 2]!, message.subarray(1))
        }
      }
      for (const q of inputs) yield* Queue.offer(q, null)
    })
    yield* Effect.forkScoped(reader)
    const handlers = ports.map((port, i) => {
      const handler = streaming.portHandlers.get(`${namespace}/${pod}/${port}`)
      const write = (data: Uint8Array | string) =>
        connection.send(channels.frame(channels.portDataChannel(i), bytes(data)))
      if (handler === undefined) {
        // Nothing listens on that port in the pod: the kubelet reports the refused dial on the error channel.
        return connection.send(
          channels.frame(
            channels.portErrorChannel(i),
            `error forwarding port ${port} to pod ${pod}, uid : failed to connect to localhost:${port} inside ` +
              `namespace "${namespace}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 ` +
              `dial tcp6: address localhost: no suitable address `
          )
        )
      }
      return handler({
        namespace,
        pod,
        port,
        input: Stream.repeatEffectOption(
          Effect.flatMap(Queue.take(inputs[i]!), (a) => a === null ? Effect.fail(Option.none()) : Effect.succeed(a))
        ),
        write
      })
    })
    const done = Effect.all(handlers, { concurrency: "unbounded", discard: true })
    const finished = yield* Effect.raceFirst(Effect.as(done, true), Effect.as(connection.closed, false))
    if (finished) {
      // Handlers that returned after a refused dial leave the connection for the client to close.
      if (ports.every((p) => streaming.portHandlers.has(`${namespace}/${pod}/${p}`))) yield* connection.close(1000)
      else yield* Effect.asVoid(connection.closed)
    }
  }))

/** Starts serving streams on an HTTP server. */
export const serve = (
  server: Http.Server,
  streaming: Streaming,
  auth: Auth,
  runtime: Runtime.Runtime<never>
): void => {
  server.on("upgrade", upgradeHandler(streaming, auth, runtime))
}
