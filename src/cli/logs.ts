/**
 * `effect-kube logs POD [-c CONTAINER] [-f] [--tail N] [--timestamps] [--previous]`: kubectl logs; the log bytes
 * go to stdout unchanged, `-f` follows until the container's log ends or the command is interrupted.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as KubeRequest from "../KubeRequest.js"
import { RestClient } from "../RestClient.js"
import type { Command } from "./command.js"
import { writeTo } from "./exec.js"
import { namespaceOf, resolveContainer } from "./podStreams.js"
import { commandWith, commonFlags, layer, parseCommand } from "./stack.js"

const usage = `Print the logs for a container in a pod.

Usage:
  effect-kube logs POD [-c CONTAINER] [-f] [--tail N] [--timestamps] [--previous] [flags]
`

const flags = [
  ...commonFlags,
  { name: "container", short: "c" },
  { name: "follow", short: "f", bool: true },
  { name: "previous", short: "p", bool: true },
  { name: "timestamps", bool: true },
  { name: "tail" }
]

export const command: Command = commandWith("logs", (args, globals) =>
  Effect.gen(function*() {
    const start = yield* parseCommand("logs", args, flags, usage, globals)
    if (typeof start === "number") return start
    const { options, parsed } = start
    const [pod] = parsed.positional
    if (pod === undefined) {
      yield* Console.error(
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command"
      )
      return 1
    }
    const tail = parsed.values.get("tail")
    if (tail !== undefined && !/^-?\d+$/.test(tail)) {
      yield* Console.error(
        `error: invalid argument "${tail}" for "--tail" flag: strconv.ParseInt: parsing "${tail}": invalid syntax`
      )
      return 1
    }
    const name = pod.replace(/^pods?\//, "")
    return yield* Effect.gen(function*() {
      const namespace = yield* namespaceOf
      const container = yield* resolveContainer(namespace, name, parsed.values.get("container"))
      const rest = yield* RestClient
      const request = KubeRequest.setParams(
        KubeRequest.get({ group: "", version: "v1", namespace, resource: "pods", name, subresource: "log" }),
        {
          container,
          follow: parsed.bools.get("follow") === true ? true : undefined,
          previous: parsed.bools.get("previous") === true ? true : undefined,
          timestamps: parsed.bools.get("timestamps") === true ? true : undefined,
          tailLines: tail === undefined || Number(tail) < 0 ? undefined : Number(tail)
        }
      )
      yield* Stream.runForEach(rest.stream(request), writeTo(process.stdout))
      return 0
    }).pipe(Effect.provide(layer(options)))
  }))
