import type * as NodeContext from "@effect/platform-node/NodeContext"
import type * as Effect from "effect/Effect"

/**
 * A subcommand: takes the arguments after its name and returns the process exit code. Errors are printed by the
 * command itself in kubectl's words, so nothing escapes as a defect.
 */
export type Command = (args: ReadonlyArray<string>) => Effect.Effect<number, never, NodeContext.NodeContext>
