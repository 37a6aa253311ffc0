import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RestClient from "../src/RestClient.js"
import * as Watch from "../src/Watch.js"
import * as MockServer from "./support/mockServer.js"

const Pod = Schema.Struct({
  metadata: Schema.Struct({ name: Schema.String, resourceVersion: Schema.optional(Schema.String) })
})

const lines = [
  `{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"café","resourceVersion":"10"},"spec":{"nodeName":"n1"}}}`,
  `{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"café","resourceVersion":"11"}}}`,
  `{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12","annotations":{"k8s.io/initial-events-end":"true"}}}}`,
  `{"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"日本","resourceVersion":"13"}}}`
]
const sample = new TextEncoder().encode(lines.join("\n") + "\n")
const ctx = { method: "GET", url: "https://k8s.test:6443/api/v1/pods?watch=true" }

const decodeChunks = (chunks: ReadonlyArray<Uint8Array>) =>
  Stream.runCollect(Watch.decodeBytes(Stream.fromIterable(chunks), Pod, ctx)).pipe(Effect.map(Chunk.toArray))

const expected = [
  {
    type: "ADDED",
    object: { kind: "Pod", metadata: { name: "café", resourceVersion: "10" }, spec: { nodeName: "n1" } }
  },
  { type: "MODIFIED", object: { kind: "Pod", metadata: { name: "café", resourceVersion: "11" } } },
  {
    type: "BOOKMARK",
    object: { kind: "Pod", metadata: { resourceVersion: "12", annotations: { "k8s.io/initial-events-end": "true" } } }
  },
  { type: "DELETED", object: { kind: "Pod", metadata: { name: "日本", resourceVersion: "13" } } }
]

const errorLine = (status: object) => JSON.stringify({ type: "ERROR", object: { kind: "Status", ...status } })

describe("Watch decoding", () => {
  it.effect("the same events whatever the chunk boundaries (every byte position)", () =>
    Effect.gen(function*() {
      for (let cut = 0; cut <= sample.length; cut++) {
        const events = yield* decodeChunks([sample.subarray(0, cut), sample.subarray(cut)])
        expect(events, `split at byte ${cut}`).toEqual(expected)
      }
      const bytewise = yield* decodeChunks(Array.from(sample, (b) => Uint8Array.of(b)))
      expect(bytewise).toEqual(expected)
    }))

  it.effect("a last line without a newline and blank keep-alive lines", () =>
    Effect.gen(function*() {
      const text = "\n" + lines[0] + "\r\n\n" + lines[1]
      expect(yield* decodeChunks([new TextEncoder().encode(text)])).toEqual(expected.slice(0, 2))
    }))

  it.effect("ERROR 410 Expired fails the stream with Expired, after the events before it", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const body = [
        lines[0],
        errorLine({ status: "Failure", message: "too old resource version: 1 (5)", reason: "Expired", code: 410 }),
        lines[1]
      ]
        .join("\n")
      const error = yield* Watch.decodeBytes(Stream.make(new TextEncoder().encode(body)), Pod, ctx).pipe(
        Stream.runForEach((e) => Effect.sync(() => void seen.push(e.type))),
        Effect.flip
      )
      expect(seen).toEqual(["ADDED"])
      expect(error._tag).toBe("Expired")
      if (error._tag !== "Expired") return
      expect(error.code).toBe(410)
      expect(error.url).toBe(ctx.url)
      expect(error.status.message).toBe("too old resource version: 1 (5)")
    }))

  it.effect("ERROR 410 with reason Gone or none maps to Gone; other codes by reason", () =>
    Effect.gen(function*() {
      const run = (line: string) =>
        Effect.flip(Stream.runDrain(Watch.decodeBytes(Stream.make(new TextEncoder().encode(line)), Pod, ctx)))
      expect((yield* run(errorLine({ reason: "Gone", code: 410 })))._tag).toBe("Gone")
      expect((yield* run(errorLine({ code: 410 })))._tag).toBe("Gone")
      expect((yield* run(errorLine({ reason: "InternalError", code: 500, message: "x" })))._tag).toBe("InternalError")
    }))

  it.effect("a malformed line or object is a DecodeError naming the path", () =>
    Effect.gen(function*() {
      const bad = yield* Effect.flip(
        decodeChunks([new TextEncoder().encode(`{"type":"ADDED","object":{"metadata":{}}}\n`)])
      )
      expect(bad._tag).toBe("DecodeError")
      if (bad._tag === "DecodeError") expect(bad.path).toBe("$.object.metadata.name")
      const notJson = yield* Effect.flip(decodeChunks([new TextEncoder().encode("<html>\n")]))
      expect(notJson._tag).toBe("DecodeError")
    }))
})

describe("RestClient.watch", () => {
  const request = KubeRequest.list({ resource: "pods", namespace: "ns" }).pipe(
    KubeRequest.listOptions({ resourceVersion: "9", allowWatchBookmarks: true, timeoutSeconds: 30 })
  )

  it.effect("sends a watch and ends cleanly when the server closes the stream", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, chunks: [sample.subarray(0, 50), sample.subarray(50)] }))
      const events = yield* Effect.gen(function*() {
        const client = yield* RestClient.RestClient
        return Chunk.toArray(yield* Stream.runCollect(client.watch(request, Pod)))
      }).pipe(Effect.provide(MockServer.restClientLayer(mock)))
      expect(events).toEqual(expected)
      expect(mock.urls()).toEqual([
        "https://k8s.test:6443/api/v1/namespaces/ns/pods?allowWatchBookmarks=true&resourceVersion=9&timeoutSeconds=30&watch=true"
      ])
    }))

  it.live("interrupting the stream aborts the request", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, chunks: [lines[0] + "\n"], hold: true }))
      const layer = MockServer.restClientLayer(mock)
      const received: Array<string> = []
      const fiber = yield* Effect.fork(
        Effect.gen(function*() {
          const client = yield* RestClient.RestClient
          yield* Stream.runForEach(client.watch(request, Pod), (e) => Effect.sync(() => void received.push(e.type)))
        }).pipe(Effect.provide(layer))
      )
      for (let i = 0; i < 100 && received.length === 0; i++) yield* Effect.sleep("10 millis")
      expect(received).toEqual(["ADDED"])
      expect(mock.requests[0]!.signal.aborted).toBe(false)
      yield* Fiber.interrupt(fiber)
      expect(mock.requests[0]!.signal.aborted).toBe(true)
    }))

  it.live("taking fewer events than the server sends closes the connection", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, chunks: [sample], hold: true }))
      const events = yield* Effect.gen(function*() {
        const client = yield* RestClient.RestClient
        return Chunk.toArray(yield* Stream.runCollect(Stream.take(client.watch(request, Pod), 2)))
      }).pipe(Effect.provide(MockServer.restClientLayer(mock)), Effect.timeout("5 seconds"))
      expect(events.length).toBe(2)
      expect(mock.requests[0]!.signal.aborted).toBe(true)
    }))

  it.effect("a failed watch request maps its Status", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({
        status: 410,
        json: { kind: "Status", status: "Failure", reason: "Expired", code: 410, message: "too old" }
      }))
      const error = yield* Effect.gen(function*() {
        const client = yield* RestClient.RestClient
        return yield* Effect.flip(Stream.runDrain(client.watch(request, Pod)))
      }).pipe(Effect.provide(MockServer.restClientLayer(mock)))
      expect(error._tag).toBe("Expired")
    }))
})
