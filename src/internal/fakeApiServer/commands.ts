/**
 * What an unscripted container does with a command. No host process ever runs: a handful of programs are
 * understood (`echo`, `cat`, `sh -c 'exit N'`, `test -d/-e/-f`, `true`, `false`, `tar` for kubectl cp against the
 * container's in-memory file system), anything else fails the way runc reports a missing binary.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Posix from "node:path/posix"
import type { ExecIo, ExecRequest, ExecResult } from "../../FakeApiServerModel.js"
import { ContainerFs, pack, unpack } from "../tarFs.js"

const collect = (stdin: Stream.Stream<Uint8Array>) =>
  Stream.runFold(stdin, [] as Array<Uint8Array>, (acc, c) => {
    acc.push(c)
    return acc
  }).pipe(Effect.map((chunks) => Buffer.concat(chunks)))

const runtimeFailure = (argv0: string): ExecResult => {
  const detail = argv0.includes("/")
    ? `stat ${argv0}: no such file or directory`
    : `executable file not found in $PATH`
  return {
    stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: ${
      JSON.stringify(argv0)
    }: ${detail}: unknown\r\n`,
    exitCode: 127
  }
}

const shells = new Set(["sh", "bash", "/bin/sh", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash"])

/** Parses the tar flags kubectl cp uses: `tar cf - PATH`, `tar -xmf - -C DIR`, `tar xf -`. */
const tarCommand = (args: ReadonlyArray<string>) => {
  let mode: "c" | "x" | undefined
  let dir = "/"
  const paths: Array<string> = []
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "-C") {
      dir = args[++i] ?? "/"
    } else if (i === 0 || (arg.startsWith("-") && arg !== "-")) {
      const flags = arg.replace(/^-/, "")
      if (flags.includes("c")) mode = "c"
      if (flags.includes("x")) mode = "x"
      if (flags.includes("f")) {
        // `f` takes the next argument as the archive; kubectl always passes "-".
        if (args[i + 1] === "-") i++
      }
    } else {
      paths.push(arg)
    }
  }
  return { mode, dir, paths }
}

export const runDefault = (request: ExecRequest, io: ExecIo): Effect.Effect<ExecResult> => {
  if (request.subresource === "attach") {
    // The main process of a fake container is `cat`-like: it echoes what it is sent until the client leaves.
    return request.stdin
      ? Effect.as(Stream.runForEach(io.stdin, (c) => io.stdout(c)), 0)
      : Effect.never
  }
  const [argv0 = "", ...args] = request.command
  const program = Posix.basename(argv0)
  switch (program) {
    case "echo": {
      const noNewline = args[0] === "-n"
      const words = noNewline ? args.slice(1) : args
      return Effect.succeed({ stdout: words.join(" ") + (noNewline ? "" : "\n"), exitCode: 0 })
    }
    case "true":
      return Effect.succeed(0)
    case "false":
      return Effect.succeed(1)
    case "cat": {
      if (args.length === 0 || (args.length === 1 && args[0] === "-")) {
        return Effect.as(Stream.runForEach(io.stdin, (c) => io.stdout(c)), 0)
      }
      return Effect.gen(function*() {
        let code = 0
        for (const file of args) {
          const node = io.fs.get(file)
          if (node === undefined) {
            yield* io.stderr(`cat: ${file}: No such file or directory\n`)
            code = 1
          } else if (node.type === "dir") {
            yield* io.stderr(`cat: ${file}: Is a directory\n`)
            code = 1
          } else {
            yield* io.stdout(node.data)
          }
        }
        return code
      })
    }
    case "test": {
      const [flag, path] = args
      const node = path === undefined ? undefined : io.fs.get(path)
      const ok = flag === "-d" ? node?.type === "dir" : flag === "-f" ? node?.type === "file" : node !== undefined
      return Effect.succeed(ok ? 0 : 1)
    }
    case "tar": {
      const { dir, mode, paths } = tarCommand(args)
      if (mode === "c") {
        const out = pack(io.fs, paths)
        return typeof out === "string"
          ? Effect.succeed({ stderr: out + "tar: Exiting with failure status due to previous errors\n", exitCode: 2 })
          : Effect.as(io.stdout(out), 0)
      }
      if (mode === "x") {
        return Effect.flatMap(collect(io.stdin), (archive) =>
          Effect.map(
            Effect.promise(() => unpack(io.fs, archive, dir)),
            (problem) => problem === undefined ? 0 : { stderr: problem, exitCode: 2 }
          ))
      }
      return Effect.succeed({ stderr: "tar: You must specify one of the '-Acdtrux' options\n", exitCode: 2 })
    }
  }
  if (shells.has(argv0) && args[0] === "-c") {
    const script = (args[1] ?? "").trim()
    const exit = /^exit\s+(\d+)$/.exec(script)
    if (exit !== null) return Effect.succeed(Number(exit[1]) % 256)
    if (script === "" || script === "exit") return Effect.succeed(0)
    const word = script.split(/\s+/)[0]!
    return Effect.succeed({ stderr: `${program}: 1: ${word}: not found\n`, exitCode: 127 })
  }
  const node = argv0.includes("/") ? io.fs.get(ContainerFs.normalize(argv0)) : undefined
  if (node !== undefined) {
    return Effect.succeed({
      stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: ${
        JSON.stringify(argv0)
      }: permission denied: unknown\r\n`,
      exitCode: 126
    })
  }
  return Effect.succeed(runtimeFailure(argv0))
}
