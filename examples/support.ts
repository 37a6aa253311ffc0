/**
 * What every example shares: the `--kubeconfig` / `--context` / `--namespace` flags, the one place the client stack
 * is chosen (the in-memory fake by default, a real cluster when `--kubeconfig` is given), and plain-text output
 * helpers (headings and kubectl-style aligned tables, no colour unless stdout is a terminal).
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type * as FakeApiServer from "effect-kube/FakeApiServer"
import * as Kube from "effect-kube/Kube"
import * as Testing from "effect-kube/testing"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Path from "node:path"
import * as Url from "node:url"
import * as fixtures from "./fixtures.js"

// ---------------------------------------------------------------------------------------------------------------
// flags
// ---------------------------------------------------------------------------------------------------------------

/** The flags an example understands (kubectl's spelling). */
export interface Flags {
  readonly kubeconfig?: string | undefined
  readonly context?: string | undefined
  readonly namespace?: string | undefined
}

/** `--name value` and `--name=value` for kubeconfig, context and namespace (`-n`); anything else is ignored. */
export const parseFlags = (argv: ReadonlyArray<string>): Flags => {
  const out: { kubeconfig?: string; context?: string; namespace?: string } = {}
  const names: Record<string, "kubeconfig" | "context" | "namespace"> = {
    "--kubeconfig": "kubeconfig",
    "--context": "context",
    "--namespace": "namespace",
    "-n": "namespace"
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf("=")
    const key = names[eq < 0 ? arg : arg.slice(0, eq)]
    if (key === undefined) continue
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1)
    if (value !== undefined && value !== "") out[key] = value
  }
  return out
}

/** True when `moduleUrl` (an example's `import.meta.url`) is the script node was asked to run. */
export const isMain = (moduleUrl: string): boolean => {
  const script = process.argv[1]
  return script !== undefined && Path.resolve(script) === Url.fileURLToPath(moduleUrl)
}

// ---------------------------------------------------------------------------------------------------------------
// the client stack
// ---------------------------------------------------------------------------------------------------------------

/** Every client an example may ask for. */
export type Clients = Kube.Clients

/** What building the stack can fail with, whichever source it comes from. */
export type StackError = Kube.ConfigError | FakeApiServer.FakeApiServerError

/** The fake's options every example starts from: the shop namespace, seeded. */
export const fakeOptions = (overrides: FakeApiServer.Options = {}): FakeApiServer.Options => ({
  namespace: fixtures.namespace,
  seed: fixtures.shop,
  ...overrides
})

/** Every client, wired to a fresh in-memory apiserver seeded with the shop (plus the FakeApiServer service). */
export const fake = (
  options: FakeApiServer.Options = {},
  tuning: Kube.Tuning = {}
): Layer.Layer<Clients | FakeApiServer.FakeApiServer, FakeApiServer.FakeApiServerError> =>
  Testing.layerFake(fakeOptions(options), tuning)

/** Every client, from a kubeconfig through the Node transport: what a program uses against a real cluster. */
export const cluster = (
  flags: Flags,
  tuning: Kube.Tuning = {}
): Layer.Layer<Clients, Kube.ConfigError> =>
  Kube.layerKubeconfig({ path: flags.kubeconfig, context: flags.context, namespace: flags.namespace }, tuning)

/** The real cluster when `--kubeconfig` is given, the seeded fake otherwise. */
export const stack = (
  flags: Flags,
  options: FakeApiServer.Options = {},
  tuning: Kube.Tuning = {}
): Layer.Layer<Clients, StackError> => flags.kubeconfig === undefined ? fake(options, tuning) : cluster(flags, tuning)

/**
 * Runs a program as the process: a failure is printed as one `error: ...` line on stderr (no stack trace) and the
 * exit code is 1; Ctrl-C interrupts it cleanly.
 */
export const runMain = <E>(program: Effect.Effect<void, E>): void =>
  NodeRuntime.runMain(
    Effect.tapErrorCause(program, (cause) => {
      const error = Cause.squash(cause)
      return Console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
    }),
    { disableErrorReporting: true, disablePrettyLogger: true }
  )

/**
 * Runs an example's program as a process: on the seeded fake, or on the cluster `--kubeconfig` names. Failures are
 * printed and set a non-zero exit code.
 */
export const runExample = <E>(
  program: Effect.Effect<void, E, Clients>,
  options: { readonly fake?: FakeApiServer.Options; readonly tuning?: Kube.Tuning } = {}
): void => {
  const flags = parseFlags(process.argv.slice(2))
  runMain(Effect.provide(program, stack(flags, options.fake, options.tuning)))
}

/** Runs a program that needs the fake itself (fault injection, store assertions); `--kubeconfig` is refused. */
export const runOnFake = <E>(
  program: Effect.Effect<void, E, Clients | FakeApiServer.FakeApiServer>,
  options: { readonly fake?: FakeApiServer.Options; readonly tuning?: Kube.Tuning } = {}
): void => {
  if (parseFlags(process.argv.slice(2)).kubeconfig !== undefined) {
    console.error("this example injects faults into the fake apiserver, so it runs on the fake only")
    process.exitCode = 2
    return
  }
  runMain(Effect.provide(program, fake(options.fake, options.tuning)))
}

// ---------------------------------------------------------------------------------------------------------------
// output
// ---------------------------------------------------------------------------------------------------------------

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined

const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text)

/** A section heading: `== Title` (bold on a terminal). */
export const heading = (title: string): Effect.Effect<void> => Console.log(`\n${bold(`== ${title}`)}`)

/** An indented line of output. */
export const say = (text: string): Effect.Effect<void> => Console.log(text === "" ? "" : `  ${text}`)

/** Columns padded to the widest cell with three spaces between them, as kubectl prints; headers upper-cased. */
export const formatTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): ReadonlyArray<string> => {
  const all = [header.map((h) => h.toUpperCase()), ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)))
  return all.map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3)).join(""))
}

/** Prints {@link formatTable}, indented. */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): Effect.Effect<void> => Effect.forEach(formatTable(header, rows), say, { discard: true })

/** `app=web,tier=frontend`, or `<none>`. */
export const formatLabels = (labels: { readonly [key: string]: string } | undefined): string => {
  const entries = Object.entries(labels ?? {})
  return entries.length === 0 ? "<none>" : entries.map(([k, v]) => `${k}=${v}`).join(",")
}
