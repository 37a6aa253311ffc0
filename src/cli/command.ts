import type * as NodeContext from "@effect/platform-node/NodeContext"
import type * as Effect from "effect/Effect"
import type { GlobalFlags } from "./globals.js"

/**
 * A subcommand: takes the arguments after its name (global flags already taken out, see ./globals.ts) and the
 * parsed global flags (absent when called directly, as tests do: it then reads them from `args`), and returns
 * the process exit code. Errors are printed by the command itself in kubectl's
 * words, so nothing escapes as a defect.
 */
export type Command = (
  args: ReadonlyArray<string>,
  globals?: GlobalFlags
) => Effect.Effect<number, never, NodeContext.NodeContext>

/**
 * One line of the command table in ./main.ts: how to load the command, and whether its first argument is a
 * subcommand (`config view`, `create namespace`) for the `See 'effect-kube config view --help'` hint.
 * `rawArgs` hands the command every argument, global flags included, for commands that parse them themselves.
 */
export interface CommandEntry {
  readonly load: () => Promise<{ readonly command: Command }>
  readonly subcommands?: boolean | undefined
  readonly rawArgs?: boolean | undefined
}
