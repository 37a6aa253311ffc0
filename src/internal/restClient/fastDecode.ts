/**
 * A fast path for decoding wire JSON with Schemas that never change a value: structs, records, arrays, unions,
 * literals, primitive keywords, `Unknown`, refinements, declarations without type parameters and recursion, with
 * excess properties preserved (what the generated Kubernetes schemas and the dynamic client's `Unstructured` are). For those, a successful `Schema.decodeUnknown(..., { onExcessProperty:
 * "preserve" })` returns a copy equal to its input, so checking the input and handing it back gives the same
 * result without building a second object graph (profiling a 10,000-pod list: the Effect parser's copying and its
 * garbage took about three times as long as JSON.parse).
 *
 * {@link validator} checks each struct with a function generated from its AST: it reads each declared field by
 * name (`v["metadata"]`), with typeof tests and array loops inline, and calls the functions of nested structs.
 * Each read site then only sees objects of one struct, so V8's inline caches stay monomorphic; a walk over a table
 * of fields shares one megamorphic site between all of them and pays a Map lookup per key (bench/validate.ts
 * measures both: the generated functions take less than half the time a pod). Generating and compiling a function
 * costs more than one walk, so each struct (its cell) is walked for its first `compileAfter` values and generated
 * after: a program reading one object pays no code generation, a list or watch pays it for the few dozen structs
 * its objects reach (the Pod schema has 146), once per AST node, so the ObjectMeta every kind embeds is shared.
 * Both tiers apply the same rules, and the tests check them against each other and against Effect's decoder.
 *
 * The predicate is `undefined` for schemas with a transformation, a declaration with type parameters or another
 * node it does not model, and for any node whose parse options would not preserve excess properties. Where the
 * runtime refuses code generation (a Content-Security-Policy without `unsafe-eval`) the walk stays. It may be stricter than the parser
 * (a missing required key is always rejected, an object whose prototype is neither `Object.prototype` nor `null`
 * is refused): callers fall back to the real decoder whenever it says no, so errors, and values of schemas it does
 * not model, come from Effect's own parser.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { ParseOptions } from "effect/SchemaAST"
import * as AST from "effect/SchemaAST"

type Check = (u: unknown) => boolean

const refinementOptions: ParseOptions = { onExcessProperty: "preserve", errors: "first" }

/** What generated code refers to by these names; `refs` holds the values of `r0`, `r1`, ... */
const runtimeNames = ["hasOwn", "isArray", "getPrototypeOf", "objectPrototype", "isNone", "refinementOptions", "refs"]
const runtime = [
  Object.prototype.hasOwnProperty,
  Array.isArray,
  Object.getPrototypeOf,
  Object.prototype,
  Option.isNone,
  refinementOptions
]

/** The node a chain of Suspends ends at: the same cell serves both. */
const resolve = (ast: AST.AST): AST.AST => {
  while (ast._tag === "Suspend") ast = ast.f()
  return ast
}

const parseOptionsSupported = (ast: AST.AST): boolean => {
  const options = AST.getParseOptionsAnnotation(ast)
  return Option.isNone(options) || options.value.onExcessProperty === undefined ||
    options.value.onExcessProperty === "preserve"
}

const supportedCache = new WeakMap<AST.AST, boolean>()

/**
 * Whether every node reachable from `ast` is one this models. Checked for the whole schema up front, since
 * functions are generated only when a value reaches them.
 */
const supported = (root: AST.AST): boolean => {
  const known = supportedCache.get(root)
  if (known !== undefined) return known
  const seen = new Set<AST.AST>()
  const visit = (ast: AST.AST): boolean => {
    if (seen.has(ast)) return true
    seen.add(ast)
    const cached = supportedCache.get(ast)
    if (cached !== undefined) return cached
    if (!parseOptionsSupported(ast)) return false
    switch (ast._tag) {
      case "StringKeyword":
      case "NumberKeyword":
      case "BooleanKeyword":
      case "UndefinedKeyword":
      case "UnknownKeyword":
      case "AnyKeyword":
      case "NeverKeyword":
      case "Literal":
        return true
      case "Refinement":
        return visit(ast.from)
      case "Declaration":
        // Its own decoder is asked (declarationCheck); with type parameters it would decode them too.
        return ast.typeParameters.length === 0
      case "Suspend":
        return visit(ast.f())
      case "Union":
        return ast.types.every(visit)
      case "TupleType": {
        if (ast.rest.length > 1) return false
        const required = ast.elements.filter((element) => !element.isOptional).length
        if (ast.elements.slice(0, required).some((element) => element.isOptional)) return false
        return ast.elements.every((element) => visit(element.type)) && ast.rest.every((rest) => visit(rest.type))
      }
      case "TypeLiteral": {
        if (ast.indexSignatures.length > 1) return false
        if (ast.indexSignatures.some((signature) => signature.parameter._tag !== "StringKeyword")) return false
        return ast.propertySignatures.every((ps) =>
          typeof ps.name === "string" && ps.name !== "__proto__" && visit(ps.type)
        ) && ast.indexSignatures.every((signature) => visit(signature.type))
      }
      default:
        return false
    }
  }
  const result = visit(root)
  supportedCache.set(root, result)
  return result
}

/**
 * Whether the node's check can accept `undefined`. When it cannot, the check of a field's value also rejects a
 * missing required field, without a separate test for the key. Conservative: true unless known false.
 */
const mayAcceptUndefined = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "NeverKeyword":
    case "Literal":
    case "TypeLiteral":
    case "TupleType":
      return false
    case "Refinement":
      return mayAcceptUndefined(ast.from)
    case "Union":
      return ast.types.some(mayAcceptUndefined)
    default:
      return true
  }
}

const declarationChecks = new WeakMap<AST.Declaration, Check>()

/**
 * A declaration without type parameters (`Schema.declare(isX)`, the dynamic client's `Unstructured`) runs its own
 * decoder: the value passes when that answers synchronously with the value itself, which is what Effect's parser
 * would return. A declaration that transforms, fails or answers asynchronously is left to the parser.
 */
const declarationCheck = (ast: AST.Declaration): Check => {
  let check = declarationChecks.get(ast)
  if (check === undefined) {
    const decode = ast.decodeUnknown()
    check = (u) => {
      const result: unknown = decode(u, refinementOptions, ast)
      return Either.isEither(result) && Either.isRight(result) && result.right === u
    }
    declarationChecks.set(ast, check)
  }
  return check
}

/** The source of one node's function, with the values it refers to. */
class Emitter {
  readonly refs: Array<unknown> = []
  constructor(readonly realm: Realm) {}

  ref(value: unknown): string {
    let index = this.refs.indexOf(value)
    if (index === -1) index = this.refs.push(value) - 1
    return `r${index}`
  }

  /** A call of another node's function, through its cell. */
  call(ast: AST.AST, x: string): string {
    return `${this.ref(this.realm.cellOf(ast))}.f(${x})`
  }

  /** A boolean expression testing the variable `x` against `ast`. */
  expr(ast: AST.AST, x: string): string {
    switch (ast._tag) {
      case "StringKeyword":
        return `typeof ${x} === "string"`
      case "NumberKeyword":
        return `typeof ${x} === "number"`
      case "BooleanKeyword":
        return `typeof ${x} === "boolean"`
      case "UndefinedKeyword":
        return `${x} === undefined`
      case "UnknownKeyword":
      case "AnyKeyword":
        return "true"
      case "NeverKeyword":
        return "false"
      case "Literal": {
        const literal = ast.literal
        return typeof literal === "string" || typeof literal === "boolean" || literal === null
          ? `${x} === ${JSON.stringify(literal)}`
          : `${x} === ${this.ref(literal)}`
      }
      case "Union":
        return ast.types.length === 0 ? "false" : `(${ast.types.map((member) => this.expr(member, x)).join(" || ")})`
      case "Refinement": {
        const self = this.ref(ast)
        return `(${this.expr(ast.from, x)} && isNone(${self}.filter(${x}, refinementOptions, ${self})))`
      }
      case "Declaration":
        return `${this.ref(declarationCheck(ast))}(${x})`
      default:
        // Structs, tuples and recursive nodes: their own function.
        return this.call(ast, x)
    }
  }

  /**
   * Statements that return false unless the variable `x` passes `ast`. Arrays are checked by an inline loop;
   * `depth` keeps the names of nested loops apart.
   */
  stmts(ast: AST.AST, x: string, depth: number): string {
    if (ast._tag !== "TupleType") return `if (!(${this.expr(ast, x)})) return false`
    const n = `n${depth}`
    const e = `x${depth}`
    const fixed = ast.elements.length
    const required = ast.elements.filter((element) => !element.isOptional).length
    const out = [`if (!isArray(${x})) return false`, `const ${n} = ${x}.length`]
    if (required > 0) out.push(`if (${n} < ${required}) return false`)
    if (ast.rest.length === 0) out.push(`if (${n} > ${fixed}) return false`)
    ast.elements.forEach((element, i) => {
      const body = `{ const ${e} = ${x}[${i}]; ${this.stmts(element.type, e, depth + 1)} }`
      out.push(i < required ? body : `if (${n} > ${i}) ${body}`)
    })
    if (ast.rest.length === 1) {
      out.push(
        `for (let i${depth} = ${fixed}; i${depth} < ${n}; i${depth}++) {`,
        `const ${e} = ${x}[i${depth}]`,
        this.stmts(ast.rest[0]!.type, e, depth + 1),
        `}`
      )
    }
    return `{\n${out.join("\n")}\n}`
  }

  struct(ast: AST.TypeLiteral): string {
    const out = [
      `if (typeof v !== "object" || v === null || isArray(v)) return false`,
      // Only plain objects: a field read by name is then the object's own or one of Object.prototype's (below).
      `const p = getPrototypeOf(v)`,
      `if (p !== objectPrototype && p !== null) return false`,
      `let x`
    ]
    for (const ps of ast.propertySignatures) {
      const name = ps.name as string
      const key = JSON.stringify(name)
      const inherited = name in Object.prototype
      // A read gives undefined both for an absent key and for a key set to undefined, which Effect checks.
      const has = inherited ? `hasOwn.call(v, ${key})` : `${key} in v`
      out.push(inherited ? `x = ${has} ? v[${key}] : undefined` : `x = v[${key}]`)
      const check = this.stmts(ps.type, "x", 0)
      const undefinedOk = mayAcceptUndefined(ps.type)
      if (ps.isOptional) {
        out.push(
          undefinedOk
            ? `if (x !== undefined || ${has}) { ${check} }`
            : `if (x !== undefined) { ${check} } else if (${has}) return false`
        )
      } else {
        // A missing required key is refused even where Effect would check `undefined` against its type.
        if (undefinedOk) out.push(`if (x === undefined && !(${has})) return false`)
        out.push(check)
      }
    }
    if (ast.indexSignatures.length === 1) {
      out.push(
        `for (const k in v) {`,
        // for-in also visits inherited enumerable keys; those are not the object's own properties.
        `if (!hasOwn.call(v, k)) return false`,
        `x = v[k]`,
        this.stmts(ast.indexSignatures[0]!.type, "x", 0),
        `}`
      )
    }
    out.push("return true")
    return out.join("\n")
  }

  body(ast: AST.AST): string {
    return ast._tag === "TypeLiteral" ? this.struct(ast) : `${this.stmts(ast, "v", 0)}\nreturn true`
  }

  /** The text `new Function` compiles: binds the refs and returns the node's function. */
  source(body: string): string {
    const refs = this.refs.map((_, i) => `r${i} = refs[${i}]`)
    return `"use strict"\n${refs.length > 0 ? `const ${refs.join(", ")}\n` : ""}return function check(v) {\n${body}\n}`
  }
}

const hasOwn = Object.prototype.hasOwnProperty

const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const p = Object.getPrototypeOf(u)
  return p === Object.prototype || p === null
}

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

const leafKind = (ast: AST.AST): Leaf => {
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

/**
 * The function checking one node (a struct, tuple or the target of a Suspend). `f` starts as an interpreter over
 * the node's AST, built on its first call; after `compileAfter` calls it is replaced by the generated function.
 * Generated callers call `cell.f`, so they pick up the replacement.
 */
interface Cell {
  f: Check
  calls: number
  generated: boolean
}

/** Cells by AST node, with the tiering policy: one per {@link make}, so tests can pin a tier. */
class Realm {
  readonly cells = new WeakMap<AST.AST, Cell>()
  readonly roots = new WeakMap<AST.AST, Check | null>()
  canGenerate = true
  constructor(readonly compileAfter: number) {}

  cellOf(node: AST.AST): Cell {
    const ast = resolve(node)
    let cell = this.cells.get(ast)
    if (cell === undefined) {
      const created: Cell = {
        f: (u) => {
          this.tierUp(created, ast)
          return created.f(u)
        },
        calls: 0,
        generated: false
      }
      cell = created
      this.cells.set(ast, cell)
    }
    return cell
  }

  /** Interpreted for the first calls (a program reading one object pays no code generation), then generated. */
  tierUp(cell: Cell, ast: AST.AST): void {
    if (this.compileAfter <= 0 && this.generate(cell, ast)) return
    const interpreted = this.interpret(ast)
    cell.f = (u) => {
      if (++cell.calls > this.compileAfter && this.generate(cell, ast)) return cell.f(u)
      return interpreted(u)
    }
  }

  generate(cell: Cell, ast: AST.AST): boolean {
    if (cell.generated) return true
    if (!this.canGenerate) {
      cell.calls = -Infinity
      return false
    }
    const emitter = new Emitter(this)
    const body = emitter.body(ast)
    let make: (...args: Array<unknown>) => Check
    try {
      make = new Function(...runtimeNames, emitter.source(body)) as typeof make
    } catch (error) {
      // Code generation refused (EvalError under a Content-Security-Policy): the interpreter stays.
      if (!(error instanceof EvalError)) throw error
      this.canGenerate = false
      cell.calls = -Infinity
      return false
    }
    cell.f = make(...runtime, emitter.refs)
    cell.generated = true
    return true
  }

  /** A check of any node by closures; structs, tuples and Suspends go through their cells. */
  checkOf(ast: AST.AST): Check {
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
        const from = this.checkOf(ast.from)
        return (u) => from(u) && Option.isNone(ast.filter(u, refinementOptions, ast))
      }
      case "Declaration":
        return declarationCheck(ast)
      case "Union": {
        const members = ast.types.map((member) => this.checkOf(member))
        const n = members.length
        return (u) => {
          for (let i = 0; i < n; i++) if (members[i]!(u)) return true
          return false
        }
      }
      default: {
        const cell = this.cellOf(ast)
        return (u) => cell.f(u)
      }
    }
  }

  /** What the generated function of `ast` does, by walking tables (the same checks, in the same order of keys). */
  interpret(ast: AST.AST): Check {
    switch (ast._tag) {
      case "TypeLiteral":
        return this.interpretStruct(ast)
      case "TupleType":
        return this.interpretTuple(ast)
      default:
        return this.checkOf(ast)
    }
  }

  interpretTuple(ast: AST.TupleType): Check {
    const elements = ast.elements.map((element) => this.checkOf(element.type))
    const required = ast.elements.filter((element) => !element.isOptional).length
    const rest = ast.rest.length === 1 ? this.checkOf(ast.rest[0]!.type) : undefined
    const fixed = elements.length
    return (u) => {
      if (!Array.isArray(u) || u.length < required) return false
      if (rest === undefined && u.length > fixed) return false
      for (let i = 0; i < u.length; i++) {
        if (!(i < fixed ? elements[i]! : rest!)(u[i])) return false
      }
      return true
    }
  }

  interpretStruct(ast: AST.TypeLiteral): Check {
    // Walks the object's keys rather than the declared properties: an object sets a few of the many optional
    // fields a kind declares.
    const properties = new Map<string, Property>()
    let required = 0
    for (const ps of ast.propertySignatures) {
      properties.set(ps.name as string, {
        kind: leafKind(ps.type),
        check: this.checkOf(ps.type),
        required: !ps.isOptional
      })
      if (!ps.isOptional) required++
    }
    const index = ast.indexSignatures.length === 1 ? this.checkOf(ast.indexSignatures[0]!.type) : undefined
    return (u) => {
      if (!isPlainObject(u)) return false
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

  validator(ast: AST.AST): Check | undefined {
    let check = this.roots.get(ast)
    if (check === undefined) {
      check = null
      if (supported(ast)) {
        const cell = this.cellOf(ast)
        check = (u) => cell.f(u)
      }
      this.roots.set(ast, check)
    }
    return check ?? undefined
  }
}

/**
 * A validator with its own caches: `compileAfter` is how many calls a node's interpreter serves before its function
 * is generated (0: at once; Infinity: never).
 */
export const make = (options: { readonly compileAfter: number }): (ast: AST.AST) => Check | undefined => {
  const realm = new Realm(options.compileAfter)
  return (ast) => realm.validator(ast)
}

/** The source generated for one node (for tests, and to read what runs). */
export const generatedSource = (ast: AST.AST): string => {
  const emitter = new Emitter(new Realm(0))
  return emitter.source(emitter.body(resolve(ast)))
}

/**
 * A predicate that is true only when decoding `ast` with excess properties preserved would succeed and return a
 * value equal to the input; `undefined` when the schema is outside what this models.
 */
export const validator: (ast: AST.AST) => Check | undefined = make({ compileAfter: 32 })
