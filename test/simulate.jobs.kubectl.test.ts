// kubectl v1.35 against `effect-kube fake-apiserver --simulate` (the shell command, on real time with the small
// default delays): a Job runs to completion for `kubectl wait --for=condition=complete`, a Job made with
// `kubectl create job --from=cronjob/x` too, and `kubectl delete pod` waits out a graceful termination.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { runTool } from "./support/tool.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

describe("kubectl against the simulated Job and CronJob controllers", () => {
  it.live(
    "wait --for=condition=complete, create job --from=cronjob, delete pod (graceful)",
    () =>
      Effect.gen(function*() {
        const home = yield* Effect.acquireRelease(
          Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "simulate-jobs-"))),
          (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
        )
        const kubeconfig = Path.join(home, "kubeconfig")
        const child = spawn(
          process.execPath,
          ["--import", "tsx", "src/cli/main.ts", "fake-apiserver", "--simulate", "--write-kubeconfig", kubeconfig],
          { cwd: root, stdio: ["ignore", "pipe", "pipe"] }
        )
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
        let ready = false
        for (let i = 0; i < 120 && !ready; i++) {
          ready = yield* Effect.promise(() => Fs.access(kubeconfig).then(() => true, () => false))
          if (!ready) yield* Effect.sleep("250 millis")
        }
        expect(ready).toBe(true)
        const k = ensureKubectl()
        const ok = (...args: ReadonlyArray<string>) =>
          Effect.map(
            runTool(k, home, ["--kubeconfig", kubeconfig, "--request-timeout", "10s", ...args], 30_000),
            (r) => {
              expect(r.stderr, `kubectl ${args.join(" ")}`).toBe("")
              expect(r.code, `kubectl ${args.join(" ")}: ${r.stdout}`).toBe(0)
              return r.stdout
            }
          )

        expect(yield* ok("create", "job", "pi", "--image=busybox", "--", "sh", "-c", "echo 3.14")).toBe(
          "job.batch/pi created\n"
        )
        expect(yield* ok("wait", "--for=condition=complete", "job/pi", "--timeout=20s")).toBe(
          "job.batch/pi condition met\n"
        )
        expect(yield* ok("get", "job", "pi", "-o", "jsonpath={.status.succeeded} {.status.conditions[*].type}")).toBe(
          "1 SuccessCriteriaMet Complete"
        )
        // kubectl's STATUS column reads the terminated container: Completed.
        const pods = yield* ok("get", "pods", "-l", "job-name=pi", "--no-headers")
        expect(pods.trim().split(/\s+/).slice(1, 3)).toEqual(["0/1", "Completed"])

        yield* ok("create", "cronjob", "tick", "--image=busybox", "--schedule=0 0 1 1 *")
        expect(yield* ok("create", "job", "manual", "--from=cronjob/tick")).toBe("job.batch/manual created\n")
        expect(yield* ok("wait", "--for=condition=complete", "job/manual", "--timeout=20s")).toBe(
          "job.batch/manual condition met\n"
        )
        expect(yield* ok("get", "job", "manual", "-o", "jsonpath={.metadata.ownerReferences[0].kind}")).toBe("CronJob")

        // A pod deleted with the default 30 s grace period: Terminating, stopped by the simulated kubelet shortly after.
        yield* ok("run", "web", "--image=nginx")
        expect(yield* ok("wait", "--for=condition=Ready", "pod/web", "--timeout=20s")).toBe("pod/web condition met\n")
        expect(yield* ok("delete", "pod", "web", "--timeout=20s")).toBe(`pod "web" deleted from default namespace\n`)
        const gone = yield* runTool(k, home, ["--kubeconfig", kubeconfig, "get", "pod", "web"], 20_000)
        expect(gone.stderr).toContain(`pods "web" not found`)
      }).pipe(Effect.scoped),
    90_000
  )
})
