/**
 * `effect-kube cp SRC DEST [-c CONTAINER]`: kubectl cp, where one side is `[NAMESPACE/]POD:PATH`. Files and
 * directories travel as tar over exec, so the container needs `tar`.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as PodCopy from "../PodCopy.js"
import type { Command } from "./command.js"
import { namespaceOf, resolveContainer, streamLayer } from "./podStreams.js"
import { commandWith, commonFlags, parseArgs, stackOptions } from "./stack.js"

const usage = `Copy files and directories to and from containers.

Usage:
  effect-kube cp <file-spec-src> <file-spec-dest> [-c CONTAINER] [flags]
  (a file-spec is a local path or [NAMESPACE/]POD:PATH)
`

const flags = [...commonFlags, { name: "container", short: "c" }]

/** `ns/pod:/path`, `pod:/path`, or a local path (anything without a colon before the first slash). */
export const parseFileSpec = (
  spec: string
): { readonly namespace?: string | undefined; readonly pod: string; readonly path: string } | {
  readonly local: string
} => {
  const colon = spec.indexOf(":")
  if (colon <= 0) return { local: spec }
  const podPart = spec.slice(0, colon)
  const path = spec.slice(colon + 1)
  const slash = podPart.indexOf("/")
  if (slash > 0 && podPart.indexOf("/", slash + 1) === -1) {
    return { namespace: podPart.slice(0, slash), pod: podPart.slice(slash + 1), path }
  }
  if (podPart.includes("/")) return { local: spec }
  return { pod: podPart, path }
}

export const command: Command = commandWith("cp", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube cp --help' for usage.`)
      return 1
    }
    if (parsed.bools.get("help") === true) {
      yield* Console.log(usage)
      return 0
    }
    const [srcText, destText] = parsed.positional
    if (srcText === undefined || destText === undefined || parsed.positional.length !== 2) {
      yield* Console.error("error: source and destination are required")
      return 1
    }
    const src = parseFileSpec(srcText)
    const dest = parseFileSpec(destText)
    if (("local" in src) === ("local" in dest)) {
      yield* Console.error(
        "local" in src
          ? "error: one of src or dest must be a remote file specification"
          : "error: one of src or dest must be a local file specification"
      )
      return 1
    }
    const remote = "local" in src ? dest as Exclude<typeof dest, { local: string }> : src
    if (remote.path === "") {
      yield* Console.error("error: remote path cannot be empty")
      return 1
    }
    const local = "local" in src ? src.local : (dest as { local: string }).local
    const options = stackOptions(remote.namespace === undefined ? globals : { ...globals, namespace: remote.namespace })
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    return yield* Effect.gen(function*() {
      const namespace = yield* namespaceOf
      const container = yield* resolveContainer(namespace, remote.pod, parsed.values.get("container"))
      const ref = { namespace, name: remote.pod }
      const copy = { localPath: local, remotePath: remote.path, container }
      if ("local" in src) yield* PodCopy.copyTo(ref, copy)
      else yield* PodCopy.copyFrom(ref, copy)
      return 0
    }).pipe(Effect.provide(streamLayer(options)))
  }))
