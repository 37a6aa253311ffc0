/** Runs `effect-kube` command lines in-process with what they print captured. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { vi } from "vitest"
import { dispatch } from "../../src/cli/main.js"

export interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command line in-process, capturing what it writes. */
export const ours = async (argv: ReadonlyArray<string>): Promise<Outcome> => {
  let stdout = ""
  let stderr = ""
  const text = (chunk: string | Uint8Array) => typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += text(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += text(chunk)
    return true
  })
  try {
    const base = await Effect.runPromise(Effect.console)
    const console: Console.Console = {
      ...base,
      log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void (stdout += `${parts.join(" ")}\n`)),
      error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void (stderr += `${parts.join(" ")}\n`))
    }
    const code = await Effect.runPromise(
      dispatch(argv).pipe(Effect.withConsole(console), Effect.provide(NodeContext.layer))
    )
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}
