/**
 * Label and field selectors with the apiserver's grammar and per-kind field labels. Parsing returns either a
 * matcher or an error message; the router turns the message into a 400 BadRequest.
 */
import type { Obj } from "./fakeApiServer/types.js"

export type Matcher = (obj: Obj) => boolean

export interface ParseError {
  readonly _tag: "ParseError"
  readonly message: string
}

const parseError = (message: string): ParseError => ({ _tag: "ParseError", message })

export const isParseError = (u: unknown): u is ParseError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "ParseError"

// ---------------------------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------------------------

type Token =
  | { readonly t: "id"; readonly v: string }
  | { readonly t: "op"; readonly v: string }
  | { readonly t: "(" | ")" | "," | "!" }

const special = new Set([",", "=", "!", "(", ")", "<", ">", " ", "\t", "\n"])

const tokenize = (input: string): ReadonlyArray<Token> | ParseError => {
  const out: Array<Token> = []
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (c === " " || c === "\t" || c === "\n") {
      i++
      continue
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ t: c })
      i++
      continue
    }
    if (c === "!") {
      if (input[i + 1] === "=") {
        out.push({ t: "op", v: "!=" })
        i += 2
      } else {
        out.push({ t: "!" })
        i++
      }
      continue
    }
    if (c === "=") {
      if (input[i + 1] === "=") {
        out.push({ t: "op", v: "==" })
        i += 2
      } else {
        out.push({ t: "op", v: "=" })
        i++
      }
      continue
    }
    if (c === "<" || c === ">") {
      out.push({ t: "op", v: c })
      i++
      continue
    }
    let j = i
    while (j < input.length && !special.has(input[j]!)) j++
    out.push({ t: "id", v: input.slice(i, j) })
    i = j
  }
  return out
}

const namePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

const validKey = (key: string): string | undefined => {
  const slash = key.indexOf("/")
  const name = slash >= 0 ? key.slice(slash + 1) : key
  if (slash >= 0) {
    const prefix = key.slice(0, slash)
    if (prefix.length === 0 || prefix.length > 253 || !dnsSubdomain.test(prefix)) {
      return `key: Invalid value: ${JSON.stringify(key)}: prefix part must be a valid DNS subdomain`
    }
  }
  if (name.length === 0 || name.length > 63 || !namePart.test(name)) {
    return `key: Invalid value: ${
      JSON.stringify(key)
    }: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`
  }
  return undefined
}

const validValue = (value: string): string | undefined =>
  value === "" || (value.length <= 63 && namePart.test(value))
    ? undefined
    : `values[0][${value}]: Invalid value: ${
      JSON.stringify(value)
    }: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`

interface Requirement {
  readonly key: string
  readonly op: "=" | "!=" | "in" | "notin" | "exists" | "!" | "<" | ">"
  readonly values: ReadonlyArray<string>
}

const parseRequirements = (input: string): ReadonlyArray<Requirement> | ParseError => {
  const tokens = tokenize(input)
  if (isParseError(tokens)) return tokens
  const reqs: Array<Requirement> = []
  let i = 0
  const fail = (what: string) => parseError(`unable to parse requirement: ${what}`)
  while (i < tokens.length) {
    let negate = false
    if (tokens[i]!.t === "!") {
      negate = true
      i++
    }
    const keyTok = tokens[i]
    if (keyTok === undefined || keyTok.t !== "id") {
      return fail(`found '${tokenText(keyTok)}', expected: !, identifier, or 'end of string'`)
    }
    const key = keyTok.v
    const bad = validKey(key)
    if (bad !== undefined) return fail(bad)
    i++
    const next = tokens[i]
    if (negate) {
      if (next !== undefined && next.t !== ",") {
        return fail(`found '${tokenText(next)}', expected: ',' or 'end of string'`)
      }
      reqs.push({ key, op: "!", values: [] })
    } else if (next === undefined || next.t === ",") {
      reqs.push({ key, op: "exists", values: [] })
    } else if (next.t === "op") {
      i++
      const valTok = tokens[i]
      let value = ""
      if (valTok !== undefined && valTok.t === "id") {
        value = valTok.v
        i++
      } else if (valTok !== undefined && valTok.t !== ",") {
        return fail(`found '${tokenText(valTok)}', expected: identifier`)
      }
      if (next.v === "<" || next.v === ">") {
        if (!/^-?\d+$/.test(value)) return fail(`for 'Gt', 'Lt' operators, the value must be an integer`)
      } else {
        const badValue = validValue(value)
        if (badValue !== undefined) return fail(badValue)
      }
      const op = next.v === "==" ? "=" : next.v as Requirement["op"]
      reqs.push({ key, op, values: [value] })
    } else if (next.t === "id" && (next.v === "in" || next.v === "notin")) {
      i++
      if (tokens[i]?.t !== "(") return fail(`found '${tokenText(tokens[i])}', expected: '('`)
      i++
      const values: Array<string> = []
      for (;;) {
        const tok = tokens[i]
        if (tok === undefined) return fail(`found 'end of string', expected: ')'`)
        if (tok.t === ")") {
          i++
          break
        }
        if (tok.t === ",") {
          i++
          continue
        }
        if (tok.t !== "id") return fail(`found '${tokenText(tok)}', expected: ',', ')' or identifier`)
        const badValue = validValue(tok.v)
        if (badValue !== undefined) return fail(badValue)
        values.push(tok.v)
        i++
      }
      if (values.length === 0 && next.v === "in") {
        return fail(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`)
      }
      reqs.push({ key, op: next.v, values })
    } else {
      return fail(`found '${tokenText(next)}', expected: in, notin, =, ==, !=, gt, lt`)
    }
    const sep = tokens[i]
    if (sep !== undefined) {
      if (sep.t !== ",") return fail(`found '${tokenText(sep)}', expected: ',' or 'end of string'`)
      i++
      if (i === tokens.length) return fail(`found 'end of string', expected: !, identifier`)
    }
  }
  return reqs
}

const tokenText = (t: Token | undefined): string => t === undefined ? "end of string" : "v" in t ? t.v : t.t

const matchRequirement = (labels: Readonly<Record<string, string>>, r: Requirement): boolean => {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key)
  const value = labels[r.key]
  switch (r.op) {
    case "exists":
      return has
    case "!":
      return !has
    case "=":
      return has && value === r.values[0]
    case "!=":
      return !has || value !== r.values[0]
    case "in":
      return has && r.values.includes(value!)
    case "notin":
      return !has || !r.values.includes(value!)
    case "<":
    case ">": {
      if (!has || !/^-?\d+$/.test(value!)) return false
      const n = Number(value)
      const bound = Number(r.values[0])
      return r.op === "<" ? n < bound : n > bound
    }
  }
}

/** A matcher over an object's `metadata.labels`, or a parse error. The empty selector matches everything. */
export const parseLabelSelector = (input: string | null | undefined): Matcher | ParseError => {
  if (input === null || input === undefined || input.trim() === "") return () => true
  const reqs = parseRequirements(input)
  if (isParseError(reqs)) return reqs
  return (obj) => {
    const labels = (obj.metadata?.labels ?? {}) as Record<string, string>
    for (const r of reqs) if (!matchRequirement(labels, r)) return false
    return true
  }
}

/** Matches a labels map against a meta/v1 LabelSelector (matchLabels + matchExpressions). */
export const labelSelectorToString = (selector: Obj | undefined): string => {
  if (selector === undefined) return ""
  const parts: Array<string> = []
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) parts.push(`${k}=${v}`)
  for (const e of (selector.matchExpressions ?? []) as Array<Obj>) {
    const values = ((e.values ?? []) as Array<string>).join(",")
    switch (e.operator) {
      case "In":
        parts.push(`${e.key} in (${values})`)
        break
      case "NotIn":
        parts.push(`${e.key} notin (${values})`)
        break
      case "Exists":
        parts.push(String(e.key))
        break
      case "DoesNotExist":
        parts.push(`!${e.key}`)
        break
    }
  }
  return parts.join(",")
}

// ---------------------------------------------------------------------------------------------------------------
// Field selectors
// ---------------------------------------------------------------------------------------------------------------

type FieldGetter = (obj: Obj) => string
const str = (v: unknown): string => v === undefined || v === null ? "" : String(v)
const path = (...keys: ReadonlyArray<string>): FieldGetter => (obj) => {
  let cur: any = obj
  for (const k of keys) cur = cur?.[k]
  return str(cur)
}
const bool = (...keys: ReadonlyArray<string>): FieldGetter => (obj) => {
  let cur: any = obj
  for (const k of keys) cur = cur?.[k]
  return cur === true ? "true" : "false"
}
const num = (...keys: ReadonlyArray<string>): FieldGetter => (obj) => {
  let cur: any = obj
  for (const k of keys) cur = cur?.[k]
  return String(typeof cur === "number" ? cur : 0)
}

const coreEventFields: Record<string, FieldGetter> = {
  "involvedObject.kind": path("involvedObject", "kind"),
  "involvedObject.namespace": path("involvedObject", "namespace"),
  "involvedObject.name": path("involvedObject", "name"),
  "involvedObject.uid": path("involvedObject", "uid"),
  "involvedObject.apiVersion": path("involvedObject", "apiVersion"),
  "involvedObject.resourceVersion": path("involvedObject", "resourceVersion"),
  "involvedObject.fieldPath": path("involvedObject", "fieldPath"),
  reason: path("reason"),
  reportingComponent: path("reportingComponent"),
  source: path("source", "component"),
  type: path("type")
}

/** Field labels the apiserver accepts beyond metadata.name and metadata.namespace, by `group/plural`. */
const fieldsByResource: Record<string, Record<string, FieldGetter>> = {
  "/pods": {
    "spec.nodeName": path("spec", "nodeName"),
    "spec.restartPolicy": path("spec", "restartPolicy"),
    "spec.schedulerName": path("spec", "schedulerName"),
    "spec.serviceAccountName": path("spec", "serviceAccountName"),
    "spec.hostNetwork": bool("spec", "hostNetwork"),
    "status.phase": path("status", "phase"),
    "status.podIP": path("status", "podIP"),
    "status.nominatedNodeName": path("status", "nominatedNodeName")
  },
  "/events": coreEventFields,
  "events.k8s.io/events": {
    "regarding.kind": path("regarding", "kind"),
    "regarding.namespace": path("regarding", "namespace"),
    "regarding.name": path("regarding", "name"),
    "regarding.uid": path("regarding", "uid"),
    "regarding.apiVersion": path("regarding", "apiVersion"),
    "regarding.resourceVersion": path("regarding", "resourceVersion"),
    "regarding.fieldPath": path("regarding", "fieldPath"),
    reason: path("reason"),
    reportingController: path("reportingController"),
    type: path("type")
  },
  "/secrets": { type: path("type") },
  "/nodes": { "spec.unschedulable": bool("spec", "unschedulable") },
  "/namespaces": { "status.phase": path("status", "phase") },
  "/replicationcontrollers": { "status.replicas": num("status", "replicas") },
  "/services": { "spec.clusterIP": path("spec", "clusterIP"), "spec.type": path("spec", "type") },
  "batch/jobs": { "status.successful": num("status", "successful") },
  "apps/replicasets": { "status.replicas": num("status", "replicas") },
  "certificates.k8s.io/certificatesigningrequests": { "spec.signerName": path("spec", "signerName") }
}

const metadataFields: Record<string, FieldGetter> = {
  "metadata.name": path("metadata", "name"),
  "metadata.namespace": path("metadata", "namespace")
}

/** The field labels a resource supports; `extra` carries a CRD's selectableFields (jsonPaths). */
export const fieldsFor = (
  group: string,
  plural: string,
  extra: ReadonlyArray<string> = []
): Record<string, FieldGetter> => {
  const own = fieldsByResource[`${group}/${plural}`] ?? {}
  const fromCrd: Record<string, FieldGetter> = {}
  for (const jsonPath of extra) {
    const keys = jsonPath.replace(/^\./, "").split(".")
    fromCrd[keys.join(".")] = path(...keys)
  }
  return { ...metadataFields, ...own, ...fromCrd }
}

const splitUnescaped = (input: string, sep: string): Array<string> => {
  const out: Array<string> = []
  let cur = ""
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (c === "\\" && i + 1 < input.length) {
      cur += c + input[i + 1]
      i++
    } else if (c === sep) {
      out.push(cur)
      cur = ""
    } else {
      cur += c
    }
  }
  out.push(cur)
  return out
}

const unescape = (s: string) => s.replace(/\\(.)/g, "$1")

interface FieldTerm {
  readonly field: string
  readonly negate: boolean
  readonly value: string
}

const parseFieldTerms = (input: string): ReadonlyArray<FieldTerm> | ParseError => {
  const terms: Array<FieldTerm> = []
  for (const part of splitUnescaped(input, ",")) {
    if (part === "") continue
    const m = /^(.*?)(!=|==|=)(.*)$/.exec(part)
    if (m === null) return parseError(`invalid selector: '${input}'; can't understand '${part}'`)
    terms.push({ field: m[1]!.trim(), negate: m[2] === "!=", value: unescape(m[3]!) })
  }
  return terms
}

export interface FieldSelector {
  readonly matches: Matcher
  /** The exact metadata.name / metadata.namespace the selector pins, used to narrow a scan. */
  readonly name?: string | undefined
  readonly namespace?: string | undefined
}

/** A field selector for one resource; unsupported labels fail like the apiserver (`field label not supported`). */
export const parseFieldSelector = (
  input: string | null | undefined,
  fields: Record<string, FieldGetter>
): FieldSelector | ParseError => {
  if (input === null || input === undefined || input.trim() === "") return { matches: () => true }
  const terms = parseFieldTerms(input)
  if (isParseError(terms)) return terms
  const getters: Array<readonly [FieldGetter, FieldTerm]> = []
  let name: string | undefined
  let namespace: string | undefined
  for (const term of terms) {
    const getter = fields[term.field]
    if (getter === undefined) return parseError(`field label not supported: ${term.field}`)
    if (!term.negate && term.field === "metadata.name") name = term.value
    if (!term.negate && term.field === "metadata.namespace") namespace = term.value
    getters.push([getter, term])
  }
  return {
    name,
    namespace,
    matches: (obj) => {
      for (const [get, term] of getters) {
        if ((get(obj) === term.value) === term.negate) return false
      }
      return true
    }
  }
}
