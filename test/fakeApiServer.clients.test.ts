// Real third-party clients against FakeApiServer.listen: kubectl v1.35's protobuf generator commands and helm v4's
// release lifecycle (release records are protobuf Secrets; deletes carry protobuf DeleteOptions).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureHelm, ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { runTool } from "./support/tool.js"

const run = (bin: string, home: string, args: ReadonlyArray<string>, timeoutMs = 30_000) =>
  runTool(bin, home, args, timeoutMs)

const tmpHome = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "fake-apiserver-clients-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const setup = Effect.gen(function*() {
  const home = yield* tmpHome
  const kubeconfig = Path.join(home, "kubeconfig")
  const listening = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig })
  const ok = (bin: string, ...args: ReadonlyArray<string>) =>
    Effect.map(run(bin, home, ["--kubeconfig", kubeconfig, ...args]), (r) => {
      expect(r.stderr, `${Path.basename(bin)} ${args.join(" ")}`).toBe("")
      expect(r.code).toBe(0)
      return r.stdout
    })
  return { home, kubeconfig, fake: listening.server, ok }
})

const stored = (
  fake: FakeApiServer.Service,
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string
) =>
  Effect.map(
    fake.get({ apiVersion, kind, name, ...(namespace !== undefined ? { namespace } : {}) }),
    (o) => (o._tag === "Some" ? (o.value as any) : undefined)
  )

const chart = async (dir: string) => {
  await Fs.mkdir(Path.join(dir, "templates"), { recursive: true })
  await Fs.writeFile(Path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.0\"\n")
  await Fs.writeFile(Path.join(dir, "values.yaml"), "greeting: hello\nreplicas: 1\n")
  await Fs.writeFile(
    Path.join(dir, "templates", "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  greeting: {{ .Values.greeting | quote }}\n"
  )
  await Fs.writeFile(
    Path.join(dir, "templates", "deploy.yaml"),
    [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: {{ .Release.Name }}-web",
      "spec:",
      "  replicas: {{ .Values.replicas }}",
      "  selector: {matchLabels: {app: web}}",
      "  template:",
      "    metadata: {labels: {app: web}}",
      "    spec:",
      "      containers: [{name: web, image: nginx}]",
      ""
    ].join("\n")
  )
}

describe("real clients against FakeApiServer.listen", () => {
  it.live("kubectl v1.35 generator commands send protobuf and get it stored", () =>
    Effect.gen(function*() {
      const { fake, ok } = yield* setup
      const k = ensureKubectl()
      expect(yield* ok(k, "create", "namespace", "demo")).toBe("namespace/demo created\n")
      expect(yield* ok(k, "create", "configmap", "x", "--from-literal=a=b", "-n", "demo")).toBe("configmap/x created\n")
      expect(yield* ok(k, "create", "secret", "generic", "s", "--from-literal=password=hunter2")).toBe(
        "secret/s created\n"
      )
      expect(yield* ok(k, "create", "deployment", "web", "--image=nginx", "--replicas=3")).toBe(
        "deployment.apps/web created\n"
      )
      expect(yield* ok(k, "autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu=80%")).toBe(
        "horizontalpodautoscaler.autoscaling/web autoscaled\n"
      )
      expect(yield* ok(k, "create", "deployment", "dry", "--image=nginx", "--dry-run=server")).toBe(
        "deployment.apps/dry created (server dry run)\n"
      )
      const requests = yield* fake.requests
      const posts = requests.filter((r) => r.method === "POST")
      expect(posts.length).toBe(6)
      for (const p of posts) expect(p.headers["content-type"]).toBe("application/vnd.kubernetes.protobuf")
      expect(posts.map((p) => p.status)).toStrictEqual([201, 201, 201, 201, 201, 201])

      expect((yield* stored(fake, "v1", "Namespace", "demo")).status.phase).toBe("Active")
      expect((yield* stored(fake, "v1", "ConfigMap", "x", "demo")).data).toStrictEqual({ a: "b" })
      const secret = yield* stored(fake, "v1", "Secret", "s", "default")
      expect(secret.type).toBe("Opaque")
      expect(Buffer.from(secret.data.password, "base64").toString()).toBe("hunter2")
      const web = yield* stored(fake, "apps/v1", "Deployment", "web", "default")
      expect(web.spec.replicas).toBe(3)
      expect(web.spec.template.spec.containers[0]).toMatchObject({ name: "nginx", image: "nginx" })
      expect(web.metadata.namespace).toBe("default")
      const hpa = yield* stored(fake, "autoscaling/v2", "HorizontalPodAutoscaler", "web", "default")
      expect(hpa.spec.minReplicas).toBe(2)
      expect(hpa.spec.maxReplicas).toBe(5)
      expect(hpa.spec.scaleTargetRef).toStrictEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "web" })
      expect(yield* stored(fake, "apps/v1", "Deployment", "dry", "default")).toBeUndefined()
      // Reads back in JSON as kubectl asks.
      expect(yield* ok(k, "get", "secret", "s", "-o", "jsonpath={.data.password}")).toBe(
        Buffer.from("hunter2").toString("base64")
      )
    }).pipe(Effect.scoped), 60_000)

  it.live(
    "helm v4: install, upgrade, history, rollback, get, status, list with selectors, uninstall",
    () =>
      Effect.gen(function*() {
        const { fake, home, ok } = yield* setup
        const h = ensureHelm()
        const dir = Path.join(home, "chart")
        yield* Effect.promise(() => chart(dir))
        expect(yield* ok(h, "install", "r1", dir)).toMatch(/STATUS: deployed\nREVISION: 1\n/)
        const release1 = yield* stored(fake, "v1", "Secret", "sh.helm.release.v1.r1.v1", "default")
        expect(release1.type).toBe("helm.sh/release.v1")
        expect(release1.metadata.labels).toMatchObject({ owner: "helm", name: "r1", status: "deployed", version: "1" })
        expect((yield* stored(fake, "v1", "ConfigMap", "r1-cm", "default")).data).toStrictEqual({ greeting: "hello" })

        expect(yield* ok(h, "upgrade", "r1", dir, "--set", "greeting=hi")).toMatch(/REVISION: 2\n/)
        expect((yield* stored(fake, "v1", "ConfigMap", "r1-cm", "default")).data).toStrictEqual({ greeting: "hi" })
        expect(yield* ok(h, "upgrade", "r1", dir, "--set", "replicas=2")).toMatch(/REVISION: 3\n/)
        expect((yield* stored(fake, "apps/v1", "Deployment", "r1-web", "default")).spec.replicas).toBe(2)

        const history = yield* ok(h, "history", "r1")
        expect(history).toMatch(/^1\s.*superseded\s+demo-0\.1\.0\s+1\.0\s+Install complete$/m)
        expect(history).toMatch(/^3\s.*deployed\s+demo-0\.1\.0\s+1\.0\s+Upgrade complete$/m)
        expect(yield* ok(h, "rollback", "r1", "1")).toBe("Rollback was a success! Happy Helming!\n")
        expect((yield* stored(fake, "v1", "ConfigMap", "r1-cm", "default")).data).toStrictEqual({ greeting: "hello" })
        expect(yield* ok(h, "get", "values", "r1", "--all")).toMatch(/greeting: hello/)
        expect(yield* ok(h, "get", "manifest", "r1")).toMatch(/# Source: demo\/templates\/cm.yaml/)
        expect(yield* ok(h, "status", "r1")).toMatch(/STATUS: deployed\nREVISION: 4\n/)

        // Client-side apply: three-way patches instead of server-side apply.
        expect(yield* ok(h, "install", "r2", dir, "--set", "greeting=two", "--server-side=false")).toMatch(
          /STATUS: deployed/
        )
        expect(yield* ok(h, "upgrade", "r2", dir, "--set", "greeting=three", "--server-side=false")).toMatch(
          /REVISION: 2\n/
        )
        expect((yield* stored(fake, "v1", "ConfigMap", "r2-cm", "default")).data).toStrictEqual({ greeting: "three" })
        expect(yield* ok(h, "rollback", "r2", "1", "--server-side=false")).toBe(
          "Rollback was a success! Happy Helming!\n"
        )
        expect((yield* stored(fake, "v1", "ConfigMap", "r2-cm", "default")).data).toStrictEqual({ greeting: "two" })
        expect(yield* ok(h, "list", "-q")).toBe("r1\nr2\n")
        expect(yield* ok(h, "list", "-q", "--selector", "name=r2")).toBe("r2\n")
        expect(yield* ok(h, "list", "-q", "--superseded")).toBe("r1\nr1\nr1\nr2\nr2\n")
        expect(yield* ok(h, "list", "-q", "--selector", "name!=r2")).toBe("r1\n")

        expect(yield* ok(h, "uninstall", "r1")).toBe("release \"r1\" uninstalled\n")
        expect(yield* stored(fake, "v1", "ConfigMap", "r1-cm", "default")).toBeUndefined()
        expect(yield* stored(fake, "v1", "Secret", "sh.helm.release.v1.r1.v1", "default")).toBeUndefined()
        expect(yield* ok(h, "list", "-q")).toBe("r2\n")
        const deletes = (yield* fake.requests).filter((r) => r.method === "DELETE")
        expect(deletes.some((d) => d.headers["content-type"] === "application/vnd.kubernetes.protobuf")).toBe(true)
        expect(deletes.every((d) => d.status === 200)).toBe(true)
      }).pipe(Effect.scoped),
    90_000
  )
})
