import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Credentials from "../src/Credentials.js"
import { escapeExtraKey } from "../src/internal/credentials/headers.js"
import type { AuthConfig, ExecConfig, Service as RestConfigService } from "../src/RestConfig.js"

const plugin = fileURLToPath(new URL("./fixtures/exec/plugin.mjs", import.meta.url))
fs.chmodSync(plugin, 0o755)

const restConfig = (auth: AuthConfig, overrides: Partial<RestConfigService> = {}): RestConfigService => ({
  server: "https://127.0.0.1:6443",
  tls: { insecure: false },
  disableCompression: false,
  auth,
  namespace: "default",
  qps: 5,
  burst: 10,
  userAgent: "test",
  source: "test",
  ...overrides
})

// Expires in 2033; the TestClock starts at 1970.
const validJwt = `e30.${Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString("base64url")}.sig`

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-creds-"))

const request = HttpClientRequest.get("https://127.0.0.1:6443/api")

const authorizeWith = (config: RestConfigService, stdinIsTerminal = false) =>
  Effect.flatMap(
    Credentials.fromConfig(config, { stdinIsTerminal }),
    (credentials) => credentials.authorize(request)
  ).pipe(Effect.provide(NodeContext.layer))

const execConfig = (env: Record<string, string>, overrides: Partial<ExecConfig> = {}): ExecConfig => ({
  apiVersion: "client.authentication.k8s.io/v1",
  command: plugin,
  args: [],
  env: Object.entries(env).map(([name, value]) => ({ name, value })),
  provideClusterInfo: false,
  interactiveMode: "Never",
  ...overrides
})

const runs = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0

/** Fails the test if any rendering of the error mentions the secret. */
const expectNoSecret = (error: unknown, secret: string) => {
  expect(String(error)).not.toContain(secret)
  expect(JSON.stringify(error)).not.toContain(secret)
  expect((error as Error).message).not.toContain(secret)
}

const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.exit(effect), (exit) =>
    Exit.isFailure(exit) && exit.cause._tag === "Fail"
      ? Effect.succeed(exit.cause.error)
      : Effect.dieMessage(`expected a failure, got ${exit._tag}`))

describe("static credentials", () => {
  it.effect("bearer token, and an explicit Authorization header wins", () =>
    Effect.gen(function*() {
      const credentials = yield* Credentials.fromConfig(
        restConfig({ _tag: "Token", token: Redacted.make("abc") })
      ).pipe(Effect.provide(NodeContext.layer))
      const out = yield* credentials.authorize(request)
      expect(out.headers["authorization"]).toBe("Bearer abc")
      const explicit = yield* credentials.authorize(HttpClientRequest.setHeader(request, "Authorization", "Bearer x"))
      expect(explicit.headers["authorization"]).toBe("Bearer x")
      expect(yield* credentials.invalidate).toBe(false)
      expect(credentials.clientCertificate).toBeUndefined()
    }))

  it.effect("basic auth encodes UTF-8 like Go", () =>
    Effect.gen(function*() {
      const out = yield* authorizeWith(
        restConfig({ _tag: "Basic", username: "jané", password: Redacted.make("pä:ss") })
      )
      expect(out.headers["authorization"]).toBe(`Basic ${Buffer.from("jané:pä:ss").toString("base64")}`)
    }))

  it.effect("impersonation headers: user, uid, repeated groups, escaped extra keys", () =>
    Effect.gen(function*() {
      const out = yield* authorizeWith(restConfig({ _tag: "None" }, {
        impersonate: {
          user: "jane",
          uid: "u-1",
          groups: ["dev", "ops, admins"],
          extra: { "example.org/scopes": ["view", "edit"], "reason%": ["audit"], "ünï": ["x"] }
        }
      }))
      expect(out.headers["authorization"]).toBeUndefined()
      expect(out.headers["impersonate-user"]).toBe("jane")
      expect(out.headers["impersonate-uid"]).toBe("u-1")
      expect(out.headers["impersonate-group"]).toEqual(["dev", "ops, admins"])
      // The platform lower-cases header names, escapes included; the apiserver lower-cases the key before
      // unescaping it (and HTTP/2 lower-cases names anyway), so "%2f" reads as "/" just like client-go's "%2F".
      const names = Object.keys(out.headers).filter((name) => name.startsWith("impersonate-extra-")).sort()
      expect(names).toEqual([
        "impersonate-extra-%c3%bcn%c3%af",
        "impersonate-extra-example.org%2fscopes",
        "impersonate-extra-reason%25"
      ])
      expect(out.headers["impersonate-extra-example.org%2fscopes"]).toEqual(["view", "edit"])
      expect(out.headers["impersonate-extra-reason%25"]).toBe("audit")
      expect(escapeExtraKey("example.org/scopes")).toBe("example.org%2Fscopes")
      expect(escapeExtraKey("a-b_c.d~e!f|g")).toBe("a-b_c.d~e!f|g")
      expect(escapeExtraKey("ünï %")).toBe("%C3%BCn%C3%AF%20%25")
    }))

  it.effect("oidc uses id-token; gcp and azure name their replacement", () =>
    Effect.gen(function*() {
      const oidc = yield* authorizeWith(restConfig({
        _tag: "AuthProvider",
        name: "oidc",
        config: { "id-token": Redacted.make(validJwt), "refresh-token": Redacted.make("r") }
      }))
      expect(oidc.headers["authorization"]).toBe(`Bearer ${validJwt}`)
      const gcp = yield* failure(authorizeWith(restConfig({ _tag: "AuthProvider", name: "gcp", config: {} })))
      expect(gcp.reason).toBe("AuthProviderRemoved")
      expect(gcp.message).toContain("gke-gcloud-auth-plugin")
      const missing = yield* failure(authorizeWith(restConfig({ _tag: "AuthProvider", name: "oidc", config: {} })))
      expect(missing.reason).toBe("AuthProviderInvalid")
    }))

  it.effect("fromToken maps foreign failures without quoting them", () =>
    Effect.gen(function*() {
      const ok = Credentials.fromToken(Effect.succeed(Redacted.make("t1")))
      expect((yield* ok.authorize(request)).headers["authorization"]).toBe("Bearer t1")
      const bad = Credentials.fromToken(Effect.fail(new Error("token t-secret expired")))
      const error = yield* failure(bad.authorize(request))
      expect(error.reason).toBe("TokenSource")
      expect(error.message).not.toContain("t-secret")
    }))
})

describe("token file", () => {
  it.effect("is re-read after a minute and right after invalidate", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const file = path.join(dir, "token")
      fs.writeFileSync(file, "first\n")
      const credentials = yield* Credentials.fromConfig(restConfig({ _tag: "TokenFile", path: file }))
        .pipe(Effect.provide(NodeContext.layer))
      const current = Effect.map(credentials.authorize(request), (r) => r.headers["authorization"])
      expect(yield* current).toBe("Bearer first")
      fs.writeFileSync(file, "second")
      expect(yield* current).toBe("Bearer first")
      yield* TestClock.adjust("59 seconds")
      expect(yield* current).toBe("Bearer first")
      yield* TestClock.adjust("1 second")
      expect(yield* current).toBe("Bearer second")
      fs.writeFileSync(file, "third")
      expect(yield* credentials.invalidate).toBe(true)
      expect(yield* current).toBe("Bearer third")
      fs.rmSync(dir, { recursive: true })
    }))

  it.effect("empty or missing files are typed errors naming the file; an inline token is the fallback", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const file = path.join(dir, "token")
      fs.writeFileSync(file, "  \n")
      const empty = yield* failure(authorizeWith(restConfig({ _tag: "TokenFile", path: file })))
      expect(empty.reason).toBe("TokenFile")
      expect(empty.message).toContain(file)
      const missingPath = path.join(dir, "nope")
      const missing = yield* failure(authorizeWith(restConfig({ _tag: "TokenFile", path: missingPath })))
      expect(missing.message).toContain(missingPath)
      const fallback = yield* authorizeWith(
        restConfig({ _tag: "TokenFile", path: missingPath, token: Redacted.make("inline") })
      )
      expect(fallback.headers["authorization"]).toBe("Bearer inline")
      fs.rmSync(dir, { recursive: true })
    }))
})

describe("exec plugins", () => {
  it.effect("runs the plugin with args and env, passes KUBERNETES_EXEC_INFO, uses the token (v1)", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const infoFile = path.join(dir, "info.json")
      const ca = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"
      const out = yield* authorizeWith(restConfig({
        _tag: "Exec",
        exec: execConfig({ PLUGIN_INFO_FILE: infoFile, PLUGIN_TOKEN: "v1tok", PLUGIN_READ_STDIN: "1" }, {
          args: ["--region", "a b"],
          provideClusterInfo: true,
          clusterConfig: { audience: "kube" }
        })
      }, {
        server: "https://10.0.0.1:6443/prefix",
        tls: { insecure: false, caData: ca, serverName: "kube.internal" },
        proxyUrl: "http://proxy:3128"
      }))
      expect(out.headers["authorization"]).toBe("Bearer v1tok-1")
      const seen = JSON.parse(fs.readFileSync(infoFile, "utf8"))
      expect(seen.args).toEqual(["--region", "a b"])
      expect(seen.hasPath).toBe(true)
      expect(seen.stdin).toBe("")
      expect(seen.info).toEqual({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1",
        spec: {
          interactive: false,
          cluster: {
            server: "https://10.0.0.1:6443/prefix",
            "tls-server-name": "kube.internal",
            "certificate-authority-data": Buffer.from(ca).toString("base64"),
            "proxy-url": "http://proxy:3128",
            config: { audience: "kube" }
          }
        }
      })
      fs.rmSync(dir, { recursive: true })
    }))

  it.effect("v1beta1 without cluster info", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const infoFile = path.join(dir, "info.json")
      const out = yield* authorizeWith(restConfig({
        _tag: "Exec",
        exec: execConfig({ PLUGIN_INFO_FILE: infoFile, PLUGIN_TOKEN: "beta" }, {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          interactiveMode: "IfAvailable"
        })
      }))
      expect(out.headers["authorization"]).toBe("Bearer beta-1")
      expect(JSON.parse(fs.readFileSync(infoFile, "utf8")).info).toEqual({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1beta1",
        spec: { interactive: false }
      })
      fs.rmSync(dir, { recursive: true })
    }))

  it.effect("caches until expirationTimestamp and runs again after invalidate", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const count = path.join(dir, "count")
      // TestClock starts at the epoch, so an expiry ten minutes after it is in the clock's future.
      const credentials = yield* Credentials.fromConfig(restConfig({
        _tag: "Exec",
        exec: execConfig({ PLUGIN_COUNT_FILE: count, PLUGIN_EXPIRY: "1970-01-01T00:10:00Z" })
      })).pipe(Effect.provide(NodeContext.layer))
      const current = Effect.map(credentials.authorize(request), (r) => r.headers["authorization"])
      expect(yield* current).toBe("Bearer token-1")
      expect(yield* current).toBe("Bearer token-1")
      yield* TestClock.adjust("9 minutes")
      expect(yield* current).toBe("Bearer token-1")
      expect(runs(count)).toBe(1)
      yield* TestClock.adjust("1 minute")
      // Expired: the run now yields the same expiry, which is in the past, so every call runs the plugin.
      expect(yield* current).toBe("Bearer token-2")
      expect(runs(count)).toBe(2)
      fs.rmSync(dir, { recursive: true })
    }))

  it.effect("invalidate forces a new run; without expiry the result is kept", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const count = path.join(dir, "count")
      const credentials = yield* Credentials.fromConfig(restConfig({
        _tag: "Exec",
        exec: execConfig({ PLUGIN_COUNT_FILE: count })
      })).pipe(Effect.provide(NodeContext.layer))
      const current = Effect.map(credentials.authorize(request), (r) => r.headers["authorization"])
      expect(yield* current).toBe("Bearer token-1")
      yield* TestClock.adjust("1 day")
      expect(yield* current).toBe("Bearer token-1")
      expect(yield* credentials.invalidate).toBe(true)
      expect(yield* current).toBe("Bearer token-2")
      expect(yield* current).toBe("Bearer token-2")
      expect(runs(count)).toBe(2)
      fs.rmSync(dir, { recursive: true })
    }))

  it.effect("ten concurrent authorize calls share one run", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const count = path.join(dir, "count")
      const credentials = yield* Credentials.fromConfig(restConfig({
        _tag: "Exec",
        exec: execConfig({ PLUGIN_COUNT_FILE: count, PLUGIN_DELAY_MS: "150" })
      })).pipe(Effect.provide(NodeContext.layer))
      const results = yield* Effect.all(
        Array.from({ length: 10 }, () => credentials.authorize(request)),
        { concurrency: "unbounded" }
      )
      expect(results.map((r) => r.headers["authorization"])).toEqual(Array(10).fill("Bearer token-1"))
      expect(runs(count)).toBe(1)
      fs.rmSync(dir, { recursive: true })
    }))

  it.effect("client certificates are exposed for the transport and add no header", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, "c.crt"), "CERT PEM")
      fs.writeFileSync(path.join(dir, "c.key"), "KEY PEM")
      const count = path.join(dir, "count")
      const credentials = yield* Credentials.fromConfig(restConfig({
        _tag: "Exec",
        exec: execConfig({
          PLUGIN_MODE: "cert",
          PLUGIN_COUNT_FILE: count,
          PLUGIN_CERT_FILE: path.join(dir, "c.crt"),
          PLUGIN_KEY_FILE: path.join(dir, "c.key")
        })
      })).pipe(Effect.provide(NodeContext.layer))
      const cert = yield* Credentials.clientCertificate(credentials)
      expect(Option.map(cert, (c) => c.certificate)).toEqual(Option.some("CERT PEM"))
      expect(Option.map(cert, (c) => Redacted.value(c.key))).toEqual(Option.some("KEY PEM"))
      expect((yield* credentials.authorize(request)).headers["authorization"]).toBeUndefined()
      expect(runs(count)).toBe(1)
      // A static client certificate in the config turns the plugin off, as in client-go.
      const withStatic = yield* authorizeWith(restConfig({
        _tag: "Exec",
        exec: execConfig({ PLUGIN_COUNT_FILE: count })
      }, { tls: { insecure: false, certData: "CERT", keyData: Redacted.make("KEY") } }))
      expect(withStatic.headers["authorization"]).toBeUndefined()
      expect(runs(count)).toBe(1)
      fs.rmSync(dir, { recursive: true })
    }))

  const execFailure = (env: Record<string, string>, overrides: Partial<ExecConfig> = {}, stdinIsTerminal = false) =>
    failure(authorizeWith(restConfig({ _tag: "Exec", exec: execConfig(env, overrides) }), stdinIsTerminal))

  it.effect("errors are typed, name the command and never carry the token", () =>
    Effect.gen(function*() {
      const secret = "s3cr3t"
      const name = JSON.stringify(plugin)

      const notFound = yield* execFailure({}, {
        command: "/nonexistent/kubectl-login",
        installHint: "Install kubectl-login from example.org"
      })
      expect(notFound.reason).toBe("ExecNotFound")
      expect(notFound.message).toContain("/nonexistent/kubectl-login")
      expect(notFound.message).toContain("Install kubectl-login from example.org")

      const exit = yield* execFailure({ PLUGIN_MODE: "fail", PLUGIN_TOKEN: secret })
      expect(exit.reason).toBe("ExecFailed")
      expect(exit.message).toContain(name)
      expect(exit.message).toContain("exited with code 3")
      expect(exit.message).toContain("plugin failed: login required")
      expectNoSecret(exit, secret)

      const badJson = yield* execFailure({ PLUGIN_MODE: "badjson", PLUGIN_TOKEN: secret })
      expect(badJson.reason).toBe("ExecInvalidOutput")
      expect(badJson.message).toContain(name)
      expectNoSecret(badJson, secret)

      const version = yield* execFailure({
        PLUGIN_API_VERSION: "client.authentication.k8s.io/v1beta1",
        PLUGIN_TOKEN: secret
      })
      expect(version.reason).toBe("ExecApiVersionMismatch")
      expect(version.message).toContain("client.authentication.k8s.io/v1beta1")
      expectNoSecret(version, secret)

      const empty = yield* execFailure({ PLUGIN_MODE: "empty" })
      expect(empty.reason).toBe("ExecMissingCredentials")
      const noStatus = yield* execFailure({ PLUGIN_MODE: "nostatus" })
      expect(noStatus.reason).toBe("ExecMissingCredentials")
      const half = yield* execFailure({ PLUGIN_MODE: "halfcert" })
      expect(half.reason).toBe("ExecMissingCredentials")
      expectNoSecret(half, "BEGIN CERTIFICATE")

      const interactive = yield* execFailure({}, { interactiveMode: "Always" }, false)
      expect(interactive.reason).toBe("ExecInteractive")

      const alpha = yield* execFailure({}, { apiVersion: "client.authentication.k8s.io/v1alpha1" })
      expect(alpha.reason).toBe("ExecConfig")
    }))
})
