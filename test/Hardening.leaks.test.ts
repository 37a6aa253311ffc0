/**
 * Issue 20, the remaining secret paths: proxy failures, header overflow and truncated bodies, with a bearer token,
 * a basic-auth password and a proxy password planted; none may appear in the error however it is printed, nor in
 * the debug log.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as net from "node:net"
import * as util from "node:util"
import { Secret } from "../src/generated/core/v1.js"
import * as Kube from "../src/Kube.js"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RestClient from "../src/RestClient.js"
import { type AuthConfig, RestConfig, type Service as RestConfigService } from "../src/RestConfig.js"
import * as MockServer from "./support/mockServer.js"

const TOKEN = "tok-LEAKCHECK-4e1b77"
const PASSWORD = "pw-LEAKCHECK-a09c"
const PROXY_PASSWORD = "proxypw-LEAKCHECK-33f0"
const planted = [TOKEN, PASSWORD, PROXY_PASSWORD, encodeURIComponent(PROXY_PASSWORD)]
const basicB64 = Buffer.from(`admin:${PASSWORD}`).toString("base64")
const proxyB64 = Buffer.from(`user:${PROXY_PASSWORD}`).toString("base64")
const hidden = [...planted, basicB64, proxyB64]

let overflow: http.Server
let truncated: http.Server
let badProxy: http.Server
let closedPort: number
const sockets = new Set<net.Socket>()

const listen = async (server: http.Server | net.Server) => {
  server.on("connection", (s: net.Socket) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  return (server.address() as AddressInfo).port
}

let overflowPort = 0
let truncatedPort = 0
let badProxyPort = 0

beforeAll(async () => {
  // 100 KiB of response headers: past node's 16 KiB header limit (HPE_HEADER_OVERFLOW).
  overflow = http.createServer((_, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-big": "h".repeat(100 * 1024) })
    res.end("{}")
  })
  // A Content-Length of 10,000 and 20 bytes, then the connection closes.
  truncated = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "10000" })
    res.write(`{"kind":"Secret","da`)
    setTimeout(() => req.socket.destroy(), 20)
  })
  // A proxy that refuses every CONNECT with 502, and forward-proxied requests with 407.
  badProxy = http.createServer((_, res) => {
    res.writeHead(407, { "proxy-authenticate": "Basic" })
    res.end()
  })
  badProxy.on("connect", (_req, socket: net.Socket) => {
    socket.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
  })
  overflowPort = await listen(overflow)
  truncatedPort = await listen(truncated)
  badProxyPort = await listen(badProxy)
  const closed = net.createServer()
  closedPort = await listen(closed)
  await new Promise<void>((r) => closed.close(() => r()))
})

afterAll(() => {
  for (const s of sockets) s.destroy()
  overflow?.close()
  truncated?.close()
  badProxy?.close()
})

const stack = (restConfig: RestConfigService) =>
  Kube.layerFromConfig({ retry: { base: Duration.millis(1), jitter: false } }).pipe(
    Layer.provide(Layer.succeed(RestConfig, restConfig)),
    Layer.provide(NodeContext.layer)
  )

const failureOf = (restConfig: RestConfigService, logs: Array<string>) =>
  Effect.flatMap(
    RestClient.RestClient,
    (client) => client.execute(KubeRequest.get({ resource: "secrets", namespace: "ns", name: "s" }), Secret)
  ).pipe(
    Effect.provide(stack(restConfig)),
    Effect.flip,
    Effect.provide(
      Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(util.inspect(message))))
    ),
    Logger.withMinimumLogLevel(LogLevel.All)
  )

const expectNoSecret = (error: unknown, logs: ReadonlyArray<string>) => {
  const renderings: Record<string, string> = {
    message: String((error as Error).message),
    string: String(error),
    inspect: util.inspect(error, { depth: 12, showHidden: true }),
    json: JSON.stringify(error) ?? "",
    pretty: Cause.pretty(Cause.fail(error)),
    die: Cause.pretty(Cause.die(error))
  }
  for (const [how, text] of [...Object.entries(renderings), ...logs.map((l, i) => [`log ${i}`, l] as const)]) {
    for (const secret of hidden) {
      if (text.includes(secret)) throw new Error(`${how} of the ${(error as { _tag?: string })._tag} shows ${secret}`)
    }
  }
}

const token: AuthConfig = { _tag: "Token", token: Redacted.make(TOKEN) }
const basic: AuthConfig = { _tag: "Basic", username: "admin", password: Redacted.make(PASSWORD) }
const proxyUrl = (port: number) => `http://user:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${port}`
const config = (server: string, auth: AuthConfig, overrides: Partial<RestConfigService> = {}) =>
  MockServer.testConfig({ server, auth, ...overrides })

describe("no secret in errors of the proxy, header-overflow and truncated-body paths", () => {
  it.live("a proxy that answers CONNECT with 502, with a token and a proxy password", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const error = yield* failureOf(
        config(`https://127.0.0.1:${closedPort}`, token, { proxyUrl: proxyUrl(badProxyPort) }),
        logs
      )
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("502")
      expectNoSecret(error, logs)
    }))

  it.live("a proxy that refuses connections, with basic auth and a proxy password", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const error = yield* failureOf(
        config(`https://127.0.0.1:${closedPort}`, basic, { proxyUrl: proxyUrl(closedPort) }),
        logs
      )
      expect(error._tag).toBe("TransportError")
      expectNoSecret(error, logs)
    }))

  it.live("a plain-HTTP server behind a forward proxy that answers 407", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const error = yield* failureOf(
        config(`http://127.0.0.1:${closedPort}`, token, { proxyUrl: proxyUrl(badProxyPort) }),
        logs
      )
      expect(error._tag).toBe("StatusError")
      expect(error._tag === "StatusError" && error.code).toBe(407)
      expectNoSecret(error, logs)
    }))

  it.live("response headers over node's limit, with a token", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const error = yield* failureOf(config(`http://127.0.0.1:${overflowPort}`, token), logs)
      expect(error._tag).toBe("TransportError")
      expectNoSecret(error, logs)
    }))

  it.live("a body cut short of its Content-Length, with basic auth", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const error = yield* failureOf(config(`http://127.0.0.1:${truncatedPort}`, basic), logs)
      expect(["TransportError", "DecodeError"]).toContain(error._tag)
      expectNoSecret(error, logs)
    }))
})
