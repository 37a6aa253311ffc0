/**
 * `effect-kube scale RESOURCE NAME --replicas N` (or `RESOURCE/NAME`): kubectl's scale through the ScaleClient. Like
 * kubectl it reads the object first (so a missing one reports `deployments.apps "x" not found`), then patches its
 * scale subresource, and prints `deployment.apps/web scaled`.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as DynamicClient from "../DynamicClient.js"
import * as KubeError from "../KubeError.js"
import * as RestClient from "../RestClient.js"
import * as RestMapper from "../RestMapper.js"
import * as ScaleClient from "../ScaleClient.js"
import type { Command } from "./command.js"
import { CliError, commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

const usage = `Set a new size for a deployment, replica set, replication controller, stateful set or custom resource.

Usage:
  effect-kube scale RESOURCE NAME --replicas=COUNT [flags]
  effect-kube scale RESOURCE/NAME --replicas=COUNT [flags]
`

const flags = [...commonFlags, { name: "replicas" }]

/** `deployment.apps/web`, `replicationcontroller/rc`. */
export const objectRef = (mapping: RestMapper.RestMapping, name: string): string => {
  const kind = mapping.groupVersionKind.kind.toLowerCase()
  return `${mapping.resource.group === "" ? kind : `${kind}.${mapping.resource.group}`}/${name}`
}

/** Runs `scale ...` and returns the exit code. */
export const command: Command = commandWith("scale", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube scale --help' for usage.`)
      return 1
    }
    if (parsed.bools.get("help") === true) {
      yield* Console.log(usage)
      return 0
    }
    const replicasText = parsed.values.get("replicas")
    if (replicasText === undefined) {
      yield* Console.error(`error: required flag(s) "replicas" not set`)
      return 1
    }
    if (!/^-?\d+$/.test(replicasText)) {
      yield* Console.error(
        `error: invalid argument "${replicasText}" for "--replicas" flag: strconv.ParseInt: parsing "${replicasText}": invalid syntax`
      )
      return 1
    }
    const replicas = Number(replicasText)
    if (replicas < 0) {
      yield* Console.error("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
      return 1
    }
    let [resource, name] = parsed.positional
    if (resource !== undefined && name === undefined && resource.includes("/")) {
      ;[resource, name] = [resource.slice(0, resource.indexOf("/")), resource.slice(resource.indexOf("/") + 1)]
    }
    if (resource === undefined || name === undefined) {
      yield* Console.error(
        "error: You must provide the type of resource and its name, as in `scale deployment web --replicas=3`"
      )
      return 1
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    const kind = resource
    const objectName = name
    return yield* Effect.gen(function*() {
      const mapper = yield* RestMapper.RestMapper
      const rest = yield* RestClient.RestClient
      const mapping = yield* Effect.catchTags(mapper.resolve(kind), {
        NoResourceMatch: () => Effect.fail(CliError.unknownType(kind)),
        NoKindMatch: () => Effect.fail(CliError.unknownType(kind))
      })
      const namespace = rest.config.namespace
      const dynamic = yield* DynamicClient.DynamicClient
      const client = dynamic.resource(mapping.resource)
      yield* (mapping.namespaced ? client.namespace(namespace) : client).get(objectName)
      const scales = yield* ScaleClient.ScaleClient
      yield* scales.patch(
        { group: mapping.resource.group, resource: mapping.resource.resource },
        namespace,
        objectName,
        "merge",
        { spec: { replicas } }
      ).pipe(
        Effect.catchTag("NoScaleSubresource", () =>
          Effect.fail(
            KubeErrorNotFound(rest.config.server)
          ))
      )
      yield* Console.log(`${objectRef(mapping, objectName)} scaled`)
      return 0
    }).pipe(Effect.provide(layer(options)))
  }))

// kubectl sends the PATCH anyway and the server answers with its generic 404.
const KubeErrorNotFound = (server: string) =>
  new KubeError.NotFound({
    method: "PATCH",
    url: server,
    code: 404,
    status: KubeError.genericStatus(404, "")
  })
