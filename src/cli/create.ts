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
import * as KubeError from "../KubeError.js"
import * as RestClient from "../RestClient.js"
import type { Command } from "./command.js"
import { CliError, commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

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
    const collected = yield* collect(
      what === "secret" ? "Secret" : "ConfigMap",
      name,
      parsed.all.get("from-literal") ?? [],
      parsed.all.get("from-file") ?? []
    )
    if ("error" in collected) {
      yield* Console.error(`error: ${collected.error}`)
      return 1
    }
    const data = collected.data
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
        ).pipe(wrapped("failed to create configmap: "))
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
        ).pipe(wrapped("failed to create secret "))
      }
      yield* Console.log(`${what}/${name} created${dryRun === undefined ? "" : " (server dry run)"}`)
      return 0
    }).pipe(Effect.provide(layer(options)))
  }))

/**
 * kubectl's configmap and secret generators wrap the server's error in their own words (the namespace one does not;
 * the secret one has no colon).
 */
const wrapped = (prefix: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(
    effect,
    KubeError.isApiError,
    (e) => Effect.fail(new CliError({ message: `${prefix}${e.status.message ?? ""}` }))
  )

const keyPattern = /^[-._a-zA-Z0-9]+$/

/** apimachinery's IsConfigMapKey (the same rule for Secret keys). */
const keyProblem = (key: string): string | undefined =>
  key.length > 253
    ? "must be no more than 253 characters"
    : !keyPattern.test(key)
    ? "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    : key === "." || key === ".." || key.startsWith("..")
    ? "must not be '.' or '..' or start with '..'"
    : undefined

/**
 * kubectl's generators: literals first, then files (a directory adds each regular file in it, by its name), each
 * key once, with kubectl's errors.
 */
const collect = (
  kind: "ConfigMap" | "Secret",
  name: string,
  literals: ReadonlyArray<string>,
  files: ReadonlyArray<string>
) =>
  Effect.gen(function*() {
    const data: Record<string, string> = {}
    const add = (key: string, value: string): string | undefined => {
      const problem = keyProblem(key)
      if (problem !== undefined) return `${JSON.stringify(key)} is not a valid key name for a ${kind}: ${problem}`
      if (Object.hasOwn(data, key)) {
        return kind === "ConfigMap"
          ? `cannot add key ${JSON.stringify(key)}, another key by that name already exists in Data for ConfigMap ${
            JSON.stringify(name)
          }`
          : `cannot add key ${key}, another key by that name already exists`
      }
      data[key] = value
      return undefined
    }
    for (const literal of literals) {
      const eq = literal.indexOf("=")
      if (eq < 0) return { error: `invalid literal source ${literal}, expected key=value` }
      const failed = add(literal.slice(0, eq), literal.slice(eq + 1))
      if (failed !== undefined) return { error: failed }
    }
    const fs = yield* FileSystem.FileSystem
    for (const source of files) {
      const eq = source.indexOf("=")
      const [key, path] = eq >= 0 ? [source.slice(0, eq), source.slice(eq + 1)] : [undefined, source]
      if (key === "") return { error: `key name for file path ${path} missing` }
      const info = yield* Effect.either(fs.stat(path))
      if (info._tag === "Left") return { error: `error reading ${path}: no such file or directory` }
      if (info.right.type === "Directory") {
        if (key !== undefined) return { error: "cannot give a key name for a directory path" }
        const entries = [...(yield* Effect.orElseSucceed(fs.readDirectory(path), () => []))].sort()
        for (const entry of entries) {
          const full = NodePath.join(path, entry)
          const stat = yield* Effect.either(fs.stat(full))
          if (stat._tag === "Left" || stat.right.type !== "File" || keyProblem(entry) !== undefined) continue
          const failed = add(entry, yield* Effect.orElseSucceed(fs.readFileString(full), () => ""))
          if (failed !== undefined) return { error: failed }
        }
        continue
      }
      const text = yield* Effect.either(fs.readFileString(path))
      if (text._tag === "Left") return { error: `error reading ${path}: no such file or directory` }
      const failed = add(key ?? NodePath.basename(path), text.right)
      if (failed !== undefined) return { error: failed }
    }
    return { data }
  })
