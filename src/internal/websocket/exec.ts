/** exec and attach over the remotecommand channel protocol (v5 with close messages, v4 without). */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import * as KubeError from "../../KubeError.js"
import type { AttachOptions, Collected, ExecOptions, ExitError, PodRef, Session } from "../../PodExecModel.js"
import { NonZeroExit, StreamProtocolError } from "../../PodStreamError.js"
import { type DialError, WebSocketTransport } from "../../WebSocketTransport.js"
import * as channels from "./channels.js"
import type { Connection } from "./connection.js"

const podPath = (pod: PodRef, subresource: string) =>
  `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/${subresource}`

const streamQuery = (options: AttachOptions): Array<[string, string]> => {
  const tty = options.tty === true
  const query: Array<[string, string]> = []
  if (options.container !== undefined && options.container !== "") query.push(["container", options.container])
  if (options.stdin === true) query.push(["stdin", "true"])
  if (options.stdout !== false) query.push(["stdout", "true"])
  if (options.stderr ?? !tty) query.push(["stderr", "true"])
  if (tty) query.push(["tty", "true"])
  return query
}

const decoder = new TextDecoder()

/** The status channel's Status: success, a non-zero exit, or the typed error of any other failure. */
export const exitOf = (text: string, url: string): Exit.Exit<void, ExitError> => {
  let status: KubeError.Status
  try {
    status = JSON.parse(text) as KubeError.Status
  } catch {
    return Exit.fail(
      new StreamProtocolError({ detail: `the status channel carried no JSON Status: ${text.slice(0, 200)}` })
    )
  }
  if (typeof status !== "object" || status === null) {
    return Exit.fail(new StreamProtocolError({ detail: "the status channel carried no JSON Status" }))
  }
  if (status.status === "Success") return Exit.void
  if (status.reason === "NonZeroExitCode") {
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode")
    const code = Number(cause?.message)
    if (Number.isInteger(code)) {
      return Exit.fail(new NonZeroExit({ exitCode: code, message: status.message ?? `exit code ${code}` }))
    }
  }
  return Exit.fail(KubeError.fromStatus({ method: "GET", url, code: status.code ?? 500, status }))
}

type Item = Uint8Array | null

const outputStream = (queue: Queue.Queue<Item>): Stream.Stream<Uint8Array> =>
  Stream.repeatEffectOption(
    Effect.flatMap(Queue.take(queue), (item) => item === null ? Effect.fail(Option.none()) : Effect.succeed(item))
  )

/** Runs the channel protocol over an open connection; the demultiplexer lives in the connection's scope. */
export const session = (
  connection: Connection,
  url: string
): Effect.Effect<Session, never, Scope.Scope> =>
  Effect.gen(function*() {
    const v5 = connection.protocol === channels.v5
    const stdout = yield* Queue.bounded<Item>(16)
    const stderr = yield* Queue.bounded<Item>(16)
    const exit = yield* Deferred.make<void, ExitError>()
    let statusText = ""
    let stdinClosed = false
    const ended = new Set<Queue.Queue<Item>>()
    const end = (queue: Queue.Queue<Item>) =>
      Effect.suspend(() => {
        if (ended.has(queue)) return Effect.void
        ended.add(queue)
        return Queue.offer(queue, null)
      })

    const demux = Effect.gen(function*() {
      while (true) {
        const message = yield* connection.receive
        if (message === undefined) break
        if (message.byteLength === 0) continue
        const channel = message[0]!
        const data = message.subarray(1)
        if (channel === channels.stdout) {
          if (data.byteLength > 0) yield* Queue.offer(stdout, data)
        } else if (channel === channels.stderr) {
          if (data.byteLength > 0) yield* Queue.offer(stderr, data)
        } else if (channel === channels.status) {
          statusText += decoder.decode(data)
        } else if (channel === channels.close && v5) {
          const closing = data[0]
          if (closing === channels.stdout) yield* end(stdout)
          if (closing === channels.stderr) yield* end(stderr)
        }
        // Other channels (a server echoing resize) carry nothing for the client.
      }
      const closed = yield* connection.closed
      yield* end(stdout)
      yield* end(stderr)
      if (statusText !== "") return yield* Deferred.done(exit, exitOf(statusText, url))
      // No status: the apiserver ends a successful stream with a normal close (client-go treats it as success).
      yield* Deferred.done(
        exit,
        closed.code === 1000
          ? Exit.void
          : Exit.fail(
            new KubeError.TransportError({
              method: "GET",
              url,
              reason: "ConnectionReset",
              sent: true,
              detail: `the connection closed (${closed.code}${
                closed.reason === "" ? "" : `: ${closed.reason}`
              }) before the command's exit status arrived`
            })
          )
      )
    })
    yield* Effect.forkScoped(demux)

    const write = (data: Uint8Array | string) =>
      Effect.suspend(() => stdinClosed ? Effect.void : connection.send(channels.frame(channels.stdin, data)))
    const closeStdin = Effect.suspend(() => {
      if (stdinClosed) return Effect.void
      stdinClosed = true
      return v5 ? connection.send(channels.closeFrame(channels.stdin)) : Effect.void
    })
    return {
      protocol: connection.protocol,
      stdin: Sink.forEach(write).pipe(Sink.ensuring(closeStdin)),
      write,
      closeStdin,
      stdout: outputStream(stdout),
      stderr: outputStream(stderr),
      resize: (size) => connection.send(channels.resizeFrame(size)),
      exit: Deferred.await(exit)
    } satisfies Session
  })

const open = (
  pod: PodRef,
  subresource: "exec" | "attach",
  query: ReadonlyArray<readonly [string, string]>
): Effect.Effect<Session, DialError, WebSocketTransport | Scope.Scope> =>
  Effect.gen(function*() {
    const transport = yield* WebSocketTransport
    const path = podPath(pod, subresource)
    const connection = yield* transport.dial({ path, query, protocols: channels.remoteCommandProtocols })
    return yield* session(connection, path)
  })

export const exec = (
  pod: PodRef,
  options: ExecOptions
): Effect.Effect<Session, DialError, WebSocketTransport | Scope.Scope> =>
  open(pod, "exec", [...options.command.map((c) => ["command", c] as const), ...streamQuery(options)])

export const attach = (
  pod: PodRef,
  options: AttachOptions = {}
): Effect.Effect<Session, DialError, WebSocketTransport | Scope.Scope> => open(pod, "attach", streamQuery(options))

const collectText = (stream: Stream.Stream<Uint8Array>) =>
  Stream.runFold(stream, "", (acc, chunk) => acc + decoder.decode(chunk, { stream: true }))

export const execCollect = (
  pod: PodRef,
  options: Omit<ExecOptions, "stdin"> & { readonly stdin?: string | Uint8Array | undefined }
): Effect.Effect<Collected, Exclude<DialError | ExitError, NonZeroExit>, WebSocketTransport> =>
  Effect.scoped(Effect.gen(function*() {
    const session = yield* exec(pod, { ...options, stdin: options.stdin !== undefined })
    if (options.stdin !== undefined) {
      const input = options.stdin
      yield* Effect.forkScoped(Effect.zipRight(session.write(input), session.closeStdin))
    }
    const [stdout, stderr] = yield* Effect.all([collectText(session.stdout), collectText(session.stderr)], {
      concurrency: 2
    })
    const exitCode = yield* session.exit.pipe(
      Effect.as(0),
      Effect.catchTag("NonZeroExit", (e) => Effect.succeed(e.exitCode))
    )
    return { stdout, stderr, exitCode }
  }))
