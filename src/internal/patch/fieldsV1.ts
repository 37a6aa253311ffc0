/**
 * Field sets and their FieldsV1 wire form, as used in `metadata.managedFields`.
 *
 * A field set is a tree of path elements, written the way the apiserver writes them:
 * `f:<name>` (object member), `k:<json>` (item of a list keyed by its list-map keys), `v:<json>` (item of a set
 * list, by value) and `i:<n>` (list index). In FieldsV1 every element maps to an object; `{}` marks a leaf member
 * and `".": {}` marks an element that is itself a member and also has members below it.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { canonicalJson, compareJson, compareStrings, isObject, setKey } from "./json.js"
import type { JsonObject } from "./json.js"

/**
 * One encoded path element (`f:spec`, `k:{"name":"nginx"}`, `v:"x"`, `i:0`).
 *
 * @since 0.1.0
 * @category models
 */
export type PathElement = string

/**
 * A path from the object root.
 *
 * @since 0.1.0
 * @category models
 */
export type Path = ReadonlyArray<PathElement>

/**
 * The FieldsV1 JSON form of a field set.
 *
 * @since 0.1.0
 * @category models
 */
export type FieldsV1 = Readonly<Record<string, unknown>>

/**
 * A FieldsV1 document that cannot be decoded, with the offending element.
 *
 * @since 0.1.0
 * @category errors
 */
export class FieldsV1Error extends Data.TaggedError("FieldsV1Error")<{ readonly message: string }> {}

/**
 * Element for an item of a list-type map, from its key fields.
 *
 * @since 0.1.0
 * @category utils
 */
export const keyElement = (key: JsonObject): PathElement => `k:${canonicalJson(key)}`

/**
 * Element for an item of a set list, by value.
 *
 * @since 0.1.0
 * @category utils
 */
export const valueElement = (value: unknown): PathElement => `v:${canonicalJson(value)}`

const kindRank = (pe: PathElement): number => ({ f: 0, k: 1, v: 2, i: 3 })[pe[0] as "f" | "k" | "v" | "i"] ?? 4

/**
 * The order the apiserver writes elements in: members before keys before values before indices, each kind sorted
 * by its content.
 *
 * @since 0.1.0
 * @category utils
 */
export const compareElements = (a: PathElement, b: PathElement): number => {
  const ka = kindRank(a)
  const kb = kindRank(b)
  if (ka !== kb) return ka - kb
  const ra = a.slice(2)
  const rb = b.slice(2)
  switch (a[0]) {
    case "f":
      return compareStrings(ra, rb)
    case "i":
      return Number(ra) - Number(rb)
    case "k": {
      const oa = JSON.parse(ra) as JsonObject
      const ob = JSON.parse(rb) as JsonObject
      const names = [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort(compareStrings)
      for (const n of names) {
        if (!(n in oa)) return 1
        if (!(n in ob)) return -1
        const c = compareJson(oa[n], ob[n])
        if (c !== 0) return c
      }
      return 0
    }
    default:
      return compareJson(JSON.parse(ra), JSON.parse(rb))
  }
}

const elementToString = (pe: PathElement): string => {
  const rest = pe.slice(2)
  switch (pe[0]) {
    case "f":
      return `.${rest}`
    case "i":
      return `[${rest}]`
    case "v":
      return `[=${rest}]`
    default: {
      const key = JSON.parse(rest) as JsonObject
      return `[${Object.keys(key).sort(compareStrings).map((k) => `${k}=${JSON.stringify(key[k])}`).join(",")}]`
    }
  }
}

/**
 * A path as the apiserver prints it in conflict messages: `.spec.template.spec.containers[name="nginx"].image`.
 *
 * @since 0.1.0
 * @category utils
 */
export const pathToString = (path: Path): string => path.map(elementToString).join("")

/**
 * A set of paths stored as a tree. Built by `insert`; every set operation returns a new set.
 *
 * @since 0.1.0
 * @category models
 */
export class FieldSet {
  readonly members = new Set<PathElement>()
  readonly children = new Map<PathElement, FieldSet>()

  /** Adds a path (the empty path is ignored: the root is never a member). */
  insert(path: Path): this {
    if (path.length === 0) return this
    let node: FieldSet = this
    for (const pe of path.slice(0, -1)) {
      let next = node.children.get(pe)
      if (next === undefined) {
        next = new FieldSet()
        node.children.set(pe, next)
      }
      node = next
    }
    node.members.add(path[path.length - 1]!)
    return this
  }

  /** Whether exactly this path is a member. */
  has(path: Path): boolean {
    if (path.length === 0) return false
    let node: FieldSet | undefined = this
    for (const pe of path.slice(0, -1)) {
      node = node.children.get(pe)
      if (node === undefined) return false
    }
    return node.members.has(path[path.length - 1]!)
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0
  }

  union(that: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const m of this.members) out.members.add(m)
    for (const m of that.members) out.members.add(m)
    for (const pe of new Set([...this.children.keys(), ...that.children.keys()])) {
      const a = this.children.get(pe)
      const b = that.children.get(pe)
      out.children.set(pe, a && b ? a.union(b) : (a ?? b)!.union(new FieldSet()))
    }
    return out
  }

  /** Paths of this set that are not members of `that` (exact paths, not subtrees). */
  difference(that: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const m of this.members) if (!that.members.has(m)) out.members.add(m)
    for (const [pe, a] of this.children) {
      const b = that.children.get(pe)
      const d = b ? a.difference(b) : a.union(new FieldSet())
      if (!d.isEmpty()) out.children.set(pe, d)
    }
    return out
  }

  intersection(that: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const m of this.members) if (that.members.has(m)) out.members.add(m)
    for (const [pe, a] of this.children) {
      const b = that.children.get(pe)
      if (b === undefined) continue
      const i = a.intersection(b)
      if (!i.isEmpty()) out.children.set(pe, i)
    }
    return out
  }

  equals(that: FieldSet): boolean {
    return this.difference(that).isEmpty() && that.difference(this).isEmpty()
  }

  /** Every member path, in the apiserver's order (a parent before its descendants). */
  paths(): Array<Path> {
    const out: Array<Path> = []
    const walk = (node: FieldSet, prefix: Path) => {
      const elements = [...new Set([...node.members, ...node.children.keys()])].sort(compareElements)
      for (const pe of elements) {
        if (node.members.has(pe)) out.push([...prefix, pe])
        const child = node.children.get(pe)
        if (child) walk(child, [...prefix, pe])
      }
    }
    walk(this, [])
    return out
  }

  static fromPaths(paths: Iterable<Path>): FieldSet {
    const out = new FieldSet()
    for (const p of paths) out.insert(p)
    return out
  }
}

/**
 * Writes a field set as FieldsV1, elements in the apiserver's order.
 *
 * @since 0.1.0
 * @category conversions
 */
export const encodeFieldsV1 = (set: FieldSet): FieldsV1 => {
  const out: JsonObject = {}
  const elements = [...new Set([...set.members, ...set.children.keys()])].sort(compareElements)
  for (const pe of elements) {
    const child = set.children.get(pe)
    if (child === undefined || child.isEmpty()) {
      setKey(out, pe, {})
      continue
    }
    const inner = encodeFieldsV1(child)
    setKey(out, pe, set.members.has(pe) ? { ".": {}, ...inner } : inner)
  }
  return out
}

const validElement = (pe: string): string | undefined => {
  const rest = pe.slice(2)
  switch (pe.slice(0, 2)) {
    case "f:":
      return undefined
    case "i:":
      return /^(0|[1-9][0-9]*)$/.test(rest) ? undefined : `invalid index in path element ${pe}`
    case "k:":
    case "v:": {
      let parsed: unknown
      try {
        parsed = JSON.parse(rest)
      } catch {
        return `invalid JSON in path element ${pe}`
      }
      return pe[0] === "k" && !isObject(parsed) ? `key path element is not an object: ${pe}` : undefined
    }
    default:
      return `unknown path element ${JSON.stringify(pe)}: expected a prefix f:, k:, v: or i:`
  }
}

/**
 * Reads FieldsV1. Element contents are normalised (`k:`/`v:` JSON re-encoded canonically) so sets compare by
 * meaning, not spelling.
 *
 * @since 0.1.0
 * @category conversions
 */
export const decodeFieldsV1 = (fields: unknown): Either.Either<FieldSet, FieldsV1Error> => {
  const go = (node: unknown, where: string): FieldSet | FieldsV1Error => {
    if (!isObject(node)) return new FieldsV1Error({ message: `${where || "fieldsV1"}: expected an object` })
    const out = new FieldSet()
    for (const raw of Object.keys(node)) {
      if (raw === ".") continue
      const problem = validElement(raw)
      if (problem !== undefined) return new FieldsV1Error({ message: `${where || "fieldsV1"}: ${problem}` })
      const pe = raw[0] === "k" || raw[0] === "v" ? `${raw.slice(0, 2)}${canonicalJson(JSON.parse(raw.slice(2)))}` : raw
      const value = node[raw]
      if (!isObject(value)) {
        return new FieldsV1Error({ message: `${where}${elementToString(pe)}: expected an object` })
      }
      const keys = Object.keys(value)
      if (keys.length === 0 || keys.includes(".")) out.members.add(pe)
      if (keys.some((k) => k !== ".")) {
        const child = go(value, `${where}${elementToString(pe)}`)
        if (child instanceof FieldsV1Error) return child
        out.children.set(pe, child)
      }
    }
    return out
  }
  const result = go(fields, "")
  return result instanceof FieldsV1Error ? Either.left(result) : Either.right(result)
}
