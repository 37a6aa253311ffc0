/**
 * `effect-kube fake-apiserver`: runs the in-memory API server on 127.0.0.1 until SIGINT/SIGTERM, after writing a
 * kubeconfig that points at it. The kubeconfig appears only once the server accepts connections, so a script can
 * wait for the file and then run kubectl.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../FakeApiServer.js"
import type { Command } from "./command.js"

const usage = `Run an in-memory Kubernetes API server on 127.0.0.1.

Usage:
  effect-kube fake-apiserver [--port N] [--https] [--write-kubeconfig FILE] [--seed FILE.yaml] [--simulate]

Options:
  --port N                 port to listen on (default 0: a free port)
  --https                  serve HTTPS with a self-signed CA (needs the openssl CLI)
  --write-kubeconfig FILE  write a kubeconfig for the server to FILE (atomically, once it accepts connections)
  --seed FILE.yaml         store the objects of FILE.yaml (multi-document, List kinds) at start
  --simulate               run a simulated cluster: garbage collector, namespace lifecycle, workloads, nodes, pods
`

interface Args {
  readonly port: number
  readonly https: boolean
  readonly kubeconfig?: string | undefined
  readonly seed: ReadonlyArray<string>
  readonly help: boolean
  readonly simulate: boolean
}

const parseArgs = (args: ReadonlyArray<string>): Args | string => {
  let port = 0
  let https = false
  let kubeconfig: string | undefined
  const seed: Array<string> = []
  let help = false
  let simulate = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const eq = arg.indexOf("=")
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined
    const value = (): string | undefined => inline ?? args[++i]
    switch (flag) {
      case "--port": {
        const v = value()
        const n = Number(v)
        if (v === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
          return `invalid argument "${v ?? ""}" for "--port" flag: must be a port number`
        }
        port = n
        break
      }
      case "--https":
        https = inline === undefined || inline === "true"
        break
      case "--simulate":
        if (inline !== undefined && inline !== "true" && inline !== "false") {
          return `invalid argument "${inline}" for "--simulate" flag: must be true or false`
        }
        simulate = inline === undefined || inline === "true"
        break
      case "--write-kubeconfig": {
        const v = value()
        if (v === undefined || v === "") return `flag needs an argument: --write-kubeconfig`
        kubeconfig = v
        break
      }
      case "--seed": {
        const v = value()
        if (v === undefined || v === "") return `flag needs an argument: --seed`
        seed.push(v)
        break
      }
      case "-h":
      case "--help":
        help = true
        break
      default:
        return `unknown flag: ${arg}`
    }
  }
  return { port, https, kubeconfig, seed, help, simulate }
}

/**
 * @since 0.1.0
 * @category operations
 */
export const command: Command = (args) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args)
    if (typeof parsed === "string") {
      yield* Console.error(`error: ${parsed}\nSee 'effect-kube fake-apiserver --help' for usage.`)
      return 1
    }
    if (parsed.help) {
      yield* Console.log(usage)
      return 0
    }
    const fs = yield* FileSystem.FileSystem
    let seedYaml = ""
    for (const file of parsed.seed) {
      const content = yield* fs.readFileString(file).pipe(Effect.either)
      if (content._tag === "Left") {
        yield* Console.error(`error: the path "${file}" does not exist or cannot be read`)
        return 1
      }
      seedYaml += `\n---\n${content.right}`
    }
    return yield* Effect.scoped(Effect.gen(function*() {
      const listening = yield* FakeApiServer.listen({
        port: parsed.port,
        https: parsed.https,
        kubeconfigPath: parsed.kubeconfig,
        ...(seedYaml !== "" ? { seedYaml } : {}),
        ...(parsed.simulate ? { simulate: true } : {})
      })
      yield* Console.log(`fake apiserver listening on ${listening.url}`)
      if (listening.kubeconfigPath !== undefined) {
        yield* Console.log(`kubeconfig written to ${listening.kubeconfigPath}`)
      }
      return yield* Effect.never
    })).pipe(
      Effect.catchTag("FakeApiServerError", (e) => Effect.as(Console.error(`error: ${e.message}`), 1))
    )
  })
