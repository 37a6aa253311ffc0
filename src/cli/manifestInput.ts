/**
 * What `apply`, `delete` and `diff` share: `-f FILE|DIR|-` (repeatable) and `-R`, read through Manifest, and
 * kubectl's wording for the documents and objects that failed.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as KubeError from "../KubeError.js"
import * as Manifest from "../Manifest.js"
import type { Unstructured } from "../Unstructured.js"
import { kubectlMessage } from "./failure.js"
import type { FlagSpec } from "./globals.js"
import type { ParsedArgs } from "./stack.js"

export const fileFlags: ReadonlyArray<FlagSpec> = [
  { name: "filename", short: "f" },
  { name: "recursive", short: "R", bool: true }
]

/** The objects of the `-f` inputs with their sources, and the documents that are not objects. */
export interface Inputs {
  readonly objects: ReadonlyArray<Unstructured>
  readonly sources: ReadonlyArray<string>
  readonly documentErrors: ReadonlyArray<string>
}

const readStdin = Effect.async<string>((resume) => {
  const chunks: Array<Buffer> = []
  process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
  process.stdin.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
})

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== "object" || value === null) return value
  const record = value as Record<string, unknown>
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, sortKeys(record[k])]))
}

/** kubectl's line for a document that is not an object. */
const documentError = (error: Manifest.ManifestParseError, value: unknown): string =>
  error.detail.startsWith("Object '")
    ? `unable to decode ${JSON.stringify(error.source)}: ${
      error.detail.replace(/'\{.*\}'$/, `'${JSON.stringify(sortKeys(value))}'`)
    }`
    : `error parsing ${error.source}: error converting YAML to JSON: yaml: line ${error.line}: ${error.detail}`

export const readInputs = (
  parsed: ParsedArgs
): Effect.Effect<Inputs | { readonly error: string }, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const paths = parsed.all.get("filename") ?? []
    if (paths.length === 0) {
      return { error: "must specify one of -f and -k" }
    }
    const recursive = parsed.bools.get("recursive") === true
    const objects: Array<Unstructured> = []
    const sources: Array<string> = []
    const documentErrors: Array<string> = []
    const collect = (documents: ReadonlyArray<Manifest.ParsedDocument>) => {
      for (const entry of documents) {
        if (entry._tag === "Object") {
          objects.push(entry.located.object)
          sources.push(entry.located.source)
        } else documentErrors.push(documentError(entry.error, rawDocument(entry.error)))
      }
    }
    for (const path of paths) {
      if (path === "-") {
        collect(Manifest.parseDocuments(yield* readStdin, { source: "STDIN" }))
        continue
      }
      const read = yield* Effect.either(Manifest.readDocuments([path], { recursive }))
      if (read._tag === "Left") return { error: read.left.detail }
      collect(read.right)
    }
    if (objects.length === 0 && documentErrors.length === 0) return { error: "no objects passed to apply" }
    return { objects, sources, documentErrors }
  })

// The value a missing-kind error quotes, recovered from its detail (JSON in the original key order).
const rawDocument = (error: Manifest.ManifestParseError): unknown => {
  const match = /'(\{.*\})'$/.exec(error.detail)
  if (match === null) return undefined
  try {
    return JSON.parse(match[1]!)
  } catch {
    return undefined
  }
}

/** kubectl's line for an object that failed. `verb` is kubectl's ("creating", "deleting") or none (server-side). */
export const objectError = (
  error: Manifest.ObjectError,
  object: Unstructured,
  source: string,
  verb: string | undefined
): string => {
  if (error._tag === "NoKindMatch" || error._tag === "NoResourceMatch") {
    const namespace = typeof object.metadata?.namespace === "string" ? object.metadata.namespace : ""
    return `resource mapping not found for name: ${JSON.stringify(object.metadata?.name ?? "")} namespace: ${
      JSON.stringify(namespace)
    } from ${JSON.stringify(source)}: no matches for kind ${JSON.stringify(object.kind)} in version ${
      JSON.stringify(object.apiVersion)
    }\nensure CRDs are installed first`
  }
  if (KubeError.isApiError(error)) {
    const message = kubectlMessage(error)
    if (verb === undefined) return message
    const colon = message.indexOf(": ")
    return colon < 0
      ? message
      : `${message.slice(0, colon + 2)}error when ${verb} ${JSON.stringify(source)}: ${message.slice(colon + 2)}`
  }
  return error.message
}

/**
 * kubectl's summary of what failed: one error as `error: ...` (server errors as `Error from server ...`); the
 * documents that could not be read as one `error: ...` block; several object errors one per line.
 */
export const errorLines = (
  documentErrors: ReadonlyArray<string>,
  objectErrors: ReadonlyArray<string>
): string | undefined => {
  // kubectl reports kinds it cannot map with the documents it cannot read, before applying anything.
  const unmapped = objectErrors.filter((m) => m.startsWith("resource mapping not found"))
  documentErrors = [...unmapped, ...documentErrors]
  objectErrors = objectErrors.filter((m) => !m.startsWith("resource mapping not found"))
  const all = [...objectErrors, ...documentErrors]
  if (all.length === 0) return undefined
  const prefix = (m: string) => m.startsWith("Error from server") || m.startsWith("error: ") ? m : `error: ${m}`
  // One error is kubectl's `error: ...`; several are an aggregate, one message per line without the prefix.
  if (all.length === 1) return prefix(all[0]!)
  return all.join("\n")
}
