// The real kubectl v1.35 running exec, exec -i, cp and attach against FakeApiServer.listen over WebSockets.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const kubectl = (home: string, kubeconfig: string, args: ReadonlyArray<string>, stdin?: string) =>
  Effect.async<Run>((resume) => {
    const child = spawn(ensureKubectl(), ["--kubeconfig", kubeconfig, "--request-timeout", "10s", ...args], {
      env: { HOME: home, PATH: process.env.PATH ?? "" },
      timeout: 20_000,
      cwd: home
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (c: Buffer) => stdout += c.toString("utf8"))
    child.stderr.on("data", (c: Buffer) => stderr += c.toString("utf8"))
    child.on("close", (code) => resume(Effect.succeed({ code: code ?? 1, stdout, stderr })))
    if (stdin !== undefined) child.stdin.end(stdin)
    else child.stdin.end()
    return Effect.sync(() => child.kill())
  })

const tmpHome = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "effect-kube-kubectl-exec-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "default" },
  spec: { containers: [{ name: "main", image: "busybox" }] },
  status: {
    phase: "Running",
    containerStatuses: [{
      name: "main",
      ready: true,
      restartCount: 0,
      image: "busybox",
      imageID: "",
      state: { running: {} }
    }]
  }
}

describe("kubectl v1.35 exec, cp and attach against the fake", () => {
  it.live("exec (exit codes, stderr), exec -i with stdin, cp both ways, attach", () =>
    Effect.gen(function*() {
      const home = yield* tmpHome
      const kubeconfig = Path.join(home, "kubeconfig")
      const listening = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig, https: true, seed: [pod] })
      const fake = listening.server
      const k = (args: ReadonlyArray<string>, stdin?: string) => kubectl(home, kubeconfig, args, stdin)

      const echo = yield* k(["exec", "web", "--", "echo", "hello", "kubectl"])
      expect(echo).toEqual({ code: 0, stdout: "hello kubectl\n", stderr: "" })

      const failed = yield* k(["exec", "web", "--", "sh", "-c", "exit 7"])
      expect(failed.code).toBe(7)
      expect(failed.stderr).toBe("command terminated with exit code 7\n")

      const missing = yield* k(["exec", "web", "--", "cat", "/nope"])
      expect(missing).toEqual({
        code: 1,
        stdout: "",
        stderr: "cat: /nope: No such file or directory\ncommand terminated with exit code 1\n"
      })

      const piped = yield* k(["exec", "-i", "web", "--", "cat"], "from kubectl's stdin\n")
      expect(piped).toEqual({ code: 0, stdout: "from kubectl's stdin\n", stderr: "" })

      // cp into the pod: kubectl runs `tar -xmf - -C /tmp` (after `test -d`) and sends a tar on stdin.
      const local = Path.join(home, "notes.txt")
      yield* Effect.promise(() => Fs.writeFile(local, "copied in\n"))
      const up = yield* k(["cp", local, "default/web:/tmp/notes.txt"])
      expect(up.stderr).toBe("")
      expect(up.code).toBe(0)
      const stored = yield* fake.readFile({ pod: "web" }, "/tmp/notes.txt")
      expect(Option.map(stored, (b) => new TextDecoder().decode(b))).toEqual(Option.some("copied in\n"))

      // cp out of the pod: `tar cf - /etc/motd` from the container's file system.
      yield* fake.writeFile({ pod: "web" }, "/etc/motd", "welcome\n")
      const down = yield* k(["cp", "default/web:/etc/motd", Path.join(home, "motd")])
      expect(down.code).toBe(0)
      expect(yield* Effect.promise(() => Fs.readFile(Path.join(home, "motd"), "utf8"))).toBe("welcome\n")

      const attached = yield* k(["attach", "-i", "web"], "to the main process\n")
      expect(attached.stdout).toContain("to the main process\n")
      expect(attached.code).toBe(0)

      const requests = (yield* fake.streamRequests).map((r) => r.url.split("?")[0])
      expect(requests).toContain("/api/v1/namespaces/default/pods/web/exec")
      expect(requests).toContain("/api/v1/namespaces/default/pods/web/attach")
    }).pipe(Effect.scoped), 60_000)
})
