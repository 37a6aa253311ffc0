/** kubectl cp: a tar stream over exec (`tar -xmf - -C DIR` into the pod, `tar cf - PATH` out of it). */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Posix from "node:path/posix"
import type { ReadEntry } from "tar"
import type { CopyOptions, CopyResult } from "../../PodCopyModel.js"
import type { PodRef } from "../../PodExecModel.js"
import { CopyError, UnsafePath } from "../../PodStreamError.js"
import type { DialError } from "../../WebSocketTransport.js"
import type { WebSocketTransport } from "../../WebSocketTransport.js"

// Loaded on the first copy: a program that never copies files does not pay for tar at start-up.
const tarFs = Effect.promise(() => import("../tarFs.js"))
const tar = Effect.promise(() => import("tar"))
import { exec, execCollect } from "./exec.js"

const decoder = new TextDecoder()

/** Reads a local file or directory into an archive whose top entry is named `name`. */
const localArchive = (
  localPath: string,
  name: string
): Effect.Effect<{ archive: Uint8Array; files: number }, CopyError> =>
  Effect.flatMap(tarFs, ({ ContainerFs, pack }) =>
    Effect.try({
      try: () => {
        const staging = new ContainerFs()
        let files = 0
        const visit = (path: string, target: string) => {
          const stat = Fs.lstatSync(path)
          if (stat.isDirectory()) {
            staging.mkdirp(target, stat.mtime)
            for (const entry of Fs.readdirSync(path).sort()) visit(Path.join(path, entry), Posix.join(target, entry))
          } else if (stat.isFile()) {
            staging.writeFile(target, Fs.readFileSync(path), stat.mode & 0o777, stat.mtime)
            files++
          }
          // Symlinks and devices are skipped, as kubectl cp does not follow them either.
        }
        visit(localPath, "/" + name)
        const archive = pack(staging, ["/" + name])
        if (typeof archive === "string") throw new Error(archive)
        return { archive, files }
      },
      catch: (cause) => new CopyError({ detail: `cannot read ${localPath}: ${(cause as Error).message}`, cause })
    }))

export const copyTo = (
  pod: PodRef,
  options: CopyOptions
): Effect.Effect<CopyResult, DialError | CopyError, WebSocketTransport> =>
  Effect.gen(function*() {
    const remote = Posix.normalize(options.remotePath)
    const base = { container: options.container }
    // Into an existing directory the copy keeps its own name; otherwise the last segment is the new name.
    const isDir = yield* Effect.map(
      execCollect(pod, { ...base, command: ["test", "-d", remote] }),
      (r) => r.exitCode === 0
    )
    const dir = isDir ? remote : Posix.dirname(remote)
    const name = isDir ? Path.basename(Path.resolve(options.localPath)) : Posix.basename(remote)
    const { archive, files } = yield* localArchive(options.localPath, name)
    const result = yield* execCollect(pod, { ...base, command: ["tar", "-xmf", "-", "-C", dir], stdin: archive })
    if (result.exitCode !== 0) {
      return yield* new CopyError({ detail: result.stderr.trim() || `tar exited with code ${result.exitCode}` })
    }
    return { files, bytes: archive.byteLength }
  }).pipe(Effect.catchTag("StreamProtocolError", (e) => new CopyError({ detail: e.detail })))

/** Where an archive member lands locally, or why it may not. */
export const destinationOf = (
  member: string,
  prefix: string,
  localRoot: string
): { readonly path: string } | UnsafePath => {
  const clean = member.replace(/^\/+/, "")
  let relative: string
  if (clean === prefix || clean === prefix + "/") relative = ""
  else if (prefix === "" || clean.startsWith(prefix + "/")) {
    relative = clean.slice(prefix === "" ? 0 : prefix.length + 1)
  } else return new UnsafePath({ path: member, detail: `archive member ${member} is outside the requested ${prefix}` })
  const root = Path.resolve(localRoot)
  const target = Path.resolve(root, relative)
  const inside = Path.relative(root, target)
  if (inside.startsWith("..") || Path.isAbsolute(inside)) {
    return new UnsafePath({ path: member, detail: `archive member ${member} would be written outside ${localRoot}` })
  }
  return { path: target }
}

export const copyFrom = (
  pod: PodRef,
  options: CopyOptions
): Effect.Effect<CopyResult, DialError | CopyError | UnsafePath, WebSocketTransport> =>
  Effect.scoped(Effect.gen(function*() {
    const remote = Posix.normalize(options.remotePath)
    const prefix = remote.replace(/^\/+/, "").replace(/\/+$/, "")
    const session = yield* exec(pod, { container: options.container, command: ["tar", "cf", "-", remote] })
    const { Parser } = yield* tar
    let files = 0
    let bytes = 0
    let problem: UnsafePath | CopyError | undefined
    const pending: Array<Promise<void>> = []
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        const where = destinationOf(entry.path, prefix, options.localPath)
        if (where instanceof UnsafePath || entry.type === "SymbolicLink" || entry.type === "Link") {
          problem ??= where instanceof UnsafePath
            ? where
            : new UnsafePath({
              path: entry.path,
              detail: `archive member ${entry.path} is a link; links are not copied`
            })
          entry.resume()
          return
        }
        if (entry.type === "Directory") {
          Fs.mkdirSync(where.path, { recursive: true })
          entry.resume()
          return
        }
        if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
          entry.resume()
          return
        }
        Fs.mkdirSync(Path.dirname(where.path), { recursive: true })
        files++
        const out = Fs.createWriteStream(where.path, { mode: (entry.mode ?? 0o644) & 0o777 })
        pending.push(
          new Promise((resolve, reject) => {
            out.on("finish", () => resolve())
            out.on("error", reject)
          })
        )
        entry.pipe(out)
      }
    })
    parser.on("error", (e: Error) => {
      problem ??= new CopyError({ detail: `the pod sent a malformed archive: ${e.message}`, cause: e })
    })
    const stderr = yield* Effect.fork(
      Stream.runFold(session.stderr, "", (acc, c) => acc + decoder.decode(c))
    )
    yield* Stream.runForEach(session.stdout, (chunk) =>
      Effect.async<void>((resume) => {
        bytes += chunk.byteLength
        if (parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) return resume(Effect.void)
        parser.once("drain", () => resume(Effect.void))
      }))
    yield* Effect.async<void>((resume) => {
      parser.end(() => resume(Effect.void))
    })
    yield* Effect.tryPromise({
      try: () => Promise.all(pending),
      catch: (cause) => new CopyError({ detail: `cannot write under ${options.localPath}: ${String(cause)}`, cause })
    })
    const exit = yield* Effect.either(session.exit)
    const errText = yield* Fiber.join(stderr)
    if (exit._tag === "Left") {
      return yield* exit.left._tag === "NonZeroExit"
        ? new CopyError({ detail: errText.trim() || exit.left.message })
        : Effect.fail(exit.left)
    }
    if (problem !== undefined) return yield* Effect.fail(problem)
    return { files, bytes }
  })).pipe(
    Effect.catchTag("StreamProtocolError", (e) => new CopyError({ detail: e.detail }))
  )
