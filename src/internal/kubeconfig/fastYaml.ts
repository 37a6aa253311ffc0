/**
 * A fast reader for the YAML that kubeconfig files are made of in practice: block mappings and sequences of plain,
 * simply quoted, `{}` and `[]` scalars, one entry per line. Plain scalars resolve through the very tags the full
 * parser uses, so a document it accepts reads exactly as the full parser reads it; anything else (anchors, tags,
 * block or multi-line scalars, flow collections, comments after values, escapes, tabs, odd keys) returns
 * undefined and the caller uses the full parser. It exists because the `yaml` package builds a CST and nodes for
 * every scalar, which is most of the time a large kubeconfig takes to load.
 */
import * as YAML from "yaml"

interface Line {
  indent: number
  content: string
  dash: boolean
}

class Fallback {}
const fallback = new Fallback()

type Resolver = (source: string) => unknown

const safeKey = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/
const indicator = /^[-?:,[\]{}#&*!|>'"%@`]/

export const makeFastYaml = (customTags: (tags: Array<YAML.Tags[number]>) => Array<YAML.Tags[number]>) => {
  const schema = new YAML.Document(null, { version: "1.1", customTags }).schema
  const tags = (schema as unknown as { tags: ReadonlyArray<YAML.ScalarTag> }).tags
  const resolve: Resolver = (source) => {
    const tag = tags.find((t) => t.default === true && t.test?.test(source) === true)
    if (tag === undefined) return source
    let failed = false
    const resolved = tag.resolve(source, () => {
      failed = true
    }, { intAsBigInt: false } as never)
    // Some 1.1 resolvers (booleans) wrap the value in a Scalar to keep the source form.
    const value = YAML.isScalar(resolved) ? resolved.value : resolved
    if (failed || (typeof value === "object" && value !== null)) throw fallback
    return value
  }

  const scalar = (text: string): unknown => {
    if (text === "{}") return {}
    if (text === "[]") return []
    const first = text[0]
    if (first === "\"") {
      const inner = text.slice(1, -1)
      if (text.length < 2 || !text.endsWith("\"") || inner.includes("\"") || inner.includes("\\")) throw fallback
      return inner
    }
    if (first === "'") {
      const inner = text.slice(1, -1)
      if (text.length < 2 || !text.endsWith("'") || inner.replace(/''/g, "").includes("'")) throw fallback
      return inner.replace(/''/g, "'")
    }
    if (indicator.test(text) || text.includes(" #") || text.includes(": ") || text.endsWith(":")) throw fallback
    return resolve(text)
  }

  const keyOf = (content: string): { key: string; rest: string } => {
    const colon = content.indexOf(": ")
    const key = colon >= 0 ? content.slice(0, colon) : content.endsWith(":") ? content.slice(0, -1) : undefined
    if (key === undefined || !safeKey.test(key) || key === "__proto__" || typeof resolve(key) !== "string") {
      throw fallback
    }
    return { key, rest: colon >= 0 ? content.slice(colon + 2).trim() : "" }
  }

  return (text: string): unknown => {
    const lines: Array<Line> = []
    for (let raw of text.split("\n")) {
      if (raw.endsWith("\r")) raw = raw.slice(0, -1)
      if (raw.includes("\t") || raw.includes("\r") || raw.includes("\uFEFF")) return undefined
      const content = raw.trimStart()
      if (content === "" || content.startsWith("#")) continue
      if (raw.startsWith("---") || raw.startsWith("...") || raw.startsWith("%")) return undefined
      const trimmed = content.trimEnd()
      const dash = trimmed === "-" || trimmed.startsWith("- ")
      lines.push({ indent: raw.length - content.length, content: trimmed, dash })
    }
    if (lines.length === 0 || lines[0]!.indent !== 0 || lines[0]!.dash) return undefined
    let pos = 0

    const block = (indent: number): unknown => lines[pos]!.dash ? sequence(indent) : mapping(indent)

    // The value after `key:` or `-` with nothing on its line: a deeper block, a sequence at the key's indent, or null.
    const nested = (indent: number, allowSameIndentSequence: boolean): unknown => {
      const next = lines[pos]
      if (next === undefined) return null
      if (next.indent > indent) return block(next.indent)
      if (allowSameIndentSequence && next.indent === indent && next.dash) return sequence(indent)
      return null
    }

    const noContinuation = (indent: number) => {
      const next = lines[pos]
      if (next !== undefined && next.indent > indent) throw fallback
    }

    const mapping = (indent: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {}
      while (pos < lines.length) {
        const line = lines[pos]!
        if (line.indent < indent || line.dash) break
        if (line.indent > indent) throw fallback
        const { key, rest } = keyOf(line.content)
        pos++
        if (rest === "") {
          out[key] = nested(indent, true)
        } else {
          out[key] = scalar(rest)
          noContinuation(indent)
        }
      }
      return out
    }

    const sequence = (indent: number): Array<unknown> => {
      const out: Array<unknown> = []
      while (pos < lines.length) {
        const line = lines[pos]!
        if (line.indent !== indent || !line.dash) {
          if (line.indent > indent) throw fallback
          break
        }
        const item = line.content === "-" ? "" : line.content.slice(2)
        const content = item.trimStart()
        if (content === "") {
          pos++
          out.push(nested(indent, false))
        } else if (content.startsWith("- ") || content === "-") {
          throw fallback
        } else if (content.includes(": ") || content.endsWith(":")) {
          // `- key: value` opens a mapping whose keys line up with this first one.
          lines[pos] = { indent: indent + (line.content.length - content.length), content, dash: false }
          out.push(mapping(lines[pos]!.indent))
        } else {
          pos++
          out.push(scalar(content))
          noContinuation(indent)
        }
      }
      return out
    }

    try {
      const doc = mapping(0)
      return pos === lines.length ? doc : undefined
    } catch (error) {
      if (error instanceof Fallback) return undefined
      throw error
    }
  }
}
