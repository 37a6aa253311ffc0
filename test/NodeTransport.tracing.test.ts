import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as NodeTransport from "../src/NodeTransport.js"
import type { Service as RestConfigService } from "../src/RestConfig.js"

// What the server saw of each request's trace-context header: a span exists only when one was propagated.
const seen: Array<string | undefined> = []
let server: http.Server

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers["traceparent"] as string | undefined)
    res.writeHead(200, { "content-type": "application/json" })
    res.end("{}")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const config = (): RestConfigService => ({
  server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  tls: { insecure: false },
  disableCompression: false,
  auth: { _tag: "None" },
  namespace: "default",
  qps: 5,
  burst: 10,
  userAgent: "effect-kube/0.1.0 (linux/x64) test",
  source: "test"
})

/** One GET inside a parent span; returns the traceparent header the server saw, if any. */
const getWith = (options: NodeTransport.MakeOptions) =>
  Effect.scoped(
    Effect.flatMap(NodeTransport.make(config(), options), (client) =>
      Effect.flatMap(client.get(`${config().server}/x`), (response) => response.text))
  ).pipe(
    Effect.withSpan("parent"),
    Effect.provide(NodeContext.layer),
    Effect.map(() =>
      seen.at(-1)
    )
  )

describe("NodeTransport tracing option", () => {
  it.live("by default a request gets no HttpClient span (no trace-context header is sent)", () =>
    Effect.gen(function*() {
      const header = yield* getWith({})
      expect(header).toBeUndefined()
    }))

  it.live("with tracing: true each request gets a span, propagated as a traceparent header", () =>
    Effect.gen(function*() {
      const header = yield* getWith({ tracing: true })
      expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    }))
})
