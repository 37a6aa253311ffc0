/**
 * A fast path for decoding wire JSON with Schemas that never change a value: structs, records, arrays, unions,
 * literals, primitive keywords, `Unknown`, refinements and recursion, with excess properties preserved (what the
 * generated Kubernetes schemas are). For those, a successful `Schema.decodeUnknown(..., { onExcessProperty:
 * "preserve" })` returns a copy equal to its input, so checking the input and handing it back gives the same
 * result without building a second object graph (profiling a 10,000-pod list: the Effect parser's copying and its
 * garbage took about three times as long as JSON.parse).
 *
 * {@link validator} compiles a plain predicate from the AST once per schema; it is `undefined` for schemas with a
 * transformation, declaration or another node it does not model, and for any node whose parse options would not
 * preserve excess properties. The predicate may be stricter than the parser (a missing required key is always
 * rejected): callers fall back to the real decoder whenever it says no, so errors, and values of schemas it does not
 * model, come from Effect's own parser.
 */
import * as Option from "effect/Option"
import type { ParseOptions } from "effect/SchemaAST"
import * as AST from "effect/SchemaAST"

type Check = (u: unknown) => boolean

class Unsupported {
  readonly _tag = "Unsupported"
}

const unsupported = new Unsupported()

const refinementOptions: ParseOptions = { onExcessProperty: "preserve", errors: "first" }

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const hasOwn = Object.prototype.hasOwnProperty

const enum Leaf {
  Other,
  String,
  Number,
  Boolean,
  Unknown
}

interface Property {
  readonly kind: Leaf
  readonly check: Check
  readonly required: boolean
}

/** Types whose check is a typeof test, when no parse options sit on them. */
const leafKind = (ast: AST.AST): Leaf => {
  if (Option.isSome(AST.getParseOptionsAnnotation(ast))) return Leaf.Other
  switch (ast._tag) {
    case "StringKeyword":
      return Leaf.String
    case "NumberKeyword":
      return Leaf.Number
    case "BooleanKeyword":
      return Leaf.Boolean
    case "UnknownKeyword":
    case "AnyKeyword":
      return Leaf.Unknown
    default:
      return Leaf.Other
  }
}

interface Pending {
  readonly check: Check
  impl: Check
  referenced: boolean
}

interface Memo {
  readonly done: Map<AST.AST, Check>
  readonly pending: Map<AST.AST, Pending>
}

const compile = (ast: AST.AST, memo: Memo): Check => {
  const known = memo.done.get(ast)
  if (known !== undefined) return known
  // A node met again while it is being built is recursive (through Suspend): it gets a check that forwards to the
  // one being built. Nodes that are not recursive are called directly, without that indirection.
  const building = memo.pending.get(ast)
  if (building !== undefined) {
    building.referenced = true
    return building.check
  }
  const pending: Pending = { check: (u) => pending.impl(u), impl: () => false, referenced: false }
  memo.pending.set(ast, pending)
  const options = AST.getParseOptionsAnnotation(ast)
  if (Option.isSome(options) && options.value.onExcessProperty !== undefined) {
    if (options.value.onExcessProperty !== "preserve") throw unsupported
  }
  pending.impl = build(ast, memo)
  memo.pending.delete(ast)
  const result = pending.referenced ? pending.check : pending.impl
  memo.done.set(ast, result)
  return result
}

const build = (ast: AST.AST, memo: Memo): Check => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string"
    case "NumberKeyword":
      return (u) => typeof u === "number"
    case "BooleanKeyword":
      return (u) => typeof u === "boolean"
    case "UndefinedKeyword":
      return (u) => u === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return () => true
    case "NeverKeyword":
      return () => false
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal
    }
    case "Refinement": {
      const from = compile(ast.from, memo)
      return (u) => from(u) && Option.isNone(ast.filter(u, refinementOptions, ast))
    }
    case "Suspend":
      // Eager: a cycle ends at the memo's placeholder for this node.
      return compile(ast.f(), memo)
    case "Union": {
      const members = ast.types.map((member) => compile(member, memo))
      const n = members.length
      return (u) => {
        for (let i = 0; i < n; i++) if (members[i]!(u)) return true
        return false
      }
    }
    case "TupleType": {
      if (ast.rest.length > 1) throw unsupported
      const elements = ast.elements.map((element) => compile(element.type, memo))
      const optional = ast.elements.map((element) => element.isOptional)
      const required = optional.filter((o) => !o).length
      if (optional.slice(0, required).some((o) => o)) throw unsupported
      const rest = ast.rest.length === 1 ? compile(ast.rest[0]!.type, memo) : undefined
      const fixed = elements.length
      if (fixed === 0 && rest !== undefined) {
        return (u) => {
          if (!Array.isArray(u)) return false
          for (let i = 0; i < u.length; i++) if (!rest(u[i])) return false
          return true
        }
      }
      return (u) => {
        if (!Array.isArray(u) || u.length < required) return false
        if (rest === undefined && u.length > fixed) return false
        for (let i = 0; i < u.length; i++) {
          if (!(i < fixed ? elements[i]! : rest!)(u[i])) return false
        }
        return true
      }
    }
    case "TypeLiteral": {
      // Walks the object's keys rather than the declared properties: Kubernetes objects set a few of the many
      // optional fields a kind declares, and a lookup of an absent name costs as much as one of a present name.
      // Leaf types are tested inline (`kind`), the rest through their compiled check.
      const properties = new Map<string, Property>()
      let required = 0
      for (const ps of ast.propertySignatures) {
        if (typeof ps.name !== "string") throw unsupported
        properties.set(ps.name, { kind: leafKind(ps.type), check: compile(ps.type, memo), required: !ps.isOptional })
        if (!ps.isOptional) required++
      }
      let index: Check | undefined
      if (ast.indexSignatures.length > 1) throw unsupported
      if (ast.indexSignatures.length === 1) {
        const signature = ast.indexSignatures[0]!
        if (signature.parameter._tag !== "StringKeyword") throw unsupported
        index = compile(signature.type, memo)
      }
      return (u) => {
        if (!isRecord(u)) return false
        let seen = 0
        for (const key in u) {
          // for-in also visits inherited enumerable keys; those are not the object's own properties.
          if (!hasOwn.call(u, key)) return false
          const value = u[key]
          const property = properties.get(key)
          if (property !== undefined) {
            switch (property.kind) {
              case Leaf.String:
                if (typeof value !== "string") return false
                break
              case Leaf.Number:
                if (typeof value !== "number") return false
                break
              case Leaf.Boolean:
                if (typeof value !== "boolean") return false
                break
              case Leaf.Unknown:
                break
              default:
                if (!property.check(value)) return false
            }
            if (property.required) seen++
          }
          if (index !== undefined && !index(value)) return false
        }
        return seen === required
      }
    }
    default:
      throw unsupported
  }
}

const cache = new WeakMap<AST.AST, Check | null>()

/**
 * A predicate that is true only when decoding `ast` with excess properties preserved would succeed and return a
 * value equal to the input; `undefined` when the schema is outside what this models.
 */
export const validator = (ast: AST.AST): Check | undefined => {
  const cached = cache.get(ast)
  if (cached !== undefined) return cached ?? undefined
  let check: Check | null
  try {
    check = compile(ast, { done: new Map(), pending: new Map() })
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    check = null
  }
  cache.set(ast, check)
  return check ?? undefined
}
