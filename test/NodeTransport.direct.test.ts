// The buffered fast path NodeTransport gives the RestClient (HttpExchange): what reaches the server,
// interruption, the body size limit, and that a user's wrapper around the client is never bypassed.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as Credentials from "../src/Credentials.js"
import * as HttpExchange from "../src/HttpExchange.js"
import * as direct from "../src/internal/transport/direct.js"
import * as KubeRequest from "../src/KubeRequest.js"
import * as NodeTransport from "../src/NodeTransport.js"
import * as RateLimit from "../src/RateLimit.js"
import * as RestClient from "../src/RestClient.js"
import { RestConfig, type Service as RestConfigService } from "../src/RestConfig.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import { testConfig } from "./support/mockServer.js"

interface Echo {
  readonly method: string
  readonly url: string
  readonly body: string
  readonly headers: http.IncomingHttpHeaders
}

let server: http.Server
const closed: Array<string> = []
let onStalled: () => void = () => {}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const url = req.url ?? ""
      if (url === "/stall") {
        // Headers and half a body, then nothing: the client is interrupted while reading.
        res.writeHead(200, { "content-type": "application/json" })
        res.write("{\"partial\":")
        res.on("close", () => closed.push(url))
        onStalled()
        return
      }
      if (url === "/big") {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ data: "x".repeat(64 * 1024) }))
        return
      }
      const echo: Echo = {
        method: req.method ?? "",
        url,
        body: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers
      }
      res.setHeader("set-cookie", ["a=1", "b=2"])
      res.setHeader("content-type", "application/json")
      res.end(JSON.stringify(echo))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
})

afterAll(() =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
)

const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const config = (): RestConfigService => testConfig({ server: base() })

const withClient = <A, E>(f: (client: HttpClient.HttpClient) => Effect.Effect<A, E>, tracing = false) =>
  Effect.scoped(Effect.flatMap(NodeTransport.make(config(), { tracing }), f)).pipe(Effect.provide(NodeContext.layer))

const text = (body: Uint8Array) => Buffer.from(body).toString("utf8")

describe("NodeTransport direct exchange", () => {
  it.live("is present by default and absent with tracing on, so spans still come from the platform client", () =>
    Effect.gen(function*() {
      expect(yield* withClient((c) => Effect.succeed(direct.hasDirect(c)))).toBe(true)
      expect(yield* withClient((c) => Effect.succeed(direct.hasDirect(c)), true)).toBe(false)
      // Anything derived from the client is a new object without it.
      expect(yield* withClient((c) => Effect.succeed(direct.hasDirect(HttpClient.filterStatusOk(c))))).toBe(false)
    }))

  it.live("HttpExchange.mapRequest / mapRequestEffect keep the exchange, and both paths see the change", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.get(`${base()}/echo`)
      const seen = yield* withClient((c) =>
        Effect.gen(function*() {
          const tagged = HttpExchange.mapRequest(c, HttpClientRequest.setHeader("x-team", "platform"))
          const counted: Array<string> = []
          const effectful = HttpExchange.mapRequestEffect(
            c,
            (r) => Effect.sync(() => (counted.push(r.url), HttpClientRequest.setHeader(r, "x-effect", "1")))
          )
          expect(HttpExchange.hasExchange(tagged)).toBe(true)
          expect(HttpExchange.hasExchange(effectful)).toBe(true)
          // The original client is not changed by wrapping it.
          expect(HttpExchange.exchangeOf(c)).not.toBe(HttpExchange.exchangeOf(tagged))
          const fast = JSON.parse(text((yield* HttpExchange.exchangeOf(tagged)(request)).body)) as Echo
          const slow = (yield* Effect.flatMap(tagged.execute(request), (r) => r.json)) as Echo
          const viaEffect = JSON.parse(text((yield* HttpExchange.exchangeOf(effectful)(request)).body)) as Echo
          return { fast, slow, viaEffect, counted }
        })
      )
      expect(seen.fast.headers["x-team"]).toBe("platform")
      expect(seen.slow.headers["x-team"]).toBe("platform")
      expect(seen.viaEffect.headers["x-effect"]).toBe("1")
      expect(seen.counted).toEqual([`${base()}/echo`])
    }))

  it.live("a client without an exchange is used through execute; withExchange does not change the client it copies", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.get(`${base()}/echo`)
      const result = yield* withClient((c) =>
        Effect.gen(function*() {
          const plain = HttpClient.mapRequest(c, HttpClientRequest.setHeader("x-plain", "1"))
          expect(HttpExchange.hasExchange(plain)).toBe(false)
          const viaExecute = JSON.parse(text((yield* HttpExchange.exchangeOf(plain)(request)).body)) as Echo
          let used = 0
          const own: HttpExchange.Exchange = (r) =>
            Effect.sync(() => used++).pipe(Effect.zipRight(HttpExchange.fromExecute(plain)(r)))
          const withOwn = HttpExchange.withExchange(plain, own)
          yield* HttpExchange.exchangeOf(withOwn)(request)
          return { viaExecute, used, plainStill: HttpExchange.hasExchange(plain) }
        })
      )
      expect(result.viaExecute.headers["x-plain"]).toBe("1")
      expect(result.used).toBe(1)
      expect(result.plainStill).toBe(false)
    }))

  it.live("sends method, path, query, headers and body as given; answers with status, headers and body", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.post(`${base()}/api/v1/namespaces/a%2Fb/pods?dryRun=All&x=%20`).pipe(
        HttpClientRequest.setHeader("X-Extra", "yes"),
        HttpClientRequest.bodyText("{\"kind\":\"Pod\"}", "application/json")
      )
      const response = yield* withClient((c) => direct.exchangeFor(c)(request))
      expect(response.status).toBe(200)
      expect(response.headers["content-type"]).toBe("application/json")
      expect(response.headers["set-cookie"]).toBe("a=1, b=2")
      const echo = JSON.parse(text(response.body)) as Echo
      expect(echo.method).toBe("POST")
      expect(echo.url).toBe("/api/v1/namespaces/a%2Fb/pods?dryRun=All&x=%20")
      expect(echo.body).toBe("{\"kind\":\"Pod\"}")
      expect(echo.headers["x-extra"]).toBe("yes")
      expect(echo.headers["content-type"]).toBe("application/json")
      expect(echo.headers["user-agent"]).toBe(testConfig().userAgent)
    }))

  it.live("URL parameters and unescaped paths are rendered as the platform client renders them", () =>
    Effect.gen(function*() {
      const request = HttpClientRequest.get(`${base()}/with space`).pipe(
        HttpClientRequest.setUrlParam("labelSelector", "app=x,tier in (a,b)")
      )
      const viaDirect = yield* withClient((c) => direct.exchangeFor(c)(request))
      const viaPlatform = yield* withClient((c) => Effect.flatMap(c.execute(request), (r) => r.json))
      expect((JSON.parse(text(viaDirect.body)) as Echo).url).toBe((viaPlatform as Echo).url)
      expect((viaPlatform as Echo).url).toBe("/with%20space?labelSelector=app%3Dx%2Ctier+in+%28a%2Cb%29")
    }))

  it.live("interrupting a request while its body arrives closes the connection", () =>
    Effect.gen(function*() {
      const stalled = yield* Deferred.make<void>()
      onStalled = () => Deferred.unsafeDone(stalled, Exit.void)
      const before = closed.length
      yield* withClient((c) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(direct.exchangeFor(c)(HttpClientRequest.get(`${base()}/stall`)))
          yield* Deferred.await(stalled)
          yield* Fiber.interrupt(fiber)
        })
      )
      // The server notices the closed socket shortly after; bounded wait.
      for (let i = 0; i < 100 && closed.length === before; i++) yield* Effect.sleep("10 millis")
      expect(closed.slice(before)).toEqual(["/stall"])
    }))

  it.live("a timeout around a request closes its connection; the fiber's next request is unaffected", () =>
    Effect.gen(function*() {
      const before = closed.length
      const [timedOut, next] = yield* withClient((c) =>
        Effect.gen(function*() {
          const exchange = direct.exchangeFor(c)
          const timedOut = yield* exchange(HttpClientRequest.get(`${base()}/stall`)).pipe(
            Effect.timeoutFail({ duration: "100 millis", onTimeout: () => "timed out" as const }),
            Effect.flip
          )
          // The same fiber goes on: its next exchange must not be cancelled by the earlier one.
          const next = yield* exchange(HttpClientRequest.get(`${base()}/after-timeout`))
          return [timedOut, next] as const
        })
      )
      expect(timedOut).toBe("timed out")
      expect((JSON.parse(text(next.body)) as Echo).url).toBe("/after-timeout")
      for (let i = 0; i < 100 && closed.length === before; i++) yield* Effect.sleep("10 millis")
      expect(closed.slice(before)).toEqual(["/stall"])
    }))

  it.live("honours the platform's MaxBodySize", () =>
    Effect.gen(function*() {
      const exchange = (limit: number) =>
        withClient((c) =>
          direct.exchangeFor(c)(HttpClientRequest.get(`${base()}/big`)).pipe(
            IncomingMessage.withMaxBodySize(Option.some(limit)),
            Effect.exit
          )
        )
      const tooBig = yield* exchange(1024)
      const failure = Exit.isFailure(tooBig) ? Cause.failureOption(tooBig.cause) : Option.none()
      expect(Option.map(failure, (error) => String((error as { cause?: unknown }).cause))).toEqual(
        Option.some("Error: maxBytes exceeded")
      )
      const fits = yield* exchange(1024 * 1024)
      expect(Exit.isSuccess(fits) && fits.value.body.length).toBeGreaterThan(64 * 1024)
    }))

  it.live("a RestClient over a wrapped NodeTransport client goes through the wrapper", () =>
    Effect.gen(function*() {
      const echo = yield* Effect.gen(function*() {
        const rest = yield* RestClient.RestClient
        return yield* rest.execute(
          KubeRequest.get({ version: "v1", resource: "pods", namespace: "ns", name: "p" }),
          Schema.Unknown
        )
      }).pipe(
        Effect.provide(RestClient.layer.pipe(
          Layer.provide(Layer.mergeAll(
            Layer.scoped(
              HttpClient.HttpClient,
              Effect.map(
                NodeTransport.make(config()),
                HttpClient.mapRequest(HttpClientRequest.setHeader("x-wrapped", "1"))
              )
            ),
            Layer.succeed(RestConfig, config()),
            Layer.succeed(Credentials.Credentials, Credentials.make()),
            Layer.succeed(RateLimit.RateLimit, RateLimit.unlimited),
            Layer.succeed(RetryPolicy.RetryPolicy, RetryPolicy.none)
          ))
        )),
        Effect.provide(NodeContext.layer)
      )
      expect((echo as Echo).headers["x-wrapped"]).toBe("1")
      expect((echo as Echo).url).toBe("/api/v1/namespaces/ns/pods/p")
    }))
})
