import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RestClient from "../src/RestClient.js"
import * as MockServer from "./support/mockServer.js"

const Item = Schema.Struct({ metadata: Schema.Struct({ name: Schema.String, uid: Schema.String }) })
const item = (name: string) => ({ metadata: { name, uid: `uid-${name}` } })
const page = (names: ReadonlyArray<string>, cont?: string, rv = "100") => ({
  status: 200,
  json: {
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: rv, ...(cont === undefined ? {} : { continue: cont, remainingItemCount: 1 }) },
    items: names.map(item)
  }
})
const expired = {
  status: 410,
  json: {
    kind: "Status",
    status: "Failure",
    reason: "Expired",
    code: 410,
    message: "The provided continue parameter is too old to display a consistent list result."
  }
}

const list = KubeRequest.list({ resource: "pods", namespace: "ns" })

const run = <A, E>(mock: MockServer.MockServer, f: (client: RestClient.Service) => Stream.Stream<A, E>) =>
  Effect.flatMap(RestClient.RestClient, (c) => Stream.runCollect(f(c))).pipe(
    Effect.map(Chunk.toArray),
    Effect.provide(MockServer.restClientLayer(mock))
  )

describe("paging", () => {
  it.effect("follows continue tokens with the request's limit", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(MockServer.script([page(["a", "b"], "t1"), page(["c", "d"], "t2"), page(["e"])]))
      const request = KubeRequest.listOptions(list, { limit: 2, labelSelector: "app=web", resourceVersion: "0" })
      const items = yield* run(mock, (c) => c.listAll(request, Item))
      expect(items.map((i) => i.metadata.name)).toEqual(["a", "b", "c", "d", "e"])
      expect(mock.urls()).toEqual([
        "https://k8s.test:6443/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb&limit=2&resourceVersion=0",
        "https://k8s.test:6443/api/v1/namespaces/ns/pods?continue=t1&labelSelector=app%3Dweb&limit=2",
        "https://k8s.test:6443/api/v1/namespaces/ns/pods?continue=t2&labelSelector=app%3Dweb&limit=2"
      ])
    }))

  it.effect("pages carry list metadata; the default page size is client-go's 500", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(MockServer.script([page(["a"], "t1", "7"), page(["b"], undefined, "7")]))
      const pages = yield* run(mock, (c) => c.listPages(list, Item))
      expect(pages.map((p) => [p.items.length, p.continue, p.resourceVersion, p.kind, p.restarted])).toEqual([
        [1, "t1", "7", "PodList", false],
        [1, undefined, "7", "PodList", false]
      ])
      expect(mock.urls()[0]).toBe("https://k8s.test:6443/api/v1/namespaces/ns/pods?limit=500")
    }))

  it.effect("an expired continue token restarts the list from the first page", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(MockServer.script([
        page(["a", "b"], "t1"),
        expired,
        page(["a", "c"], "t9"),
        page(["d"])
      ]))
      const pages = yield* run(mock, (c) => c.listPages(KubeRequest.listOptions(list, { limit: 2 }), Item))
      expect(pages.map((p) => [p.items.map((i) => i.metadata.name), p.restarted])).toEqual([
        [["a", "b"], false],
        [["a", "c"], true],
        [["d"], false]
      ])
      expect(mock.urls().map((u) => new URL(u).search)).toEqual([
        "?limit=2",
        "?continue=t1&limit=2",
        "?limit=2",
        "?continue=t9&limit=2"
      ])
    }))

  it.effect("listAll emits each object once across a restart", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(
        MockServer.script([page(["a", "b"], "t1"), expired, page(["a", "c"], "t9"), page(["b", "d"])])
      )
      const items = yield* run(mock, (c) => c.listAll(KubeRequest.listOptions(list, { limit: 2 }), Item))
      expect(items.map((i) => i.metadata.name)).toEqual(["a", "b", "c", "d"])
    }))

  it.effect("gives up after maxRestarts and on an Expired first page", () =>
    Effect.gen(function*() {
      const always = MockServer.make((_, i) => i % 2 === 0 ? page(["a"], "t") : expired)
      const error = yield* Effect.flip(run(always, (c) => c.listAll(list, Item, { maxRestarts: 2 })))
      expect(error._tag).toBe("Expired")
      expect(always.requests.length).toBe(6)
      const first = MockServer.make(() => expired)
      expect((yield* Effect.flip(run(first, (c) => c.listAll(list, Item))))._tag).toBe("Expired")
      expect(first.requests.length).toBe(1)
    }))

  it.effect("items: null is an empty page", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(() => ({ status: 200, json: { kind: "PodList", metadata: {}, items: null } }))
      expect(yield* run(mock, (c) => c.listAll(list, Item))).toEqual([])
    }))
})
