/**
 * `effect-kube apply --server-side -f` against `kubectl apply --server-side -f` (v1.35), each on its own listening
 * fake: the same output lines and exit code, and the same objects stored. kubectl runs with --validate=false: the
 * fake does not serve the OpenAPI v3 documents kubectl's validation downloads.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { ours } from "./support/cli.js"

const fixture = (name: string) => Path.join(__dirname, "fixtures", "manifests", name)

const kinds = [
  { apiVersion: "v1", kind: "Namespace" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" }
]

const snapshot = (fake: FakeApiServer.Service) =>
  Effect.forEach(kinds, (k) =>
    Effect.map(fake.list(k), (items) =>
      items.map((o: any) => ({
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
        labels: o.metadata.labels,
        data: o.data,
        spec: o.spec,
        rules: o.rules,
        managers: (o.metadata.managedFields ?? []).map((f: any) => `${f.manager}/${f.operation}`)
      }))))

describe("apply -f compared with kubectl", () => {
  it.live(
    "mixed kinds, cluster-scoped objects, a namespace, and a bad document in the middle",
    () =>
      Effect.gen(function*() {
        const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-apply-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
        const theirsFake = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(home, "theirs") })
        const oursFake = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(home, "ours") })
        for (const file of ["mixed.yaml", "bad-middle.yaml", "mixed.yaml"]) {
          const k = yield* Effect.async<{ status: number; stdout: string; stderr: string }>((resume) => {
            const child = execFile(
              ensureKubectl(),
              [
                "--kubeconfig",
                Path.join(home, "theirs"),
                "--cache-dir",
                Path.join(home, "kc-cache"),
                "apply",
                "--server-side",
                "--validate=false",
                "-f",
                fixture(file)
              ],
              { env: { HOME: home, PATH: "" }, timeout: 30_000 },
              (error, stdout, stderr) =>
                resume(Effect.succeed({
                  status: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
                  stdout,
                  stderr
                }))
            )
            return Effect.sync(() => child.kill())
          })
          const e = yield* Effect.promise(() =>
            ours([
              "apply",
              "--server-side",
              "-f",
              fixture(file),
              "--kubeconfig",
              Path.join(home, "ours"),
              "--cache-dir",
              Path.join(home, "ek-cache")
            ])
          )
          expect({ file, code: e.code, stdout: e.stdout, stderr: e.stderr }).toEqual({
            file,
            code: k.status,
            stdout: k.stdout,
            stderr: k.stderr
          })
        }
        expect(yield* snapshot(oursFake.server)).toEqual(yield* snapshot(theirsFake.server))
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )
})
