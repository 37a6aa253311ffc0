// The bin's exec, logs, cp and port-forward against FakeApiServer.listen, through a written kubeconfig.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as FakeApiServer from "../src/FakeApiServer.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const bin = (home: string, args: ReadonlyArray<string>, options: { stdin?: string; until?: RegExp } = {}) =>
  Effect.async<Run & { readonly kill: () => void }>((resume) => {
    const child = spawn(process.execPath, [Path.join(root, "bin", "effect-kube.js"), ...args], {
      cwd: home,
      env: { ...process.env, HOME: home, KUBECONFIG: Path.join(home, "kubeconfig") },
      timeout: 30_000
    })
    let stdout = ""
    let stderr = ""
    let done = false
    const finish = (code: number | null) => {
      if (done) return
      done = true
      resume(Effect.succeed({ code, stdout, stderr, kill: () => child.kill("SIGINT") }))
    }
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8")
      if (options.until !== undefined && options.until.test(stdout)) finish(null)
    })
    child.stderr.on("data", (c: Buffer) => stderr += c.toString("utf8"))
    child.on("close", (code) => finish(code))
    child.stdin.end(options.stdin)
    return Effect.sync(() => child.kill())
  })

const pod = (name: string, containers: ReadonlyArray<string>) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: { containers: containers.map((c) => ({ name: c, image: "busybox" })) }
})

describe("effect-kube exec / logs / cp / port-forward", () => {
  it.live("follow kubectl's output and exit codes", () =>
    Effect.gen(function*() {
      const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-cli-exec-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
      const listening = yield* FakeApiServer.listen({
        kubeconfigPath: Path.join(home, "kubeconfig"),
        seed: [pod("web", ["main"]), pod("duo", ["app", "sidecar"])]
      })
      const fake = listening.server
      yield* fake.onPortForward({ pod: "web" }, 80, (c) => Stream.runForEach(c.input, c.write))
      yield* fake.setLogs({ namespace: "default", pod: "web", container: "main" }, ["first", "second"])

      const exit = yield* bin(home, ["exec", "web", "--", "sh", "-c", "exit 4"])
      expect(exit).toMatchObject({ code: 4, stdout: "", stderr: "command terminated with exit code 4\n" })

      const duo = yield* bin(home, ["exec", "-i", "duo", "--", "cat"], { stdin: "piped\n" })
      expect(duo).toMatchObject({
        code: 0,
        stdout: "piped\n",
        stderr: `Defaulted container "app" out of: app, sidecar\n`
      })

      const missing = yield* bin(home, ["exec", "gone", "--", "true"])
      expect(missing).toMatchObject({ code: 1, stderr: `Error from server (NotFound): pods "gone" not found\n` })

      const logs = yield* bin(home, ["logs", "web"])
      expect(logs).toMatchObject({ code: 0, stdout: "first\nsecond\n" })

      const local = Path.join(home, "upload.txt")
      Fs.writeFileSync(local, "uploaded\n")
      const cp = yield* bin(home, ["cp", local, "default/web:/tmp/upload.txt"])
      expect(cp).toMatchObject({ code: 0, stderr: "" })
      const stored = yield* fake.readFile({ pod: "web" }, "/tmp/upload.txt")
      expect(Option.map(stored, (b) => Buffer.from(b).toString())).toEqual(Option.some("uploaded\n"))

      const forward = yield* bin(home, ["port-forward", "web", ":80"], { until: /Forwarding from .*\n/ })
      const match = /^Forwarding from 127\.0\.0\.1:(\d+) -> 80\n$/.exec(forward.stdout)
      expect(match).not.toBeNull()
      const echoed = yield* Effect.async<string, Error>((resume) => {
        const socket = Net.connect(Number(match![1]), "127.0.0.1")
        socket.on("data", (c: Buffer) => {
          socket.end()
          resume(Effect.succeed(c.toString()))
        })
        socket.on("error", (e) => resume(Effect.fail(e)))
        socket.write("through the bin")
      })
      forward.kill()
      expect(echoed).toBe("through the bin")
    }).pipe(Effect.scoped), 90_000)
})
