/**
 * `effect-kube api-resources`: kubectl's table of served resources from the DiscoveryClient (preferred versions,
 * sorted by group then name), with `--namespaced`, `--api-group`, `--sort-by`, `-o wide|name` and `--no-headers`.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as DiscoveryClient from "../DiscoveryClient.js"
import { parseGroupVersion } from "../internal/discovery/gvk.js"
import type { Command } from "./command.js"
import { commandWith, commonFlags, layer, parseArgs, stackOptions, tabwrite } from "./stack.js"

const usage = `Print the supported API resources on the server.

Usage:
  effect-kube api-resources [flags]

Flags:
      --api-group=GROUP     Limit to resources in the specified API group ("" for the core group).
      --namespaced=BOOL     true for namespaced resources only, false for cluster-scoped ones only.
      --no-headers          Do not print headers.
  -o, --output=FORMAT       wide or name.
      --sort-by=FIELD       name or kind (default: by API group, then name).
      --kubeconfig, --context, --request-timeout, --cache-dir: as kubectl.
`

const flags = [
  ...commonFlags,
  { name: "api-group" },
  { name: "namespaced", bool: true },
  { name: "no-headers", bool: true },
  { name: "output", short: "o" },
  { name: "sort-by" },
  { name: "cached", bool: true }
]

interface Row {
  readonly group: string
  readonly groupVersion: string
  readonly resource: DiscoveryClient.APIResource
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Runs `api-resources [flags]` and returns the exit code. */
export const command: Command = commandWith("api-resources", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube api-resources --help' for usage.`)
      return 1
    }
    if (parsed.bools.get("help") === true) {
      yield* Console.log(usage)
      return 0
    }
    if (parsed.positional.length > 0) {
      yield* Console.error(`error: unexpected arguments: [${parsed.positional.join(" ")}]`)
      return 1
    }
    const output = parsed.values.get("output") ?? ""
    if (output !== "" && output !== "wide" && output !== "name") {
      yield* Console.error(`error: --output ${output} is not available`)
      return 1
    }
    const sortBy = parsed.values.get("sort-by") ?? ""
    if (sortBy !== "" && sortBy !== "name" && sortBy !== "kind") {
      yield* Console.error(`error: --sort-by accepts only name or kind`)
      return 1
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    return yield* Effect.gen(function*() {
      const discovery = yield* DiscoveryClient.DiscoveryClient
      const lists = yield* discovery.serverPreferredResources
      const apiGroup = parsed.values.get("api-group")
      const namespaced = parsed.bools.get("namespaced")
      const rows: Array<Row> = []
      for (const list of lists.resources) {
        const gv = parseGroupVersion(list.groupVersion)
        if (gv === undefined) continue
        for (const resource of list.resources) {
          if (resource.verbs.length === 0) continue
          if (apiGroup !== undefined && apiGroup !== gv.group) continue
          if (namespaced !== undefined && namespaced !== resource.namespaced) continue
          rows.push({ group: gv.group, groupVersion: list.groupVersion, resource })
        }
      }
      const key = (r: Row) => sortBy === "name" ? r.resource.name : sortBy === "kind" ? r.resource.kind : r.group
      rows.sort((a, b) => compare(key(a), key(b)) || compare(a.resource.name, b.resource.name))
      if (output === "name") {
        for (const r of rows) yield* Console.log(r.group === "" ? r.resource.name : `${r.resource.name}.${r.group}`)
      } else {
        const wide = output === "wide"
        const table: Array<Array<string>> = []
        if (parsed.bools.get("no-headers") !== true) {
          table.push([
            "NAME",
            "SHORTNAMES",
            "APIVERSION",
            "NAMESPACED",
            "KIND",
            ...(wide ? ["VERBS", "CATEGORIES"] : [])
          ])
        }
        for (const r of rows) {
          table.push([
            r.resource.name,
            (r.resource.shortNames ?? []).join(","),
            r.groupVersion,
            String(r.resource.namespaced),
            r.resource.kind,
            ...(wide ? [r.resource.verbs.join(","), (r.resource.categories ?? []).join(",")] : [])
          ])
        }
        if (table.length > 0) yield* Console.log(tabwrite(table))
      }
      if (lists.failed.length > 0) {
        yield* Console.error(`error: ${new DiscoveryClient.GroupDiscoveryFailed({ groups: lists.failed }).message}`)
        return 1
      }
      return 0
    }).pipe(Effect.provide(layer(options)))
  }))
