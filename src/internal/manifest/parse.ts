/**
 * Multi-document YAML (or JSON) into objects, keeping where each came from so errors can point at it.
 */
import type * as YAML from "yaml"
import { ManifestParseError } from "../../ManifestError.js"
import type { ParsedDocument } from "../../ManifestModel.js"
import type { Unstructured } from "../../Unstructured.js"

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

// kubectl's wording for a document without a kind (apimachinery's missing-kind error).
const missing = (field: "Kind" | "apiVersion", value: unknown) =>
  `Object '${field}' is missing in '${JSON.stringify(value)}'`

const check = (value: unknown): string | undefined => {
  if (!isRecord(value)) return `the document is not an object: ${JSON.stringify(value)}`
  if (typeof value.kind !== "string" || value.kind === "") return missing("Kind", value)
  if (typeof value.apiVersion !== "string" || value.apiVersion === "") return missing("apiVersion", value)
  return undefined
}

/**
 * Every document of `text` in order. Empty documents are skipped; a `...List` kind with `items` is expanded into its
 * items. A document that does not parse ends the list (the rest of the stream cannot be trusted), as kubectl's
 * decoder stops there; a document that parses but is not an object with apiVersion and kind is one error entry and
 * the next documents still count.
 */
export const parseDocuments = (yaml: typeof YAML, text: string, source: string): ReadonlyArray<ParsedDocument> => {
  const lineCounter = new yaml.LineCounter()
  const documents = yaml.parseAllDocuments(text, { lineCounter, prettyErrors: false })
  const out: Array<ParsedDocument> = []
  const docs = Array.isArray(documents) ? documents : [documents]
  for (let index = 0; index < docs.length; index++) {
    const doc = docs[index]!
    const start = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? doc.range[0]
    const line = lineCounter.linePos(start).line
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!
      const at = first.pos[0]
      out.push({
        _tag: "Error",
        error: new ManifestParseError({
          source,
          document: index,
          line: lineCounter.linePos(at).line,
          detail: first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")
        })
      })
      return out
    }
    const value: unknown = doc.toJSON()
    if (value === null || value === undefined) continue
    const items = isRecord(value) && typeof value.kind === "string" && value.kind.endsWith("List") &&
        Array.isArray(value.items)
      ? value.items
      : [value]
    for (const item of items) {
      const problem = check(item)
      if (problem !== undefined) {
        out.push({ _tag: "Error", error: new ManifestParseError({ source, document: index, line, detail: problem }) })
      } else {
        out.push({ _tag: "Object", located: { object: item as Unstructured, source, document: index, line } })
      }
    }
  }
  return out
}
