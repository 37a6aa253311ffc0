/**
 * The JSDoc `@category` vocabulary is a fixed set, so the API reference groups every module the same way. Public
 * modules (`src/*.ts`, `src/generated/`) must give each export a category from the set; internal and CLI files may
 * leave it out, but what they give must be from the set too.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import ts from "typescript"

/** The categories, and what each groups. */
export const categories = {
  models: "interfaces and types: the values the library passes around",
  schemas: "Effect Schemas",
  errors: "error classes and error unions",
  constructors: "functions and values that build a model",
  layers: "Layers",
  tags: "Context tags of services",
  options: "option records of a constructor or operation",
  guards: "refinements (`isX`)",
  predicates: "boolean functions that are not refinements",
  combinators: "functions from a value to a changed value (dual where they take arguments)",
  accessors: "functions that read a part of a value",
  constants: "fixed values: defaults, tables, metrics",
  conversions: "parsing, decoding, encoding, printing, rendering to another representation",
  operations: "effects that act on a cluster, a file system or a stream",
  clients: "typed clients and their accessors (generated clientset)",
  resources: "resource descriptors (generated)",
  symbols: "type ids",
  utils: "helpers that fit none of the above"
} as const

const root = Path.join(import.meta.dirname, "..", "src")

const files = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = Path.join(dir, entry.name)
    return entry.isDirectory() ? files(full) : entry.name.endsWith(".ts") ? [full] : []
  })

const isPublic = (file: string): boolean => {
  const relative = Path.relative(root, file)
  return !relative.startsWith("internal") && !relative.startsWith("cli") && relative !== "index.ts"
}

interface Export {
  readonly file: string
  readonly name: string
  readonly categories: ReadonlyArray<string>
}

const exported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)

const nameOf = (statement: ts.Statement): string | undefined => {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => d.name.getText()).join(", ")
  }
  if (
    ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)
  ) return statement.name?.getText()
  return undefined
}

const exportsOf = (file: string): Array<Export> => {
  const source = ts.createSourceFile(file, Fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
  const seen = new Set<string>()
  const out: Array<Export> = []
  for (const statement of source.statements) {
    if (!exported(statement)) continue
    const name = nameOf(statement)
    // Overloads and declaration merging (a const and a type of one name) share the first declaration's doc.
    if (name === undefined || seen.has(name)) continue
    seen.add(name)
    const all = ts.getJSDocTags(statement)
    // `@internal` exports are not part of the API reference.
    if (all.some((tag) => tag.tagName.text === "internal")) continue
    const tags = all.filter((tag) => tag.tagName.text === "category")
    out.push({
      file: Path.relative(root, file),
      name,
      categories: tags.map((tag) => ts.getTextOfJSDocComment(tag.comment) ?? "")
    })
  }
  return out
}

describe("doc categories", () => {
  const all = files(root).flatMap(exportsOf)

  it("the fixed set is what the sources use, and every category is from it", () => {
    const allowed = new Set(Object.keys(categories))
    const outside = all.flatMap((e) =>
      e.categories.filter((c) => !allowed.has(c)).map((c) => `${e.file} ${e.name}: ${c}`)
    )
    expect(outside).toEqual([])
    // A category nobody uses is not part of the set.
    const used = new Set(all.flatMap((e) => e.categories))
    expect([...allowed].filter((c) => !used.has(c))).toEqual([])
  })

  it("every export of a public module has exactly one category", () => {
    const wrong = all.filter((e) => isPublic(Path.join(root, e.file)) && e.categories.length !== 1)
    expect(wrong.map((e) => `${e.file} ${e.name}: ${e.categories.length}`)).toEqual([])
  })

  it("the scan sees the exports it checks", () => {
    const byName = new Map(all.map((e) => [`${e.file} ${e.name}`, e.categories]))
    expect(byName.get("KubeError.ts NotFound")).toEqual(["errors"])
    expect(byName.get("KubeError.ts isNotFound")).toEqual(["guards"])
    expect(all.filter((e) => e.file.startsWith("generated")).length).toBeGreaterThan(1000)
  })
})
