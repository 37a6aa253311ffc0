import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Clientset from "../src/Clientset.js"
import * as CustomResource from "../src/CustomResource.js"
import { FakeApiServer } from "../src/FakeApiServer.js"
import { NodeResource, PodResource } from "../src/generated/core/v1.js"
import * as ResourceClient from "../src/ResourceClient.js"
import type { RestClient } from "../src/RestClient.js"
import { kube, pod, widgetCrd } from "./fixtures/clientset/kube.js"

const run = <A, E>(effect: Effect.Effect<A, E, Clientset.Clientset | FakeApiServer | RestClient>) =>
  Effect.provide(effect, kube())

/** Method, path and sorted query of the requests logged since the last clear. */
const sent = Effect.map(
  Effect.flatMap(FakeApiServer, (fake) => fake.requests),
  (requests) =>
    requests.map((r) => ({ line: `${r.method} ${r.url}`, contentType: r.headers["content-type"], body: r.body }))
)
const clear = Effect.flatMap(FakeApiServer, (fake) => fake.clearRequests)

// A user schema with a transformation: `count` travels as a string, is a number in the program.
const Gadget = CustomResource.make({
  group: "example.com",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
  schema: Schema.Struct({
    metadata: Schema.Struct({ name: Schema.String }),
    spec: Schema.Struct({ size: Schema.NonEmptyString, count: Schema.NumberFromString })
  })
})

describe("ResourceClient", () => {
  it.effect("make(PodResource, ns) renders client-go's requests: patch content types and write options", () =>
    run(Effect.gen(function*() {
      const pods = yield* ResourceClient.make(PodResource, "default")
      yield* pods.create(pod("p"), { fieldManager: "tests", dryRun: [] })
      yield* clear
      yield* pods.patch("p", "json", [{ op: "add", path: "/metadata/labels/a", value: "1" }], { dryRun: ["All"] })
      yield* pods.patch("p", "merge", { metadata: { labels: { b: "2" } } }, { fieldValidation: "Strict" })
      yield* pods.patch("p", "strategic", { metadata: { labels: { c: "3" } } })
      yield* pods.apply({ metadata: { name: "p", labels: { d: "4" } } }, { fieldManager: "me", force: true })
      const requests = yield* sent
      expect(requests.map((r) => [r.line, r.contentType])).toEqual([
        ["PATCH /api/v1/namespaces/default/pods/p?dryRun=All", "application/json-patch+json"],
        ["PATCH /api/v1/namespaces/default/pods/p?fieldValidation=Strict", "application/merge-patch+json"],
        ["PATCH /api/v1/namespaces/default/pods/p", "application/strategic-merge-patch+json"],
        ["PATCH /api/v1/namespaces/default/pods/p?fieldManager=me&force=true", "application/apply-patch+yaml"]
      ])
      // apply fills in apiVersion and kind, as client-go's apply configurations do.
      expect(JSON.parse(requests[3]!.body!)).toEqual({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", labels: { d: "4" } }
      })
    })))

  it.effect("delete sends DeleteOptions only when given; deleteCollection sends selector and options", () =>
    run(Effect.gen(function*() {
      const pods = yield* ResourceClient.make(PodResource, "default")
      yield* pods.create(pod("a"))
      yield* pods.create(pod("b"))
      yield* clear
      yield* pods.delete("a")
      yield* pods.delete("b", { gracePeriodSeconds: 0, preconditions: { uid: "wrong" } }).pipe(
        Effect.catchTag("Conflict", () => Effect.void)
      )
      yield* pods.deleteCollection({ labelSelector: "app=web", propagationPolicy: "Background" })
      const requests = yield* sent
      expect(requests.map((r) => r.line)).toEqual([
        "DELETE /api/v1/namespaces/default/pods/a",
        "DELETE /api/v1/namespaces/default/pods/b",
        "DELETE /api/v1/namespaces/default/pods?labelSelector=app%3Dweb"
      ])
      expect(requests[0]!.body ?? "").toBe("")
      expect(JSON.parse(requests[1]!.body!)).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: "wrong" } })
      expect(JSON.parse(requests[2]!.body!)).toEqual({ propagationPolicy: "Background" })
      expect((yield* pods.list()).items).toEqual([])
    })))

  it.effect("log options become PodLogOptions query parameters", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeApiServer
      // A generated def's subresources are not in its type; the clientset's pods client has `log`.
      const pods = (yield* Clientset.Clientset).coreV1.pods("default")
      yield* pods.create(pod("p"))
      yield* fake.setLogs({ namespace: "default", pod: "p" }, ["x"])
      yield* clear
      const lines = yield* pods.log("p", {
        container: "nginx",
        sinceTime: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)),
        timestamps: true,
        previous: false,
        limitBytes: 100,
        stream: "Stdout"
      }).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(lines)).toEqual(["x"])
      expect((yield* sent).map((r) => r.line)).toEqual([
        "GET /api/v1/namespaces/default/pods/p/log?container=nginx&limitBytes=100&sinceTime=2025-01-02T03%3A04%3A05Z&stream=Stdout&timestamps=true"
      ])
    })))

  it.effect("bodies are encoded with the user's Schema and decoded back", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeApiServer
      yield* fake.seed(widgetCrd)
      const gadgets = yield* ResourceClient.make(Gadget, "default")
      const created = yield* gadgets.create({ metadata: { name: "g" }, spec: { size: "s", count: 3 } })
      expect(created.spec.count).toBe(3)
      const stored = Option.getOrThrow(
        yield* fake.get({ apiVersion: "example.com/v1", kind: "Widget", namespace: "default", name: "g" })
      ) as { spec: unknown }
      expect(stored.spec).toEqual({ size: "s", count: "3" })
    })))

  it.effect("a body the Schema rejects, or one without a name, fails with InvalidRequest and sends nothing", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeApiServer
      yield* fake.seed(widgetCrd)
      const gadgets = yield* ResourceClient.make(Gadget, "default")
      yield* clear
      const bad = yield* Effect.flip(gadgets.create({ metadata: { name: "g" }, spec: { size: "", count: 1 } }))
      expect(bad._tag).toBe("InvalidRequest")
      expect(bad.message).toContain("widgets.example.com/v1")
      const pods = yield* ResourceClient.make(PodResource, "default")
      const nameless = yield* Effect.flip(pods.update({ spec: { containers: [] } }))
      expect(nameless._tag === "InvalidRequest" && nameless.detail).toContain("metadata.name")
      expect(yield* sent).toEqual([])
    })))

  it.effect("a generated cluster-scoped def needs no namespace", () =>
    run(Effect.gen(function*() {
      const nodes = yield* ResourceClient.make(NodeResource)
      yield* nodes.create({ metadata: { name: "n1" } })
      yield* clear
      expect((yield* nodes.get("n1")).metadata?.name).toBe("n1")
      expect((yield* sent).map((r) => r.line)).toEqual(["GET /api/v1/nodes/n1"])
    })))
})
