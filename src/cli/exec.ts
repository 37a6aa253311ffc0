/**
 * `effect-kube exec POD [-c CONTAINER] [-i] [-t] -- COMMAND [args...]`: kubectl exec over WebSockets. stdout and
 * stderr go to the process's, `-i` streams stdin (its end closes the command's stdin), `-t` puts a terminal in raw
 * mode and sends its size (and every resize). The exit code is the command's; a non-zero one prints kubectl's
 * `command terminated with exit code N`.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as PodExec from "../PodExec.js"
import type { Command } from "./command.js"
import { namespaceOf, resolveContainer, streamLayer } from "./podStreams.js"
import { commandWith, commonFlags, parseCommand } from "./stack.js"

const usage = `Execute a command in a container.

Usage:
  effect-kube exec POD [-c CONTAINER] [-i] [-t] -- COMMAND [args...] [flags]
`

const flags = [
  ...commonFlags,
  { name: "container", short: "c" },
  { name: "stdin", short: "i", bool: true },
  { name: "tty", short: "t", bool: true },
  { name: "quiet", short: "q", bool: true }
]

/** Writes to a Node stream, waiting for it to drain. */
export const writeTo = (out: NodeJS.WritableStream) => (chunk: Uint8Array) =>
  Effect.async<void>((resume) => {
    if (out.write(chunk)) return resume(Effect.void)
    out.once("drain", () => resume(Effect.void))
  })

/** The process's stdin as a Stream of bytes. */
export const processStdin = Stream.fromAsyncIterable(
  process.stdin as AsyncIterable<Buffer>,
  (e) => e
).pipe(Stream.map((b) => new Uint8Array(b)), Stream.orDie)

/** Pipes a session to this process; returns the exit code. */
export const runSession = (session: PodExec.Session, options: { readonly stdin: boolean; readonly tty: boolean }) =>
  Effect.gen(function*() {
    const terminal = options.tty && process.stdin.isTTY === true && process.stdout.isTTY === true
    if (terminal) {
      process.stdin.setRawMode(true)
      yield* Effect.addFinalizer(() => Effect.sync(() => process.stdin.setRawMode(false)))
      const size = () => ({ width: process.stdout.columns ?? 80, height: process.stdout.rows ?? 24 })
      yield* session.resize(size())
      const onResize = () => Effect.runFork(session.resize(size()))
      process.stdout.on("resize", onResize)
      yield* Effect.addFinalizer(() => Effect.sync(() => process.stdout.off("resize", onResize)))
    }
    if (options.stdin) yield* Effect.forkScoped(Stream.run(processStdin, session.stdin))
    yield* Effect.all([
      Stream.runForEach(session.stdout, writeTo(process.stdout)),
      Stream.runForEach(session.stderr, writeTo(process.stderr))
    ], { concurrency: 2, discard: true })
    return yield* session.exit.pipe(
      Effect.as(0),
      Effect.catchTag(
        "NonZeroExit",
        (e) => Effect.as(Console.error(`command terminated with exit code ${e.exitCode}`), e.exitCode)
      )
    )
  })

export const command: Command = commandWith("exec", (args, globals) =>
  Effect.gen(function*() {
    const start = yield* parseCommand("exec", args, flags, usage, globals)
    if (typeof start === "number") return start
    const { options, parsed } = start
    const [pod, ...commandLine] = parsed.positional
    if (pod === undefined || pod === "") {
      yield* Console.error(
        "error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command"
      )
      return 1
    }
    if (commandLine.length === 0) {
      yield* Console.error("error: you must specify at least one command for the container")
      return 1
    }
    const name = pod.replace(/^pods?\//, "")
    const stdin = parsed.bools.get("stdin") === true
    const tty = parsed.bools.get("tty") === true
    return yield* Effect.scoped(Effect.gen(function*() {
      const namespace = yield* namespaceOf
      const container = yield* resolveContainer(namespace, name, parsed.values.get("container"))
      if (tty && !stdin) yield* Console.error("Unable to use a TTY - input is not a terminal or the right kind of file")
      const session = yield* PodExec.exec({ namespace, name }, {
        command: commandLine,
        container,
        stdin,
        tty: tty && stdin
      })
      return yield* runSession(session, { stdin, tty: tty && stdin })
    })).pipe(Effect.provide(streamLayer(options)))
  }))
