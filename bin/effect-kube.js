#!/usr/bin/env node
// The installed package runs the bundled CLI (one file, built by `npm run build`: scripts/build.mjs); a source
// checkout without a build falls back to tsx.
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const built = join(root, "dist", "bin", "effect-kube.mjs")
if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  const { spawn } = await import("node:child_process")
  const child = spawn(
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
  // The child does the work: a signal sent to this wrapper (a supervisor's SIGTERM) is passed on, and the wrapper
  // exits the way the child did.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal))
  }
  child.on("exit", (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    } else {
      process.exit(code ?? 1)
    }
  })
}
