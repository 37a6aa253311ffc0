#!/usr/bin/env node
// The installed package runs the compiled CLI; a source checkout without a build falls back to tsx.
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const built = join(root, "dist", "cli", "main.js")
if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  const { spawnSync } = await import("node:child_process")
  const r = spawnSync(
    process.execPath,
    // Resolve tsx from this package, not from the user's working directory.
    [
      "--import",
      import.meta.resolve("tsx"),
      join(root, "src", "cli", "main.ts"),
      ...process.argv.slice(2)
    ],
    { stdio: "inherit" }
  )
  process.exit(r.status ?? 1)
}
