import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import type { AddressInfo } from "node:net"
import * as net from "node:net"
import * as path from "node:path"
import type { TLSSocket } from "node:tls"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import * as Credentials from "../src/Credentials.js"
import * as direct from "../src/internal/transport/direct.js"
import * as NodeTransport from "../src/NodeTransport.js"
import { RestConfig, type Service as RestConfigService } from "../src/RestConfig.js"
import type { TlsConfig } from "../src/RestConfig.js"
import { type KeyPair, makeCa, makePki, removePki, type TestPki } from "./support/certs.js"

let pki: TestPki
let otherCa: KeyPair
let dnsServerCert: KeyPair
let otherClient: KeyPair

interface Seen {
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly user: string | undefined
  readonly servername: string | false | null | undefined
  readonly distinct: Record<string, Array<string>>
}
const seen: Array<Seen> = []
const connections = { mtls: 0 }
const proxyLog: Array<{ readonly method: string; readonly url: string; readonly auth: string | undefined }> = []
let releaseStream: () => void = () => {}

/** Answers every request with what it saw; /gzip compresses, /watch streams gzip-flushed lines, /hang never answers. */
const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const socket = req.socket as Partial<TLSSocket>
  const peer = socket.getPeerCertificate?.()
  const entry: Seen = {
    url: req.url ?? "",
    headers: req.headers,
    user: peer && "subject" in peer && peer.subject ? String(peer.subject.CN) : undefined,
    servername: socket.servername,
    distinct: req.headersDistinct as Record<string, Array<string>>
  }
  seen.push(entry)
  if (req.url === "/hang") return
  if (req.url === "/watch") {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
    const gz = zlib.createGzip()
    gz.pipe(res)
    gz.write(JSON.stringify({ type: "ADDED", n: 1 }) + "\n")
    gz.flush()
    // The second event only goes out once the client has read the first: a buffering gunzip would hang here.
    releaseStream = () => {
      gz.write(JSON.stringify({ type: "ADDED", n: 2 }) + "\n")
      gz.end()
    }
    return
  }
  const body = JSON.stringify(entry)
  if (String(req.headers["accept-encoding"] ?? "").includes("gzip")) {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
    res.end(zlib.gzipSync(body))
  } else {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(body)
  }
}

let mtlsServer: https.Server
let dnsServer: https.Server
let plainServer: http.Server
let proxy: http.Server
let denyingProxy: http.Server
const port = (server: net.Server) => (server.address() as AddressInfo).port
const listen = (server: net.Server) => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
const close = (server: net.Server | undefined) =>
  new Promise<void>((resolve) => {
    if (server === undefined) return resolve()
    ;(server as http.Server).closeAllConnections?.()
    server.close(() => resolve())
  })

beforeAll(async () => {
  pki = await makePki()
  ;[otherCa, dnsServerCert, otherClient] = await Promise.all([
    makeCa(pki.dir, "other-ca", "another CA"),
    pki.issue({ name: "dns-server", commonName: "kube.test.local", usage: "server", dnsNames: ["kube.test.local"] }),
    pki.issue({ name: "other-client", commonName: "other-user", usage: "client" })
  ])
  mtlsServer = https.createServer({
    ca: pki.ca.cert,
    cert: pki.server.cert,
    key: pki.server.key,
    requestCert: true,
    rejectUnauthorized: true
  }, handler)
  mtlsServer.on("secureConnection", () => connections.mtls++)
  dnsServer = https.createServer({ cert: dnsServerCert.cert, key: dnsServerCert.key }, handler)
  plainServer = http.createServer(handler)
  // A minimal proxy: CONNECT tunnels, and absolute-form requests forwarded as they are.
  proxy = http.createServer((req, res) => {
    proxyLog.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers["proxy-authorization"] })
    const target = new URL(req.url ?? "")
    const upstream = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: req.method,
      headers: req.headers
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    req.pipe(upstream)
  })
  proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxyLog.push({ method: "CONNECT", url: req.url ?? "", auth: req.headers["proxy-authorization"] })
    const [host, targetPort] = (req.url ?? "").split(":")
    const upstream = net.connect(Number(targetPort), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on("error", () => client.destroy())
    client.on("error", () => upstream.destroy())
  })
  denyingProxy = http.createServer()
  denyingProxy.on("connect", (_req: http.IncomingMessage, client: net.Socket) => {
    client.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
  })
  await Promise.all([mtlsServer, dnsServer, plainServer, proxy, denyingProxy].map(listen))
})

afterAll(async () => {
  await Promise.all([mtlsServer, dnsServer, plainServer, proxy, denyingProxy].map(close))
  if (pki) await removePki(pki)
})

const restConfig = (
  server: string,
  tls: Partial<TlsConfig>,
  overrides: Partial<RestConfigService> = {}
): RestConfigService => ({
  server,
  tls: { insecure: false, ...tls },
  disableCompression: false,
  auth: { _tag: "None" },
  namespace: "default",
  qps: 5,
  burst: 10,
  userAgent: "effect-kube/0.1.0 (linux/x64) test",
  source: "test",
  ...overrides
})

const mtlsUrl = () => `https://127.0.0.1:${port(mtlsServer)}`
const mtlsData = (): Partial<TlsConfig> => ({
  caData: pki.ca.cert,
  certData: pki.client.cert,
  keyData: Redacted.make(pki.client.key)
})

const withClient = <A, E>(
  config: RestConfigService,
  f: (client: HttpClient.HttpClient) => Effect.Effect<A, E>,
  options: NodeTransport.MakeOptions = {}
) => Effect.scoped(Effect.flatMap(NodeTransport.make(config, options), f)).pipe(Effect.provide(NodeContext.layer))

/**
 * Every test runs twice: through the platform HttpClient interface (`execute`) and through the direct buffered
 * exchange the RestClient uses for everything but streams.
 */
type Mode = "platform" | "direct"

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly json: unknown
}

const send = (
  mode: Mode,
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<Answer, HttpClientError.HttpClientError> => {
  if (mode === "platform") {
    return Effect.flatMap(
      client.execute(request),
      (r) => Effect.map(r.json, (json) => ({ status: r.status, headers: r.headers, json }))
    )
  }
  // The direct path must be there: without it this mode would silently test the platform path again.
  if (!direct.hasDirect(client)) return Effect.dieMessage("the NodeTransport client has no direct exchange")
  return Effect.map(direct.exchangeFor(client)(request), (r) => ({
    status: r.status,
    headers: r.headers,
    json: JSON.parse(Buffer.from(r.body).toString("utf8"))
  }))
}

const getJson = (mode: Mode, client: HttpClient.HttpClient, url: string) =>
  Effect.map(send(mode, client, HttpClientRequest.get(url)), (answer) => answer.json as Seen)

const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.exit(effect), (exit) =>
    Exit.isFailure(exit) && exit.cause._tag === "Fail"
      ? Effect.succeed(exit.cause.error)
      : Effect.dieMessage(`expected a failure, got ${Exit.isSuccess(exit) ? "success" : String(exit.cause)}`))

for (const mode of ["platform", "direct"] as const) {
  describe(mode, () => {
    describe("TLS", () => {
      it.live("presents client certificates from data and from files", () =>
        Effect.gen(function*() {
          const fromData = yield* withClient(
            restConfig(mtlsUrl(), mtlsData()),
            (c) => getJson(mode, c, `${mtlsUrl()}/a`)
          )
          expect(fromData.user).toBe("test-user")
          const fromFiles = yield* withClient(
            restConfig(mtlsUrl(), {
              caFile: pki.ca.certFile,
              certFile: pki.client.certFile,
              keyFile: pki.client.keyFile
            }),
            (c) => getJson(mode, c, `${mtlsUrl()}/b`)
          )
          expect(fromFiles.user).toBe("test-user")
        }))

      it.live("is rejected by the server without a client certificate", () =>
        Effect.gen(function*() {
          const error = yield* failureOf(
            withClient(restConfig(mtlsUrl(), { caData: pki.ca.cert }), (c) => getJson(mode, c, `${mtlsUrl()}/no-cert`))
          )
          expect(error._tag).toBe("RequestError")
          expect(error._tag === "RequestError" && error.reason).toBe("Transport")
          // TLS 1.3 reports the server's refusal as an alert; it is classified as a handshake failure.
          const failure = NodeTransport.transportFailure(error as HttpClientError.HttpClientError)
          expect(Option.map(failure, (f) => f._tag === "TlsError" && f.kind)).toEqual(Option.some("Handshake"))
        }))

      it.live("a server certificate from another CA is a typed TlsError", () =>
        Effect.gen(function*() {
          const error = yield* failureOf(withClient(
            restConfig(mtlsUrl(), { ...mtlsData(), caData: otherCa.cert }),
            (c) => getJson(mode, c, `${mtlsUrl()}/wrong-ca`)
          ))
          const failure = NodeTransport.transportFailure(error as HttpClientError.HttpClientError)
          expect(Option.isSome(failure)).toBe(true)
          const tls = Option.getOrThrow(failure)
          expect(tls._tag).toBe("TlsError")
          expect(tls._tag === "TlsError" && tls.kind).toBe("ServerCertificate")
          expect(tls._tag === "TlsError" && tls.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|ISSUER/)
          expect(tls.message).toContain(`127.0.0.1:${port(mtlsServer)}`)
        }))

      it.live("tls-server-name overrides SNI and the name checked; insecure skips verification", () =>
        Effect.gen(function*() {
          const url = `https://127.0.0.1:${port(dnsServer)}`
          const mismatch = yield* failureOf(
            withClient(restConfig(url, { caData: pki.ca.cert }), (c) => getJson(mode, c, url))
          )
          const failure = Option.getOrThrow(NodeTransport.transportFailure(mismatch as HttpClientError.HttpClientError))
          expect(failure._tag === "TlsError" && failure.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID")
          const ok = yield* withClient(
            restConfig(url, { caData: pki.ca.cert, serverName: "kube.test.local" }),
            (c) => getJson(mode, c, `${url}/sni`)
          )
          expect(ok.servername).toBe("kube.test.local")
          const insecure = yield* withClient(
            restConfig(url, { insecure: true }),
            (c) => getJson(mode, c, `${url}/insecure`)
          )
          expect(insecure.url).toBe("/insecure")
        }))

      it.live("keeps connections alive between requests", () =>
        Effect.gen(function*() {
          const before = connections.mtls
          yield* withClient(restConfig(mtlsUrl(), mtlsData()), (c) =>
            Effect.zipRight(getJson(mode, c, `${mtlsUrl()}/k1`), getJson(mode, c, `${mtlsUrl()}/k2`)))
          expect(connections.mtls - before).toBe(1)
        }))

      it.live("unreadable or invalid TLS files are typed errors naming the file", () =>
        Effect.gen(function*() {
          const missing = path.join(pki.dir, "missing-ca.crt")
          const unreadable = yield* failureOf(withClient(restConfig(mtlsUrl(), { caFile: missing }), () => Effect.void))
          expect(unreadable._tag).toBe("TransportConfigError")
          expect(unreadable.reason).toBe("UnreadableFile")
          expect(unreadable.path).toBe(missing)
          expect(unreadable.message).toContain(missing)
          const garbage = path.join(pki.dir, "garbage.crt")
          fs.writeFileSync(garbage, "not a certificate")
          const invalid = yield* failureOf(withClient(restConfig(mtlsUrl(), { caFile: garbage }), () => Effect.void))
          expect(invalid.reason).toBe("InvalidTlsMaterial")
          expect(invalid.message).toContain(garbage)
          const keyless = yield* failureOf(
            withClient(restConfig(mtlsUrl(), { certData: pki.client.cert }), () => Effect.void)
          )
          expect(keyless.reason).toBe("InvalidTlsConfig")
          const badKey = yield* failureOf(withClient(
            restConfig(mtlsUrl(), { certData: pki.client.cert, keyData: Redacted.make("secret-key-text") }),
            () => Effect.void
          ))
          expect(badKey.reason).toBe("InvalidTlsMaterial")
          expect(badKey.message).not.toContain("secret-key-text")
        }))
    })

    describe("proxy", () => {
      it.live("tunnels https through CONNECT, with proxy credentials", () =>
        Effect.gen(function*() {
          proxyLog.length = 0
          const proxyUrl = `http://user:p%40ss@127.0.0.1:${port(proxy)}`
          const result = yield* withClient(
            restConfig(mtlsUrl(), mtlsData(), { proxyUrl }),
            (c) => getJson(mode, c, `${mtlsUrl()}/via-proxy`)
          )
          expect(result.user).toBe("test-user")
          expect(proxyLog).toEqual([{
            method: "CONNECT",
            url: `127.0.0.1:${port(mtlsServer)}`,
            auth: `Basic ${Buffer.from("user:p@ss").toString("base64")}`
          }])
        }))

      it.live("forwards plain http in absolute form", () =>
        Effect.gen(function*() {
          proxyLog.length = 0
          const url = `http://127.0.0.1:${port(plainServer)}`
          const result = yield* withClient(
            restConfig(url, {}, { proxyUrl: `http://127.0.0.1:${port(proxy)}` }),
            (c) => getJson(mode, c, `${url}/plain?x=1`)
          )
          expect(result.url).toBe("/plain?x=1")
          expect(proxyLog).toEqual([{ method: "GET", url: `${url}/plain?x=1`, auth: undefined }])
        }))

      it.live("a refused CONNECT is a ProxyError; socks is unsupported", () =>
        Effect.gen(function*() {
          const error = yield* failureOf(withClient(
            restConfig(mtlsUrl(), mtlsData(), { proxyUrl: `http://127.0.0.1:${port(denyingProxy)}` }),
            (c) => getJson(mode, c, `${mtlsUrl()}/denied`)
          ))
          const failure = Option.getOrThrow(NodeTransport.transportFailure(error as HttpClientError.HttpClientError))
          expect(failure._tag).toBe("ProxyError")
          expect(failure._tag === "ProxyError" && failure.status).toBe(407)
          const socks = yield* failureOf(withClient(
            restConfig(mtlsUrl(), mtlsData(), { proxyUrl: "socks5://127.0.0.1:1080" }),
            () => Effect.void
          ))
          expect(socks._tag === "TransportConfigError" && socks.reason).toBe("UnsupportedProxy")
        }))
    })

    describe("headers, compression, timeout", () => {
      it.live("sends User-Agent and asks for gzip, decompressing the body", () =>
        Effect.gen(function*() {
          const result = yield* withClient(
            restConfig(mtlsUrl(), mtlsData()),
            (c) => getJson(mode, c, `${mtlsUrl()}/gz`)
          )
          expect(result.headers["user-agent"]).toBe("effect-kube/0.1.0 (linux/x64) test")
          expect(result.headers["accept-encoding"]).toBe("gzip")
          const custom = yield* withClient(restConfig(mtlsUrl(), mtlsData()), (c) =>
            Effect.flatMap(
              send(
                mode,
                c,
                HttpClientRequest.get(`${mtlsUrl()}/ua`).pipe(HttpClientRequest.setHeader("User-Agent", "mine"))
              ),
              (r) => Effect.succeed(r.json)
            ))
          expect((custom as Seen).headers["user-agent"]).toBe("mine")
        }))

      it.live("impersonation groups and extras reach the server as repeated header lines", () =>
        Effect.gen(function*() {
          const credentials = Credentials.make({
            impersonate: { user: "jane", groups: ["dev", "ops, admins"], extra: { "example.org/scopes": ["a", "b"] } }
          })
          const result = yield* withClient(restConfig(mtlsUrl(), mtlsData()), (c) =>
            Effect.flatMap(
              credentials.authorize(HttpClientRequest.get(`${mtlsUrl()}/impersonate`)),
              (request) => Effect.map(send(mode, c, request), (r) => r.json)
            ))
          const distinct = (result as Seen).distinct
          expect(distinct["impersonate-user"]).toEqual(["jane"])
          expect(distinct["impersonate-group"]).toEqual(["dev", "ops, admins"])
          expect(distinct["impersonate-extra-example.org%2fscopes"]).toEqual(["a", "b"])
        }))

      it.live("disableCompression sends no Accept-Encoding", () =>
        Effect.gen(function*() {
          const result = yield* withClient(
            restConfig(mtlsUrl(), mtlsData(), { disableCompression: true }),
            (c) =>
              Effect.map(
                send(mode, c, HttpClientRequest.get(`${mtlsUrl()}/plain`)),
                (r) => [r.json, r.headers] as const
              )
          )
          expect((result[0] as Seen).headers["accept-encoding"]).toBeUndefined()
          expect(result[1]["content-encoding"]).toBeUndefined()
        }))

      it.live("gzip bodies still stream line by line", () =>
        Effect.gen(function*() {
          const lines = yield* withClient(restConfig(mtlsUrl(), mtlsData()), (c) =>
            c.get(`${mtlsUrl()}/watch`).pipe(
              Effect.flatMap((response) =>
                HttpClientResponse.stream(Effect.succeed(response)).pipe(
                  Stream.decodeText(),
                  Stream.splitLines,
                  Stream.tap((line) => Effect.sync(() => line.includes("\"n\":1") && releaseStream())),
                  Stream.runCollect
                )
              ),
              Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "the first event was held back" as const })
            ))
          expect([...lines].map((line) => JSON.parse(line).n)).toEqual([1, 2])
        }))

      it.live("times out waiting for response headers", () =>
        Effect.gen(function*() {
          const error = yield* failureOf(withClient(
            restConfig(mtlsUrl(), mtlsData(), { timeout: "200 millis" as never }),
            (c) => send(mode, c, HttpClientRequest.get(`${mtlsUrl()}/hang`))
          ))
          const failure = Option.getOrThrow(NodeTransport.transportFailure(error as HttpClientError.HttpClientError))
          expect(failure._tag).toBe("TimeoutError")
        }))
    })

    describe("exec plugin client certificates", () => {
      it.live("presents the current certificate and moves to a new pool when it changes", () =>
        Effect.gen(function*() {
          const current = yield* Ref.make<Option.Option<Credentials.ClientCertificate>>(
            Option.some({ certificate: pki.client.cert, key: Redacted.make(pki.client.key) })
          )
          const result = yield* withClient(restConfig(mtlsUrl(), { caData: pki.ca.cert }), (c) =>
            Effect.gen(function*() {
              const first = yield* getJson(mode, c, `${mtlsUrl()}/exec-1`)
              yield* Ref.set(
                current,
                Option.some({ certificate: otherClient.cert, key: Redacted.make(otherClient.key) })
              )
              const second = yield* getJson(mode, c, `${mtlsUrl()}/exec-2`)
              return [first.user, second.user]
            }), { clientCertificate: Ref.get(current) })
          expect(result).toEqual(["test-user", "other-user"])
        }))

      it.live("end to end: the exec plugin's certificate reaches the server through the layers", () =>
        Effect.gen(function*() {
          const plugin = fileURLToPath(new URL("./fixtures/exec/plugin.mjs", import.meta.url))
          fs.chmodSync(plugin, 0o755)
          const config = restConfig(mtlsUrl(), { caData: pki.ca.cert }, {
            auth: {
              _tag: "Exec",
              exec: {
                apiVersion: "client.authentication.k8s.io/v1",
                command: plugin,
                args: [],
                env: [
                  { name: "PLUGIN_MODE", value: "cert" },
                  { name: "PLUGIN_CERT_FILE", value: pki.client.certFile },
                  { name: "PLUGIN_KEY_FILE", value: pki.client.keyFile }
                ],
                provideClusterInfo: false,
                interactiveMode: "Never"
              }
            }
          })
          const transport = NodeTransport.layer.pipe(
            Layer.provideMerge(Credentials.layer),
            Layer.provide(Layer.succeed(RestConfig, config)),
            Layer.provide(NodeContext.layer)
          )
          const result = yield* Effect.flatMap(HttpClient.HttpClient, (c) => getJson(mode, c, `${mtlsUrl()}/exec-e2e`))
            .pipe(
              Effect.provide(transport)
            )
          expect(result.user).toBe("test-user")
        }))

      it.live("a failing plugin surfaces as a RequestError carrying the CredentialsError", () =>
        Effect.gen(function*() {
          const error = yield* failureOf(
            withClient(
              restConfig(mtlsUrl(), { caData: pki.ca.cert }),
              (c) => getJson(mode, c, `${mtlsUrl()}/exec-fail`),
              {
                clientCertificate: Effect.fail(
                  new Credentials.CredentialsError({
                    reason: "ExecFailed",
                    source: "exec plugin \"x\"",
                    detail: "boom"
                  })
                )
              }
            )
          )
          const failure = Option.getOrThrow(NodeTransport.transportFailure(error as HttpClientError.HttpClientError))
          expect(failure._tag).toBe("CredentialsError")
        }))
    })
  })
}
