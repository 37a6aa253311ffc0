/**
 * Issue 20: no secret in any error value, a typed error for every bad input, bounded responses.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import * as util from "node:util"
import * as zlib from "node:zlib"
import * as Credentials from "../src/Credentials.js"
import { Secret } from "../src/generated/core/v1.js"
import * as Kube from "../src/Kube.js"
import * as KubeRequest from "../src/KubeRequest.js"
import * as Limits from "../src/Limits.js"
import * as RestClient from "../src/RestClient.js"
import { type AuthConfig, RestConfig, type Service as RestConfigService } from "../src/RestConfig.js"
import { makePki, removePki, type TestPki } from "./support/certs.js"
import * as MockServer from "./support/mockServer.js"

const plugin = fileURLToPath(new URL("./fixtures/exec/plugin.mjs", import.meta.url))
fs.chmodSync(plugin, 0o755)

const TOKEN = "tok-PLANTED-7f3a9c"
const PASSWORD = "pw-PLANTED-91be"
const EXEC_TOKEN = "exec-PLANTED-55d1"
const SECRET_DATA = "secretdata-PLANTED-0c2e"
const planted = [TOKEN, PASSWORD, EXEC_TOKEN, SECRET_DATA]

let pki: TestPki
let keyLine: string
let tlsServer: https.Server
let tlsConnections = 0
let plainServer: http.Server
let closedPort: number

const portOf = (server: http.Server | https.Server) => (server.address() as AddressInfo).port

const gzipBomb = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20))

beforeAll(async () => {
  pki = await makePki()
  // A line from the middle of the client key's PEM: unique to it.
  keyLine = pki.client.key.split("\n")[2]!
  tlsServer = https.createServer({ cert: pki.server.cert, key: pki.server.key }, (_, res) => res.end("{}"))
  tlsServer.on("connection", () => tlsConnections++)
  plainServer = http.createServer((req, res) => {
    switch (req.url) {
      case "/api/v1/namespaces/ns/secrets/bomb":
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        res.end(gzipBomb)
        return
      case "/api/v1/namespaces/ns/secrets/big":
        res.writeHead(200, { "content-type": "application/json" })
        res.end(`{"kind":"Secret","data":{"a":"${"x".repeat(2 * 1024 * 1024)}"}}`)
        return
      default:
        res.writeHead(404, { "content-type": "application/json" })
        res.end(JSON.stringify({ kind: "Status", status: "Failure", reason: "NotFound", code: 404 }))
    }
  })
  await Promise.all([tlsServer, plainServer].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))))
  const closed = http.createServer()
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r))
  closedPort = portOf(closed)
  await new Promise<void>((r) => closed.close(() => r()))
})

afterAll(async () => {
  tlsServer?.close()
  plainServer?.close()
  if (pki !== undefined) await removePki(pki)
})

const config = (server: string, auth: AuthConfig, overrides: Partial<RestConfigService> = {}): RestConfigService => ({
  ...MockServer.testConfig({ server, auth }),
  ...overrides
})

/** The whole Node stack (kubeconfig credentials, NodeTransport, RestClient), without retry backoff waits. */
const nodeStack = (restConfig: RestConfigService, limits: Partial<Limits.Service> = {}) =>
  Kube.layerFromConfig({ retry: { base: Duration.millis(1), jitter: false } }).pipe(
    Layer.provide(Layer.succeed(RestConfig, restConfig)),
    Layer.provide(NodeContext.layer),
    Layer.provide(Limits.layer(limits))
  )

const sample = HttpClientRequest.get("https://127.0.0.1:1/api")

const getSecret = (name: string) => KubeRequest.get({ resource: "secrets", namespace: "ns", name })

/** Runs `request` and returns its failure, with everything logged at Debug and above. */
const failureOf = (
  restConfig: RestConfigService,
  request: KubeRequest.KubeRequest,
  limits: Partial<Limits.Service> = {},
  logs: Array<string> = []
) =>
  Effect.flatMap(RestClient.RestClient, (client) => client.execute(request, Secret)).pipe(
    Effect.provide(nodeStack(restConfig, limits)),
    Effect.flip,
    Effect.provide(
      Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(util.inspect(message))))
    ),
    Logger.withMinimumLogLevel(LogLevel.All)
  )

/** Every way an error is commonly printed. */
const renderings = (error: unknown): Record<string, string> => ({
  message: String((error as Error).message),
  string: String(error),
  inspect: util.inspect(error, { depth: 12 }),
  json: JSON.stringify(error) ?? "",
  pretty: Cause.pretty(Cause.fail(error))
})

const expectNoPlanted = (error: unknown, logs: ReadonlyArray<string> = [], extra: ReadonlyArray<string> = []) => {
  const rendered = renderings(error)
  for (const [how, text] of [...Object.entries(rendered), ...logs.map((l, i) => [`log ${i}`, l] as const)]) {
    for (const secret of [...planted, ...extra]) {
      if (text.includes(secret)) throw new Error(`${how} of the ${(error as { _tag?: string })._tag} shows ${secret}`)
    }
  }
}

describe("no secret in any error value", () => {
  it.live("connection refused with a bearer token: TransportError and debug logs hold no token", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const error = yield* failureOf(
        config(`https://127.0.0.1:${closedPort}`, { _tag: "Token", token: Redacted.make(TOKEN) }),
        getSecret("s"),
        {},
        logs
      )
      expect(error._tag).toBe("TransportError")
      if (error._tag !== "TransportError") return
      expect(error.reason).toBe("ConnectionRefused")
      // Connection failures are retried, so the retry log lines were written too.
      expect(logs.some((line) => line.includes("retrying"))).toBe(true)
      expectNoPlanted(error, logs)
    }))

  it.live("a TLS failure with basic auth and a client key: typed, not retried, no password or key", () =>
    Effect.gen(function*() {
      const before = tlsConnections
      const logs: Array<string> = []
      const error = yield* failureOf(
        config(`https://127.0.0.1:${portOf(tlsServer)}`, {
          _tag: "Basic",
          username: "admin",
          password: Redacted.make(PASSWORD)
        }, {
          tls: { insecure: false, certData: pki.client.cert, keyData: Redacted.make(pki.client.key) }
        }),
        getSecret("s"),
        {},
        logs
      )
      expect(error._tag).toBe("TransportError")
      if (error._tag !== "TransportError") return
      expect(error.reason).toBe("Tls")
      // One handshake: certificate errors are not transient (kubectl fails at once).
      expect(tlsConnections - before).toBe(1)
      expectNoPlanted(error, logs, [keyLine])
    }))

  it.live("an exec plugin's token stays out of a transport failure; its unparsable output out of the error", () =>
    Effect.gen(function*() {
      const exec = (mode: string): AuthConfig => ({
        _tag: "Exec",
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: plugin,
          args: [],
          env: [{ name: "PLUGIN_TOKEN", value: EXEC_TOKEN }, { name: "PLUGIN_MODE", value: mode }],
          provideClusterInfo: false,
          interactiveMode: "Never"
        }
      })
      const refused = yield* failureOf(config(`https://127.0.0.1:${closedPort}`, exec("token")), getSecret("s"))
      expect(refused._tag).toBe("TransportError")
      expectNoPlanted(refused)
      const bad = yield* failureOf(config(`https://127.0.0.1:${closedPort}`, exec("badjson")), getSecret("s"))
      expect(bad._tag).toBe("CredentialsError")
      expect(bad._tag === "CredentialsError" && bad.reason).toBe("ExecInvalidOutput")
      expectNoPlanted(bad)
    }))

  it.effect("DecodeError names the path and the expected type, never the Secret's data", () =>
    Effect.gen(function*() {
      const replies = [
        { kind: "Secret", apiVersion: "v1", data: { token: { value: SECRET_DATA } } },
        { kind: "Secret", apiVersion: "v1", metadata: { name: SECRET_DATA, labels: [SECRET_DATA] } }
      ]
      const errors = []
      for (const json of replies) {
        const mock = MockServer.make(() => ({ status: 200, json }))
        errors.push(
          yield* Effect.flip(
            Effect.flatMap(RestClient.RestClient, (c) => c.execute(getSecret("s"), Secret)).pipe(
              Effect.provide(MockServer.restClientLayer(mock))
            )
          )
        )
      }
      const notJson = MockServer.make(() => ({
        status: 200,
        body: `{"data": {"a": "${SECRET_DATA}"`,
        headers: { "content-type": "application/json" }
      }))
      errors.push(
        yield* Effect.flip(
          Effect.flatMap(RestClient.RestClient, (c) => c.execute(getSecret("s"), Secret)).pipe(
            Effect.provide(MockServer.restClientLayer(notJson))
          )
        )
      )
      const [wrongType, wrongLabels, invalid] = errors
      expect(wrongType?._tag).toBe("DecodeError")
      expect(wrongType?._tag === "DecodeError" && wrongType.path).toBe("$.data.token")
      expect(wrongType?.message).toContain("expected string, got object")
      expect(wrongLabels?._tag === "DecodeError" && wrongLabels.path).toBe("$.metadata.labels")
      expect(invalid?._tag === "DecodeError" && invalid.detail).toMatch(/^invalid JSON/)
      for (const error of errors) expectNoPlanted(error)
    }))
})

describe("bad inputs fail typed", () => {
  const run = <A>(restConfig: RestConfigService, request: KubeRequest.KubeRequest, schema: Schema.Schema<A, any>) =>
    Effect.flatMap(RestClient.RestClient, (c) => c.execute(request, schema)).pipe(
      Effect.provide(nodeStack(restConfig)),
      Effect.flip
    )

  it.live("a server URL that does not parse is InvalidRequest, not a defect", () =>
    Effect.gen(function*() {
      const error = yield* run(config("https://[::1", { _tag: "None" }), getSecret("s"), Schema.Unknown)
      expect(error._tag).toBe("InvalidRequest")
      expect(error.message).toContain("does not parse")
      const ftp = yield* run(config("ftp://example.org", { _tag: "None" }), getSecret("s"), Schema.Unknown)
      expect(ftp._tag).toBe("InvalidRequest")
    }))

  it.live("a token with CR/LF is a CredentialsError naming the header (kubectl: invalid header field value)", () =>
    Effect.gen(function*() {
      const server = `http://127.0.0.1:${portOf(plainServer)}`
      const error = yield* run(
        config(server, { _tag: "Token", token: Redacted.make(`${TOKEN}\r\nX-Injected: 1`) }),
        getSecret("s"),
        Schema.Unknown
      )
      expect(error._tag).toBe("CredentialsError")
      if (error._tag !== "CredentialsError") return
      expect(error.reason).toBe("InvalidHeader")
      expect(error.message).toContain(`invalid header field value for "authorization"`)
      expectNoPlanted(error)
    }))

  it.live("a body above Limits.maxResponseBytes, plain or inflating from gzip, is a DecodeError naming the limit", () =>
    Effect.gen(function*() {
      const server = config(`http://127.0.0.1:${portOf(plainServer)}`, { _tag: "None" })
      const limits = { maxResponseBytes: 1024 * 1024 }
      const big = yield* failureOf(server, getSecret("big"), limits)
      expect(big._tag).toBe("DecodeError")
      expect(big.message).toContain("larger than 1048576 bytes (Limits.maxResponseBytes)")
      // 4 MiB of spaces are 4 KiB gzipped: the inflater stops at the limit.
      expect(gzipBomb.length).toBeLessThan(limits.maxResponseBytes)
      const bomb = yield* failureOf(server, getSecret("bomb"), limits)
      expect(bomb._tag).toBe("DecodeError")
      expect(bomb.message).toContain("(Limits.maxResponseBytes)")
    }))

  it.effect("JSON nested deeper than Limits.maxJsonDepth is a DecodeError naming the limit", () =>
    Effect.gen(function*() {
      const depth = 20_000
      const body = `{"kind":"Secret","data":${"[".repeat(depth)}${"]".repeat(depth)}}`
      const mock = MockServer.make(() => ({ status: 200, body, headers: { "content-type": "application/json" } }))
      const error = yield* Effect.flip(
        Effect.flatMap(RestClient.RestClient, (c) => c.execute(getSecret("s"), Schema.Unknown)).pipe(
          Effect.provide(MockServer.restClientLayer(mock))
        )
      )
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("nested deeper than 10000 levels (Limits.maxJsonDepth)")
      // Within the limit it decodes.
      const shallow = `{"kind":"Secret","data":${"[".repeat(100)}${"]".repeat(100)}}`
      const ok = MockServer.make(() => ({
        status: 200,
        body: shallow,
        headers: { "content-type": "application/json" }
      }))
      const value = yield* Effect.flatMap(RestClient.RestClient, (c) => c.execute(getSecret("s"), Schema.Unknown)).pipe(
        Effect.provide(MockServer.restClientLayer(ok))
      )
      expect((value as { kind: string }).kind).toBe("Secret")
    }))

  it.live("an exec plugin that hangs is killed after Limits.execTimeout with ExecTimeout", () =>
    Effect.gen(function*() {
      const credentials = yield* Credentials.fromConfig(
        config("https://127.0.0.1:1", {
          _tag: "Exec",
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: plugin,
            args: [],
            env: [{ name: "PLUGIN_DELAY_MS", value: "60000" }],
            provideClusterInfo: false,
            interactiveMode: "Never"
          }
        }),
        { stdinIsTerminal: false }
      ).pipe(Effect.provide(Limits.layer({ execTimeout: Duration.millis(300) })), Effect.provide(NodeContext.layer))
      const error = yield* Effect.flip(credentials.authorize(sample))
      expect(error.reason).toBe("ExecTimeout")
      expect(error.message).toContain("Limits.execTimeout")
    }))

  it.effect("an expired oidc id-token is refused as kubectl refuses it (no refresh-token)", () =>
    Effect.gen(function*() {
      const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.sig`
      const oidc = (config: Record<string, string>) =>
        Credentials.fromConfig(
          MockServer.testConfig({
            auth: {
              _tag: "AuthProvider",
              name: "oidc",
              config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, Redacted.make(v)]))
            }
          }),
          { stdinIsTerminal: false }
        ).pipe(Effect.provide(NodeContext.layer))
      // Valid for an hour of TestClock time, and client-go treats it as expired 10 seconds early.
      const credentials = yield* oidc({ "id-token": jwt(3600) })
      const fresh = yield* credentials.authorize(sample)
      expect(fresh.headers["authorization"]).toBe(`Bearer ${jwt(3600)}`)
      yield* TestClock.adjust(Duration.seconds(3595))
      const expired = yield* Effect.flip(credentials.authorize(sample))
      expect(expired.reason).toBe("AuthProviderInvalid")
      expect(expired.message).toContain("No valid id-token, and cannot refresh without refresh-token")
      const withRefresh = yield* oidc({ "id-token": jwt(3600), "refresh-token": "r" })
      // With a refresh-token kubectl refreshes; without an issuer it fails as client-go does (refresh: its own test).
      const noIssuer = yield* Effect.flip(withRefresh.authorize(sample))
      expect(noIssuer.message).toContain("Must provide idp-issuer-url")
      const notJwt = yield* Effect.flip(Effect.flatMap(oidc({ "id-token": "plain" }), (c) => c.authorize(sample)))
      expect(notJwt.message).toContain("ID Token is not a valid JWT")
    }))
})

describe("responses client-go refuses", () => {
  const decodeWith = (reply: MockServer.Reply) =>
    Effect.flip(
      Effect.flatMap(RestClient.RestClient, (c) => c.execute(getSecret("s"), Secret)).pipe(
        Effect.provide(MockServer.restClientLayer(MockServer.make(() => reply)))
      )
    )

  it.effect("a 200 whose body is a Status with status Failure is the error it describes", () =>
    Effect.gen(function*() {
      const error = yield* decodeWith({
        status: 200,
        json: {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: `secrets "s" not found`
        }
      })
      expect(error._tag).toBe("NotFound")
    }))

  it.effect("a text/html 200 gets client-go's no-serializer error", () =>
    Effect.gen(function*() {
      const error = yield* decodeWith({
        status: 200,
        body: "<html><body>login</body></html>",
        headers: { "content-type": "text/html; charset=utf-8" }
      })
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("serializer for text/html doesn't exist")
    }))

  it.effect("a watch answered with text/html fails the same way", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, body: "<html>", headers: { "content-type": "text/html" } }))
      const error = yield* Effect.flatMap(
        RestClient.RestClient,
        (c) => Stream.runDrain(c.watch(KubeRequest.list({ resource: "secrets", namespace: "ns" }), Secret))
      ).pipe(Effect.provide(MockServer.restClientLayer(mock)), Effect.flip)
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("serializer for text/html doesn't exist")
    }))
})
