/**
 * One container's file system, in memory: what `tar` in the fake reads from and writes to (kubectl cp), and what
 * `cat FILE` and `test -d` see. Paths are absolute and normalised; the root always exists.
 */
import * as Posix from "node:path/posix"
import { Header, Parser, type ReadEntry } from "tar"
import type { ContainerFs as ContainerFsContract, ContainerFsNode } from "../FakeApiServerModel.js"

export type Node = ContainerFsNode

export class ContainerFs implements ContainerFsContract {
  readonly nodes = new Map<string, Node>([["/", { type: "dir", mode: 0o755, mtime: new Date(0) }]])

  constructor() {
    // The directories every image has, so `kubectl cp x pod:/tmp/x` works as it would in a real container.
    for (const dir of ["/etc", "/root", "/tmp", "/var"]) this.mkdirp(dir, new Date(0))
  }

  static normalize(path: string, cwd = "/"): string {
    const out = Posix.normalize(Posix.isAbsolute(path) ? path : Posix.join(cwd, path))
    return out.length > 1 && out.endsWith("/") ? out.slice(0, -1) : out
  }

  get(path: string): Node | undefined {
    return this.nodes.get(ContainerFs.normalize(path))
  }

  mkdirp(path: string, mtime = new Date()): void {
    const full = ContainerFs.normalize(path)
    if (this.nodes.has(full)) return
    this.mkdirp(Posix.dirname(full), mtime)
    this.nodes.set(full, { type: "dir", mode: 0o755, mtime })
  }

  writeFile(path: string, data: Uint8Array | string, mode = 0o644, mtime = new Date()): void {
    const full = ContainerFs.normalize(path)
    this.mkdirp(Posix.dirname(full))
    this.nodes.set(full, {
      type: "file",
      data: typeof data === "string" ? new TextEncoder().encode(data) : data,
      mode,
      mtime
    })
  }

  /** The path and everything below it, parents first. */
  walk(path: string): Array<[string, Node]> {
    const full = ContainerFs.normalize(path)
    const prefix = full === "/" ? "/" : full + "/"
    return [...this.nodes.entries()]
      .filter(([p]) => p === full || p.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }
}

const block = 512

/** `tar cf - PATH...` relative to `/` the way GNU tar names members (leading `/` stripped). */
export const pack = (fs: ContainerFsContract, paths: ReadonlyArray<string>, cwd = "/"): Uint8Array | string => {
  const parts: Array<Uint8Array> = []
  for (const path of paths) {
    const full = ContainerFs.normalize(path, cwd)
    if (fs.get(full) === undefined) return `tar: ${path}: Cannot stat: No such file or directory\n`
    const base = cwd === "/" || !full.startsWith(ContainerFs.normalize(cwd) + "/")
      ? full.replace(/^\/+/, "")
      : full.slice(ContainerFs.normalize(cwd).length + 1)
    for (const [p, node] of fs.walk(full)) {
      const name = base + p.slice(full.length)
      const header = new Header({
        path: node.type === "dir" ? name + "/" : name,
        mode: node.mode,
        uid: 0,
        gid: 0,
        size: node.type === "file" ? node.data.byteLength : 0,
        mtime: node.mtime,
        type: node.type === "dir" ? "Directory" : "File",
        uname: "root",
        gname: "root"
      })
      header.encode()
      parts.push(header.block!)
      if (node.type === "file") {
        parts.push(node.data)
        const pad = (block - (node.data.byteLength % block)) % block
        if (pad > 0) parts.push(new Uint8Array(pad))
      }
    }
  }
  parts.push(new Uint8Array(block * 2))
  return Buffer.concat(parts)
}

/** `tar xf - [-C DIR]`: extracts into the file system; returns an error text for a bad archive. */
export const unpack = (fs: ContainerFsContract, archive: Uint8Array, dir: string): Promise<string | undefined> =>
  new Promise((resolve) => {
    const target = ContainerFs.normalize(dir)
    if (fs.get(target)?.type !== "dir") {
      return resolve(`tar: ${dir}: Cannot open: No such file or directory\n`)
    }
    let problem: string | undefined
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        const chunks: Array<Buffer> = []
        entry.on("data", (c: Buffer) => chunks.push(c))
        entry.on("end", () => {
          // GNU tar strips leading slashes and refuses members climbing out with `..`.
          const name = entry.path.replace(/^\/+/, "")
          if (name.split("/").includes("..")) {
            problem ??= `tar: ${entry.path}: Member name contains '..'\n`
            return
          }
          const path = ContainerFs.normalize(name, target)
          const mtime = entry.mtime ?? new Date()
          if (entry.type === "Directory") fs.mkdirp(path, mtime)
          else if (entry.type === "File" || entry.type === "OldFile" || entry.type === "ContiguousFile") {
            fs.writeFile(path, Buffer.concat(chunks), entry.mode ?? 0o644, mtime)
          }
        })
      }
    })
    parser.on("error", (e: Error) => {
      problem ??= `tar: ${e.message}\n`
    })
    parser.on("end", () => resolve(problem))
    parser.end(Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength))
  })
