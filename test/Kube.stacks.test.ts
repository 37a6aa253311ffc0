// Two stacks in one layer build (a program talking to two clusters) must each keep their own clients. Layers are
// memoised by reference within one build, so a stack assembled from shared constant layers (RestClient.layer,
// Clientset.layer ...) would hand the second cluster's users the first cluster's clients.
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Clientset from "../src/Clientset.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Kube from "../src/Kube.js"
import * as Testing from "../src/testing.js"

class First extends Context.Tag("test/First")<First, Clientset.Service>() {}
class Second extends Context.Tag("test/Second")<Second, Clientset.Service>() {}

const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } })

const namesIn = (clientset: Clientset.Service) =>
  Effect.map(clientset.coreV1.configMaps("default").list(), (list) => list.items.map((c) => c.metadata?.name))

describe("two stacks in one layer build", () => {
  it.effect("layerFake: each clientset talks to its own apiserver", () =>
    Effect.gen(function*() {
      const first = yield* First
      const second = yield* Second
      yield* first.coreV1.configMaps("default").create(configMap("only-in-first"))
      expect(yield* namesIn(first)).toEqual(["only-in-first"])
      expect(yield* namesIn(second)).toEqual([])
    }).pipe(Effect.provide(Layer.merge(
      Layer.effect(First, Clientset.Clientset).pipe(Layer.provide(Testing.layerFake())),
      Layer.effect(Second, Clientset.Clientset).pipe(Layer.provide(Testing.layerFake()))
    ))))

  it.live("layerKubeconfig: two kubeconfigs, two servers, two sets of clients", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "kube-stacks-"))),
        (d) => Effect.promise(() => Fs.rm(d, { recursive: true, force: true }))
      )
      const a = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(dir, "a") })
      const b = yield* FakeApiServer.listen({ kubeconfigPath: Path.join(dir, "b") })
      yield* a.server.seed({ ...configMap("on-a"), metadata: { name: "on-a", namespace: "default" } })
      yield* b.server.seed({ ...configMap("on-b"), metadata: { name: "on-b", namespace: "default" } })
      const both = Layer.merge(
        Layer.effect(First, Clientset.Clientset).pipe(
          Layer.provide(Kube.layerKubeconfig({ path: Path.join(dir, "a") }))
        ),
        Layer.effect(Second, Clientset.Clientset).pipe(
          Layer.provide(Kube.layerKubeconfig({ path: Path.join(dir, "b") }))
        )
      )
      const seen = yield* Effect.all([Effect.flatMap(First, namesIn), Effect.flatMap(Second, namesIn)]).pipe(
        Effect.provide(both)
      )
      expect(seen).toEqual([["on-a"], ["on-b"]])
    }).pipe(Effect.scoped))
})
