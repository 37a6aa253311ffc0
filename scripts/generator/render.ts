/**
 * Renders definitions to TypeScript modules: an explicit interface and an annotated Effect Schema per definition,
 * and a ResourceDef per served resource whose kind is defined in the module.
 */
import * as Path from "node:path"
import type { ResourceInfo } from "../../src/Resource.js"
import type { ReferenceLink } from "./docs.js"
import type { BodyIR, Constraints, DefinitionIR, FieldIR, TypeIR } from "./ir.js"
import { bodyRefs } from "./ir.js"
import type { Placement } from "./naming.js"
import { moduleAlias } from "./naming.js"
import { renderResourceInfoFields } from "./resources.js"
import { compareStrings } from "./spec.js"

export interface RenderInput {
  readonly header: string
  readonly definitions: ReadonlyArray<DefinitionIR>
  /** Placement of every definition that can be referenced, including ones rendered elsewhere. */
  readonly placements: ReadonlyMap<string, Placement>
  readonly resources: ReadonlyArray<ResourceInfo>
  /** Import specifier of src/Resource.ts from a module at the given module path. */
  readonly resourceImport: (module: string) => string
  /**
   * Where a module imports `struct`, `optional`, `array` and `record` from (src/internal/generatedSchema.ts for the project's own
   * modules); without it each module defines them (generated CRD code outside the project).
   */
  readonly helperImport?: ((module: string) => string) | undefined
  /** Import specifier of another generated module (definitions outside this output set), if any. */
  readonly externalImport?: (fromModule: string, toModule: string) => string
  /** Modules that belong to this output set (relative imports); others use externalImport. */
  readonly localModules?: ReadonlySet<string>
  /** The API reference section of a definition, linked from its documentation and its fields'. */
  readonly reference?: ((name: string) => ReferenceLink) | undefined
}

const isIdentifier = (s: string): boolean => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)
const propKey = (s: string): string => (isIdentifier(s) ? s : JSON.stringify(s))

const relativeModule = (from: string, to: string): string => {
  let rel = Path.posix.relative(Path.posix.dirname(from), to)
  if (!rel.startsWith(".")) rel = `./${rel}`
  return `${rel}.js`
}

/** Renders one module's definitions (all sharing `module`). */
interface ModuleContext {
  readonly module: string
  readonly placements: ReadonlyMap<string, Placement>
  /** Definitions already emitted above the current one in this module. */
  readonly emitted: Set<string>
  /** Modules imported with a cycle back to this one: references into them are suspended. */
  readonly cyclic: ReadonlySet<string>
  readonly imports: Set<string>
  readonly reference: ((name: string) => ReferenceLink) | undefined
  /**
   * The library's helpers (`array`, `record`) this module uses; undefined for standalone output, which writes
   * `Schema.Array` and `Schema.Record` itself.
   */
  readonly helpers: Set<string> | undefined
}

const qualified = (ctx: ModuleContext, name: string): string => {
  const p = ctx.placements.get(name)
  if (p === undefined) throw new Error(`reference to unknown definition ${name}`)
  if (p.module === ctx.module) return p.ident
  ctx.imports.add(p.module)
  return `${moduleAlias(p.module)}.${p.ident}`
}

const literal = (v: string | number | boolean): string => JSON.stringify(v)

const tsType = (ctx: ModuleContext, t: TypeIR): string => {
  switch (t._tag) {
    case "Ref":
      return qualified(ctx, t.name)
    case "String":
      return "string"
    case "Number":
      return "number"
    case "Boolean":
      return "boolean"
    case "Unknown":
      return "unknown"
    case "Literals":
      return t.values.map(literal).join(" | ")
    case "IntOrString":
      return "number | string"
    case "Array": {
      return `ReadonlyArray<${tsType(ctx, t.items)}>`
    }
    case "Record":
      return `{ readonly [key: string]: ${tsType(ctx, t.values)} }`
    case "Nullable":
      return `${tsType(ctx, t.inner)} | null`
  }
}

const checks = (c: Constraints | undefined, kind: "string" | "number" | "array" | "record"): Array<string> => {
  if (c === undefined) return []
  const out: Array<string> = []
  if (kind === "number") {
    if (c.minimum !== undefined) {
      out.push(
        c.exclusiveMinimum === true ? `Schema.greaterThan(${c.minimum})` : `Schema.greaterThanOrEqualTo(${c.minimum})`
      )
    }
    if (c.maximum !== undefined) {
      out.push(c.exclusiveMaximum === true ? `Schema.lessThan(${c.maximum})` : `Schema.lessThanOrEqualTo(${c.maximum})`)
    }
  }
  if (kind === "string") {
    if (c.minLength !== undefined) out.push(`Schema.minLength(${c.minLength})`)
    if (c.maxLength !== undefined) out.push(`Schema.maxLength(${c.maxLength})`)
    if (c.pattern !== undefined) out.push(`Schema.pattern(new RegExp(${JSON.stringify(c.pattern)}, "u"))`)
  }
  if (kind === "array") {
    if (c.minItems !== undefined) out.push(`Schema.minItems(${c.minItems})`)
    if (c.maxItems !== undefined) out.push(`Schema.maxItems(${c.maxItems})`)
  }
  return out
}

// Every call in a schema expression is marked pure, so a bundler can drop a schema (and everything only it uses)
// when a program does not use it: one kind does not pull its whole group.
const pure = "/*#__PURE__*/ "

const piped = (base: string, filters: ReadonlyArray<string>): string =>
  filters.length === 0 ? base : `${pure}${base}.pipe(${filters.map((f) => `${pure}${f}`).join(", ")})`

const schemaExpr = (ctx: ModuleContext, t: TypeIR): string => {
  switch (t._tag) {
    case "Ref": {
      const expr = qualified(ctx, t.name)
      const p = ctx.placements.get(t.name)!
      const direct = p.module === ctx.module ? ctx.emitted.has(t.name) : !ctx.cyclic.has(p.module)
      return direct ? expr : `${pure}Schema.suspend(() => ${expr})`
    }
    case "String":
      return piped("Schema.String", checks(t.constraints, "string"))
    case "Number":
      return piped(t.integer ? "Schema.Int" : "Schema.Number", checks(t.constraints, "number"))
    case "Boolean":
      return "Schema.Boolean"
    case "Unknown":
      return "Schema.Unknown"
    case "Literals":
      return `${pure}Schema.Literal(${t.values.map(literal).join(", ")})`
    case "IntOrString":
      return `${pure}Schema.Union(Schema.Number, Schema.String)`
    case "Array": {
      const items = schemaExpr(ctx, t.items)
      ctx.helpers?.add("array")
      const base = ctx.helpers !== undefined ? `${pure}array(${items})` : `${pure}Schema.Array(${items})`
      return piped(base, checks(t.constraints, "array"))
    }
    case "Record": {
      const values = schemaExpr(ctx, t.values)
      ctx.helpers?.add("record")
      return ctx.helpers !== undefined
        ? `${pure}record(${values})`
        : `${pure}Schema.Record({ key: Schema.String, value: ${values} })`
    }
    case "Nullable":
      return `${pure}Schema.NullOr(${schemaExpr(ctx, t.inner)})`
  }
}

/** Orders definitions so that each comes after the ones it references (within the module), where cycles allow. */
const topoOrder = (defs: ReadonlyArray<DefinitionIR>): Array<DefinitionIR> => {
  const byName = new Map(defs.map((d) => [d.name, d]))
  const state = new Map<string, "visiting" | "done">()
  const out: Array<DefinitionIR> = []
  const visit = (d: DefinitionIR): void => {
    if (state.has(d.name)) return
    state.set(d.name, "visiting")
    for (const ref of [...bodyRefs(d.body)].sort(compareStrings)) {
      const target = byName.get(ref)
      if (target !== undefined) visit(target)
    }
    state.set(d.name, "done")
    out.push(d)
  }
  for (const d of [...defs].sort((a, b) => compareStrings(a.name, b.name))) visit(d)
  return out
}

const docBlock = (lines: ReadonlyArray<string>, category: string): Array<string> => [
  "/**",
  ...lines.map((l) => (l === "" ? " *" : ` * ${l}`)),
  " *",
  " * @since 0.1.0",
  ` * @category ${category}`,
  " */"
]

const seeAlso = (link: ReferenceLink): string => `{@link ${link.url} | ${link.label}}`

/** The definition's name, the kinds it is served as (when few), and its API reference section. */
const typeDoc = (ctx: ModuleContext, d: DefinitionIR, first: string): Array<string> => {
  const lines = [first]
  if (d.gvks.length > 0 && d.gvks.length <= 2) {
    for (const gvk of d.gvks) {
      lines.push("", `Kind \`${gvk.kind}\` of \`${gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`}\`.`)
    }
  }
  if (ctx.reference !== undefined) lines.push("", `API reference: ${seeAlso(ctx.reference(d.name))}`)
  return lines
}

/** The definition a field's value is made of (through arrays, maps and null), if it is one. */
const valueDefinition = (t: TypeIR): string | undefined => {
  switch (t._tag) {
    case "Ref":
      return t.name
    case "Array":
      return valueDefinition(t.items)
    case "Record":
      return valueDefinition(t.values)
    case "Nullable":
      return valueDefinition(t.inner)
    default:
      return undefined
  }
}

/** A field links to the section of the definition its value is, else to its own definition's section. */
const fieldDoc = (ctx: ModuleContext, d: DefinitionIR, f: FieldIR): Array<string> => {
  if (ctx.reference === undefined) return []
  const target = valueDefinition(f.type) ?? d.name
  return [`  /** ${[...(f.facts ?? []), seeAlso(ctx.reference(target))].join("; ")} */`]
}

const renderBody = (ctx: ModuleContext, d: DefinitionIR, ident: string): Array<string> => {
  const body: BodyIR = d.body
  const lines: Array<string> = []
  if (body._tag === "Alias") {
    lines.push(...docBlock(typeDoc(ctx, d, `\`${d.name}\``), "models"))
    lines.push(`export type ${ident} = ${tsType(ctx, body.type)}`, "")
    lines.push(...docBlock([`Schema of \`${d.name}\`.`], "schemas"))
    lines.push(`export const ${ident}: Schema.Schema<${ident}> = ${schemaExpr(ctx, body.type)}`)
    return lines
  }
  lines.push(...docBlock(typeDoc(ctx, d, `\`${d.name}\``), "models"))
  if (body.fields.length === 0) {
    lines.push(`export interface ${ident} {}`)
  } else {
    lines.push(`export interface ${ident} {`)
    for (const f of body.fields) {
      lines.push(...fieldDoc(ctx, d, f))
      lines.push(`  readonly ${propKey(f.name)}${f.required ? "" : "?"}: ${tsType(ctx, f.type)}`)
    }
    lines.push("}")
  }
  lines.push("")
  lines.push(...docBlock([`Schema of \`${d.name}\`; unknown fields are kept.`], "schemas"))
  if (body.fields.length === 0) {
    lines.push(
      `export const ${ident}: Schema.Schema<${ident}> = ${pure}struct<${ident}>(${JSON.stringify(ident)}, () => ({}))`
    )
  } else {
    lines.push(
      `export const ${ident}: Schema.Schema<${ident}> = ${pure}struct<${ident}>(${JSON.stringify(ident)}, () => ({`
    )
    body.fields.forEach((f, i) => {
      const expr = schemaExpr(ctx, f.type)
      const value = f.required ? expr : `${pure}optional(${expr})`
      lines.push(`  ${propKey(f.name)}: ${value}${i < body.fields.length - 1 ? "," : ""}`)
    })
    lines.push("}))")
  }
  return lines
}

/**
 * Emitted once per module. `struct` checks each field's schema against the interface's field (required fields need
 * a Schema of exactly that type, optional ones an exact optional), which costs tsc about half of inferring a full
 * `Schema.Struct` type per definition and comparing it with the interface afterwards. Every struct keeps unknown
 * fields on decode and encode. Fields come as a thunk, the calling convention of the library's own helper (which
 * builds on first use); this standalone copy calls it at once.
 */
const structHelper: ReadonlyArray<string> = [
  "type _OptionalKeys<A> = { [K in keyof A]-?: {} extends Pick<A, K> ? K : never }[keyof A]",
  "type _Fields<A> = {",
  "  readonly [K in keyof A]-?: K extends _OptionalKeys<A>",
  "    ? Schema.optionalWith<Schema.Schema<Exclude<A[K], undefined>>, { exact: true }>",
  "    : Schema.Schema<A[K]>",
  "}",
  "const struct = <A>(identifier: string, fields: () => _Fields<A>): Schema.Schema<A> =>",
  "  Schema.Struct(fields() as Schema.Struct.Fields).annotations({",
  "    identifier,",
  "    parseOptions: { onExcessProperty: \"preserve\" }",
  "  }) as unknown as Schema.Schema<A>"
]
const optionalHelper: ReadonlyArray<string> = [
  "const optional = <A>(schema: Schema.Schema<A>): Schema.optionalWith<Schema.Schema<A>, { exact: true }> =>",
  "  Schema.optionalWith(schema, { exact: true })"
]

const resourceConstName = (r: ResourceInfo, ident: string, taken: Set<string>): string => {
  let name = `${ident}Resource`
  if (taken.has(name)) name = `${ident}${r.plural.charAt(0).toUpperCase()}${r.plural.slice(1)}Resource`
  while (taken.has(name)) name = `${name}_`
  taken.add(name)
  return name
}

/** Modules that import each other (directly or not): references between them must be suspended. */
const cyclicModules = (deps: ReadonlyMap<string, ReadonlySet<string>>, from: string): Set<string> => {
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>()
    const stack = [start]
    while (stack.length > 0) {
      const m = stack.pop()!
      if (m === goal) return true
      if (seen.has(m)) continue
      seen.add(m)
      for (const n of deps.get(m) ?? []) stack.push(n)
    }
    return false
  }
  const out = new Set<string>()
  for (const to of deps.get(from) ?? []) if (reaches(to, from)) out.add(to)
  return out
}

/** Renders every module of the input: module path (e.g. "core/v1") -> source. */
export const renderModules = (input: RenderInput): Map<string, string> => {
  const byModule = new Map<string, Array<DefinitionIR>>()
  for (const d of input.definitions) {
    const p = input.placements.get(d.name)!
    if (!byModule.has(p.module)) byModule.set(p.module, [])
    byModule.get(p.module)!.push(d)
  }
  // Module dependency graph, for cycle detection.
  const deps = new Map<string, Set<string>>()
  for (const [module, defs] of byModule) {
    const set = new Set<string>()
    for (const d of defs) {
      for (const ref of bodyRefs(d.body)) {
        const p = input.placements.get(ref)
        if (p !== undefined && p.module !== module) set.add(p.module)
      }
    }
    deps.set(module, set)
  }
  const resourcesByDefinition = new Map<string, Array<ResourceInfo>>()
  for (const r of input.resources) {
    if (r.definition === undefined) continue
    if (!resourcesByDefinition.has(r.definition)) resourcesByDefinition.set(r.definition, [])
    resourcesByDefinition.get(r.definition)!.push(r)
  }

  const out = new Map<string, string>()
  for (const module of [...byModule.keys()].sort(compareStrings)) {
    const ctx: ModuleContext = {
      module,
      placements: input.placements,
      emitted: new Set(),
      cyclic: cyclicModules(deps, module),
      imports: new Set(),
      reference: input.reference,
      helpers: input.helperImport !== undefined ? new Set() : undefined
    }
    const body: Array<string> = []
    const taken = new Set(byModule.get(module)!.map((d) => input.placements.get(d.name)!.ident))
    const resourceLines: Array<string> = []
    for (const d of topoOrder(byModule.get(module)!)) {
      const ident = input.placements.get(d.name)!.ident
      body.push("", ...renderBody(ctx, d, ident))
      ctx.emitted.add(d.name)
      for (const r of resourcesByDefinition.get(d.name) ?? []) {
        const name = resourceConstName(r, ident, taken)
        const gv = r.group === "" ? r.version : `${r.group}/${r.version}`
        resourceLines.push(
          "",
          ...docBlock([`${r.plural} (${gv}, ${r.namespaced ? "namespaced" : "cluster-scoped"}).`], "resources"),
          `export const ${name}: ResourceDef<${ident}> = {`,
          `  ${renderResourceInfoFields(r)},`,
          `  schema: ${ident}`,
          "}"
        )
      }
    }
    const head: Array<string> = [input.header, "", `import * as Schema from "effect/Schema"`]
    if (resourceLines.length > 0) head.push(`import type { ResourceDef } from "${input.resourceImport(module)}"`)
    for (const imported of [...ctx.imports].sort(compareStrings)) {
      const local = input.localModules === undefined || input.localModules.has(imported)
      const spec = local || input.externalImport === undefined
        ? relativeModule(module, imported)
        : input.externalImport(module, imported)
      head.push(`import * as ${moduleAlias(imported)} from "${spec}"`)
    }
    const hasStruct = byModule.get(module)!.some((d) => d.body._tag === "Struct")
    const hasOptional = byModule.get(module)!.some((d) =>
      d.body._tag === "Struct" && d.body.fields.some((f) => !f.required)
    )
    const shared = [
      ...[...(ctx.helpers ?? [])].sort(compareStrings),
      ...(hasOptional ? ["optional"] : []),
      ...(hasStruct ? ["struct"] : [])
    ].sort(compareStrings)
    if (input.helperImport !== undefined && shared.length > 0) {
      head.push(`import { ${shared.join(", ")} } from "${input.helperImport(module)}"`)
    }
    head.push("")
    if (input.helperImport === undefined) {
      if (hasStruct) head.push(...structHelper)
      if (hasOptional) head.push(...optionalHelper)
    }
    out.set(module, [...head, ...body, ...resourceLines, ""].join("\n"))
  }
  return out
}
