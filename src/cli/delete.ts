/**
 * `effect-kube delete -f FILE|DIR|- [-R] [--cascade=background|foreground|orphan] [--ignore-not-found]
 * [--dry-run=server]`: Manifest.delete (reverse apply order) with kubectl's output lines, in the order of the input.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Manifest from "../Manifest.js"
import type { Command } from "./command.js"
import { errorLines, fileFlags, objectError, readInputs } from "./manifestInput.js"
import { commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

const flags = [
  ...commonFlags,
  ...fileFlags,
  { name: "cascade" },
  { name: "ignore-not-found", bool: true },
  { name: "dry-run" },
  { name: "wait", bool: true }
]

const policies = { background: "Background", foreground: "Foreground", orphan: "Orphan" } as const

/** Runs `delete -f ...` and returns the exit code. */
export const command: Command = commandWith("delete", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube delete --help' for usage.`)
      return 1
    }
    const cascade = (parsed.values.get("cascade") ?? "background") as keyof typeof policies
    if (!(cascade in policies)) {
      yield* Console.error(
        `error: invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`
      )
      return 1
    }
    const dryRun = parsed.values.get("dry-run") ?? "none"
    if (dryRun !== "none" && dryRun !== "server") {
      yield* Console.error(`error: Invalid dry-run value (${dryRun}). Must be "none" or "server".`)
      return 1
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    const inputs = yield* readInputs(parsed)
    if ("error" in inputs) {
      yield* Console.error(`error: ${inputs.error}`)
      return 1
    }
    const results = yield* Manifest.delete(inputs.objects, {
      namespace: globals.namespace,
      enforceNamespace: globals.namespace !== undefined && globals.namespace !== "",
      propagationPolicy: policies[cascade],
      dryRun: dryRun === "server" ? "server" : undefined,
      ignoreNotFound: parsed.bools.get("ignore-not-found") === true
    }).pipe(Effect.provide(layer(options)))
    const failures: Array<string> = []
    for (const result of results) {
      if (result._tag === "Deleted") {
        yield* Console.log(`${Manifest.describe(result)}${dryRun === "server" ? " (server dry run)" : ""}`)
      } else {
        failures.push(
          objectError(result.error, inputs.objects[result.index]!, inputs.sources[result.index]!, "deleting")
        )
      }
    }
    const errors = errorLines(inputs.documentErrors, failures)
    if (errors === undefined) return 0
    yield* Console.error(errors)
    return 1
  }))
