/**
 * The `effect-kube` command: a debugging tool that mirrors kubectl where the two overlap, so the library can be
 * compared with kubectl on the same inputs. Each subcommand lives in its own module and returns its exit code.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { Command } from "./command.js"

const commands: Record<string, () => Promise<{ readonly command: Command }>> = {
  config: () => import("./config.js"),
  get: () => import("./get.js"),
  "fake-apiserver": () => import("./fakeApiserver.js"),
  "api-resources": () => import("./apiResources.js"),
  scale: () => import("./scale.js"),
  wait: () => import("./wait.js"),
  exec: () => import("./exec.js"),
  logs: () => import("./logs.js"),
  "port-forward": () => import("./portForward.js"),
  cp: () => import("./cp.js")
}

const usage = `effect-kube: a Kubernetes client for Effect, as a command

Usage:
  effect-kube config view|current-context [flags]
  effect-kube get --raw PATH [flags]
  effect-kube get RESOURCE [NAME] [-n NS | -A] [-l SEL] [--field-selector SEL] [-o json|yaml|name] [-w]
  effect-kube api-resources [flags]
  effect-kube scale RESOURCE NAME --replicas N [flags]
  effect-kube wait RESOURCE/NAME --for=condition=COND[=VALUE]|delete|jsonpath='{PATH}'[=VALUE] [--timeout=30s]
  effect-kube exec POD [-c CONTAINER] [-i] [-t] -- COMMAND [args...]
  effect-kube logs POD [-c CONTAINER] [-f] [--tail N]
  effect-kube port-forward POD [LOCAL:]REMOTE...
  effect-kube cp SRC DEST [-c CONTAINER]   (one side [NAMESPACE/]POD:PATH)
  effect-kube fake-apiserver [--port N] [--https] [--write-kubeconfig FILE] [--seed FILE.yaml]
`

const main = Effect.gen(function*() {
  const [name, ...rest] = process.argv.slice(2)
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    yield* Console.log(usage)
    return name === undefined ? 1 : 0
  }
  const load = commands[name]
  if (load === undefined) {
    yield* Console.error(`error: unknown command "${name}" for "effect-kube"\nRun 'effect-kube --help' for usage.`)
    return 1
  }
  const module = yield* Effect.promise(load)
  return yield* module.command(rest)
})

main.pipe(
  Effect.flatMap((code) => Effect.sync(() => process.exitCode = code)),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: false })
)
