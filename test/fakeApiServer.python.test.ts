// The official Python client (Debian python3-kubernetes, for /usr/bin/python3) against effect-kube fake-apiserver:
// watch, patch types, server-side apply with force, paging, custom objects. Skips where the module is missing.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile, spawnSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { listenWithHome } from "./fixtures/fake/kubectl.js"

const python = "/usr/bin/python3"
const suite = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "fixtures", "python", "client_suite.py")
const available = spawnSync(python, ["-c", "import kubernetes"], { timeout: 20_000 }).status === 0
if (!available) {
  console.warn(
    "skipping the Python client suite: /usr/bin/python3 cannot import kubernetes (apt-get install python3-kubernetes)"
  )
}

describe("official Python client against FakeApiServer.listen", () => {
  it.live.skipIf(!available)(
    "watch, patch types, server-side apply with force, paging, custom objects",
    () =>
      Effect.gen(function*() {
        const { home, kubeconfig } = yield* listenWithHome("fake-apiserver-python-")
        const result = yield* Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
          const child = execFile(
            python,
            [suite, kubeconfig],
            { env: { HOME: home, PATH: process.env.PATH ?? "" }, timeout: 60_000 },
            (error, stdout, stderr) =>
              resume(
                Effect.succeed({
                  code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
                  stdout,
                  stderr
                })
              )
          )
          return Effect.sync(() => child.kill())
        })
        expect(result.stderr).toBe("")
        expect(result.stdout).toBe(
          ["create", "paging", "watch", "patch", "apply", "custom"].map((s) => `ok ${s}\n`).join("")
        )
        expect(result.code).toBe(0)
      }).pipe(Effect.scoped),
    90_000
  )
})
