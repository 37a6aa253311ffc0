/**
 * kubectl's JSONPath dialect (client-go's util/jsonpath), as `get -o jsonpath=...` and `wait --for=jsonpath=` use
 * it: text outside `{...}` printed as written, `.field` (with `\.` escapes), `[n]`, `[-1]`, `[a:b:c]`, `[*]`, `.*`,
 * `['key']`, unions `[0,2]`, recursive descent `..`, filters `[?(@.a == "x")]` (and `[?(@.a)]`), string literals
 * `{"\n"}`, and `{range ...}...{end}`. The several results of one `{...}` are printed space-separated; maps and
 * lists as Go's compact JSON (sorted keys), scalars as Go prints them. Missing keys print nothing, as kubectl
 * runs it with allowMissingKeys.
 */

type Node =
  | { readonly _tag: "List"; readonly nodes: Array<Node> }
  | { readonly _tag: "Text"; readonly text: string }
  | { readonly _tag: "Field"; readonly name: string }
  | { readonly _tag: "Wildcard" }
  | { readonly _tag: "Recursive" }
  | { readonly _tag: "Array"; readonly params: readonly [Param, Param, Param] }
  | { readonly _tag: "Union"; readonly lists: ReadonlyArray<Node & { readonly _tag: "List" }> }
  | {
    readonly _tag: "Filter"
    readonly left: Node & { readonly _tag: "List" }
    readonly right: Node & { readonly _tag: "List" }
    readonly operator: string
  }
  | { readonly _tag: "Identifier"; readonly name: string }
  | { readonly _tag: "Number"; readonly value: number; readonly integer: boolean }
  | { readonly _tag: "Bool"; readonly value: boolean }

interface Param {
  readonly known: boolean
  readonly value: number
  readonly derived: boolean
}

type ListNode = Node & { readonly _tag: "List" }

/** A parse or evaluation failure, with client-go's wording. */
export class JsonPathError extends Error {}

const EOF = ""

const isSpace = (c: string) => c === " " || c === "\t"
const isEndOfLine = (c: string) => c === "\r" || c === "\n"
const isTerminator = (c: string) => isSpace(c) || isEndOfLine(c) || c === EOF || ".,[]$@{}".includes(c)
const isAlphaNumeric = (c: string) => c === "_" || /^[\p{L}\p{Nd}]$/u.test(c)
const isDigit = (c: string) => c >= "0" && c <= "9"

/** client-go's parser: a cursor over the template with the same states and errors. */
class Parser {
  pos = 0
  start = 0
  readonly root: ListNode = { _tag: "List", nodes: [] }
  constructor(readonly input: string) {}

  // As Go's parser: at the end, next() returns EOF without moving and backup() of EOF does nothing.
  next(): string {
    if (this.pos >= this.input.length) return EOF
    const c = String.fromCodePoint(this.input.codePointAt(this.pos)!)
    this.pos += c.length
    return c
  }
  backup(c: string) {
    this.pos -= c.length
  }
  peek(): string {
    const c = this.next()
    this.backup(c)
    return c
  }
  consumeText(): string {
    const text = this.input.slice(this.start, this.pos)
    this.start = this.pos
    return text
  }
  rest(): string {
    return this.input.slice(this.pos)
  }

  parseText(cur: ListNode): void {
    for (;;) {
      if (this.rest().startsWith("{")) {
        if (this.pos > this.start) cur.nodes.push({ _tag: "Text", text: this.consumeText() })
        this.pos += 1
        this.consumeText()
        const list: ListNode = { _tag: "List", nodes: [] }
        cur.nodes.push(list)
        return this.parseInsideAction(list)
      }
      if (this.next() === EOF) break
    }
    if (this.pos > this.start) cur.nodes.push({ _tag: "Text", text: this.consumeText() })
  }

  parseInsideAction(cur: ListNode): void {
    for (;;) {
      const rest = this.rest()
      if (rest.startsWith("}")) {
        this.pos += 1
        this.consumeText()
        return this.parseText(this.root)
      }
      if (rest.startsWith("[?(")) {
        this.parseFilter(cur)
        continue
      }
      if (rest.startsWith("..")) {
        this.parseRecursive(cur)
        continue
      }
      const c = this.next()
      if (c === EOF || isEndOfLine(c)) throw new JsonPathError("unclosed action")
      if (c === " " || c === "@" || c === "$") this.consumeText()
      else if (c === "[") this.parseArray(cur)
      else if (c === "\"" || c === "'") this.parseQuote(cur, c)
      else if (c === ".") this.parseField(cur)
      else if (c === "+" || c === "-" || isDigit(c)) {
        this.backup(c)
        this.parseNumber(cur)
      } else if (isAlphaNumeric(c)) {
        this.backup(c)
        this.parseIdentifier(cur)
      } else {
        throw new JsonPathError(`unrecognized character in action: ${unicodeName(c)}`)
      }
    }
  }

  parseField(cur: ListNode): void {
    this.consumeText()
    for (;;) {
      const c = this.next()
      if (c === "\\") this.next()
      else if (isTerminator(c)) {
        this.backup(c)
        break
      }
    }
    const value = this.consumeText()
    cur.nodes.push(value === "*" ? { _tag: "Wildcard" } : { _tag: "Field", name: value.replaceAll("\\", "") })
  }

  parseRecursive(cur: ListNode): void {
    const last = cur.nodes[cur.nodes.length - 1]
    if (last !== undefined && last._tag === "Recursive") throw new JsonPathError("invalid multiple recursive descent")
    this.pos += 2
    this.consumeText()
    cur.nodes.push({ _tag: "Recursive" })
    if (isAlphaNumeric(this.peek())) this.parseField(cur)
  }

  parseIdentifier(cur: ListNode): void {
    for (;;) {
      const c = this.next()
      if (isTerminator(c)) {
        this.backup(c)
        break
      }
    }
    const value = this.consumeText()
    cur.nodes.push(
      value === "true" || value === "false"
        ? { _tag: "Bool", value: value === "true" }
        : { _tag: "Identifier", name: value }
    )
  }

  parseNumber(cur: ListNode): void {
    const first = this.peek()
    if (first === "+" || first === "-") this.next()
    for (;;) {
      const c = this.next()
      if (c !== "." && !isDigit(c)) {
        this.backup(c)
        break
      }
    }
    const value = this.consumeText()
    if (/^[+-]?\d+$/.test(value)) cur.nodes.push({ _tag: "Number", value: Number(value), integer: true })
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) {
      cur.nodes.push({ _tag: "Number", value: Number(value), integer: false })
    } else throw new JsonPathError(`cannot parse number ${value}`)
  }

  parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const c = this.next()
      if (c === EOF || c === "\n") throw new JsonPathError("unterminated quoted string")
      if (c === "\\") {
        const n = this.next()
        if (n === EOF || n === "\n") throw new JsonPathError("unterminated quoted string")
        continue
      }
      if (c === end) break
    }
    cur.nodes.push({ _tag: "Text", text: unquote(this.consumeText()) })
  }

  parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.next()
      if (c === EOF || c === "\n") throw new JsonPathError("unterminated array")
      if (c === "]") break
    }
    let text = this.consumeText().slice(1, -1)
    if (text === "*") text = ":"
    const parts = text.split(",")
    if (parts.length > 1) {
      cur.nodes.push({ _tag: "Union", lists: parts.map((p) => parseAction(`[${p.trim()}]`)) })
      return
    }
    const key = /^'([^']*)'$/.exec(text)
    if (key !== null) {
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes)
      return
    }
    const slice = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text)
    if (slice === null) throw new JsonPathError(`invalid array index ${text}`)
    const raw = [slice[1] ?? "", slice[2] ?? "", slice[3] ?? ""]
    const params: Array<Param> = []
    for (let i = 0; i < 3; i++) {
      const v = i > 0 ? raw[i]!.slice(1) : raw[i]!
      if (raw[i] !== "") {
        if (i > 0 && v === "") params.push({ known: false, value: 0, derived: false })
        else {
          const n = Number(v)
          if (!Number.isInteger(n) || v === "-") throw new JsonPathError(`parsing "${v}": invalid syntax`)
          params.push({ known: true, value: n, derived: false })
        }
      } else if (i === 1) params.push({ known: true, value: params[0]!.value + 1, derived: true })
      else params.push({ known: false, value: 0, derived: false })
    }
    cur.nodes.push({ _tag: "Array", params: [params[0]!, params[1]!, params[2]!] })
  }

  parseFilter(cur: ListNode): void {
    this.pos += 3
    this.consumeText()
    let begin = false
    let end = false
    let pair = ""
    for (;;) {
      const c = this.next()
      if (c === EOF || c === "\n") throw new JsonPathError("unterminated filter")
      if (c === "\"" || c === "'") {
        if (!begin) {
          begin = true
          pair = c
          continue
        }
        if (this.input[this.pos - 2] !== "\\" && c === pair) end = true
      } else if (c === ")" && begin === end) break
    }
    if (this.next() !== "]") throw new JsonPathError("unclosed array expect ]")
    const text = this.consumeText().slice(0, -2)
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(text)
    cur.nodes.push(
      m === null
        ? { _tag: "Filter", left: parseAction(text), right: { _tag: "List", nodes: [] }, operator: "exists" }
        : { _tag: "Filter", left: parseAction(m[1]!), right: parseAction(m[3]!), operator: m[2]! }
    )
  }
}

const parseAction = (text: string): ListNode => {
  const p = new Parser(`{${text}}`)
  p.parseText(p.root)
  return p.root.nodes[0] as ListNode
}

const unicodeName = (c: string): string => {
  const hex = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")
  return `U+${hex} '${c}'`
}

/** Go's strconv.Unquote, with single-quoted strings read as double-quoted ones (client-go's UnquoteExtend). */
const unquote = (quoted: string): string => {
  const body = quoted.slice(1, -1)
  const escaped = quoted[0] === "'" ? body.replace(/\\'/g, "'").replace(/"/g, "\\\"") : body
  try {
    return JSON.parse(`"${escaped.replace(/\\([abfv])/g, (_, c: string) => `\\u${goEscapes[c]!}`)}"`) as string
  } catch {
    throw new JsonPathError("invalid syntax")
  }
}
const goEscapes: Record<string, string> = { a: "0007", b: "0008", f: "000c", v: "000b" }

/** A parsed template. */
export interface Template {
  readonly root: ListNode
  readonly source: string
}

/** Parses a template, failing with client-go's message. */
export const parse = (template: string): Template => {
  const p = new Parser(template)
  p.parseText(p.root)
  return { root: p.root, source: template }
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** The Go type name client-go's errors print for a value. */
const goType = (u: unknown): string =>
  Array.isArray(u)
    ? "[]interface {}"
    : isRecord(u)
    ? "map[string]interface {}"
    : typeof u === "string"
    ? "string"
    : typeof u === "boolean"
    ? "bool"
    : typeof u === "number"
    ? (Number.isInteger(u) ? "int64" : "float64")
    : "interface {}"

class Evaluator {
  beginRange = 0
  inRange = 0
  endRange = 0
  lastEnd: Node | undefined

  findResults(data: unknown, nodes: ReadonlyArray<Node>): Array<Array<unknown>> {
    const full: Array<Array<unknown>> = []
    const cur = [data]
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!
      const results = this.walk(cur, node)
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--
        this.lastEnd = node
        break
      }
      if (this.beginRange > 0) {
        this.beginRange--
        this.inRange++
        if (results.length > 0) {
          for (const value of results) full.push(...this.findResults(value, nodes.slice(i + 1)))
        } else {
          this.findResults(undefined, nodes.slice(i + 1))
        }
        this.inRange--
        for (let k = i + 1; k < nodes.length; k++) {
          if (nodes[k] === this.lastEnd) {
            i = k
            break
          }
        }
        continue
      }
      full.push(results)
    }
    return full
  }

  walk(input: Array<unknown>, node: Node): Array<unknown> {
    switch (node._tag) {
      case "List": {
        let cur = input
        for (const n of node.nodes) cur = this.walk(cur, n)
        return cur
      }
      case "Text":
        return [node.text]
      case "Number":
      case "Bool":
        return input.map(() => node.value)
      case "Field": {
        const out: Array<unknown> = []
        for (const v of input) {
          if (isRecord(v) && Object.hasOwn(v, node.name)) out.push(v[node.name])
        }
        return out
      }
      case "Wildcard": {
        const out: Array<unknown> = []
        for (const v of input) {
          if (isRecord(v)) { for (const k of Object.keys(v).sort()) out.push(v[k]) }
          else if (Array.isArray(v)) out.push(...v)
          else if (typeof v === "string") out.push(...Buffer.from(v, "utf8"))
        }
        return out
      }
      case "Recursive":
        return this.recursive(input)
      case "Array":
        return this.array(input, node.params)
      case "Union":
        return node.lists.flatMap((list) => this.walk(input, list))
      case "Filter":
        return this.filter(input, node)
      case "Identifier":
        if (node.name === "range") {
          this.beginRange++
          return input
        }
        if (node.name === "end") {
          if (this.endRange < this.inRange) {
            this.endRange++
            return []
          }
          throw new JsonPathError("not in range, nothing to end")
        }
        throw new JsonPathError(`unrecognized identifier ${node.name}`)
    }
  }

  recursive(input: ReadonlyArray<unknown>): Array<unknown> {
    const out: Array<unknown> = []
    for (const v of input) {
      const children = isRecord(v)
        ? Object.keys(v).sort().map((k) => v[k])
        : Array.isArray(v)
        ? v
        : typeof v === "string"
        ? [...Buffer.from(v, "utf8")]
        : []
      if (children.length > 0) {
        out.push(v)
        out.push(...this.recursive(children))
      }
    }
    return out
  }

  array(input: ReadonlyArray<unknown>, given: readonly [Param, Param, Param]): Array<unknown> {
    const out: Array<unknown> = []
    for (const v of input) {
      if (v === null || v === undefined) continue
      if (!Array.isArray(v)) throw new JsonPathError(`${goType(v)} is not array or slice`)
      const len = v.length
      let from = given[0].known ? given[0].value : 0
      if (from < 0) from += len
      let to = given[1].known ? given[1].value : len
      if (to < 0 || (to === 0 && given[1].derived)) to += len
      if (to === from) return out
      if (from >= len || from < 0) throw new JsonPathError(`array index out of bounds: index ${from}, length ${len}`)
      if (to > len || to < 0) throw new JsonPathError(`array index out of bounds: index ${to - 1}, length ${len}`)
      if (from > to) throw new JsonPathError(`starting index ${from} is greater than ending index ${to}`)
      let step = 1
      if (given[2].known) {
        if (given[2].value <= 0) throw new JsonPathError("step must be > 0")
        step = given[2].value
      }
      const slice = v.slice(from, to)
      for (let i = 0; i < slice.length; i += step) out.push(slice[i])
    }
    return out
  }

  filter(input: ReadonlyArray<unknown>, node: Node & { readonly _tag: "Filter" }): Array<unknown> {
    const out: Array<unknown> = []
    for (const v of input) {
      if (!Array.isArray(v)) throw new JsonPathError(`${goValue(v)} is not array or slice and cannot be filtered`)
      for (const item of v) {
        let lefts: Array<unknown>
        try {
          lefts = this.walk([item], node.left)
        } catch (e) {
          if (node.operator === "exists") continue
          throw e
        }
        if (node.operator === "exists") {
          if (lefts.length > 0) out.push(item)
          continue
        }
        if (lefts.length === 0) continue
        if (lefts.length > 1) throw new JsonPathError("can only compare one element at a time")
        const rights = this.walk([item], node.right)
        if (rights.length === 0) continue
        if (rights.length > 1) throw new JsonPathError("can only compare one element at a time")
        if (compare(lefts[0], rights[0], node.operator, rightIsInteger(node.right))) out.push(item)
      }
    }
    return out
  }
}

const rightIsInteger = (list: ListNode): boolean | undefined => {
  const only = list.nodes.length === 1 ? list.nodes[0] : undefined
  return only?._tag === "Number" ? only.integer : undefined
}

type Kind = "bool" | "int" | "float" | "string" | "invalid"
const kindOf = (u: unknown, integer?: boolean): Kind =>
  typeof u === "boolean"
    ? "bool"
    : typeof u === "string"
    ? "string"
    : typeof u === "number"
    ? ((integer ?? Number.isInteger(u)) ? "int" : "float")
    : "invalid"

/** text/template's comparison functions: same basic kinds only, ordering for numbers and strings. */
const compare = (left: unknown, right: unknown, operator: string, rightInteger: boolean | undefined): boolean => {
  const lk = kindOf(left)
  const rk = kindOf(right, rightInteger)
  const ordered = operator !== "==" && operator !== "!="
  if (!["==", "!=", "<", ">", "<=", ">="].includes(operator)) {
    throw new JsonPathError(`unrecognized filter operator ${operator}`)
  }
  if (lk === "invalid" || rk === "invalid" || (ordered && lk === "bool")) {
    throw new JsonPathError(ordered ? "invalid type for comparison" : "incompatible types for comparison")
  }
  if (lk !== rk) throw new JsonPathError("incompatible types for comparison")
  const l = left as number | string | boolean
  const r = right as number | string | boolean
  switch (operator) {
    case "==":
      return l === r
    case "!=":
      return l !== r
    case "<":
      return l < r
    case ">":
      return l > r
    case "<=":
      return l <= r
    default:
      return l >= r
  }
}

/** Go's `%v` of a decoded JSON value, as client-go's errors embed it. */
const goValue = (u: unknown): string =>
  Array.isArray(u)
    ? `[${u.map(goValue).join(" ")}]`
    : isRecord(u)
    ? `map[${Object.keys(u).sort().map((k) => `${k}:${goValue(u[k])}`).join(" ")}]`
    : u === null || u === undefined
    ? "<nil>"
    : typeof u === "number"
    ? goNumber(u)
    : String(u)

/** Go's `%v` of a float64 (`%g` with the shortest digits; integers as int64 print plainly). */
export const goNumber = (n: number): string => {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n)
  const abs = Math.abs(n)
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mantissa, exponent] = n.toExponential().split("e") as [string, string]
    const sign = exponent.startsWith("-") ? "-" : "+"
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`
  }
  return String(n)
}

/** Go's json.Marshal: sorted keys, HTML characters escaped. */
export const goJson = (value: unknown, indent?: string): string =>
  JSON.stringify(sortKeys(value), null, indent).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  )

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key])
  return out
}

const text = (u: unknown): string =>
  Array.isArray(u) || isRecord(u)
    ? goJson(u)
    : typeof u === "string"
    ? u
    : typeof u === "number"
    ? goNumber(u)
    : typeof u === "boolean"
    ? String(u)
    : u === null
    ? "<nil>"
    : ""

/** The values each `{...}` of a template selects, as client-go's `FindResults` gives them. */
export const findResults = (template: Template, data: unknown): Array<Array<unknown>> =>
  new Evaluator().findResults(data, template.root.nodes)

/** A scalar as Go's `%v` prints it. */
export const goText = (u: unknown): string => text(u)

/**
 * Runs a template over a decoded JSON value and returns what kubectl prints. `asJson` is `-o jsonpath-as-json`:
 * each `{...}`'s results as one indented JSON array.
 */
export const execute = (template: Template, data: unknown, asJson = false): string => {
  const results = findResults(template, data)
  let out = ""
  for (const group of results) {
    if (asJson) {
      out += `${goJson(group, "    ")}\n`
      continue
    }
    out += group.map(text).join(" ")
  }
  return out
}

/** `execute`'s failure, framed as kubectl frames it (the object as JSON where kubectl prints Go's `%#v`). */
export const executionError = (template: Template, error: JsonPathError, data: unknown): string =>
  `error executing jsonpath ${JSON.stringify(template.source)}: Error executing template: ${error.message}. ` +
  `Printing more information for debugging the template:\n\ttemplate was:\n\t\t${template.source}\n` +
  `\tobject given to jsonpath engine was:\n\t\t${goJson(data)}\n\n`
