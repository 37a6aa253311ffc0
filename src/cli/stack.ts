/**
 * What the resource commands (`get RESOURCE`, `api-resources`, `scale`) share: kubectl's common flags, the client
 * stack built from the kubeconfig (RestConfig → Credentials → Node transport → RestClient → disk-cached discovery →
 * RestMapper → DynamicClient and ScaleClient), Go tabwriter output, and kubectl's wording for failures.
 */
import type * as NodeContext from "@effect/platform-node/NodeContext"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Credentials from "../Credentials.js"
import * as DiscoveryClient from "../DiscoveryClient.js"
import * as DynamicClient from "../DynamicClient.js"
import * as NodeTransport from "../NodeTransport.js"
import * as RestClient from "../RestClient.js"
import * as RestConfig from "../RestConfig.js"
import * as RestMapper from "../RestMapper.js"
import * as ScaleClient from "../ScaleClient.js"
import { parseGoDuration } from "./duration.js"
import { describeFailure } from "./failure.js"
import { type FlagSpec, type GlobalFlags, resolveGlobals } from "./globals.js"
import * as RequestLog from "./requestLog.js"
import { fromGlobals } from "./restConfig.js"

/** A failure the command words itself; printed as `error: <message>`. */
export class CliError extends Data.TaggedError("CliError")<{ readonly message: string }> {
  static unknownType(arg: string): CliError {
    return new CliError({ message: `the server doesn't have a resource type "${arg.split(".")[0]}"` })
  }
}

/** Flags every resource command accepts besides the global ones (./globals.ts). */
export const commonFlags: ReadonlyArray<FlagSpec> = [
  { name: "help", short: "h", bool: true }
]

export interface ParsedArgs {
  readonly positional: ReadonlyArray<string>
  readonly values: ReadonlyMap<string, string>
  /** Booleans that were given, with their value (`--namespaced=false` is recorded as false). */
  readonly bools: ReadonlyMap<string, boolean>
  /** Every value of each flag, in order (`-f a -f b`); `values` keeps the last. */
  readonly all: ReadonlyMap<string, ReadonlyArray<string>>
}

/** pflag's rules: `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`; booleans take `=true|false`. */
export const parseArgs = (
  args: ReadonlyArray<string>,
  specs: ReadonlyArray<FlagSpec>
): ParsedArgs | { readonly error: string } => {
  const positional: Array<string> = []
  const values = new Map<string, string>()
  const bools = new Map<string, boolean>()
  const all = new Map<string, Array<string>>()
  const byName = new Map(specs.map((s) => [s.name, s]))
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]))
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") {
      positional.push(...args.slice(i + 1))
      break
    }
    let spec: FlagSpec | undefined
    let inline: string | undefined
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=")
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq < 0 ? undefined : arg.slice(eq + 1)
      spec = byName.get(name)
      if (spec === undefined) return { error: `unknown flag: --${name}` }
    } else if (arg.startsWith("-") && arg.length > 1) {
      const letter = arg[1]!
      spec = byShort.get(letter)
      if (spec === undefined) return { error: `unknown shorthand flag: '${letter}' in ${arg}` }
      const rest = arg.slice(2)
      inline = rest === "" ? undefined : rest.replace(/^=/, "")
    } else {
      positional.push(arg)
      continue
    }
    if (spec.bool === true) {
      if (inline === undefined || inline === "true") bools.set(spec.name, true)
      else if (inline === "false") bools.set(spec.name, false)
      else {return {
          error:
            `invalid argument "${inline}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`
        }}
      continue
    }
    const value = inline ?? args[++i]
    if (value === undefined) return { error: `flag needs an argument: --${spec.name}` }
    values.set(spec.name, value)
    all.set(spec.name, [...(all.get(spec.name) ?? []), value])
  }
  return { positional, values, bools, all }
}

export interface StackOptions {
  readonly globals: GlobalFlags
  readonly requestTimeout?: Duration.Duration | undefined
}

/** The global flags as the client stack needs them; a bad `--request-timeout` is reported here, as kubectl does. */
export const stackOptions = (globals: GlobalFlags): StackOptions | { readonly error: string } => {
  const timeoutText = globals.requestTimeout
  const requestTimeout = timeoutText === undefined ? undefined : parseGoDuration(timeoutText)
  if (timeoutText !== undefined && requestTimeout === undefined) {
    return {
      error: `invalid argument "${timeoutText}" for "--request-timeout" flag: time: invalid duration "${timeoutText}"`
    }
  }
  return {
    globals,
    requestTimeout: requestTimeout !== undefined && Duration.toMillis(requestTimeout) === 0
      ? undefined
      : requestTimeout
  }
}

/**
 * Every client the resource commands use, from the kubeconfig as kubectl loads it, with kubectl's disk-cached
 * discovery (`--cache-dir`, default `~/.kube/cache`).
 */
export const layer = (options: StackOptions) => {
  const config = Layer.effect(RestConfig.RestConfig, fromGlobals(options.globals, options.requestTimeout))
  const credentials = Layer.provideMerge(Credentials.layer, config)
  const transport = Layer.provideMerge(
    RequestLog.layer(options.globals.verbosity).pipe(Layer.provide(NodeTransport.layer)),
    credentials
  )
  const rest = Layer.provideMerge(RestClient.layerWithDefaults, transport)
  const cacheDir = options.globals.cacheDir
  const discovery = Layer.provideMerge(
    DiscoveryClient.layerCached({
      directory: cacheDir === undefined ? undefined : `${cacheDir.replace(/\/$/, "")}/discovery`
    }),
    rest
  )
  const mapper = Layer.provideMerge(RestMapper.layer, discovery)
  return Layer.mergeAll(DynamicClient.layer, ScaleClient.layer).pipe(Layer.provideMerge(mapper))
}

/** Go's text/tabwriter as kubectl configures it (padding 3, spaces): every cell but a line's last is padded. */
export const tabwrite = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths: Array<number> = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, [...cell].length)
    })
  }
  return rows.map((row) =>
    row.map((cell, i) => i < row.length - 1 ? cell + " ".repeat(widths[i]! - [...cell].length + 3) : cell).join("")
  ).join("\n")
}

// Warnings go to stderr as kubectl prints them; from -v=1 informational lines too, with klog's prefix. Request lines
// come from ./requestLog.ts, so the RestClient's own debug lines stay quiet.
const cliLogger = (verbosity: number) =>
  Logger.make(({ date, logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    if (logLevel._tag === "Warning" || logLevel._tag === "Error" || logLevel._tag === "Fatal") {
      process.stderr.write(text + "\n")
    } else if (logLevel._tag === "Info" && verbosity >= 1) {
      process.stderr.write(`${RequestLog.klogPrefix(date, "effect-kube")}${text}\n`)
    }
  })

/**
 * Runs a command body: failures become kubectl's message on stderr and exit code 1; defects are reported the same
 * way rather than escaping.
 */
export const run = <R>(
  body: Effect.Effect<number, unknown, R>,
  verbosity = 0
): Effect.Effect<number, never, Exclude<R, never> | NodeContext.NodeContext> =>
  body.pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.succeed(130) : Effect.as(
        Console.error(Option.match(Cause.failureOption(cause), {
          onNone: () => `error: ${Cause.pretty(cause)}`,
          onSome: describeFailure
        })),
        1
      )
    ),
    Effect.provide(Logger.replace(Logger.defaultLogger, cliLogger(verbosity)))
  ) as Effect.Effect<number, never, R | NodeContext.NodeContext>

/**
 * A command from its body: the global flags come from the dispatcher or, when the command is called directly (as
 * tests do), from its own arguments; the body gets the remaining arguments and the parsed globals.
 */
export const commandWith = <R>(
  name: string,
  body: (args: ReadonlyArray<string>, globals: GlobalFlags) => Effect.Effect<number, unknown, R>
): (args: ReadonlyArray<string>, globals?: GlobalFlags) => Effect.Effect<number, never, R | NodeContext.NodeContext> =>
(args, given) => {
  const resolved = resolveGlobals(args, given)
  if ("error" in resolved) {
    return Effect.as(Console.error(`${resolved.error}\nSee 'effect-kube ${name} --help' for usage.`), 1)
  }
  return run(body(resolved.rest, resolved.globals), resolved.globals.verbosity)
}

/**
 * The start every pod-stream command shares: its flags parsed (pflag's error and usage hint), `--help` answered and
 * the global flags checked; a number is the exit code that ends the command there.
 */
export const parseCommand = (
  name: string,
  args: ReadonlyArray<string>,
  flags: ReadonlyArray<FlagSpec>,
  usage: string,
  globals: GlobalFlags
): Effect.Effect<{ readonly parsed: ParsedArgs; readonly options: StackOptions } | number> =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube ${name} --help' for usage.`)
      return 1
    }
    if (parsed.bools.get("help") === true) {
      yield* Console.log(usage)
      return 0
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    return { parsed, options }
  })
