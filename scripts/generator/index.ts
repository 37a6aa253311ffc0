/**
 * Generator entry points: a Swagger 2.0 spec or CRD manifests in, a set of TypeScript files out.
 */
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { convertCrds, loadCrds } from "./crd.js"
import { referenceLinks, referenceMinor } from "./docs.js"
import { header } from "./emit.js"
import type { FileSet } from "./emit.js"
import { swaggerDefinitions } from "./ir.js"
import { placeDefinitions } from "./naming.js"
import { buildPatchMeta, renderPatchMeta } from "./patchMeta.js"
import { renderModules } from "./render.js"
import { buildResources, renderResources } from "./resources.js"
import { loadSpec, specLabel } from "./spec.js"

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const repoSrc = Path.join(repoRoot, "src")

/** Output inside this repository imports the library by relative path; anywhere else by package name. */
const insideRepo = (outDir: string): boolean => !Path.relative(repoRoot, Path.resolve(outDir)).startsWith("..")

/** How generated files import the library: relative paths inside this repository, package paths outside it. */
export const libraryImport = (outDir: string, module: string, fromSubdir = ""): string => {
  const from = Path.join(outDir, fromSubdir)
  if (!insideRepo(outDir)) return `effect-kube/${module}`
  let rel = Path.relative(from, Path.join(repoSrc, module)).split(Path.sep).join("/")
  if (!rel.startsWith(".")) rel = `./${rel}`
  return `${rel}.js`
}

export interface SpecOptions {
  readonly outDir: string
}

export const generateFromSpecFile = (file: string, options: SpecOptions): FileSet => {
  const spec = loadSpec(file)
  const head = header(specLabel(spec, file))
  const files: FileSet = new Map()
  const resources = buildResources(spec)
  files.set("resources.ts", renderResources(head, resources, libraryImport(options.outDir, "Resource")))
  files.set(
    "patchMeta.ts",
    renderPatchMeta(head, buildPatchMeta(spec), libraryImport(options.outDir, "PatchMeta"))
  )
  const definitions = swaggerDefinitions(spec)
  const placements = placeDefinitions(definitions.map((d) => d.name))
  const minor = referenceMinor(file)
  const modules = renderModules({
    header: head,
    definitions,
    placements,
    resources,
    resourceImport: (module) => libraryImport(options.outDir, "Resource", Path.dirname(module)),
    // Outside the project the helpers' module is not importable (internal/ is closed): each module keeps its own.
    helperImport: insideRepo(options.outDir)
      ? (module) => libraryImport(options.outDir, "internal/generatedSchema", Path.dirname(module))
      : undefined,
    reference: minor === undefined ? undefined : referenceLinks(definitions, minor)
  })
  for (const [module, source] of modules) files.set(`${module}.ts`, source)
  return files
}

export interface CrdOptions {
  readonly outDir: string
  readonly apiImport?: string
}

/** Import specifier of a built-in generated module (e.g. meta/v1) from a module of a CRD output folder. */
const builtinImport = (options: CrdOptions) => (fromModule: string, toModule: string): string => {
  if (options.apiImport !== undefined) return `${options.apiImport.replace(/\/$/, "")}/${toModule}`
  const generated = Path.join(repoSrc, "generated")
  if (!insideRepo(options.outDir)) return `effect-kube/api/${toModule}`
  let rel = Path.relative(Path.dirname(Path.join(options.outDir, fromModule)), Path.join(generated, toModule))
    .split(Path.sep).join("/")
  if (!rel.startsWith(".")) rel = `./${rel}`
  return `${rel}.js`
}

export const generateFromCrdFiles = (files: ReadonlyArray<string>, options: CrdOptions): FileSet => {
  const crds = files.flatMap((file) => loadCrds(file))
  const { definitions, resources } = convertCrds(crds, files.join(", "))
  const head = header(`CustomResourceDefinition ${files.map((f) => Path.basename(f)).join(", ")}`)
  const metaNames = ["ObjectMeta", "ListMeta"].map((n) => `io.k8s.apimachinery.pkg.apis.meta.v1.${n}`)
  const placements = new Map(placeDefinitions(definitions.map((d) => d.name)))
  for (const [name, placement] of placeDefinitions(metaNames)) placements.set(name, placement)
  const localModules = new Set(definitions.map((d) => placements.get(d.name)!.module))
  const modules = renderModules({
    header: head,
    definitions,
    placements,
    resources,
    resourceImport: (module) =>
      options.apiImport !== undefined
        ? "effect-kube/Resource"
        : libraryImport(options.outDir, "Resource", Path.dirname(module)),
    externalImport: builtinImport(options),
    localModules
  })
  const out: FileSet = new Map()
  for (const [module, source] of modules) out.set(`${module}.ts`, source)
  return out
}
