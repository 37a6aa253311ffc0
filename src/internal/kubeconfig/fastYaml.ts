/**
 * A fast reader for the YAML that kubeconfig files are made of in practice: block mappings and sequences of plain,
 * simply quoted, `{}` and `[]` scalars, one entry per line, whose plain scalars are strings, nulls or booleans. A
 * document it accepts reads exactly as the full parser (YAML 1.1, go-yaml's tags) reads it; anything else (numbers,
 * anchors, tags, block or multi-line scalars, flow collections, comments after values, escapes, tabs, odd keys)
 * returns undefined and the caller uses the full parser. It exists because the `yaml` package builds a CST and nodes for
 * every scalar, which is most of the time a large kubeconfig takes to load, and so that a plain kubeconfig loads
 * without loading the `yaml` package at all (about a tenth of a cold start): the caller imports it only on fallback.
 */

interface Line {
  indent: number
  content: string
  dash: boolean
}

class Fallback {}
const fallback = new Fallback()

const safeKey = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/
const indicator = /^[-?:,[\]{}#&*!|>'"%@`]/

// The YAML 1.1 null and boolean scalars, as the yaml package's 1.1 schema (and go-yaml v2) reads them. Every other
// default tag of that schema (ints, floats, infinities, NaN, times, dates) only matches text starting with a sign, a
// dot or a digit: such text goes to the full parser, so anything else is a string in both readers.
const nullScalar = /^(?:~|[Nn]ull|NULL)?$/
const trueScalar = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/
const falseScalar = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/
const numberLike = /^[-+.0-9]/

const resolve = (source: string): unknown => {
  if (nullScalar.test(source)) return null
  if (trueScalar.test(source)) return true
  if (falseScalar.test(source)) return false
  if (numberLike.test(source)) throw fallback
  return source
}

export const makeFastYaml = () => {
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
