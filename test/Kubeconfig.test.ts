import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { pipe } from "effect/Function"
import * as Redacted from "effect/Redacted"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as Kubeconfig from "../src/Kubeconfig.js"
import type * as RestConfig from "../src/RestConfig.js"

const fixtures = path.resolve(__dirname, "fixtures", "kubeconfig")
const fixture = (name: string) => path.join(fixtures, name)

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-kubeconfig-"))
const home = path.join(tmpRoot, "home")
fs.mkdirSync(home)
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))

let dirCount = 0
/** A fresh temp dir with the given files (relative name -> content). */
const tempFiles = (files: Record<string, string>): string => {
  const dir = path.join(tmpRoot, `case-${dirCount++}`)
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), content)
  }
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

/** Environment seen by the loaders (through ConfigProvider); HOME always points at an empty temp dir by default. */
const withEnv = (env: Record<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(Object.entries({ HOME: home, ...env }))))

const run = <A, E>(effect: Effect.Effect<A, E, any>, env: Record<string, string> = {}) =>
  effect.pipe(withEnv(env), Effect.provide(NodeContext.layer)) as Effect.Effect<A, E>

const loadResolve = (options: Kubeconfig.LoadOptions & Kubeconfig.Overrides, env: Record<string, string> = {}) =>
  run(Effect.flatMap(Kubeconfig.load(options), (k) => Kubeconfig.toRestConfig(k, options)), env)

const failure = <A>(effect: Effect.Effect<A, Kubeconfig.KubeconfigError>) =>
  Effect.flip(effect) as Effect.Effect<Kubeconfig.KubeconfigError>

const clusterYaml = (server = "https://c.example.test") => `clusters:\n- name: c\n  cluster:\n    server: ${server}\n`

describe("parse", () => {
  it.effect("reads YAML with YAML 1.1 scalars and keeps unknown fields", () =>
    Effect.gen(function*() {
      const file = yield* Kubeconfig.parse(
        fs.readFileSync(fixture("unknown-fields.yaml"), "utf8"),
        "unknown-fields.yaml"
      )
      const config = file.config as Record<string, unknown>
      expect(config.futureTopLevel).toEqual({ a: 1 })
      const cluster = file.config.clusters![0]!
      expect((cluster as Record<string, unknown>).futureNamedField).toBe("x")
      expect((cluster.cluster as Record<string, unknown>).futureClusterField).toEqual([1, 2])
      expect((file.config.users![0]!.user as Record<string, unknown>).futureUserField).toEqual({ b: 2 })
      const yes = yield* Kubeconfig.parse(`${clusterYaml()}    insecure-skip-tls-verify: yes\n`, "yes.yaml")
      expect(yes.config.clusters![0]!.cluster!.insecureSkipTlsVerify).toBe(true)
    }))

  it.effect("reads JSON", () =>
    Effect.gen(function*() {
      const file = yield* Kubeconfig.parse(fs.readFileSync(fixture("json.json"), "utf8"), "json.json")
      expect(file.config.currentContext).toBe("json")
      expect(file.config.clusters![0]!.cluster!.insecureSkipTlsVerify).toBe(true)
    }))

  it.effect("an empty document is an empty kubeconfig; null fields count as unset", () =>
    Effect.gen(function*() {
      expect((yield* Kubeconfig.parse("", "empty.yaml")).config).toEqual({})
      const nulls = yield* Kubeconfig.parse("current-context:\nclusters:\n- name: c\n  cluster:\n    server:\n", "n")
      expect(nulls.config.currentContext).toBeUndefined()
      expect(nulls.config.clusters![0]!.cluster).toEqual({})
    }))

  it.effect("malformed YAML is a ParseError naming the file and line, without the text", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Kubeconfig.parse("users:\n- name: u\n  user:\n    token: \"s3cr3t-in-bad-yaml\n", "bad.yaml")
      )
      expect(error._tag).toBe("KubeconfigError")
      expect(error.reason).toBe("ParseError")
      expect(error.file).toBe("bad.yaml")
      expect(error.message).toMatch(/^error loading config file "bad\.yaml": yaml: line \d+: /)
      expect(error.message).not.toContain("s3cr3t")
    }))

  it.effect("a wrongly typed field names its key and does not echo the value", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Kubeconfig.parse("users:\n- name: admin\n  user:\n    token: 123456789\n", "typed.yaml")
      )
      expect(error.reason).toBe("ParseError")
      expect(error.key).toBe(`users["admin"].user.token`)
      expect(error.message).not.toContain("123456789")
    }))

  it.effect("invalid base64 names file and key and the byte offset, never the value", () =>
    Effect.gen(function*() {
      const secret = "c2VjcmV0LWtleQ" // valid alphabet, missing padding: Go rejects it at byte 12
      const error = yield* Effect.flip(
        Kubeconfig.parse(`users:\n- name: u\n  user:\n    client-key-data: "${secret}"\n`, "b64.yaml")
      )
      expect(error.reason).toBe("InvalidBase64")
      expect(error.file).toBe("b64.yaml")
      expect(error.key).toBe(`users["u"].user.client-key-data`)
      expect(error.message).toContain("illegal base64 data at input byte 12")
      expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toContain(secret)
      const ca = yield* Effect.flip(
        Kubeconfig.parse(`${clusterYaml()}    certificate-authority-data: "not base64!!"\n`, "ca.yaml")
      )
      expect(ca.key).toBe(`clusters["c"].cluster.certificate-authority-data`)
      expect(ca.detail).toBe("illegal base64 data at input byte 3")
    }))

  it.effect("duplicate names, unknown apiVersion and non-mapping documents are ParseErrors", () =>
    Effect.gen(function*() {
      const dup = yield* Effect.flip(Kubeconfig.parse(`${clusterYaml()}${clusterYaml().slice(10)}`, "dup.yaml"))
      expect(dup.reason).toBe("DuplicateName")
      expect(dup.key).toBe("clusters")
      const v2 = yield* Effect.flip(Kubeconfig.parse("apiVersion: v2\nkind: Config\n", "v2.yaml"))
      expect(v2.reason).toBe("ParseError")
      expect(v2.message).toContain(`no kind "Config" is registered for version "v2"`)
      const list = yield* Effect.flip(Kubeconfig.parse("- a\n", "list.yaml"))
      expect(list.reason).toBe("ParseError")
    }))
})

describe("loading rules", () => {
  const a = "current-context: a\ncontexts:\n- name: a\n  context: {cluster: a}\nclusters:\n- name: a\n  cluster:\n" +
    "    server: https://a.test\n"
  const b = "current-context: b\ncontexts:\n- name: b\n  context: {cluster: b}\nclusters:\n- name: b\n  cluster:\n" +
    "    server: https://b.test\n"

  it.effect("an explicit path wins over KUBECONFIG and HOME", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ "a.yaml": a, "b.yaml": b, "home/.kube/config": b })
      const config = yield* run(Kubeconfig.load({ path: path.join(dir, "a.yaml") }), {
        KUBECONFIG: path.join(dir, "b.yaml"),
        HOME: path.join(dir, "home")
      })
      expect(config.files).toEqual([path.join(dir, "a.yaml")])
      expect(config.clusters.map((c) => c.name)).toEqual(["a"])
    }))

  it.effect("a missing explicit file is FileNotFound", () =>
    Effect.gen(function*() {
      const missing = path.join(tmpRoot, "does-not-exist.yaml")
      const error = yield* failure(run(Kubeconfig.load({ path: missing })))
      expect(error.reason).toBe("FileNotFound")
      expect(error.message).toBe(`stat ${missing}: no such file or directory`)
    }))

  it.effect("KUBECONFIG: missing files skipped, empty entries ignored, duplicates read once, order kept", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ "a.yaml": a, "b.yaml": b, "home/.kube/config": b })
      const list = ["", path.join(dir, "missing.yaml"), path.join(dir, "b.yaml"), "", path.join(dir, "a.yaml")]
      const env = { KUBECONFIG: [...list, path.join(dir, "b.yaml")].join(":"), HOME: path.join(dir, "home") }
      const paths = yield* run(Kubeconfig.loadingPaths(), env)
      expect(paths.files).toEqual([path.join(dir, "missing.yaml"), path.join(dir, "b.yaml"), path.join(dir, "a.yaml")])
      const config = yield* run(Kubeconfig.load(), env)
      expect(config.files).toEqual([path.join(dir, "b.yaml"), path.join(dir, "a.yaml")])
      expect(config.currentContext).toBe("b")
    }))

  it.effect("without KUBECONFIG, $HOME/.kube/config; nothing found is the empty kubeconfig", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ "home/.kube/config": a })
      const config = yield* run(Kubeconfig.load(), { HOME: path.join(dir, "home") })
      expect(config.files).toEqual([path.join(dir, "home", ".kube", "config")])
      expect(config.currentContext).toBe("a")
      const nothing = yield* run(Kubeconfig.load(), { HOME: path.join(dir, "nowhere") })
      expect(nothing).toEqual(Kubeconfig.empty)
      const emptyEnv = yield* run(Kubeconfig.load(), { HOME: path.join(dir, "home"), KUBECONFIG: "" })
      expect(emptyEnv.currentContext).toBe("a")
    }))

  it.effect("a malformed file anywhere in the list fails the load", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ "a.yaml": a, "bad.yaml": "clusters: [\n" })
      const error = yield* failure(
        run(Kubeconfig.load(), { KUBECONFIG: `${path.join(dir, "a.yaml")}:${path.join(dir, "bad.yaml")}` })
      )
      expect(error.reason).toBe("ParseError")
      expect(error.file).toBe(path.join(dir, "bad.yaml"))
    }))

  it.effect("merge: first file defining a name wins whole; current-context, colors from the first that sets them", () =>
    Effect.gen(function*() {
      const env = {
        KUBECONFIG: [fixture("merge-c.yaml"), fixture("merge-a.yaml"), fixture("merge-b.yaml")].join(":")
      }
      const config = yield* run(Kubeconfig.load(), env)
      expect(config.currentContext).toBe("from-a")
      const shared = config.clusters.find((c) => c.name === "shared")!
      expect(shared.value).toEqual({ server: "https://shared-from-a.example.test" })
      expect(shared.origin).toBe(fixture("merge-a.yaml"))
      expect(config.contexts.find((c) => c.name === "from-a")!.value).toEqual({ cluster: "only-c" })
      expect(config.users.find((u) => u.name === "shared")!.value).toEqual({ token: "fixture-token-shared-a" })
      expect(config.preferences).toEqual({
        colors: true,
        extensions: [{ name: "pref-b", extension: { from: "b" } }]
      })
      expect(config.extensions).toEqual([{ name: "only-a-ext", extension: { from: "a" } }])
      expect(config.clusters.map((c) => c.name).sort()).toEqual(["only-a", "only-b", "only-c", "shared"])
    }))
})

describe("toRestConfig", () => {
  it.effect("basic: server without trailing slash, CA data decoded, SNI, token, context namespace, defaults", () =>
    Effect.gen(function*() {
      const config = yield* loadResolve({ path: fixture("basic.yaml") })
      expect(config.server).toBe("https://basic.example.test:6443")
      expect(config.tls.caData).toBe("-----BEGIN CERTIFICATE-----\nfixture-ca\n-----END CERTIFICATE-----\n")
      expect(config.tls.serverName).toBe("api.basic.test")
      expect(config.tls.insecure).toBe(false)
      expect(config.auth._tag).toBe("Token")
      expect(Redacted.value((config.auth as { token: Redacted.Redacted<string> }).token)).toBe("fixture-token-basic")
      expect(config.namespace).toBe("team-a")
      expect(config.qps).toBe(5)
      expect(config.burst).toBe(10)
      expect(config.timeout).toBeUndefined()
      expect(config.userAgent).toMatch(/^effect-kube\/\d+\.\d+\.\d+\S* \([a-z0-9]+\/[a-z0-9]+\) effect-kube\/unknown$/)
      expect(config.source).toBe(fixture("basic.yaml"))
      expect(JSON.stringify(config)).not.toContain("fixture-token-basic")
    }))

  it.effect("relative paths resolve against the defining file's directory", () =>
    Effect.gen(function*() {
      const pki = path.join(fixtures, "relative", "pki")
      const config = yield* loadResolve({ path: fixture("relative/nested/config.yaml") })
      expect(config.tls.caFile).toBe(path.join(pki, "ca.crt"))
      expect(config.tls.certFile).toBe(path.join(pki, "client.crt"))
      expect(config.tls.keyFile).toBe(path.join(pki, "client.key"))
      // tokenFile without an inline token is read up front (client-go does too); the file stays the source of truth
      expect(config.auth).toMatchObject({ _tag: "TokenFile", path: path.join(pki, "token") })
      const token = (config.auth as { token?: Redacted.Redacted<string> }).token!
      expect(Redacted.value(token)).toBe("fixture-token-from-file")
      const plugin = yield* loadResolve({ path: fixture("relative/nested/config.yaml"), user: "plugin" })
      expect(plugin.auth).toMatchObject({
        _tag: "Exec",
        exec: { command: path.join(fixtures, "relative", "bin", "credential-plugin") }
      })
    }))

  it.effect("relative paths in a KUBECONFIG list follow each entry's own file", () =>
    Effect.gen(function*() {
      const dir = tempFiles({
        "one/config": "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n",
        "two/config": `${clusterYaml()}    certificate-authority: ca.pem\n`,
        "two/ca.pem": "ca",
        "three/config": "users:\n- name: u\n  user: {tokenFile: tok, token: inline}\n"
      })
      const files = ["one", "two", "three"].map((d) => path.join(dir, d, "config"))
      const config = yield* loadResolve({}, { KUBECONFIG: files.join(":") })
      expect(config.tls.caFile).toBe(path.join(dir, "two", "ca.pem"))
      // both set: the file wins (the Credentials layer re-reads it); the inline token is only the first value
      expect(config.auth).toMatchObject({ _tag: "TokenFile", path: path.join(dir, "three", "tok") })
      expect(Redacted.value((config.auth as { token: Redacted.Redacted<string> }).token)).toBe("inline")
      expect(config.source).toBe(files.join(":"))
    }))

  it.effect("overrides: context, cluster, user, namespace, server", () =>
    Effect.gen(function*() {
      const base = { path: fixture("contexts.yaml") }
      const dev = yield* loadResolve(base)
      expect([dev.server, dev.namespace, dev.auth._tag]).toEqual(["https://dev.example.test:8443", "dev-ns", "Token"])
      const prod = yield* loadResolve({ ...base, context: "prod" })
      expect(prod.server).toBe("https://prod.example.test/k8s")
      expect(prod.namespace).toBe("default")
      expect(prod.proxyUrl).toBe("socks5://proxy.example.test:1080")
      expect(prod.disableCompression).toBe(true)
      expect(prod.auth).toMatchObject({ _tag: "Basic", username: "admin" })
      const mixed = yield* loadResolve({ ...base, cluster: "prod-cluster", user: "prod-user", namespace: "n1" })
      expect([mixed.server, mixed.namespace, mixed.auth._tag]).toEqual(["https://prod.example.test/k8s", "n1", "Basic"])
      const server = yield* loadResolve({ path: fixture("basic.yaml"), server: "https://other.test:443/x/" })
      expect(server.server).toBe("https://other.test/x")
      // a new server drops the kubeconfig's tls-server-name, as in client-go
      expect(server.tls.serverName).toBeUndefined()
      expect(server.tls.caData).toBeDefined()
      const timeout = yield* loadResolve({ ...base, timeout: "5 seconds" })
      expect(timeout.timeout?.toJSON()).toEqual({ _id: "Duration", _tag: "Millis", millis: 5000 })
    }))

  it.effect("exec: args, env, provideClusterInfo, interactiveMode, installHint and the cluster's exec extension", () =>
    Effect.gen(function*() {
      const v1 = yield* loadResolve({ path: fixture("exec.yaml") })
      expect(v1.auth).toEqual({
        _tag: "Exec",
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "/usr/local/bin/fixture-plugin",
          args: ["token", "--cluster", "fixture"],
          env: [{ name: "FIXTURE_MODE", value: "on" }],
          provideClusterInfo: true,
          interactiveMode: "Never",
          installHint: "install fixture-plugin from the fixture store",
          clusterConfig: { audience: "fixture", region: "eu-1" }
        }
      })
      const beta = yield* loadResolve({ path: fixture("exec.yaml"), context: "exec-beta" })
      expect(beta.auth).toMatchObject({
        _tag: "Exec",
        exec: { command: "fixture-plugin", args: [], env: [], interactiveMode: "IfAvailable" }
      })
    }))

  it.effect("auth-provider config values are Redacted; impersonation and client cert data", () =>
    Effect.gen(function*() {
      const oidc = yield* loadResolve({ path: fixture("auth-provider.yaml") })
      if (oidc.auth._tag !== "AuthProvider") throw new Error("expected AuthProvider")
      expect(oidc.auth.name).toBe("oidc")
      expect(Redacted.value(oidc.auth.config["id-token"]!)).toBe("fixture-id-token")
      expect(JSON.stringify(oidc)).not.toContain("fixture-id-token")
      const imp = yield* loadResolve({ path: fixture("impersonation.yaml") })
      expect(imp.impersonate).toEqual({
        user: "alice",
        uid: "1001",
        groups: ["devs", "ops"],
        extra: { reason: ["fixture"] }
      })
      expect(imp.tls.certData).toContain("fixture-client")
      expect(Redacted.value(imp.tls.keyData!)).toContain("fixture-key")
      expect(imp.auth._tag).toBe("None")
    }))

  it.effect("a plain http server gets neither credentials nor TLS material (client-go's rule)", () =>
    Effect.gen(function*() {
      const dir = tempFiles({
        config: `${clusterYaml("http://127.0.0.1:8080/")}    certificate-authority-data: Y2E=\n` +
          "users:\n- name: u\n  user: {token: t, as: bob}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n" +
          "current-context: x\n"
      })
      const config = yield* loadResolve({ path: path.join(dir, "config") })
      expect(config.server).toBe("http://127.0.0.1:8080")
      expect(config.auth).toEqual({ _tag: "None" })
      expect(config.tls).toEqual({ insecure: false })
      expect(config.impersonate?.user).toBe("bob")
    }))

  describe("errors", () => {
    const secrets = ["fixture-secret-token", "fixture-secret-password", "Zml4dHVyZS1zZWNyZXQ="]
    const users = "users:\n- name: u\n  user: {token: fixture-secret-token}\n" +
      "- name: both\n  user: {token: fixture-secret-token, username: x, password: fixture-secret-password}\n" +
      "- name: nokey\n  user: {client-certificate-data: Zml4dHVyZS1zZWNyZXQ=}\n" +
      "- name: badcert\n  user: {client-certificate: missing.crt, client-key: missing.key}\n" +
      "- name: badtoken\n  user: {tokenFile: missing-token}\n" +
      "- name: execv1\n  user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}\n" +
      "- name: execnocmd\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}}\n" +
      "- name: execap\n  user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1, " +
      "interactiveMode: Never}, auth-provider: {name: oidc}}\n" +
      "- name: groups\n  user: {as-groups: [g]}\n"
    const clusters = "clusters:\n- name: c\n  cluster: {server: 'https://c.test'}\n" +
      "- name: noserver\n  cluster: {insecure-skip-tls-verify: true}\n" +
      "- name: bothca\n  cluster: {server: 'https://c.test', certificate-authority: ca, certificate-authority-data: Y2E=}\n" +
      "- name: missingca\n  cluster: {server: 'https://c.test', certificate-authority: missing-ca.crt}\n" +
      "- name: badproxy\n  cluster: {server: 'https://c.test', proxy-url: 'ftp://proxy'}\n"
    const contexts = "contexts:\n- name: ok\n  context: {cluster: c, user: u}\n" +
      "- name: nocluster\n  context: {cluster: gone, user: u}\n" +
      "- name: nouser\n  context: {cluster: c, user: gone}\n"
    const dir = tempFiles({ config: `${users}${clusters}${contexts}`, ca: "ca" })
    const file = path.join(dir, "config")
    const cases: Array<{
      readonly name: string
      readonly overrides: Kubeconfig.Overrides & { readonly current?: string }
      readonly reason: Kubeconfig.KubeconfigErrorReason
      readonly key?: string
      readonly message: string
    }> = [
      {
        name: "unknown --context",
        overrides: { context: "nope" },
        reason: "ContextNotFound",
        message: `context "nope" does not exist`
      },
      {
        name: "unknown current-context",
        overrides: { current: "nope" },
        reason: "ContextNotFound",
        key: "current-context",
        message: "context was not found for specified context: nope"
      },
      {
        name: "context naming a missing cluster",
        overrides: { context: "nocluster" },
        reason: "ClusterNotFound",
        key: `contexts["nocluster"].context.cluster`,
        message: `context "nocluster" names cluster "gone", which does not exist`
      },
      {
        name: "context naming a missing user",
        overrides: { context: "nouser" },
        reason: "UserNotFound",
        key: `contexts["nouser"].context.user`,
        message: `context "nouser" names user "gone", which does not exist`
      },
      {
        name: "unknown --cluster",
        overrides: { context: "ok", cluster: "nope" },
        reason: "ClusterNotFound",
        message: `cluster "nope" does not exist`
      },
      {
        name: "unknown --user",
        overrides: { context: "ok", user: "nope" },
        reason: "UserNotFound",
        message: `auth info "nope" does not exist`
      },
      {
        name: "no server",
        overrides: { context: "ok", cluster: "noserver" },
        reason: "NoServer",
        key: `clusters["noserver"].cluster.server`,
        message: `no server found for cluster "noserver"`
      },
      {
        name: "nothing selected",
        overrides: {},
        reason: "EmptyConfig",
        message: "invalid configuration: no configuration has been provided"
      },
      {
        name: "token and basic auth",
        overrides: { context: "ok", user: "both" },
        reason: "Invalid",
        key: `users["both"].user.token`,
        message: "more than one authentication method found for both; found [token basicAuth], only one is allowed"
      },
      {
        name: "client cert without key",
        overrides: { context: "ok", user: "nokey" },
        reason: "Invalid",
        key: `users["nokey"].user.client-key`,
        message: "client-key-data or client-key must be specified for nokey to use the clientCert authentication method"
      },
      {
        name: "unreadable client certificate",
        overrides: { context: "ok", user: "badcert" },
        reason: "UnreadableFile",
        key: `users["badcert"].user.client-certificate`,
        message: `unable to read client-certificate: open ${path.join(dir, "missing.crt")}: no such file or directory`
      },
      {
        name: "unreadable tokenFile",
        overrides: { context: "ok", user: "badtoken" },
        reason: "UnreadableFile",
        key: `users["badtoken"].user.tokenFile`,
        message: `unable to read tokenFile: open ${path.join(dir, "missing-token")}: no such file or directory`
      },
      {
        name: "exec v1 without interactiveMode",
        overrides: { context: "ok", user: "execv1" },
        reason: "Invalid",
        key: `users["execv1"].user.exec.interactiveMode`,
        message: "interactiveMode must be specified for execv1 to use exec authentication plugin"
      },
      {
        name: "exec without command",
        overrides: { context: "ok", user: "execnocmd" },
        reason: "Invalid",
        key: `users["execnocmd"].user.exec.command`,
        message: "command must be specified for execnocmd to use exec authentication plugin"
      },
      {
        name: "exec with auth-provider",
        overrides: { context: "ok", user: "execap" },
        reason: "Invalid",
        message: "authProvider cannot be provided in combination with an exec plugin for execap"
      },
      {
        name: "impersonation extras without a user",
        overrides: { context: "ok", user: "groups" },
        reason: "Invalid",
        key: `users["groups"].user.as`,
        message: "requesting uid, groups or user-extra for groups without impersonating a user"
      },
      {
        name: "CA file and data",
        overrides: { context: "ok", cluster: "bothca" },
        reason: "Invalid",
        key: `clusters["bothca"].cluster.certificate-authority`,
        message: "certificate-authority-data and certificate-authority are both specified for bothca"
      },
      {
        name: "unreadable CA file",
        overrides: { context: "ok", cluster: "missingca" },
        reason: "UnreadableFile",
        key: `clusters["missingca"].cluster.certificate-authority`,
        message: `unable to read certificate-authority: open ${
          path.join(dir, "missing-ca.crt")
        }: no such file or directory`
      },
      {
        name: "bad proxy-url scheme",
        overrides: { context: "ok", cluster: "badproxy" },
        reason: "Invalid",
        key: `clusters["badproxy"].cluster.proxy-url`,
        message: `invalid 'proxy-url' for cluster "badproxy": unsupported scheme "ftp", must be http, https, or socks5`
      }
    ]
    for (const c of cases) {
      it.effect(c.name, () =>
        Effect.gen(function*() {
          const loaded = yield* run(Kubeconfig.load({ path: file }))
          const kubeconfig = c.overrides.current === undefined
            ? loaded
            : { ...loaded, currentContext: c.overrides.current }
          const error = yield* failure(run(Kubeconfig.toRestConfig(kubeconfig, c.overrides)))
          expect(error._tag).toBe("KubeconfigError")
          expect(error.reason).toBe(c.reason)
          expect(error.detail).toBe(c.message)
          if (c.key !== undefined) expect(error.key).toBe(c.key)
          const shown = `${error.message} ${String(error)} ${JSON.stringify(error)}`
          for (const secret of secrets) expect(shown).not.toContain(secret)
        }))
    }
  })
})

describe("error messages", () => {
  it.effect("hand-built configs get the same base64 check; resolution errors name file and key", () =>
    Effect.gen(function*() {
      const kubeconfig = Kubeconfig.merge([{
        path: "/x/config",
        config: {
          clusters: [{ name: "c", cluster: { server: "https://c", certificateAuthorityData: "%%%%" } }],
          contexts: [{ name: "x", context: { cluster: "c", user: "gone" } }, { name: "y", context: { cluster: "c" } }],
          currentContext: "x"
        }
      }])
      const dangling = yield* failure(run(Kubeconfig.toRestConfig(kubeconfig)))
      expect(dangling.message).toBe(
        `context "x" names user "gone", which does not exist (in "/x/config" at contexts["x"].context.user)`
      )
      const b64 = yield* failure(run(Kubeconfig.toRestConfig(kubeconfig, { context: "y" })))
      expect(b64.reason).toBe("InvalidBase64")
      expect(b64.message).toBe(
        `error loading config file "/x/config": illegal base64 data at input byte 0 ` +
          `(at clusters["c"].cluster.certificate-authority-data)`
      )
    }))
})

describe("view helpers", () => {
  it.effect("minify errors match kubectl's", () =>
    Effect.gen(function*() {
      const config = yield* run(Kubeconfig.load({ path: fixture("contexts.yaml") }))
      expect((yield* Effect.flip(Kubeconfig.minify(Kubeconfig.empty))).message).toBe(
        "current-context must exist in order to minify"
      )
      expect((yield* Effect.flip(Kubeconfig.minify(config, "nope"))).message).toBe("cannot locate context nope")
      const minified = yield* Kubeconfig.minify(config, "prod")
      expect(minified.contexts.map((c) => c.name)).toEqual(["prod"])
      expect(minified.clusters.map((c) => c.name)).toEqual(["prod-cluster"])
      expect(minified.users.map((c) => c.name)).toEqual(["prod-user"])
    }))

  it.effect("minify and toRestConfig are dual: the data-last forms give the data-first results", () =>
    Effect.gen(function*() {
      const config = yield* run(Kubeconfig.load({ path: fixture("contexts.yaml") }))
      expect(yield* pipe(config, Kubeconfig.minify("prod"))).toEqual(yield* Kubeconfig.minify(config, "prod"))
      expect((yield* Effect.flip(pipe(config, Kubeconfig.minify("nope")))).message).toBe("cannot locate context nope")
      const first = yield* run(Kubeconfig.toRestConfig(config, { context: "prod", namespace: "apps" }))
      const last = yield* run(pipe(config, Kubeconfig.toRestConfig({ context: "prod", namespace: "apps" })))
      expect([last.server, last.namespace]).toEqual([first.server, "apps"])
      expect(last.server).not.toBe((yield* run(pipe(config, Kubeconfig.toRestConfig()))).server)
    }))

  it("redacts like kubectl: *-data as DATA+OMITTED, token and password as REDACTED", () => {
    const json = Kubeconfig.toJson(
      Kubeconfig.merge([{
        path: "x",
        config: {
          clusters: [{ name: "c", cluster: { server: "s", certificateAuthorityData: "Y2E=" } }],
          users: [{
            name: "u",
            user: {
              clientCertificateData: "Y2E=",
              clientKeyData: "Y2E=",
              token: "t",
              password: "p",
              username: "n",
              authProvider: { name: "oidc", config: { "id-token": "i" } }
            }
          }]
        }
      }])
    )
    expect(json.clusters).toEqual([{
      name: "c",
      cluster: { server: "s", "certificate-authority-data": "DATA+OMITTED" }
    }])
    expect(json.users).toEqual([{
      name: "u",
      user: {
        "client-certificate-data": "DATA+OMITTED",
        "client-key-data": "DATA+OMITTED",
        token: "REDACTED",
        username: "n",
        password: "REDACTED",
        // kubectl leaves auth-provider config alone
        "auth-provider": { name: "oidc", config: { "id-token": "i" } }
      }
    }])
  })
})

// The loader against the reference: `kubectl config view --minify --raw -o json` on the same files and flags.
describe("loader vs kubectl config view --minify --raw", () => {
  const kubectl = ensureKubectl()
  const kubectlView = (files: ReadonlyArray<string>, flags: ReadonlyArray<string>) => {
    const args = ["config", "view", "--minify", "--raw", "-o", "json", "--request-timeout=5s", ...flags]
    if (files.length === 1) args.push(`--kubeconfig=${files[0]}`)
    const result = spawnSync(kubectl, args, {
      env: { HOME: home, PATH: "", ...(files.length > 1 ? { KUBECONFIG: files.join(":") } : {}) },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    return JSON.parse(result.stdout) as unknown
  }
  const cases: Array<{
    readonly name: string
    readonly files: ReadonlyArray<string>
    readonly context?: string
    readonly flatten?: boolean
    readonly kubectlFlags?: ReadonlyArray<string>
  }> = [
    { name: "basic", files: ["basic.yaml"] },
    { name: "merge a then b", files: ["merge-a.yaml", "merge-b.yaml"] },
    { name: "merge b then a", files: ["merge-b.yaml", "merge-a.yaml"] },
    { name: "merge, current-context from the second file", files: ["merge-c.yaml", "merge-a.yaml", "merge-b.yaml"] },
    { name: "merge, shared context from the first file", files: ["merge-a.yaml", "merge-b.yaml"], context: "shared" },
    { name: "relative paths, flattened", files: ["relative/nested/config.yaml"], flatten: true },
    { name: "relative paths through KUBECONFIG", files: ["merge-b.yaml", "relative/nested/config.yaml"] },
    { name: "context with namespace", files: ["contexts.yaml"] },
    { name: "--context prod", files: ["contexts.yaml"], context: "prod" },
    {
      name: "--context with --cluster/--user/--namespace (view ignores those)",
      files: ["contexts.yaml"],
      context: "prod-ops",
      kubectlFlags: ["--cluster=dev-cluster", "--user", "prod-user", "-n", "x"]
    },
    { name: "exec v1", files: ["exec.yaml"] },
    { name: "exec v1beta1 defaults", files: ["exec.yaml"], context: "exec-beta" },
    { name: "auth-provider oidc", files: ["auth-provider.yaml"] },
    { name: "auth-provider without config", files: ["auth-provider.yaml"], context: "gcp" },
    { name: "JSON file", files: ["json.json"] },
    { name: "impersonation and cert data", files: ["impersonation.yaml"] },
    { name: "unknown fields", files: ["unknown-fields.yaml"] },
    { name: "wrapped base64", files: ["data-newlines.yaml"] }
  ]
  for (const c of cases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const files = c.files.map(fixture)
        const env = files.length > 1 ? { KUBECONFIG: files.join(":") } : {}
        const loaded = yield* run(Kubeconfig.load(files.length === 1 ? { path: files[0] } : {}), env)
        const minified = yield* Kubeconfig.minify(loaded, c.context)
        const final = c.flatten === true ? yield* run(Kubeconfig.flatten(minified)) : minified
        const ours = Kubeconfig.toJson(final, { raw: true })
        const flags = [
          ...(c.context === undefined ? [] : ["--context", c.context]),
          ...(c.flatten === true ? ["--flatten"] : []),
          ...(c.kubectlFlags ?? [])
        ]
        expect(ours).toEqual(kubectlView(files, flags))
      }))
  }

  it.effect("errors: both fail on the same inputs", () =>
    Effect.gen(function*() {
      const dir = tempFiles({ "b64.yaml": `${clusterYaml()}    certificate-authority-data: "abc"\n` })
      const file = path.join(dir, "b64.yaml")
      const result = spawnSync(kubectl, ["config", "view", `--kubeconfig=${file}`, "--request-timeout=5s"], {
        env: { HOME: home, PATH: "" },
        encoding: "utf8"
      })
      expect(result.status).toBe(1)
      const error = yield* failure(run(Kubeconfig.load({ path: file })))
      expect(result.stderr.trim()).toBe(`error: error loading config file "${file}": ${error.detail}`)
      expect(Either.isLeft(yield* Effect.either(Kubeconfig.minify(Kubeconfig.empty)))).toBe(true)
    }))
})

// Type-level check that the resolver hands back the contract type.
export type _Check = Effect.Effect.Success<ReturnType<typeof Kubeconfig.toRestConfig>> extends RestConfig.Service ? true
  : never
