/**
 * The oidc auth provider's refresh against a token endpoint on 127.0.0.1: discovery, the refresh grant with client
 * credentials, the new tokens used afterwards, one refresh for concurrent requests, and typed failures that name
 * the step but never a token or secret.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"
import * as Credentials from "../src/Credentials.js"
import * as MockServer from "./support/mockServer.js"

const REFRESH = "refresh-PLANTED-9a1f"
const SECRET = "clientsecret-PLANTED-77c2"
const NEW_REFRESH = "refresh2-PLANTED-0b3e"

const jwt = (expSeconds: number, tag: string) =>
  `e30.${Buffer.from(JSON.stringify({ exp: expSeconds, tag })).toString("base64url")}.sig`
const nowSeconds = () => Math.floor(Date.now() / 1000)

interface Seen {
  readonly path: string
  readonly authorization: string | undefined
  readonly body: URLSearchParams
}

let server: Http.Server
let base = ""
const seen: Array<Seen> = []
let mode: "ok" | "noIdToken" | "refuseHeader" | "badGrant" | "noEndpoint" = "ok"
let issued = 0

beforeAll(async () => {
  server = Http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const body = new URLSearchParams(Buffer.concat(chunks).toString())
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization, body })
      res.setHeader("content-type", "application/json")
      if (req.url === "/issuer/.well-known/openid-configuration") {
        res.end(
          JSON.stringify(mode === "noEndpoint" ? { issuer: `${base}/issuer` } : { token_endpoint: `${base}/token` })
        )
        return
      }
      if (req.url === "/token") {
        if (mode === "refuseHeader" && req.headers.authorization !== undefined) {
          res.statusCode = 401
          res.end(JSON.stringify({ error: "invalid_client" }))
          return
        }
        if (mode === "badGrant") {
          res.statusCode = 400
          // An endpoint that echoes the grant back: the error must not carry it.
          res.end(
            JSON.stringify({ error: "invalid_grant", error_description: `bad token ${body.get("refresh_token")}` })
          )
          return
        }
        issued++
        res.end(JSON.stringify({
          access_token: "access",
          token_type: "Bearer",
          refresh_token: NEW_REFRESH,
          ...(mode === "noIdToken" ? {} : { id_token: jwt(nowSeconds() + 3600, `fresh-${issued}`) })
        }))
        return
      }
      res.statusCode = 404
      res.end("{}")
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server?.close()
})

const sample = HttpClientRequest.get("https://127.0.0.1:1/api")

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

const settings = (extra: Record<string, string> = {}) => ({
  "idp-issuer-url": `${base}/issuer/`,
  "client-id": "kubectl",
  "client-secret": SECRET,
  "id-token": jwt(nowSeconds() - 60, "stale"),
  "refresh-token": REFRESH,
  ...extra
})

const bearerOf = (request: HttpClientRequest.HttpClientRequest) => request.headers["authorization"]

const expectNoSecret = (error: unknown) => {
  for (
    const text of [
      String(error),
      util.inspect(error, { depth: 10 }),
      JSON.stringify(error),
      Cause.pretty(Cause.fail(error))
    ]
  ) {
    for (const secret of [REFRESH, SECRET, NEW_REFRESH]) expect(text).not.toContain(secret)
  }
}

describe("oidc auth-provider refresh", () => {
  it.live("refreshes an expired id-token at the issuer's token endpoint, once for concurrent requests", () =>
    Effect.gen(function*() {
      mode = "ok"
      seen.length = 0
      issued = 0
      const credentials = yield* oidc(settings())
      const [a, b, c] = yield* Effect.all([sample, sample, sample].map((r) => credentials.authorize(r)), {
        concurrency: "unbounded"
      })
      expect(issued).toBe(1)
      expect(bearerOf(a!)).toBe(bearerOf(b!))
      expect(bearerOf(c!)).toBe(bearerOf(a!))
      const token = bearerOf(a!)!.replace(/^Bearer /, "")
      expect(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).tag).toBe("fresh-1")
      const grant = seen.find((s) => s.path === "/token")!
      expect(grant.body.get("grant_type")).toBe("refresh_token")
      expect(grant.body.get("refresh_token")).toBe(REFRESH)
      expect(grant.authorization).toBe(`Basic ${Buffer.from(`kubectl:${SECRET}`).toString("base64")}`)
      // The fresh token is used until it nears expiry: no further trips to the endpoint.
      yield* credentials.authorize(sample)
      expect(issued).toBe(1)
      expect(seen.filter((s) => s.path.endsWith("openid-configuration")).length).toBe(1)
    }))

  it.live("refreshes when there is no id-token, and retries with credentials in the form when the header is refused", () =>
    Effect.gen(function*() {
      mode = "refuseHeader"
      seen.length = 0
      const credentials = yield* oidc(settings({ "id-token": "" }))
      const out = yield* credentials.authorize(sample)
      expect(bearerOf(out)).toMatch(/^Bearer e30\./)
      const grants = seen.filter((s) => s.path === "/token")
      expect(grants.length).toBe(2)
      expect(grants[1]!.authorization).toBeUndefined()
      expect(grants[1]!.body.get("client_id")).toBe("kubectl")
      expect(grants[1]!.body.get("client_secret")).toBe(SECRET)
    }))

  it.live("fails typed, naming the step and never a token or secret", () =>
    Effect.gen(function*() {
      const failure = (extra: Record<string, string> = {}) =>
        Effect.flip(Effect.flatMap(oidc(settings(extra)), (c) => c.authorize(sample)))
      mode = "badGrant"
      const refused = yield* failure()
      expect(refused.reason).toBe("AuthProviderInvalid")
      expect(refused.message).toContain("failed to refresh token: the token endpoint answered HTTP 400 (invalid_grant)")
      expectNoSecret(refused)
      mode = "noIdToken"
      const noIdToken = yield* failure()
      expect(noIdToken.message).toContain("token response did not contain an id_token")
      expectNoSecret(noIdToken)
      mode = "noEndpoint"
      expect((yield* failure()).message).toContain("discovery object doesn't contain a token_endpoint")
      mode = "ok"
      expect((yield* failure({ "idp-issuer-url": "" })).message).toContain("Must provide idp-issuer-url")
      expect((yield* failure({ "client-id": "" })).message).toContain("Must provide client-id")
      expect((yield* failure({ "refresh-token": "" })).message).toContain(
        "No valid id-token, and cannot refresh without refresh-token"
      )
      const down = yield* failure({ "idp-issuer-url": "http://127.0.0.1:1/issuer" })
      expect(down.message).toContain("ECONNREFUSED")
      expectNoSecret(down)
    }))
})
