// Runs a real client binary (kubectl, helm) with a private HOME, so no user config leaks into a test.
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import * as Path from "node:path"

export interface ToolRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const runTool = (
  bin: string,
  home: string,
  args: ReadonlyArray<string>,
  timeoutMs: number
): Effect.Effect<ToolRun> =>
  Effect.async<ToolRun>((resume) => {
    const child = execFile(
      bin,
      args,
      {
        env: { HOME: home, PATH: process.env.PATH ?? "", HELM_CACHE_HOME: Path.join(home, ".cache") },
        timeout: timeoutMs
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })
