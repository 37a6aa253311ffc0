import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { pipe } from "effect/Function"
import * as Option from "effect/Option"
import { Pod } from "../src/generated/core/v1.js"
import * as Unstructured from "../src/Unstructured.js"

const pod: Unstructured.Unstructured = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "nginx", futureField: { a: 1 } }], replicas: 3 },
  extra: "kept"
}

describe("Unstructured", () => {
  it("reads nested fields with typed results", () => {
    expect(Unstructured.nestedString(pod, "metadata", "name")).toEqual(Either.right(Option.some("p")))
    expect(Unstructured.nestedString(pod, "metadata", "missing")).toEqual(Either.right(Option.none()))
    expect(Unstructured.nestedInt64(pod, "spec", "replicas")).toEqual(Either.right(Option.some(3)))
    const wrong = Unstructured.nestedString(pod, "spec", "replicas")
    expect(Either.isLeft(wrong) && wrong.left.path).toBe("spec.replicas")
    expect(Either.isLeft(wrong) && wrong.left.actual).toBe("number")
    const containers = Unstructured.nestedSlice(pod, "spec", "containers")
    expect(Either.map(containers, Option.map((c) => c.length))).toEqual(Either.right(Option.some(1)))
    expect(Unstructured.getLabels(pod)).toEqual({ app: "x" })
    expect(Unstructured.groupVersionKind({ apiVersion: "apps/v1", kind: "Deployment" })).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment"
    })
  })

  it("sets and removes nested fields without mutating", () => {
    const set = Unstructured.setNestedField(pod, 5, "spec", "replicas")
    expect(Either.getOrThrow(set).spec).toMatchObject({ replicas: 5 })
    expect((pod.spec as { replicas: number }).replicas).toBe(3)
    const created = Either.getOrThrow(Unstructured.setNestedField(pod, "v", "status", "phase", "x"))
    expect(created.status).toEqual({ phase: { x: "v" } })
    const blocked = Unstructured.setNestedField(pod, 1, "metadata", "name", "deeper")
    expect(Either.isLeft(blocked) && blocked.left.path).toBe("metadata.name")
    const removed = Unstructured.removeNestedField(pod, "metadata", "labels")
    expect(removed.metadata).toEqual({ name: "p", namespace: "ns" })
    expect(pod.metadata?.labels).toEqual({ app: "x" })
  })

  it("setNestedField and removeNestedField are dual, the data-last forms taking the path as an array", () => {
    const set = pipe(pod, Unstructured.setNestedField(5, ["spec", "replicas"]))
    expect(set).toEqual(Unstructured.setNestedField(pod, 5, "spec", "replicas"))
    expect(Either.getOrThrow(set).spec).toMatchObject({ replicas: 5 })
    // An object value is a value, not the object to change.
    const nested = Either.getOrThrow(pipe(pod, Unstructured.setNestedField({ cpu: "1" }, ["spec", "limits"])))
    expect(nested.spec).toMatchObject({ limits: { cpu: "1" } })
    expect(Either.getOrThrow(Unstructured.setNestedField(pod, "v", "metadata", "x")).metadata).toMatchObject({ x: "v" })
    const blocked = pipe(pod, Unstructured.setNestedField(1, ["metadata", "name", "deeper"]))
    expect(Either.isLeft(blocked) && blocked.left.path).toBe("metadata.name")
    const removed = pipe(pod, Unstructured.removeNestedField(["metadata", "labels"]))
    expect(removed).toEqual(Unstructured.removeNestedField(pod, "metadata", "labels"))
    expect(removed.metadata).toEqual({ name: "p", namespace: "ns" })
    expect(pod.metadata?.labels).toEqual({ app: "x" })
  })

  it.effect("decodes through a generated Schema, keeping unknown fields", () =>
    Effect.gen(function*() {
      const typed = yield* Unstructured.decode(Pod)(pod)
      expect(typed.spec?.containers[0]?.image).toBe("nginx")
      expect((typed as unknown as { extra: string }).extra).toBe("kept")
      const back = yield* Unstructured.encode(Pod)(typed)
      expect(back).toEqual(pod)
    }))

  it.effect("a conversion error names the path", () =>
    Effect.gen(function*() {
      const bad = { ...pod, spec: { containers: [{ name: "c", image: 42 }] } }
      const error = yield* Effect.flip(Unstructured.decode(Pod)(bad))
      expect(error._tag).toBe("UnstructuredDecodeError")
      expect(error.path).toBe("spec.containers[0].image")
      expect(error.message).toMatch(/^spec\.containers\[0\]\.image: expected string/)
      expect(error.kind).toBe("Pod")
    }))
})
