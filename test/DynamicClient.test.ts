import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as DynamicClient from "../src/DynamicClient.js"
import { Deployment } from "../src/generated/apps/v1.js"
import * as Unstructured from "../src/Unstructured.js"
import { deployment, stack, widgetCrd } from "./fixtures/dynamic/widgets.js"

const layer = DynamicClient.layer.pipe(Layer.provideMerge(stack()))
const crds = { group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions" }
const widgets = { group: "example.com", version: "v1", resource: "widgets" }

describe("DynamicClient", () => {
  it.effect("CRUD on a CRD created at run time, unknown fields preserved", () =>
    Effect.gen(function*() {
      const dynamic = yield* DynamicClient.DynamicClient
      yield* dynamic.resource(crds).create(widgetCrd)
      const ns = dynamic.resource(widgets).namespace("default")
      const created = yield* ns.create({
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w1" },
        spec: { replicas: 1, color: "blue", nested: { deep: [1, 2, { x: null }] } }
      })
      expect(Unstructured.getNamespace(created)).toBe("default")
      const got = yield* ns.get("w1")
      expect(got.spec).toEqual({ replicas: 1, color: "blue", nested: { deep: [1, 2, { x: null }] } })

      const changed = Either_getOrThrow(Unstructured.setNestedField(got, "red", "spec", "color"))
      const updated = yield* ns.update(changed)
      expect(Unstructured.nestedString(updated, "spec", "color")).toMatchObject({ right: { value: "red" } })
      expect((updated.spec as { nested: unknown }).nested).toEqual({ deep: [1, 2, { x: null }] })

      const withStatus = yield* ns.updateStatus({ ...updated, status: { replicas: 1 } })
      expect(withStatus.status).toEqual({ replicas: 1 })

      const merged = yield* ns.patch("w1", "merge", { spec: { size: "L" } })
      expect((merged.spec as { size: string }).size).toBe("L")
      const jsonPatched = yield* ns.patch("w1", "json", [{ op: "replace", path: "/spec/color", value: "green" }])
      expect((jsonPatched.spec as { color: string }).color).toBe("green")
      const applied = yield* ns.patch(
        "w1",
        "apply",
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { owner: "me" } },
        { fieldManager: "test", force: true }
      )
      expect((applied.spec as { owner: string }).owner).toBe("me")

      yield* ns.create({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w2", labels: { t: "x" } } })
      const list = yield* ns.list()
      expect(list.items.map(Unstructured.getName)).toEqual(["w1", "w2"])
      expect(list.items[0]!.kind).toBe("Widget")
      const all = yield* Stream.runCollect(ns.listAll({ limit: 1 }))
      expect(Chunk.toReadonlyArray(all).map(Unstructured.getName)).toEqual(["w1", "w2"])
      const selected = yield* ns.list({ labelSelector: "t=x" })
      expect(selected.items.map(Unstructured.getName)).toEqual(["w2"])

      yield* ns.delete("w1")
      const missing = yield* Effect.flip(ns.get("w1"))
      expect(missing._tag).toBe("NotFound")
      yield* ns.deleteCollection()
      expect((yield* ns.list()).items).toEqual([])
    }).pipe(Effect.provide(layer)))

  it.live("cluster-scoped use, watch, and typed conversion", () =>
    Effect.gen(function*() {
      const dynamic = yield* DynamicClient.DynamicClient
      const namespaces = dynamic.resource({ group: "", version: "v1", resource: "namespaces" })
      yield* namespaces.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } })
      expect(Unstructured.getName(yield* namespaces.get("team-a"))).toBe("team-a")

      const deployments = dynamic.resource({ group: "apps", version: "v1", resource: "deployments" })
      const watcher = yield* deployments.watch().pipe(Stream.take(2), Stream.runCollect, Effect.fork)
      yield* Effect.sleep("50 millis")
      yield* deployments.namespace("default").create(deployment("web", 2))
      yield* deployments.namespace("default").patch("web", "strategic", { spec: { replicas: 3 } })
      const events = Chunk.toReadonlyArray(yield* Fiber.join(watcher))
      expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED"])

      const obj = yield* deployments.namespace("default").get("web")
      const typed = yield* Unstructured.decode(Deployment)(obj)
      expect(typed.spec?.replicas).toBe(3)
      const broken = yield* Effect.flip(
        Unstructured.decode(Deployment)(
          Either_getOrThrow(Unstructured.setNestedField(obj, "three", "spec", "replicas"))
        )
      )
      expect(broken.message).toMatch(/^spec\.replicas: expected number/)
    }).pipe(Effect.provide(layer)), { timeout: 10_000 })
})

function Either_getOrThrow<A, E>(
  e: { readonly _tag: "Left"; readonly left: E } | { readonly _tag: "Right"; readonly right: A }
): A {
  if (e._tag === "Left") throw new Error(String(e.left))
  return e.right
}
