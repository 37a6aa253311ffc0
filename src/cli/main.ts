/**
 * The `effect-kube` command: a debugging tool that mirrors kubectl where the two overlap, so the library can be
 * compared with kubectl on the same inputs. Global flags (./globals.ts) are accepted anywhere on the line; each
 * subcommand lives in its own module, gets the parsed global flags and returns its exit code.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { CommandEntry } from "./command.js"
import { extractGlobals } from "./globals.js"

/** The command table: adding a command is one line. */
const commands: Record<string, CommandEntry> = {
  config: { load: () => import("./config.js"), subcommands: true },
  get: { load: () => import("./get.js") },
  apply: { load: () => import("./apply.js") },
  delete: { load: () => import("./delete.js") },
  diff: { load: () => import("./diff.js") },
  create: { load: () => import("./create.js"), subcommands: true },
  "fake-apiserver": { load: () => import("./fakeApiserver.js") },
  "api-resources": { load: () => import("./apiResources.js") },
  scale: { load: () => import("./scale.js") },
  wait: { load: () => import("./wait.js") },
  exec: { load: () => import("./exec.js") },
  logs: { load: () => import("./logs.js") },
  "port-forward": { load: () => import("./portForward.js") },
  cp: { load: () => import("./cp.js") }
}

const usage = `effect-kube: a Kubernetes client for Effect, as a command

Usage:
  effect-kube [global flags] COMMAND [flags]   (global flags may also follow the command)

Commands:
  config view|current-context [--minify] [--raw] [--flatten] [-o json|yaml]
  get --raw PATH
  get RESOURCE [NAME] [-A] [-l SEL] [--field-selector SEL] [-o json|yaml|name|wide|jsonpath=...] [-w]
  apply -f FILE|DIR|- [-R] [--server-side] [--dry-run=server] [--force-conflicts] [--field-manager NAME] [--prune -l SEL]
  delete -f FILE|DIR|- [-R] [--cascade=background|foreground|orphan] [--ignore-not-found] [--dry-run=server]
  diff -f FILE|DIR|- [-R]
  create namespace NAME | configmap NAME [--from-literal=K=V] [--from-file=[K=]PATH] | secret generic NAME [...]
  api-resources [--namespaced=true|false] [--api-group G] [-o wide|name]
  scale RESOURCE NAME --replicas N
  wait RESOURCE/NAME --for=condition=COND[=VALUE]|delete|jsonpath='{PATH}'[=VALUE] [--timeout=30s]
  exec POD [-c CONTAINER] [-i] [-t] -- COMMAND [args...]
  logs POD [-c CONTAINER] [-f] [--tail N]
  port-forward POD [LOCAL:]REMOTE...
  cp SRC DEST [-c CONTAINER]   (one side [NAMESPACE/]POD:PATH)
  fake-apiserver [--port N] [--https] [--write-kubeconfig FILE] [--seed FILE.yaml]

Global flags:
      --kubeconfig=PATH  --context=NAME  --cluster=NAME  --user=NAME  -n, --namespace=NS  -s, --server=URL
      --token=TOKEN  --as=USER  --as-group=GROUP (repeatable)  --as-uid=UID
      --certificate-authority=PATH  --client-certificate=PATH  --client-key=PATH
      --insecure-skip-tls-verify[=true|false]  --tls-server-name=NAME  --request-timeout=DURATION
      --cache-dir=DIR  -v, --v=LEVEL (6: requests, 7: request headers, 8: response headers and body, 9: curl lines)
`

/** Runs one command line (the arguments after `effect-kube`) and returns its exit code. */
export const dispatch = (argv: ReadonlyArray<string>): Effect.Effect<number, never, NodeContext.NodeContext> =>
  Effect.gen(function*() {
    if (argv[0] === "--help" || argv[0] === "-h") {
      yield* Console.log(usage)
      return 0
    }
    const extracted = extractGlobals(argv)
    if ("error" in extracted) {
      const entry = extracted.command === undefined ? undefined : commands[extracted.command]
      const path = entry === undefined
        ? ""
        : ` ${[extracted.command, ...(entry.subcommands === true ? extracted.positional.slice(0, 1) : [])].join(" ")}`
      const see = extracted.error.startsWith("Error: flags cannot")
        ? ""
        : `\nSee 'effect-kube${path} --help' for usage.`
      yield* Console.error(`${extracted.error}${see}`)
      return 1
    }
    const name = extracted.command
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      yield* Console.log(usage)
      return name === undefined ? 1 : 0
    }
    const entry = commands[name]
    if (entry === undefined) {
      yield* Console.error(`error: unknown command "${name}" for "effect-kube"\nRun 'effect-kube --help' for usage.`)
      return 1
    }
    const module = yield* Effect.promise(entry.load)
    return yield* module.command(entry.rawArgs === true ? extracted.raw : extracted.rest, extracted.globals)
  })

const isMain = process.argv[1] !== undefined && /[\\/]cli[\\/]main\.(ts|js)$/.test(process.argv[1])

if (isMain) {
  dispatch(process.argv.slice(2)).pipe(
    Effect.flatMap((code) => Effect.sync(() => process.exitCode = code)),
    Effect.provide(NodeContext.layer),
    NodeRuntime.runMain({ disableErrorReporting: false })
  )
}
