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

const kubectl = (args: ReadonlyArray<string>, home: string) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    const child = execFile(
      ensureKubectl(),
      args,
      { env: { HOME: home, PATH: "" }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
          stdout,
          stderr
        }))
    )
    return Effect.sync(() => child.kill())
  })

/**
 * Each file applied by both, in order, each on its own fake: the same output, error lines and exit code at every
 * step, and the same objects at the end.
 */
const compareApplies = (files: ReadonlyArray<string>, flags: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-apply-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
    const theirsFake = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(home, "theirs") })
    const oursFake = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(home, "ours") })
    for (const file of files) {
      const k = yield* kubectl([
        "--kubeconfig",
        Path.join(home, "theirs"),
        "--cache-dir",
        Path.join(home, "kc-cache"),
        "apply",
        ...flags,
        "--validate=false",
        "-f",
        fixture(file)
      ], home)
      const e = yield* Effect.promise(() =>
        ours([
          "apply",
          ...flags,
          "-f",
          fixture(file),
          "--kubeconfig",
          Path.join(home, "ours"),
          "--cache-dir",
          Path.join(home, "ek-cache")
        ])
      )
      expect({ file, code: e.code, stdout: e.stdout, stderr: e.stderr }).toEqual({ file, ...k })
    }
    return { ours: yield* snapshot(oursFake.server), theirs: yield* snapshot(theirsFake.server) }
  }).pipe(Effect.scoped)

describe("apply -f compared with kubectl", () => {
  it.live(
    "--server-side: mixed kinds, cluster-scoped objects, a namespace, and a bad document in the middle",
    () =>
      Effect.gen(function*() {
        const { ours, theirs } = yield* compareApplies(["mixed.yaml", "bad-middle.yaml", "mixed.yaml"], [
          "--server-side"
        ])
        expect(ours).toEqual(theirs)
      }),
    { timeout: 60_000 }
  )

  // kubectl's client-side apply prints created, then unchanged for an identical manifest (its three-way patch is
  // empty), then configured; ours applies on the server and prints the same words. The Namespace here has only a
  // name, so the server keeps no managedFields for it and its re-apply writes a before-first-apply entry: still
  // "unchanged". Field owners differ by design (kubectl-client-side-apply/Update and its annotation vs. ours/Apply).
  it.live(
    "client-side: created, unchanged (the Namespace too), configured, with the same objects",
    () =>
      Effect.gen(function*() {
        const { ours, theirs } = yield* compareApplies(
          ["mixed.yaml", "bad-middle.yaml", "mixed.yaml", "mixed-changed.yaml"],
          []
        )
        const content = (objects: typeof ours) => objects.map((items) => items.map(({ managers: _m, ...rest }) => rest))
        expect(content(ours)).toEqual(content(theirs))
        expect(ours[0]!.find((o) => o.name === "demo")?.managers).toEqual(["before-first-apply/Update"])
      }),
    { timeout: 60_000 }
  )
})
