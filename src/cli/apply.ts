/**
 * `effect-kube apply -f FILE|DIR|- [-R] [--server-side] [--dry-run=server] [--prune -l SEL]`: Manifest.apply
 * (always server-side apply) with kubectl's output lines. With `--server-side` each object prints
 * `serverside-applied`, as kubectl's server-side apply; without it the action the server's answer shows
 * (`created`, `configured`, `unchanged`), as kubectl's client-side apply prints.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Manifest from "../Manifest.js"
import type { Command } from "./command.js"
import { errorLines, fileFlags, objectError, readInputs } from "./manifestInput.js"
import { commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

const usage = `Apply a configuration to resources by file name or stdin (server-side apply).

Usage:
  effect-kube apply -f FILENAME [-R] [--server-side] [--dry-run=none|server] [--force-conflicts]
    [--field-manager NAME] [--prune -l SELECTOR] [flags]
`

const flags = [
  ...commonFlags,
  ...fileFlags,
  { name: "server-side", bool: true },
  { name: "dry-run" },
  { name: "force-conflicts", bool: true },
  { name: "field-manager" },
  { name: "prune", bool: true },
  { name: "selector", short: "l" },
  { name: "validate" }
]

/** Runs `apply ...` and returns the exit code. */
export const command: Command = commandWith("apply", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube apply --help' for usage.`)
      return 1
    }
    if (parsed.bools.get("help") === true) {
      yield* Console.log(usage)
      return 0
    }
    const dryRun = parsed.values.get("dry-run") ?? "none"
    if (dryRun !== "none" && dryRun !== "server") {
      yield* Console.error(
        dryRun === "client"
          ? "error: --dry-run=client is not supported: effect-kube applies on the server; use --dry-run=server"
          : `error: Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`
      )
      return 1
    }
    const prune = parsed.bools.get("prune") === true
    const selector = parsed.values.get("selector")
    if (prune && selector === undefined) {
      yield* Console.error(
        "error: all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector"
      )
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
    const serverSide = parsed.bools.get("server-side") === true
    // kubectl's field manager: "kubectl" for server-side apply; ours keeps that name so the two share ownership.
    const fieldManager = parsed.values.get("field-manager") ?? (serverSide ? "kubectl" : Manifest.defaultFieldManager)
    // Objects filtered by -l, as kubectl's apply does.
    const selected = selector === undefined ?
      inputs.objects.map((_, i) => i) :
      inputs.objects.flatMap((o, i) => matchesSelector(o.metadata?.labels, selector) ? [i] : [])
    const objects = selected.map((i) => inputs.objects[i]!)
    const results = yield* Manifest.apply(objects, {
      fieldManager,
      force: parsed.bools.get("force-conflicts") === true,
      namespace: globals.namespace,
      enforceNamespace: globals.namespace !== undefined && globals.namespace !== "",
      dryRun: dryRun === "server" ? "server" : undefined,
      prune: prune && selector !== undefined ? { selector } : undefined
    }).pipe(Effect.provide(layer(options)))
    const suffix = dryRun === "server" ? " (server dry run)" : ""
    const failures: Array<string> = []
    for (const result of results) {
      switch (result._tag) {
        case "Applied":
          yield* Console.log(
            `${Manifest.displayName(result.ref)} ${serverSide ? "serverside-applied" : result.action}${suffix}`
          )
          break
        case "Pruned":
          yield* Console.log(`${Manifest.displayName(result.ref)} pruned${suffix}`)
          break
        case "Failed": {
          const index = selected[result.index]
          const object = index === undefined ? {} : inputs.objects[index]!
          const source = index === undefined ? "" : inputs.sources[index]!
          failures.push(objectError(result.error, object, source, serverSide ? undefined : "patching"))
        }
      }
    }
    const errors = errorLines(inputs.documentErrors, failures)
    if (errors === undefined) return 0
    yield* Console.error(errors)
    return 1
  }))

/** Equality-based label selectors (`a=b,c!=d,e`), which is what `apply -l` is used with. */
const matchesSelector = (labels: unknown, selector: string): boolean => {
  const map = typeof labels === "object" && labels !== null ? labels as Record<string, unknown> : {}
  return selector.split(",").map((s) => s.trim()).filter((s) => s !== "").every((term) => {
    const ne = term.indexOf("!=")
    if (ne >= 0) return map[term.slice(0, ne)] !== term.slice(ne + 2)
    const eq = term.indexOf("=")
    if (eq >= 0) return map[term.slice(0, eq)] === term.slice(eq + (term[eq + 1] === "=" ? 2 : 1))
    if (term.startsWith("!")) return !(term.slice(1) in map)
    return term in map
  })
}
