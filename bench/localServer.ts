// bench/server.ts in a child process for the diagnostics that run in one process (profile.ts, getLadder.ts), with a
// kubeconfig pointing at it. `stop` kills the server and removes the kubeconfig.
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

export interface LocalServer {
  readonly port: number
  /** Up to 1,000 pod names per namespace the server serves. */
  readonly names: Record<string, Array<string>>
  readonly server: string
  readonly kubeconfig: string
  readonly stop: () => void
}

export const startLocalServer = async (watchEvents: string): Promise<LocalServer> => {
  const benchDir = Path.dirname(fileURLToPath(import.meta.url))
  // Run from a transpiled copy (as npm run bench does) this file is localServer.js, and the server next to it too.
  const compiled = import.meta.url.endsWith(".js")
  const child = ChildProcess.fork(Path.join(benchDir, compiled ? "server.js" : "server.ts"), [], {
    execArgv: compiled ? [] : ["--import", "tsx"],
    env: { ...process.env, WATCH_EVENTS: watchEvents },
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const info = await new Promise<{ port: number; names: Record<string, Array<string>> }>((resolve) =>
    child.once("message", (m) => resolve(m as never))
  )
  const tmp = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-bench-"))
  const kubeconfig = Path.join(tmp, "kubeconfig")
  // Block style, as kubectl writes kubeconfigs (and as bench/run.ts does): flow mappings would load the yaml package.
  Fs.writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: b",
      "  cluster:",
      `    server: http://127.0.0.1:${info.port}`,
      "users:",
      "- name: b",
      "  user: {}",
      "contexts:",
      "- name: b",
      "  context:",
      "    cluster: b",
      "    user: b",
      "current-context: b",
      ""
    ].join("\n")
  )
  return {
    port: info.port,
    names: info.names,
    server: `http://127.0.0.1:${info.port}`,
    kubeconfig,
    stop: () => {
      child.kill()
      Fs.rmSync(tmp, { recursive: true, force: true })
    }
  }
}
