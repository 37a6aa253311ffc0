/**
 * `effect-kube diff -f FILE|DIR|- [-R]`: Manifest.diff (the server's dry-run apply against the live object) as
 * unified diffs; exit code 0 without differences, 1 with, as kubectl's.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Manifest from "../Manifest.js"
import type { Command } from "./command.js"
import { errorLines, fileFlags, objectError, readInputs } from "./manifestInput.js"
import { commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

const flags = [...commonFlags, ...fileFlags, { name: "server-side", bool: true }, { name: "field-manager" }]

/** Runs `diff -f ...` and returns the exit code. */
export const command: Command = commandWith("diff", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube diff --help' for usage.`)
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
    const results = yield* Manifest.diff(inputs.objects, {
      fieldManager: parsed.values.get("field-manager") ?? "kubectl",
      namespace: globals.namespace,
      enforceNamespace: globals.namespace !== undefined && globals.namespace !== ""
    }).pipe(Effect.provide(layer(options)))
    let differs = false
    const failures: Array<string> = []
    for (const result of results) {
      if (result._tag === "Diff") {
        if (result.diff !== "") {
          differs = true
          yield* Console.log(result.diff.replace(/\n$/, ""))
        }
      } else {
        failures.push(
          objectError(result.error, inputs.objects[result.index]!, inputs.sources[result.index]!, undefined)
        )
      }
    }
    const errors = errorLines(inputs.documentErrors, failures)
    if (errors !== undefined) {
      yield* Console.error(errors)
      return 1
    }
    return differs ? 1 : 0
  }))
