/**
 * Generates src/generated from a Swagger 2.0 spec (default: the bundled Kubernetes 1.36 spec), or typed modules
 * from CustomResourceDefinition manifests.
 *
 *   npm run generate                                   regenerate src/generated from the bundled spec
 *   npm run generate -- --spec openapi-v2.json --out dir   any Swagger 2.0 spec (e.g. a cluster's /openapi/v2)
 *   npm run generate -- --check                        fail when committed output differs from a fresh run
 *   npm run generate -- --crd crd.yaml --out src/custom    one module per CRD group/version
 */
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { clientsetFromFiles } from "./generator-clientset.js"
import { diffFiles, writeFiles } from "./generator/emit.js"
import { generateFromCrdFiles, generateFromSpecFile } from "./generator/index.js"
import { openapiSchemasFile } from "./generator/openapiSchemas.js"
import { protobufTablesFile } from "./generator/protobuf.js"
import { defaultSpecPath } from "./specPath.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const defaultSpec = defaultSpecPath

const main = (): number => {
  const { values } = parseArgs({
    options: {
      spec: { type: "string" },
      crd: { type: "string", multiple: true },
      out: { type: "string" },
      "api-import": { type: "string" },
      check: { type: "boolean", default: false }
    },
    strict: true
  })
  const crds = values.crd ?? []
  let outDir: string
  let files
  if (crds.length > 0) {
    outDir = Path.resolve(values.out ?? "src/custom")
    files = generateFromCrdFiles(crds.map((f) => Path.resolve(f)), {
      outDir,
      ...(values["api-import"] !== undefined ? { apiImport: values["api-import"] } : {})
    })
  } else {
    outDir = Path.resolve(values.out ?? Path.join(root, "src/generated"))
    files = generateFromSpecFile(Path.resolve(values.spec ?? defaultSpec), { outDir })
    // The clientset accessors import ../ResourceClient.js, so they belong only in the library's own folder.
    if (outDir === Path.join(root, "src/generated")) files.set("clientset.ts", clientsetFromFiles(files))
    // Codec tables for the fake apiserver's protobuf support (only the built-in spec has matching proto files).
    if (outDir === Path.join(root, "src/generated")) {
      files.set("protobufTables.ts", protobufTablesFile(Path.resolve(values.spec ?? defaultSpec)))
      files.set("openapiSchemas.ts", openapiSchemasFile(Path.resolve(values.spec ?? defaultSpec)))
    }
  }
  if (values.check) {
    const problems = diffFiles(outDir, files)
    if (problems.length > 0) {
      process.stderr.write(`generated files are stale; run npm run generate\n${problems.join("\n")}\n`)
      return 1
    }
    process.stdout.write(`${files.size} generated files are up to date in ${Path.relative(root, outDir)}\n`)
    return 0
  }
  writeFiles(outDir, files)
  process.stdout.write(`wrote ${files.size} files to ${Path.relative(root, outDir) || outDir}\n`)
  return 0
}

try {
  process.exitCode = main()
} catch (error) {
  process.stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
