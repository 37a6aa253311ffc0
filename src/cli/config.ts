/**
 * `effect-kube config view|current-context`: the library's kubeconfig loader behind kubectl's flags, printing what
 * `kubectl config ...` prints for the same files so the two can be compared.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Kubeconfig from "../Kubeconfig.js"
import type { Command } from "./command.js"
import { resolveGlobals } from "./globals.js"

const usage = `Modify or display kubeconfig files.

Usage:
  effect-kube config view [--minify] [--raw] [--flatten] [-o json|yaml] [flags]
  effect-kube config current-context [flags]

Flags:
      --kubeconfig=PATH   Path to the kubeconfig file; otherwise $KUBECONFIG, then ~/.kube/config.
      --context=NAME      With --minify, the context to keep.
      --cluster=NAME      Accepted for kubectl compatibility; config view ignores it, as kubectl does.
      --user=NAME         Accepted for kubectl compatibility; config view ignores it, as kubectl does.
  -n, --namespace=NAME    Accepted for kubectl compatibility; config view ignores it, as kubectl does.
      --minify            Only the current context and its cluster and user.
      --raw               Show certificate data, tokens and passwords.
      --flatten           Inline referenced certificate and key files.
  -o, --output=FORMAT     json or yaml (default yaml).
`

const valueFlags: Record<string, string> = {
  kubeconfig: "kubeconfig",
  context: "context",
  cluster: "cluster",
  user: "user",
  namespace: "namespace",
  output: "output",
  server: "server",
  "request-timeout": "request-timeout"
}

const shortFlags: Record<string, string> = { n: "namespace", o: "output", s: "server" }

const boolFlags = new Set(["minify", "raw", "flatten", "help"])

interface Parsed {
  readonly positional: Array<string>
  readonly values: Map<string, string>
  readonly bools: Set<string>
}

type ParseResult = { readonly _tag: "Ok"; readonly parsed: Parsed } | {
  readonly _tag: "Error"
  readonly message: string
}

// pflag's rules: `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`; booleans take no separate value.
const parseArgs = (args: ReadonlyArray<string>): ParseResult => {
  const parsed: Parsed = { positional: [], values: new Map(), bools: new Set() }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") {
      parsed.positional.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=")
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      const inline = eq < 0 ? undefined : arg.slice(eq + 1)
      if (boolFlags.has(name)) {
        if (inline === undefined || inline === "true") parsed.bools.add(name)
        else if (inline === "false") parsed.bools.delete(name)
        else return { _tag: "Error", message: `invalid argument "${inline}" for "--${name}" flag: invalid syntax` }
        continue
      }
      const key = valueFlags[name]
      if (key === undefined) return { _tag: "Error", message: `unknown flag: --${name}` }
      const value = inline ?? args[++i]
      if (value === undefined) return { _tag: "Error", message: `flag needs an argument: --${name}` }
      parsed.values.set(key, value)
      continue
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const letter = arg[1]!
      if (letter === "h") {
        parsed.bools.add("help")
        continue
      }
      const key = shortFlags[letter]
      if (key === undefined) return { _tag: "Error", message: `unknown shorthand flag: '${letter}' in ${arg}` }
      const rest = arg.slice(2)
      const value = rest !== "" ? rest.replace(/^=/, "") : args[++i]
      if (value === undefined) {
        return { _tag: "Error", message: `flag needs an argument: '${letter}' in -${letter}` }
      }
      parsed.values.set(key, value)
      continue
    }
    parsed.positional.push(arg)
  }
  return { _tag: "Ok", parsed }
}

const fail = (message: string) => Console.error(`error: ${message}`).pipe(Effect.as(1))

// `kubectl config view` tolerates a missing --kubeconfig file and shows an empty config; only the REST loaders insist.
const loadForView = (path: string | undefined) =>
  Kubeconfig.load({ path }).pipe(
    Effect.catchIf((error) => error.reason === "FileNotFound", () => Effect.succeed(Kubeconfig.empty))
  )

const view = (parsed: Parsed, extra: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    if (extra.length > 0) {
      yield* Console.error(
        `error: unexpected arguments: [${extra.join(" ")}]\nSee 'effect-kube config view -h' for help and examples`
      )
      return 1
    }
    const output = parsed.values.get("output") ?? "yaml"
    if (output !== "json" && output !== "yaml") {
      return yield* fail(
        `unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`
      )
    }
    let config = yield* loadForView(parsed.values.get("kubeconfig"))
    if (parsed.bools.has("minify")) config = yield* Kubeconfig.minify(config, parsed.values.get("context"))
    // kubectl shows flattened data unredacted even without --raw.
    const raw = parsed.bools.has("raw") || parsed.bools.has("flatten")
    if (parsed.bools.has("flatten")) config = yield* Kubeconfig.flatten(config)
    const value = Kubeconfig.toJson(config, { raw })
    yield* Console.log(output === "json" ? Kubeconfig.printJson(value) : Kubeconfig.printYaml(value).replace(/\n$/, ""))
    return 0
  }).pipe(Effect.catchTag("KubeconfigError", (error) => fail(error.message)))

const currentContext = (parsed: Parsed) =>
  Effect.gen(function*() {
    const config = yield* loadForView(parsed.values.get("kubeconfig"))
    if (config.currentContext === "") return yield* fail("current-context is not set")
    yield* Console.log(config.currentContext)
    return 0
  }).pipe(Effect.catchTag("KubeconfigError", (error) => fail(error.message)))

/**
 * Runs `config <subcommand> [flags]` and returns the exit code.
 */
export const command: Command = (input, given) =>
  Effect.gen(function*() {
    const resolved = resolveGlobals(input, given)
    if ("error" in resolved) {
      const sub = input.find((arg) => arg === "view" || arg === "current-context")
      yield* Console.error(
        `${resolved.error}\nSee 'effect-kube config${sub === undefined ? "" : ` ${sub}`} --help' for usage.`
      )
      return 1
    }
    const args = resolved.rest
    const result = parseArgs(args)
    if (result._tag === "Error") {
      const sub = args.find((arg) => arg === "view" || arg === "current-context")
      yield* Console.error(
        `error: ${result.message}\nSee 'effect-kube config${sub === undefined ? "" : ` ${sub}`} --help' for usage.`
      )
      return 1
    }
    const parsed = result.parsed
    // Of the global flags, config view and current-context read only these two, as kubectl's.
    if (resolved.globals.kubeconfig !== undefined) parsed.values.set("kubeconfig", resolved.globals.kubeconfig)
    if (resolved.globals.context !== undefined) parsed.values.set("context", resolved.globals.context)
    const [sub, ...extra] = parsed.positional
    if (parsed.bools.has("help")) {
      yield* Console.log(usage)
      return 0
    }
    switch (sub) {
      case undefined: {
        yield* Console.log(usage)
        return 1
      }
      case "view":
        return yield* view(parsed, extra)
      case "current-context":
        return yield* currentContext(parsed)
      default: {
        yield* Console.error(`error: unknown command "${sub}"\nSee 'effect-kube config -h' for help and examples`)
        return 1
      }
    }
  })
