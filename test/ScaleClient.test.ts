import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as DiscoveryClient from "../src/DiscoveryClient.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as RestMapper from "../src/RestMapper.js"
import * as ScaleClient from "../src/ScaleClient.js"
import { deployment, stack, widgetCrd } from "./fixtures/dynamic/widgets.js"

const layer = ScaleClient.layer.pipe(
  Layer.provideMerge(RestMapper.layer),
  Layer.provideMerge(DiscoveryClient.layer()),
  Layer.provideMerge(stack({ seed: [deployment("web", 2)] }))
)

const stored = (apiVersion: string, kind: string, name: string) =>
  Effect.flatMap(FakeApiServer.FakeApiServer, (f) => f.get({ apiVersion, kind, namespace: "default", name })).pipe(
    Effect.map((o) => Option.getOrThrow(o) as { spec: { replicas: number } })
  )

describe("ScaleClient", () => {
  it.effect("gets, updates and patches a Deployment's scale", () =>
    Effect.gen(function*() {
      const scales = yield* ScaleClient.ScaleClient
      const apps = { group: "apps", resource: "deployments" }
      const scale = yield* scales.get(apps, "default", "web")
      expect(scale.spec?.replicas).toBe(2)
      expect(scale.metadata?.name).toBe("web")
      const updated = yield* scales.update(apps, "default", { ...scale, spec: { replicas: 4 } })
      expect(updated.spec?.replicas).toBe(4)
      expect((yield* stored("apps/v1", "Deployment", "web")).spec.replicas).toBe(4)
      const patched = yield* scales.patch({ group: "apps", resource: "deploy" }, "default", "web", "merge", {
        spec: { replicas: 1 }
      })
      expect(patched.spec?.replicas).toBe(1)
      expect((yield* stored("apps/v1", "Deployment", "web")).spec.replicas).toBe(1)
      const noScale = yield* Effect.flip(scales.get({ group: "", resource: "pods" }, "default", "p"))
      expect(noScale._tag).toBe("NoScaleSubresource")
      const missing = yield* Effect.flip(scales.get(apps, "default", "nope"))
      expect(missing._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("scales a custom resource through its CRD's scale subresource", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const scales = yield* ScaleClient.ScaleClient
      // Discovery is read before the CRD exists: the mapper refreshes on the miss.
      yield* scales.get({ group: "apps", resource: "deployments" }, "default", "web")
      yield* fake.seed(widgetCrd, {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w1", namespace: "default" },
        spec: { replicas: 2 }
      })
      const widgets = { group: "example.com", resource: "widgets" }
      const scale = yield* scales.get(widgets, "default", "w1")
      expect(scale.spec?.replicas).toBe(2)
      yield* scales.update(widgets, "default", { ...scale, spec: { replicas: 5 } })
      expect((yield* stored("example.com/v1", "Widget", "w1")).spec.replicas).toBe(5)
      yield* scales.patch(widgets, "default", "w1", "merge", { spec: { replicas: 3 } })
      expect((yield* stored("example.com/v1", "Widget", "w1")).spec.replicas).toBe(3)
    }).pipe(Effect.provide(layer)))
})
