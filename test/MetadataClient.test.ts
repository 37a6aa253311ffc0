import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Informer from "../src/Informer.js"
import * as MetadataClient from "../src/MetadataClient.js"
import * as Testing from "../src/testing.js"

const withFake = Effect.provide(
  MetadataClient.layer.pipe(Layer.provideMerge(Testing.layerFake({}, { qps: -1, retry: "none" })))
)
const pods = { group: "", version: "v1", resource: "pods" }
const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "nginx" }] }
})

describe("MetadataClient", () => {
  it.effect("get, list, patch and delete carry metadata only, asked for with the PartialObjectMetadata media types", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.seed(pod("a"), pod("b"))
      const client = (yield* MetadataClient.MetadataClient).resource(pods).namespace("default")
      const one = yield* client.get("a")
      expect(one.kind).toBe("PartialObjectMetadata")
      expect(one.apiVersion).toBe("meta.k8s.io/v1")
      expect(one.metadata.labels).toEqual({ app: "web" })
      expect((one as any).spec).toBeUndefined()
      const list = yield* client.list()
      expect(list.kind).toBe("PartialObjectMetadataList")
      expect(list.items.map((i) => i.metadata.name)).toEqual(["a", "b"])
      expect(list.items.every((i) => (i as any).spec === undefined)).toBe(true)
      const patched = yield* client.patch("a", "merge", { metadata: { labels: { app: "db" } } })
      expect(patched.metadata.labels).toEqual({ app: "db" })
      expect((patched as any).spec).toBeUndefined()
      yield* client.delete("b")
      expect(Option.isNone(yield* fake.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "b" })))
        .toBe(true)
      const log = yield* fake.requests
      expect(log.find((r) => r.method === "GET" && r.url.endsWith("/pods/a"))?.headers.accept).toContain(
        "as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
      )
      expect(log.find((r) => r.method === "GET" && r.url.endsWith("/pods"))?.headers.accept).toContain(
        "as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
      )
    }).pipe(withFake))

  it.scoped("a metadata-only informer: streaming list and watch of PartialObjectMetadata", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.seed(pod("a"))
      const client = (yield* MetadataClient.MetadataClient).resource(pods)
      const informer = yield* Informer.make(client, { backoff: Schedule.spaced("1 millis") })
      yield* informer.waitForSync
      const events = yield* informer.events.pipe(Stream.take(2), Stream.runCollect, Effect.fork)
      yield* fake.seed(pod("b"))
      const seen = [...(yield* events.await.pipe(Effect.flatten))]
      expect(seen.map((e) => `${e._tag} ${e.object.metadata.name} ${e.object.kind}`)).toEqual([
        "Added a PartialObjectMetadata",
        "Added b PartialObjectMetadata"
      ])
      const cached = yield* informer.store.list()
      expect(cached.every((o) => (o as any).spec === undefined)).toBe(true)
      const watch = (yield* fake.requests).find((r) => r.url.includes("watch=true"))!
      expect(watch.headers.accept).toContain("as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
    }).pipe(withFake))
})
