// The real kubectl v1.35 against FakeApiServer.listen (HTTP and HTTPS, through the written kubeconfig).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile, spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"

const fixtures = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "fixtures", "fake")
const fixture = (name: string) => Path.join(fixtures, name)

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs kubectl with a temp HOME, the given kubeconfig, a request timeout and a hard process timeout. */
const kubectl = (home: string, kubeconfig: string, args: ReadonlyArray<string>, timeoutMs = 20_000) =>
  Effect.async<Run>((resume) => {
    const child = execFile(
      ensureKubectl(),
      ["--kubeconfig", kubeconfig, "--request-timeout", "10s", ...args],
      { env: { HOME: home, PATH: process.env.PATH ?? "" }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })

const tmpHome = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "fake-apiserver-kubectl-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const seedYaml = () => Fs.readFile(fixture("seed.yaml"), "utf8")

describe("kubectl v1.35 against FakeApiServer.listen", () => {
  it.live(
    "HTTP: version, discovery, create, apply, get, selectors, patch, label, scale, watch, delete",
    () =>
      Effect.gen(function*() {
        const home = yield* tmpHome
        const kubeconfig = Path.join(home, "kubeconfig")
        const listening = yield* FakeApiServer.listen({
          kubeconfigPath: kubeconfig,
          seedYaml: yield* Effect.promise(seedYaml)
        })
        const fake = listening.server
        const k = (...args: ReadonlyArray<string>) => kubectl(home, kubeconfig, args)
        const ok = (...args: ReadonlyArray<string>) =>
          Effect.map(k(...args), (r) => {
            expect(r.stderr).toBe("")
            expect(r.code).toBe(0)
            return r.stdout
          })
        const stored = (apiVersion: string, kind: string, name: string) =>
          Effect.map(
            fake.get({ apiVersion, kind, namespace: "default", name }),
            (o) => o._tag === "Some" ? o.value as any : undefined
          )

        expect(yield* ok("version")).toMatch(/Server Version: v1\.36\.0/)
        const resources = yield* ok("api-resources")
        expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m)
        expect(resources).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m)

        expect(yield* ok("create", "-f", fixture("deployment.yaml"))).toBe("deployment.apps/web created\n")
        expect(yield* ok("apply", "-f", fixture("configmap.yaml"))).toBe("configmap/cfg created\n")
        expect(yield* ok("apply", "-f", fixture("configmap-changed.yaml"))).toBe("configmap/cfg configured\n")
        expect((yield* stored("v1", "ConfigMap", "cfg")).data).toEqual({ a: "2", b: "3" })
        expect(yield* ok("apply", "--server-side", "-f", fixture("service.yaml"))).toBe(
          "service/svc serverside-applied\n"
        )
        const svc = yield* stored("v1", "Service", "svc")
        expect(svc.metadata.managedFields.map((m: any) => `${m.manager}/${m.operation}`)).toContain("kubectl/Apply")

        const deploy = JSON.parse(yield* ok("get", "deployment", "web", "-o", "json"))
        expect(deploy).toMatchObject({
          kind: "Deployment",
          metadata: { name: "web", namespace: "default" },
          spec: { replicas: 2 }
        })
        expect(yield* ok("get", "configmaps", "-l", "tier=backend", "-o", "name")).toBe("configmap/cfg\n")
        expect(yield* ok("get", "pods", "--field-selector", "status.phase=Running", "-o", "name")).toBe("pod/running\n")
        const badField = yield* k("get", "pods", "--field-selector", "spec.nope=x")
        expect(badField.code).not.toBe(0)
        expect(badField.stderr).toContain("field label not supported: spec.nope")

        yield* ok(
          "patch",
          "deployment",
          "web",
          "--type",
          "strategic",
          "-p",
          JSON.stringify({
            spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.28" }] } } }
          })
        )
        yield* ok(
          "patch",
          "deployment",
          "web",
          "--type",
          "merge",
          "-p",
          JSON.stringify({ metadata: { annotations: { note: "x" } } })
        )
        yield* ok(
          "patch",
          "deployment",
          "web",
          "--type",
          "json",
          "-p",
          JSON.stringify([{ op: "replace", path: "/spec/replicas", value: 3 }])
        )
        expect(yield* ok("label", "deployment", "web", "env=prod")).toBe("deployment.apps/web labeled\n")
        expect(yield* ok("scale", "deployment", "web", "--replicas=5")).toBe("deployment.apps/web scaled\n")
        const after = yield* stored("apps/v1", "Deployment", "web")
        expect(after.spec.replicas).toBe(5)
        expect(after.spec.template.spec.containers[0].image).toBe("nginx:1.28")
        expect(after.metadata.annotations.note).toBe("x")
        expect(after.metadata.labels).toEqual({ app: "web", env: "prod" })

        const table = yield* ok("get", "deployments")
        expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/)
        expect(table).toMatch(/^web\s+0\/5\s+0\s+0\s+\d+s$/m)
        const podTable = yield* ok("get", "pods")
        expect(podTable).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/)
        expect(podTable).toMatch(/^running\s+0\/1\s+Running\s+0\s+/m)

        // A bounded watch: kubectl ends it itself after --request-timeout; writes in between must show up.
        const watch = yield* Effect.fork(
          kubectl(home, kubeconfig, ["get", "configmaps", "-w", "--request-timeout", "4s"])
        )
        yield* Effect.sleep("1500 millis")
        yield* fake.seed({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched" }, data: { k: "v" } })
        const watched = yield* watch.await.pipe(Effect.flatMap((exit) => exit))
        expect(watched.stdout).toMatch(/^NAME\s+DATA\s+AGE\n/)
        expect(watched.stdout).toMatch(/^cfg\s+2\s+/m)
        expect(watched.stdout).toMatch(/^watched\s+1\s+/m)

        expect(yield* ok("delete", "configmap", "cfg")).toMatch(/^configmap "cfg" deleted/)
        expect(yield* stored("v1", "ConfigMap", "cfg")).toBeUndefined()
        const missing = yield* k("get", "configmap", "cfg")
        expect(missing.stderr).toContain(`Error from server (NotFound): configmaps "cfg" not found`)
      }).pipe(Effect.scoped),
    120_000
  )

  it.live("HTTPS with the written kubeconfig (CA data and token)", () =>
    Effect.gen(function*() {
      const home = yield* tmpHome
      const kubeconfig = Path.join(home, "kubeconfig")
      yield* FakeApiServer.listen({ https: true, kubeconfigPath: kubeconfig })
      const version = yield* kubectl(home, kubeconfig, ["version"])
      expect(version.stdout).toMatch(/Server Version: v1\.36\.0/)
      const namespaces = yield* kubectl(home, kubeconfig, ["get", "namespaces"])
      expect(namespaces.stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/)
      expect(namespaces.stdout).toMatch(/^kube-system\s+Active\s+/m)
    }).pipe(Effect.scoped), 60_000)

  it.live("effect-kube fake-apiserver runs until SIGINT after writing its kubeconfig", () =>
    Effect.gen(function*() {
      const home = yield* tmpHome
      const kubeconfig = Path.join(home, "cli-kubeconfig")
      const root = Path.resolve(fixtures, "..", "..", "..")
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli/main.ts",
          "fake-apiserver",
          "--write-kubeconfig",
          kubeconfig,
          "--seed",
          fixture("seed.yaml")
        ],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] }
      )
      let stdout = ""
      child.stdout.on("data", (c) => stdout += String(c))
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
      yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
      let ready = false
      for (let i = 0; i < 120 && !ready; i++) {
        ready = yield* Effect.promise(() => Fs.access(kubeconfig).then(() => true, () => false))
        if (!ready) yield* Effect.sleep("250 millis")
      }
      expect(ready).toBe(true)
      const pods = yield* kubectl(home, kubeconfig, ["get", "pods", "-o", "name"])
      expect(pods.stdout).toBe("pod/pending\npod/running\n")
      expect(stdout).toMatch(/fake apiserver listening on http:\/\/127\.0\.0\.1:\d+/)
      child.kill("SIGINT")
      const code = yield* Effect.promise(() => exited).pipe(Effect.timeout("10 seconds"))
      expect(code === 0 || code === 130).toBe(true)
    }).pipe(Effect.scoped), 60_000)
})
