import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RestClient from "../src/RestClient.js"
import { RestConfig } from "../src/RestConfig.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as MockServer from "./support/mockServer.js"

const Pod = Schema.Struct({
  kind: Schema.String,
  metadata: Schema.Struct({ name: Schema.String })
})

const withClient = <A, E>(
  mock: MockServer.MockServer,
  f: (client: RestClient.Service) => Effect.Effect<A, E>,
  options: Parameters<typeof MockServer.restClientLayer>[1] = {}
) => Effect.flatMap(RestClient.RestClient, f).pipe(Effect.provide(MockServer.restClientLayer(mock, options)))

const getPod = KubeRequest.get({ resource: "pods", namespace: "ns", name: "p" })

describe("RestClient", () => {
  it.effect("decodes with the caller's Schema and keeps unknown fields", () =>
    Effect.gen(function*() {
      const body = { kind: "Pod", metadata: { name: "p", uid: "u-1", labels: { a: "b" } }, spec: { x: 1 } }
      const mock = MockServer.make(() => ({ status: 200, json: body }))
      const pod = yield* withClient(mock, (c) => c.execute(getPod, Pod))
      expect(pod).toEqual(body)
      expect(pod.metadata.name).toBe("p")
    }))

  it.effect("a body that does not match is a DecodeError naming the path", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, json: { kind: "Pod", metadata: { name: 7 } } }))
      const error = yield* Effect.flip(withClient(mock, (c) => c.execute(getPod, Pod)))
      expect(error._tag).toBe("DecodeError")
      if (error._tag !== "DecodeError") return
      expect(error.path).toBe("$.metadata.name")
      expect(error.url).toBe("https://k8s.test:6443/api/v1/namespaces/ns/pods/p")
      const notJson = yield* Effect.flip(
        withClient(MockServer.make(() => ({ status: 200, body: "<html>" })), (c) => c.execute(getPod, Pod))
      )
      expect(notJson._tag).toBe("DecodeError")
    }))

  it.effect("sends method, URL, headers and body as kubectl does", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 201, json: { kind: "Pod", metadata: { name: "p" } } }))
      const credentials = MockServer.staticCredentials({ token: "t0k" }).service
      yield* withClient(mock, (c) =>
        Effect.all([
          c.execute(KubeRequest.create({ resource: "pods", namespace: "ns" }, { a: 1 }), Pod),
          c.execute(KubeRequest.patch({ resource: "pods", namespace: "ns", name: "p" }, "strategic", { b: 2 }), Pod),
          c.execute(KubeRequest.patch({ resource: "pods", namespace: "ns", name: "p" }, "apply", { c: 3 }), Pod),
          c.executeRaw(KubeRequest.raw("/version"))
        ]), { credentials, config: { timeout: Duration.seconds(5) } })
      const [create, strategic, apply, raw] = mock.requests
      expect(create!.method).toBe("POST")
      expect(create!.url).toBe("https://k8s.test:6443/api/v1/namespaces/ns/pods?timeout=5s")
      expect(create!.headers["content-type"]).toBe("application/json")
      expect(create!.headers["accept"]).toBe("application/json")
      expect(create!.headers["user-agent"]).toBe("effect-kube/test")
      expect(create!.headers["authorization"]).toBe("Bearer t0k")
      expect(create!.body).toBe(`{"a":1}`)
      expect(strategic!.method).toBe("PATCH")
      expect(strategic!.headers["content-type"]).toBe("application/strategic-merge-patch+json")
      expect(apply!.headers["content-type"]).toBe("application/apply-patch+yaml")
      expect(raw!.headers["accept"]).toBe("application/json, */*")
      expect(raw!.url).toBe("https://k8s.test:6443/version?timeout=5s")
    }))

  it.effect("an invalid name fails before anything is sent", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, json: {} }))
      const error = yield* Effect.flip(
        withClient(mock, (c) => c.executeRaw(KubeRequest.get({ resource: "pods", namespace: "ns", name: "a%b" })))
      )
      expect(error._tag).toBe("InvalidRequest")
      expect(error.message).toBe(`invalid resource name "a%b": [may not contain '%']`)
      expect(mock.requests.length).toBe(0)
    }))

  it.effect("the per-request timeout fails the request with a TransportError", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => Effect.never)
      const fiber = yield* Effect.fork(
        Effect.flip(withClient(mock, (c) => c.executeRaw(KubeRequest.timeout(getPod, "2 seconds"))))
      )
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") expect(error.reason).toBe("Timeout")
      expect(mock.requests[0]!.url).toBe("https://k8s.test:6443/api/v1/namespaces/ns/pods/p?timeout=2s")
      expect(mock.requests[0]!.signal.aborted).toBe(true)
    }))

  describe("401", () => {
    const unauthorized = {
      status: 401,
      json: { kind: "Status", reason: "Unauthorized", code: 401, message: "Unauthorized" }
    }
    it.effect("invalidates credentials and retries once when that may help", () =>
      Effect.gen(function*() {
        const creds = MockServer.staticCredentials({ invalidate: true })
        const mock = MockServer.make(MockServer.script([unauthorized, { status: 200, json: {} }]))
        const response = yield* withClient(mock, (c) => c.executeRaw(getPod), { credentials: creds.service })
        expect(response.status).toBe(200)
        expect(mock.requests.length).toBe(2)
        expect(creds.invalidations()).toBe(1)
      }))
    it.effect("only once", () =>
      Effect.gen(function*() {
        const creds = MockServer.staticCredentials({ invalidate: true })
        const mock = MockServer.make(MockServer.script([unauthorized]))
        const error = yield* Effect.flip(withClient(mock, (c) => c.executeRaw(getPod), { credentials: creds.service }))
        expect(error._tag).toBe("Unauthorized")
        expect(mock.requests.length).toBe(2)
        expect(creds.invalidations()).toBe(1)
      }))
    it.effect("not at all when invalidation cannot help", () =>
      Effect.gen(function*() {
        const creds = MockServer.staticCredentials({ invalidate: false })
        const mock = MockServer.make(MockServer.script([unauthorized, { status: 200, json: {} }]))
        const error = yield* Effect.flip(withClient(mock, (c) => c.executeRaw(getPod), { credentials: creds.service }))
        expect(error._tag).toBe("Unauthorized")
        expect(mock.requests.length).toBe(1)
      }))
  })

  describe("warnings", () => {
    const warned = {
      status: 200,
      json: {},
      headers: {
        warning: `299 - "v1 Pod is deprecated", 299 - "quoted \\"name\\" here"`
      }
    }
    it.effect("go to the WarningHandler, parsed", () =>
      Effect.gen(function*() {
        const { handler, warnings } = yield* RestClient.collectWarnings
        const mock = MockServer.make(() => warned)
        yield* withClient(mock, (c) => Effect.zip(c.executeRaw(getPod), c.executeRaw(getPod)), { warnings: handler })
        expect(yield* warnings).toEqual([
          { code: 299, agent: "-", text: "v1 Pod is deprecated" },
          { code: 299, agent: "-", text: `quoted "name" here` },
          { code: 299, agent: "-", text: "v1 Pod is deprecated" },
          { code: 299, agent: "-", text: `quoted "name" here` }
        ])
      }))
    it.effect("the default handler logs each distinct warning once", () =>
      Effect.gen(function*() {
        const logged: Array<string> = []
        const logger = Logger.make(({ logLevel, message }) => {
          if (logLevel._tag === "Warning") logged.push(String(Array.isArray(message) ? message[0] : message))
        })
        const mock = MockServer.make(() => warned)
        yield* withClient(mock, (c) => Effect.zip(c.executeRaw(getPod), c.executeRaw(getPod))).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger))
        )
        expect(logged).toEqual([`Warning: v1 Pod is deprecated`, `Warning: quoted "name" here`])
      }))
  })

  it.effect("stream and lines: a followed log, split into lines across chunks", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, chunks: ["one\ntw", "o\r\nthr", "ee\n"] }))
      const logs = KubeRequest.get({ resource: "pods", namespace: "ns", name: "p", subresource: "log" }).pipe(
        KubeRequest.setParams({ follow: true, container: "c" })
      )
      const out = yield* withClient(mock, (c) => Stream.runCollect(RestClient.lines(c.stream(logs))))
      expect(Chunk.toArray(out)).toEqual(["one", "two", "three"])
      expect(mock.urls()).toEqual(["https://k8s.test:6443/api/v1/namespaces/ns/pods/p/log?container=c&follow=true"])
    }))

  it.effect("layerWithDefaults builds the limiter and retry policy from RestConfig", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(MockServer.script([{ status: 503 }, { status: 200, json: {} }]))
      const layer = RestClient.layerWithDefaults.pipe(
        Layer.provide(Layer.mergeAll(
          mock.layer,
          Layer.succeed(RestConfig, MockServer.testConfig({ qps: 5, burst: 10 })),
          MockServer.staticCredentials().layer
        ))
      )
      const fiber = yield* Effect.fork(
        Effect.flatMap(RestClient.RestClient, (c) => c.executeRaw(getPod)).pipe(Effect.provide(layer), Effect.scoped)
      )
      yield* TestClock.adjust("1 second")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      expect(mock.requests.length).toBe(2)
      expect(RetryPolicy.defaults.maxRetries).toBe(10)
    }))
})
