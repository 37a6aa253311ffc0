// Every ```ts block of README.md must compile: write each one as a module under test/readme/ so the project's
// type-check (tsconfig includes test/) covers them with the same settings as examples.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

export function writeReadmeBlocks() {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8")
  const dir = path.join(root, "test", "readme")
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const blocks = [...readme.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((m) => m[1])
  blocks.forEach((code, i) => {
    const line = readme.slice(0, readme.indexOf(code)).split("\n").length
    fs.writeFileSync(
      path.join(dir, `block-${String(i + 1).padStart(2, "0")}.ts`),
      `// README.md line ${line}\n${code}\nexport {}\n`
    )
  })
  return blocks.length
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(`${writeReadmeBlocks()} README blocks written to test/readme/`)
}
