/**
 * `effect-kube get --raw PATH`: kubectl's `get --raw` through the library's full pipeline (kubeconfig, credentials,
 * Node transport, rate limiter, retry, error mapping). The body is written to stdout unchanged; failures are printed
 * as kubectl prints them, with kubectl's exit code (1).
 *
 * Without `--raw`, `get RESOURCE [NAME]` is handled by ./getResource.ts (mapper + dynamic client), which parses
 * its own, larger flag set.
 */
import type * as NodeContext from "@effect/platform-node/NodeContext"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Credentials from "../Credentials.js"
import * as KubeRequest from "../KubeRequest.js"
import * as NodeTransport from "../NodeTransport.js"
import * as RestClient from "../RestClient.js"
import * as RestConfig from "../RestConfig.js"
import type { Command } from "./command.js"
import { parseGoDuration } from "./duration.js"
import { describeFailure } from "./failure.js"
import { type GlobalFlags, resolveGlobals } from "./globals.js"
import * as RequestLog from "./requestLog.js"
import { fromGlobals } from "./restConfig.js"
import { run, stackOptions } from "./stack.js"

const usage = `Display one or many resources.

Usage:
  effect-kube get --raw PATH [flags]

Flags:
      --raw=PATH              Raw URI to request from the server (query string allowed).
      --kubeconfig=PATH       Path to the kubeconfig file; otherwise $KUBECONFIG, then ~/.kube/config, then in-cluster.
      --context=NAME          The kubeconfig context to use.
      --request-timeout=DUR   Per-request timeout ("5s", "1m", "0" for none).
  -v, --v=N                   Log level; 6 or more logs every request (method, URL, status, time) to stderr.
`

/** What the flags said. */
export interface GetFlags {
  readonly raw?: string | undefined
  readonly kubeconfig?: string | undefined
  readonly context?: string | undefined
  readonly requestTimeout?: Duration.Duration | undefined
  readonly verbosity: number
  readonly help: boolean
  readonly positional: ReadonlyArray<string>
}

const valueFlags = new Set(["raw", "kubeconfig", "context", "request-timeout", "v"])

/** pflag's rules: `--name value`, `--name=value`, `-v N`, `-v=N`, `-vN`. */
export const parseFlags = (args: ReadonlyArray<string>): GetFlags | { readonly error: string } => {
  const values = new Map<string, string>()
  const positional: Array<string> = []
  let help = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") {
      positional.push(...args.slice(i + 1))
      break
    }
    if (arg === "-h" || arg === "--help") {
      help = true
      continue
    }
    let name: string | undefined
    let inline: string | undefined
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=")
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq < 0 ? undefined : arg.slice(eq + 1)
    } else if (arg.startsWith("-v") && arg.length >= 2) {
      name = "v"
      inline = arg.length === 2 ? undefined : arg.slice(arg[2] === "=" ? 3 : 2)
    } else if (arg.startsWith("-") && arg.length > 1) {
      return { error: `unknown shorthand flag: '${arg[1]}' in ${arg}` }
    } else {
      positional.push(arg)
      continue
    }
    if (!valueFlags.has(name)) return { error: `unknown flag: --${name}` }
    const value = inline ?? args[++i]
    if (value === undefined) return { error: `flag needs an argument: --${name}` }
    values.set(name, value)
  }
  const v = values.get("v") ?? "0"
  if (!/^\d+$/.test(v)) {
    return { error: `invalid argument "${v}" for "-v, --v" flag: strconv.ParseInt: parsing "${v}": invalid syntax` }
  }
  const timeoutText = values.get("request-timeout")
  const requestTimeout = timeoutText === undefined ? undefined : parseGoDuration(timeoutText)
  if (timeoutText !== undefined && requestTimeout === undefined) {
    return {
      error: `invalid argument "${timeoutText}" for "--request-timeout" flag: time: invalid duration "${timeoutText}"`
    }
  }
  return {
    raw: values.get("raw"),
    kubeconfig: values.get("kubeconfig"),
    context: values.get("context"),
    requestTimeout,
    verbosity: Number(v),
    help,
    positional
  }
}

const write = (stream: NodeJS.WriteStream, data: string | Uint8Array) => Effect.sync(() => void stream.write(data))
const stderr = (line: string) => write(process.stderr, line.endsWith("\n") ? line : line + "\n")

/** The RestClient stack for the global flags: kubeconfig (or in-cluster) with kubectl's overrides, credentials,
 * Node transport with the `-v` request log, defaults. */
export const layerFor = (globals: GlobalFlags, timeout: Duration.Duration | undefined) => {
  const config = Layer.effect(RestConfig.RestConfig, fromGlobals(globals, timeout))
  const credentials = Layer.provideMerge(Credentials.layer, config)
  const transport = Layer.provideMerge(
    RequestLog.layer(globals.verbosity).pipe(Layer.provide(NodeTransport.layer)),
    credentials
  )
  return Layer.provide(RestClient.layerWithDefaults, transport)
}

const runRaw = (
  globals: GlobalFlags,
  timeout: Duration.Duration | undefined,
  raw: string
): Effect.Effect<number, never, NodeContext.NodeContext> =>
  run(
    Effect.gen(function*() {
      const client = yield* RestClient.RestClient
      const response = yield* client.executeRaw(KubeRequest.raw(raw))
      yield* write(process.stdout, response.body)
      return 0
    }).pipe(
      Effect.provide(layerFor(globals, timeout)),
      // Written straight to stderr, as the body goes straight to stdout.
      Effect.catchAll((error) => Effect.as(stderr(describeFailure(error)), 1))
    ),
    globals.verbosity
  )

const isRaw = (args: ReadonlyArray<string>): boolean => args.some((arg) => arg === "--raw" || arg.startsWith("--raw="))

/** The `get` subcommand: `--raw PATH` here, resources through ./getResource.ts. */
export const command: Command = (input, given) =>
  Effect.gen(function*() {
    if (!isRaw(input)) {
      const { getResource } = yield* Effect.promise(() => import("./getResource.js"))
      return yield* getResource(input, given)
    }
    const resolved = resolveGlobals(input, given)
    const parsed = "error" in resolved ? resolved : parseFlags(resolved.rest)
    if ("error" in parsed || "error" in resolved) {
      const message = "error" in resolved ? resolved.error : `error: ${(parsed as { error: string }).error}`
      yield* stderr(`${message}\nSee 'effect-kube get --help' for usage.`)
      return 1
    }
    if (parsed.help) {
      yield* write(process.stdout, usage)
      return 0
    }
    if (parsed.raw !== undefined) {
      if (parsed.positional.length > 0) {
        yield* stderr("error: arguments may not be passed when --raw is specified")
        return 1
      }
      const options = stackOptions(resolved.globals)
      if ("error" in options) {
        yield* stderr(`error: ${options.error}`)
        return 1
      }
      return yield* runRaw(resolved.globals, options.requestTimeout, parsed.raw)
    }
    return yield* Effect.as(stderr("error: --raw needs a PATH"), 1)
  })
