/**
 * `effect-kube create namespace NAME | configmap NAME | secret generic NAME` with `--from-literal=K=V` and
 * `--from-file=[K=]PATH`, `--dry-run=server`: kubectl's generators through the DynamicClient, printing
 * `namespace/NAME created`.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as NodePath from "node:path"
import * as DynamicClient from "../DynamicClient.js"
import * as RestClient from "../RestClient.js"
import type { Command } from "./command.js"
import { commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

const flags = [
  ...commonFlags,
  { name: "from-literal" },
  { name: "from-file" },
  { name: "dry-run" },
  { name: "type" },
  { name: "output", short: "o" }
]

const kinds: Record<string, string> = {
  namespace: "namespace",
  ns: "namespace",
  configmap: "configmap",
  cm: "configmap"
}

/** Runs `create ...` and returns the exit code. */
export const command: Command = commandWith("create", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube create --help' for usage.`)
      return 1
    }
    let [what, ...rest] = parsed.positional
    if (what === "secret") {
      const [type, ...names] = rest
      if (type !== "generic") {
        yield* Console.error(`error: unknown secret type "${type ?? ""}": effect-kube creates generic secrets`)
        return 1
      }
      rest = names
    } else if (what !== undefined) what = kinds[what] ?? what
    const name = rest[0]
    if (what !== "namespace" && what !== "configmap" && what !== "secret") {
      yield* Console.error(`error: effect-kube create supports namespace, configmap and secret generic`)
      return 1
    }
    if (name === undefined || rest.length > 1) {
      yield* Console.error(`error: exactly one NAME is required, got: ${rest.length}`)
      return 1
    }
    const data: Record<string, string> = {}
    for (const literal of parsed.all.get("from-literal") ?? []) {
      const eq = literal.indexOf("=")
      if (eq <= 0) {
        yield* Console.error(`error: invalid literal source ${literal}, expected key=value`)
        return 1
      }
      data[literal.slice(0, eq)] = literal.slice(eq + 1)
    }
    const fs = yield* FileSystem.FileSystem
    for (const source of parsed.all.get("from-file") ?? []) {
      const eq = source.indexOf("=")
      const [key, path] = eq > 0 ? [source.slice(0, eq), source.slice(eq + 1)] : [NodePath.basename(source), source]
      const text = yield* Effect.either(fs.readFileString(path))
      if (text._tag === "Left") {
        yield* Console.error(`error: error reading ${path}: no such file or directory`)
        return 1
      }
      data[key] = text.right
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    const dryRun = parsed.values.get("dry-run") === "server" ? ["All"] : undefined
    return yield* Effect.gen(function*() {
      const dynamic = yield* DynamicClient.DynamicClient
      const rest = yield* RestClient.RestClient
      const namespace = rest.config.namespace
      if (what === "namespace") {
        yield* dynamic.resource({ group: "", version: "v1", resource: "namespaces" }).create(
          { apiVersion: "v1", kind: "Namespace", metadata: { name } },
          { dryRun, fieldManager: "kubectl-create" }
        )
      } else if (what === "configmap") {
        yield* dynamic.resource({ group: "", version: "v1", resource: "configmaps" }).namespace(namespace).create(
          {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name },
            ...(Object.keys(data).length > 0 ? { data } : {})
          },
          { dryRun, fieldManager: "kubectl-create" }
        )
      } else {
        const encoded = Object.fromEntries(
          Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")])
        )
        yield* dynamic.resource({ group: "", version: "v1", resource: "secrets" }).namespace(namespace).create(
          {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name },
            type: parsed.values.get("type") ?? "Opaque",
            ...(Object.keys(encoded).length > 0 ? { data: encoded } : {})
          },
          { dryRun, fieldManager: "kubectl-create" }
        )
      }
      yield* Console.log(`${what}/${name} created${dryRun === undefined ? "" : " (server dry run)"}`)
      return 0
    }).pipe(Effect.provide(layer(options)))
  }))
