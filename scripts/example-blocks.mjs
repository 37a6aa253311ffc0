// Every `@example` block in the JSDoc of src/ must compile: write each one as a module under test/jsdoc/ so the
// project's type-check (tsconfig includes test/) covers them, as README blocks are covered by readme-blocks.mjs.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const sources = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(p)
    return e.name.endsWith(".ts") ? [p] : []
  })

export function writeExampleBlocks() {
  const dir = path.join(root, "test", "jsdoc")
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  let count = 0
  for (const file of sources(path.join(root, "src"))) {
    const text = fs.readFileSync(file, "utf8")
    for (const m of text.matchAll(/^[ \t]*\* @example\n[ \t]*\* ```(?:ts|typescript)\n([\s\S]*?)^[ \t]*\* ```$/gm)) {
      // Top-level bindings are exported so an example that only builds a program is not an unused local.
      const code = m[1].split("\n").map((l) => l.replace(/^[ \t]*\* ?/, "").replace(/^const /, "export const "))
        .join("\n")
      const line = text.slice(0, m.index).split("\n").length + 1
      const rel = path.relative(root, file)
      count++
      fs.writeFileSync(
        path.join(dir, `${rel.replace(/[/.]/g, "_")}-${line}.ts`),
        `// ${rel} line ${line}\n${code}\nexport {}\n`
      )
    }
  }
  return count
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(`${writeExampleBlocks()} @example blocks written to test/jsdoc/`)
}
