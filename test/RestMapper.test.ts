import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DiscoveryClient from "../src/DiscoveryClient.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { resources as builtIn } from "../src/generated/resources.js"
import type { ResourceInfo } from "../src/Resource.js"
import * as RestMapper from "../src/RestMapper.js"
import { stack, widgetCrd } from "./fixtures/dynamic/widgets.js"

const layer = (options: FakeApiServer.Options = {}) =>
  RestMapper.layer.pipe(Layer.provideMerge(DiscoveryClient.layer()), Layer.provideMerge(stack(options)))

const resolveTo = (arg: string) =>
  Effect.map(Effect.flatMap(RestMapper.RestMapper, (m) => m.resolve(arg)), (m) => m.resource)

describe("RestMapper", () => {
  it.effect("resolves plurals, singulars, kinds, short names and qualified names like kubectl", () =>
    Effect.gen(function*() {
      const mapper = yield* RestMapper.RestMapper
      expect(yield* resolveTo("po")).toEqual({ group: "", version: "v1", resource: "pods" })
      expect(yield* resolveTo("pod")).toEqual({ group: "", version: "v1", resource: "pods" })
      expect(yield* resolveTo("Pod")).toEqual({ group: "", version: "v1", resource: "pods" })
      expect(yield* resolveTo("svc")).toEqual({ group: "", version: "v1", resource: "services" })
      expect(yield* resolveTo("deploy")).toEqual({ group: "apps", version: "v1", resource: "deployments" })
      expect(yield* resolveTo("deployments.apps")).toEqual({ group: "apps", version: "v1", resource: "deployments" })
      expect(yield* resolveTo("deployments.v1.apps")).toEqual({ group: "apps", version: "v1", resource: "deployments" })
      expect(yield* resolveTo("Deployment.v1.apps")).toEqual({ group: "apps", version: "v1", resource: "deployments" })
      // Preferred version first, other versions on request.
      expect(yield* resolveTo("hpa")).toEqual({
        group: "autoscaling",
        version: "v2",
        resource: "horizontalpodautoscalers"
      })
      expect(yield* resolveTo("horizontalpodautoscalers.v1.autoscaling")).toEqual({
        group: "autoscaling",
        version: "v1",
        resource: "horizontalpodautoscalers"
      })
      // Two groups serve `events`: the core group comes first in discovery, as kubectl picks it.
      expect(yield* resolveTo("events")).toEqual({ group: "", version: "v1", resource: "events" })
      expect(yield* resolveTo("events.events.k8s.io")).toEqual({
        group: "events.k8s.io",
        version: "v1",
        resource: "events"
      })

      const mapping = yield* mapper.restMapping({ group: "apps", kind: "Deployment" })
      expect(mapping).toMatchObject({ namespaced: true, singular: "deployment", shortNames: ["deploy"] })
      expect(mapping.subresources).toEqual(["scale", "status"])
      expect(yield* mapper.kindFor({ resource: "nodes" })).toEqual({ group: "", version: "v1", kind: "Node" })
      expect(yield* mapper.resourcesFor({ resource: "horizontalpodautoscalers" })).toEqual([
        { group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers" },
        { group: "autoscaling", version: "v1", resource: "horizontalpodautoscalers" }
      ])
      const all = (yield* mapper.expandCategory("all")).map((m) => RestMapper.formatGroupResource(m.resource))
      expect(all.slice(0, 4)).toEqual(["pods", "replicationcontrollers", "services", "daemonsets.apps"])
      expect(all).toContain("deployments.apps")
      expect(yield* mapper.expandCategory("nope")).toEqual([])

      const missing = yield* Effect.flip(mapper.resolve("foo"))
      expect(missing._tag).toBe("NoResourceMatch")
      const noKind = yield* Effect.flip(mapper.restMapping({ group: "apps", kind: "Nope" }, "v1"))
      expect(noKind.message).toBe(`no matches for kind "Nope" in version "apps/v1"`)
    }).pipe(Effect.provide(layer())))

  it.effect("refreshes discovery on a miss, so a CRD created a moment ago resolves", () =>
    Effect.gen(function*() {
      const mapper = yield* RestMapper.RestMapper
      const fake = yield* FakeApiServer.FakeApiServer
      yield* mapper.resolve("pods")
      yield* fake.seed(widgetCrd)
      expect(yield* resolveTo("wd")).toEqual({ group: "example.com", version: "v1", resource: "widgets" })
      expect(yield* resolveTo("Widget")).toEqual({ group: "example.com", version: "v1", resource: "widgets" })
      // A second miss refreshes again but still fails, typed.
      const error = yield* Effect.flip(mapper.resolve("gadgets"))
      expect(error._tag).toBe("NoResourceMatch")
    }).pipe(Effect.provide(layer())))

  it.effect("matches the priorities cannot choose between are an ambiguity error", () =>
    Effect.gen(function*() {
      const mapper = yield* RestMapper.RestMapper
      const error = yield* Effect.flip(mapper.resourceFor({ resource: "foos" }))
      expect(error._tag).toBe("AmbiguousResource")
      if (error._tag === "AmbiguousResource") {
        expect(error.matches.map((m) => m.resource).sort()).toEqual(["bars", "foos"])
      }
    }).pipe(
      Effect.provide(layer({ resources: [...builtIn, info("Foo", "foos", "foo"), info("Bar", "bars", "foos")] }))
    ))
})

const info = (kind: string, plural: string, singular: string): ResourceInfo => ({
  group: "x.io",
  version: "v1",
  kind,
  listKind: `${kind}List`,
  plural,
  singular,
  namespaced: true,
  verbs: ["get", "list"],
  subresources: [],
  shortNames: [],
  categories: [],
  preferred: true
})
