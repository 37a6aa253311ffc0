/**
 * Manifest files and directories as kubectl's `-f` reads them: a named file whatever its extension; in a directory
 * the `.json`, `.yaml` and `.yml` files in lexical order, subdirectories only when recursive.
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as NodePath from "node:path"
import { ManifestReadError } from "../../ManifestError.js"
import type { ParsedDocument } from "../../ManifestModel.js"
import * as lazyYaml from "../yaml.js"
import { parseDocuments } from "./parse.js"

const manifestExtensions = new Set([".json", ".yaml", ".yml"])

const describe = (error: PlatformError.PlatformError): string =>
  error._tag === "SystemError" && error.reason === "NotFound" ? "no such file or directory" : error.message

/** The files a `-f` path stands for. */
export const expand = (
  path: string,
  recursive: boolean
): Effect.Effect<ReadonlyArray<string>, ManifestReadError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path).pipe(
      Effect.mapError((error) =>
        new ManifestReadError({
          path,
          detail: error._tag === "SystemError" && error.reason === "NotFound"
            ? `the path "${path}" does not exist`
            : describe(error),
          cause: error
        })
      )
    )
    if (info.type !== "Directory") return [path]
    const walk = (dir: string, depth: number): Effect.Effect<Array<string>, ManifestReadError> =>
      Effect.gen(function*() {
        const names = yield* fs.readDirectory(dir).pipe(
          Effect.mapError((error) => new ManifestReadError({ path: dir, detail: describe(error), cause: error }))
        )
        const out: Array<string> = []
        for (const name of [...names].sort()) {
          const full = NodePath.join(dir, name)
          const stat = yield* Effect.either(fs.stat(full))
          if (stat._tag === "Left") continue
          if (stat.right.type === "Directory") {
            // Bounded so a symlink loop cannot recurse forever.
            if (recursive && depth < 64) out.push(...(yield* walk(full, depth + 1)))
          } else if (manifestExtensions.has(NodePath.extname(name))) out.push(full)
        }
        return out
      })
    return yield* walk(path, 0)
  })

/** Every document of every file, each file parsed on its own (a syntax error ends that file only). */
export const readDocuments = (
  paths: ReadonlyArray<string>,
  options: { readonly recursive?: boolean | undefined } = {}
): Effect.Effect<ReadonlyArray<ParsedDocument>, ManifestReadError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const yaml = yield* lazyYaml.load
    const out: Array<ParsedDocument> = []
    for (const path of paths) {
      for (const file of yield* expand(path, options.recursive === true)) {
        const text = yield* fs.readFileString(file).pipe(
          Effect.mapError((error) => new ManifestReadError({ path: file, detail: describe(error), cause: error }))
        )
        out.push(...parseDocuments(yaml, text, file))
      }
    }
    return out
  })
