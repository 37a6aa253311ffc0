/**
 * `effect-kube port-forward POD [LOCAL:]REMOTE...`: kubectl port-forward over WebSockets, listening on 127.0.0.1
 * until interrupted. `:REMOTE` picks a free local port. Prints kubectl's `Forwarding from 127.0.0.1:L -> R`.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as PortForward from "../PortForward.js"
import type { Command } from "./command.js"
import { namespaceOf, streamLayer } from "./podStreams.js"
import { commandWith, commonFlags, parseCommand } from "./stack.js"

const usage = `Forward one or more local ports to a pod.

Usage:
  effect-kube port-forward POD [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N] [flags]
`

const flags = [...commonFlags, { name: "address" }]

const portNumber = (text: string): number | undefined => {
  if (!/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= 0 && n <= 65535 ? n : undefined
}

/** kubectl's spellings: `8080`, `8080:80`, `:80`. */
export const parsePortSpec = (spec: string): { local: number; remote: number } | { error: string } => {
  const [localText, remoteText] = spec.includes(":") ? spec.split(":", 2) as [string, string] : [spec, spec]
  const remote = portNumber(remoteText)
  const local = localText === "" ? 0 : portNumber(localText)
  if (remote === undefined || remote === 0) return { error: `error parsing remote port '${remoteText}'` }
  if (local === undefined) return { error: `error parsing local port '${localText}'` }
  return { local, remote }
}

export const command: Command = commandWith("port-forward", (args, globals) =>
  Effect.gen(function*() {
    const start = yield* parseCommand("port-forward", args, flags, usage, globals)
    if (typeof start === "number") return start
    const { options, parsed } = start
    const [pod, ...specs] = parsed.positional
    if (pod === undefined || specs.length === 0) {
      yield* Console.error("error: TYPE/NAME and list of ports are required for port-forward")
      return 1
    }
    const ports: Array<{ local: number; remote: number }> = []
    for (const spec of specs) {
      const port = parsePortSpec(spec)
      if ("error" in port) {
        yield* Console.error(`error: ${port.error}`)
        return 1
      }
      ports.push(port)
    }
    const address = parsed.values.get("address") ?? "127.0.0.1"
    const name = pod.replace(/^pods?\//, "")
    return yield* Effect.scoped(Effect.gen(function*() {
      const namespace = yield* namespaceOf
      for (const port of ports) {
        const listening = yield* PortForward.listen({ namespace, name }, {
          localPort: port.local,
          remotePort: port.remote,
          address
        })
        yield* Console.log(`Forwarding from ${listening.address}:${listening.localPort} -> ${listening.remotePort}`)
      }
      return yield* Effect.never
    })).pipe(Effect.provide(streamLayer(options)))
  }))
