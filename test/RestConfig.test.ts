import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import type * as http from "node:http"
import * as https from "node:https"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { packageVersion } from "../src/internal/version.js"
import * as RestConfig from "../src/RestConfig.js"
import { makePki, removePki, type TestPki } from "./support/certs.js"

const root = path.resolve(__dirname, "..")
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-restconfig-"))
const home = path.join(tmpRoot, "home")
fs.mkdirSync(home)
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))

let dirCount = 0
const tempFiles = (files: Record<string, string>): string => {
  const dir = path.join(tmpRoot, `case-${dirCount++}`)
  fs.mkdirSync(dir, { recursive: true })
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content)
  return dir
}

/** Builds the layer's RestConfig with the given environment (read through ConfigProvider) and a real FileSystem. */
const build = <E>(layer: Layer.Layer<RestConfig.RestConfig, E, any>, env: Record<string, string> = {}) =>
  Effect.provide(RestConfig.RestConfig, layer).pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ HOME: home, ...env })))),
    Effect.provide(NodeContext.layer)
  ) as Effect.Effect<RestConfig.Service, E>

const kubeconfig =
  "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: from-file}\n" +
  "clusters:\n- name: c\n  cluster: {server: 'https://kube.example.test:6443'}\n" +
  "- name: other\n  cluster: {server: 'https://other.example.test'}\n" +
  "users:\n- name: u\n  user: {token: layer-token}\n"

const serviceAccount = (files: Record<string, string>) => tempFiles(files)

describe("layer", () => {
  it.effect("provides the value as given", () =>
    Effect.gen(function*() {
      const value: RestConfig.Service = {
        server: "https://x",
        tls: { insecure: true },
        disableCompression: false,
        auth: { _tag: "None" },
        namespace: "default",
        qps: RestConfig.defaultQps,
        burst: RestConfig.defaultBurst,
        userAgent: RestConfig.defaultUserAgent(),
        source: "test"
      }
      expect(yield* build(RestConfig.layer(value))).toBe(value)
    }))

  it("defaultUserAgent carries package.json's version in client-go's shape", () => {
    const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version as string
    // The constant the agent is built from is package.json's version (bump both together).
    expect(packageVersion).toBe(version)
    const arch = process.arch === "x64" ? "amd64" : process.arch
    expect(RestConfig.defaultUserAgent()).toBe(
      `effect-kube/${version} (${process.platform}/${arch}) effect-kube/unknown`
    )
  })
})

describe("layerKubeconfig", () => {
  it.effect("loads the explicit file with overrides", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ config: kubeconfig })
      const config = yield* build(
        RestConfig.layerKubeconfig({
          path: path.join(dir, "config"),
          cluster: "other",
          namespace: "override",
          timeout: "2 seconds"
        })
      )
      expect(config.server).toBe("https://other.example.test")
      expect(config.namespace).toBe("override")
      expect(Redacted.value((config.auth as { token: Redacted.Redacted<string> }).token)).toBe("layer-token")
      expect(config.source).toBe(path.join(dir, "config"))
      const viaServer = yield* build(
        RestConfig.layerKubeconfig({ path: path.join(dir, "config"), server: "https://s" })
      )
      expect(viaServer.server).toBe("https://s")
    }))

  it.effect("reads KUBECONFIG when no path is given, and fails with KubeconfigError on a missing explicit file", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ config: kubeconfig })
      const config = yield* build(RestConfig.layerKubeconfig(), { KUBECONFIG: path.join(dir, "config") })
      expect(config.namespace).toBe("from-file")
      const error = yield* Effect.flip(build(RestConfig.layerKubeconfig({ path: path.join(dir, "nope") })))
      expect(error._tag).toBe("KubeconfigError")
      expect(error.reason).toBe("FileNotFound")
    }))
})

describe("layerInCluster", () => {
  const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" }

  it.effect("service host and port, token file as TokenFile auth, ca.crt, namespace file", () =>
    Effect.gen(function*() {
      const dir = serviceAccount({ token: "sa-token\n", "ca.crt": "PEM", namespace: "kube-apps\n" })
      const config = yield* build(RestConfig.layerInCluster({ directory: dir }), env)
      expect(config.server).toBe("https://10.96.0.1:443")
      expect(config.auth).toMatchObject({ _tag: "TokenFile", path: path.join(dir, "token") })
      expect(Redacted.value((config.auth as { token: Redacted.Redacted<string> }).token)).toBe("sa-token")
      expect(config.tls).toEqual({ insecure: false, caFile: path.join(dir, "ca.crt") })
      expect(config.namespace).toBe("kube-apps")
      expect(config.source).toBe("in-cluster")
      expect([config.qps, config.burst]).toEqual([5, 10])
    }))

  it.effect("IPv6 hosts get brackets; POD_NAMESPACE beats the file; no ca.crt means no caFile", () =>
    Effect.gen(function*() {
      const dir = serviceAccount({ token: "t", namespace: "from-file" })
      const config = yield* build(RestConfig.layerInCluster({ directory: dir }), {
        KUBERNETES_SERVICE_HOST: "fd00::1",
        KUBERNETES_SERVICE_PORT: "6443",
        POD_NAMESPACE: "from-env"
      })
      expect(config.server).toBe("https://[fd00::1]:6443")
      expect(config.namespace).toBe("from-env")
      expect(config.tls.caFile).toBeUndefined()
      const bare = yield* build(RestConfig.layerInCluster({ directory: serviceAccount({ token: "t" }) }), env)
      expect(bare.namespace).toBe("default")
      const chosen = yield* build(RestConfig.layerInCluster({ directory: dir, namespace: "opt" }), env)
      expect(chosen.namespace).toBe("opt")
    }))

  it.effect("outside a pod or without a token: InClusterConfigError", () =>
    Effect.gen(function*() {
      const notInCluster = yield* Effect.flip(build(RestConfig.layerInCluster({ directory: tmpRoot })))
      expect(notInCluster._tag).toBe("InClusterConfigError")
      expect(notInCluster.reason).toBe("NotInCluster")
      expect(notInCluster.message).toContain("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
      const dir = serviceAccount({})
      const noToken = yield* Effect.flip(build(RestConfig.layerInCluster({ directory: dir }), env))
      expect(noToken.reason).toBe("UnreadableToken")
      expect(noToken.path).toBe(path.join(dir, "token"))
    }))
})

describe("layerInfer", () => {
  const env = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" }

  it.effect("prefers a kubeconfig that resolves", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ config: kubeconfig })
      const sa = serviceAccount({ token: "t" })
      const config = yield* build(RestConfig.layerInfer({ inCluster: { directory: sa } }), {
        ...env,
        KUBECONFIG: path.join(dir, "config")
      })
      expect(config.server).toBe("https://kube.example.test:6443")
    }))

  it.effect("falls back to in-cluster when the kubeconfig is empty", () =>
    Effect.gen(function*() {
      const sa = serviceAccount({ token: "t" })
      const config = yield* build(RestConfig.layerInfer({ inCluster: { directory: sa }, namespace: "n" }), env)
      expect(config.source).toBe("in-cluster")
      expect(config.server).toBe("https://10.0.0.1:443")
      expect(config.namespace).toBe("n")
      // an existing but empty kubeconfig counts as empty too
      const dir = tempFiles({ config: "" })
      const fromEmpty = yield* build(RestConfig.layerInfer({ inCluster: { directory: sa } }), {
        ...env,
        KUBECONFIG: path.join(dir, "config")
      })
      expect(fromEmpty.source).toBe("in-cluster")
    }))

  it.effect("neither: NoConfigurationError lists what was tried", () =>
    Effect.gen(function*() {
      const sa = serviceAccount({})
      const error = yield* Effect.flip(build(RestConfig.layerInfer({ inCluster: { directory: sa } }), env))
      expect(error._tag).toBe("NoConfigurationError")
      if (error._tag !== "NoConfigurationError") return
      expect(error.tried).toHaveLength(2)
      expect(error.tried[0]).toContain(path.join(home, ".kube", "config"))
      expect(error.tried[1]).toContain(path.join(sa, "token"))
      expect(error.message).toContain("in-cluster")
    }))

  it.effect("a broken kubeconfig fails as it is, without falling back", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ config: "clusters: [\n", ctx: "current-context: nope\n" })
      const sa = serviceAccount({ token: "t" })
      const broken = yield* Effect.flip(
        build(RestConfig.layerInfer({ inCluster: { directory: sa } }), { ...env, KUBECONFIG: path.join(dir, "config") })
      )
      expect(broken._tag === "KubeconfigError" && broken.reason).toBe("ParseError")
      const unknown = yield* Effect.flip(
        build(RestConfig.layerInfer({ inCluster: { directory: sa } }), { ...env, KUBECONFIG: path.join(dir, "ctx") })
      )
      expect(unknown._tag === "KubeconfigError" && unknown.reason).toBe("ContextNotFound")
    }))
})

// What kubectl actually sends for the same kubeconfig and overrides, recorded by an HTTPS server on 127.0.0.1, against
// what the resolved RestConfig says should be sent.
describe("overrides vs kubectl requests", () => {
  interface Seen {
    readonly path: string
    readonly headers: http.IncomingHttpHeaders
  }
  let pki: TestPki
  let server: https.Server
  let port = 0
  let seen: Array<Seen> = []
  let dir = ""

  const discovery: Record<string, unknown> = {
    "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
    "/apis": { kind: "APIGroupList", apiVersion: "v1", groups: [] },
    "/api/v1": {
      kind: "APIResourceList",
      groupVersion: "v1",
      resources: [{
        name: "configmaps",
        singularName: "configmap",
        namespaced: true,
        kind: "ConfigMap",
        verbs: ["list"]
      }]
    }
  }

  beforeAll(async () => {
    pki = await makePki()
    server = https.createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1")
      const at = url.pathname.indexOf("/api")
      const rest = at < 0 ? url.pathname : url.pathname.slice(at)
      res.setHeader("content-type", "application/json")
      if (rest.endsWith("/configmaps")) {
        seen.push({ path: url.pathname, headers: req.headers })
        res.end(JSON.stringify({ kind: "ConfigMapList", apiVersion: "v1", metadata: {}, items: [] }))
      } else if (discovery[rest] !== undefined) {
        res.end(JSON.stringify(discovery[rest]))
      } else {
        res.statusCode = 404
        res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }))
      }
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    port = (server.address() as { port: number }).port
    const caData = Buffer.from(pki.ca.cert).toString("base64")
    dir = tempFiles({
      token: "file-token\n",
      config: [
        "current-context: one",
        "clusters:",
        `- name: alpha\n  cluster: {server: 'https://127.0.0.1:${port}/alpha/', certificate-authority: ${pki.ca.certFile}}`,
        `- name: beta\n  cluster: {server: 'https://127.0.0.1:${port}/beta', certificate-authority-data: ${caData}}`,
        "users:",
        "- name: tok\n  user: {token: inline-token}",
        "- name: basic\n  user: {username: ann, password: ann-password}",
        "- name: imp\n  user: {token: imp-token, as: alice, as-groups: [devs, ops], as-user-extra: {team: [blue]}}",
        "- name: tokfile\n  user: {tokenFile: token}",
        "contexts:",
        "- name: one\n  context: {cluster: alpha, user: tok, namespace: ns-one}",
        "- name: two\n  context: {cluster: beta, user: basic}",
        "- name: three\n  context: {cluster: alpha, user: imp, namespace: ns-three}",
        ""
      ].join("\n")
    })
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await removePki(pki)
  })

  const kubectlRequest = (flags: ReadonlyArray<string>) =>
    Effect.async<Seen>((resume) => {
      seen = []
      const kubeHome = fs.mkdtempSync(path.join(tmpRoot, "kube-home-"))
      execFile(
        ensureKubectl(),
        ["get", "configmaps", "--request-timeout=10s", `--kubeconfig=${path.join(dir, "config")}`, ...flags],
        { env: { HOME: kubeHome, PATH: "" }, timeout: 30_000 },
        (error, _stdout, stderr) => {
          if (error !== null) return resume(Effect.die(new Error(`kubectl failed: ${stderr}`)))
          resume(seen.length === 1 ? Effect.succeed(seen[0]!) : Effect.die(new Error(`saw ${seen.length} lists`)))
        }
      )
    })

  const expected = (config: RestConfig.Service) => {
    const auth = config.auth
    const authorization = auth._tag === "Token" || (auth._tag === "TokenFile" && auth.token !== undefined)
      ? `Bearer ${Redacted.value(auth.token!)}`
      : auth._tag === "Basic"
      ? `Basic ${Buffer.from(`${auth.username}:${Redacted.value(auth.password)}`).toString("base64")}`
      : undefined
    return {
      path: `${new URL(config.server).pathname.replace(/\/$/, "")}/api/v1/namespaces/${config.namespace}/configmaps`,
      authorization,
      user: config.impersonate?.user,
      groups: config.impersonate?.groups.join(", ") || undefined,
      extra: config.impersonate?.extra.team?.join(", ")
    }
  }

  const cases: Array<{ readonly flags: Array<string>; readonly options: RestConfig.KubeconfigOptions }> = [
    { flags: [], options: {} },
    { flags: ["--context=two"], options: { context: "two" } },
    { flags: ["--cluster", "beta"], options: { cluster: "beta" } },
    { flags: ["--user=basic"], options: { user: "basic" } },
    { flags: ["-n", "other"], options: { namespace: "other" } },
    { flags: ["--context", "three", "--namespace=x"], options: { context: "three", namespace: "x" } },
    {
      flags: ["--context=two", "--user=tokfile", "--cluster=alpha"],
      options: { context: "two", user: "tokfile", cluster: "alpha" }
    }
  ]
  for (const c of cases) {
    it.effect(`kubectl ${c.flags.join(" ") || "(current context)"}`, () =>
      Effect.gen(function*() {
        const config = yield* build(RestConfig.layerKubeconfig({ path: path.join(dir, "config"), ...c.options }))
        const request = yield* kubectlRequest(c.flags)
        expect({
          path: request.path,
          authorization: request.headers.authorization,
          user: request.headers["impersonate-user"],
          groups: ([] as Array<string>).concat(request.headers["impersonate-group"] ?? []).join(", ") || undefined,
          extra: request.headers["impersonate-extra-team"]
        }).toEqual(expected(config))
      }))
  }

  it.effect("--server override keeps the cluster's CA", () =>
    Effect.gen(function*() {
      const other = `https://127.0.0.1:${port}/gamma`
      const config = yield* build(RestConfig.layerKubeconfig({ path: path.join(dir, "config"), server: other }))
      expect(config.tls.caFile).toBe(pki.ca.certFile)
      const request = yield* kubectlRequest([`--server=${other}`])
      expect(request.path).toBe(expected(config).path)
      expect(request.headers.authorization).toBe(expected(config).authorization)
    }))
})
