/**
 * `effect-kube create namespace|configmap|secret generic` against `kubectl create` (v1.35), each on its own
 * listening fake (kubectl's typed clients send protobuf, ours JSON): the same output, errors and exit code line by
 * line, and the same objects stored, field managers included.
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

const kubectl = (home: string, args: ReadonlyArray<string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    const child = execFile(
      ensureKubectl(),
      args,
      { env: { HOME: home, PATH: "" }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
          stdout,
          stderr
        }))
    )
    return Effect.sync(() => child.kill())
  })

const snapshot = (fake: FakeApiServer.Service) =>
  Effect.forEach(
    ["Namespace", "ConfigMap", "Secret"],
    (kind) =>
      Effect.map(fake.list({ apiVersion: "v1", kind }), (items) =>
        items
          .filter((o: any) => !["default", "kube-system", "kube-public", "kube-node-lease"].includes(o.metadata.name))
          .filter((o: any) => o.metadata.name !== "kube-root-ca.crt")
          .map((o: any) => ({
            kind: o.kind,
            namespace: o.metadata.namespace,
            name: o.metadata.name,
            data: o.data,
            type: o.type,
            managers: (o.metadata.managedFields ?? []).map((f: any) => `${f.manager}/${f.operation}`)
          })))
  )

describe("create compared with kubectl", () => {
  it.live(
    "namespace, configmap and secret generic: literals, files, a directory, errors",
    () =>
      Effect.gen(function*() {
        const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-create-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
        const dir = Path.join(home, "files")
        Fs.mkdirSync(Path.join(dir, "sub"), { recursive: true })
        Fs.writeFileSync(Path.join(dir, "app.properties"), "a=1\nb=2\n")
        Fs.writeFileSync(Path.join(dir, "motd"), "hello\n")
        Fs.writeFileSync(Path.join(dir, "sub", "skipped"), "not read: kubectl reads a directory's files only\n")
        const file = Path.join(dir, "app.properties")
        const theirs = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(home, "theirs") })
        const mine = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(home, "ours") })
        const lines: ReadonlyArray<ReadonlyArray<string>> = [
          ["create", "namespace", "team"],
          ["create", "namespace", "team"],
          ["create", "ns", "other", "--dry-run=server"],
          ["create", "configmap", "cfg", "--from-literal=a=1", "--from-literal=b=two words"],
          ["create", "configmap", "files", `--from-file=${file}`, `--from-file=renamed=${file}`, "-n", "team"],
          ["create", "cm", "dir", `--from-file=${dir}`],
          ["create", "configmap", "cfg", "--from-literal=a=1"],
          ["create", "configmap", "dup", "--from-literal=a=1", "--from-literal=a=2"],
          ["create", "configmap", "bad", "--from-literal=novalue"],
          ["create", "configmap", "missing", `--from-file=${Path.join(home, "nope")}`],
          ["create", "secret", "generic", "s", "--from-literal=password=hunter2", `--from-file=${file}`],
          ["create", "secret", "generic", "typed", "--from-literal=k=v", "--type=example.com/custom", "-n", "team"],
          ["create", "secret", "generic", "elsewhere", "--from-literal=k=v", "-n", "absent"],
          ["create", "configmap", "empty"]
        ]
        for (const line of lines) {
          const k = yield* kubectl(home, ["--kubeconfig", Path.join(home, "theirs"), ...line])
          const e = yield* Effect.promise(() => ours([...line, "--kubeconfig", Path.join(home, "ours")]))
          expect({ line: line.join(" "), code: e.code, stdout: e.stdout, stderr: e.stderr }).toEqual({
            line: line.join(" "),
            ...k,
            stderr: k.stderr.replaceAll("kubectl", "effect-kube")
          })
        }
        expect(yield* snapshot(mine.server)).toEqual(yield* snapshot(theirs.server))
      }).pipe(Effect.scoped),
    { timeout: 90_000 }
  )
})
