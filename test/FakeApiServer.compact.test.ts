import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Clientset from "../src/Clientset.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Testing from "../src/testing.js"

const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" } })

describe("FakeApiServer.compact", () => {
  it.effect("older resourceVersions and continue tokens answer 410 Expired; the current one still watches", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const cms = (yield* Clientset.Clientset).coreV1.configMaps("default")
      yield* fake.seed(cm("a"), cm("b"), cm("c"))
      const old = yield* fake.resourceVersion
      const page = yield* cms.list({ limit: 1 })
      yield* cms.create(cm("d") as any)
      // Before compaction the history still reaches back.
      const replay = yield* cms.watch({ resourceVersion: old }).pipe(Stream.take(1), Stream.runCollect)
      expect(([...replay][0]?.object as any)?.metadata?.name).toBe("d")
      yield* fake.compact
      const gone = yield* cms.watch({ resourceVersion: old }).pipe(Stream.runDrain, Effect.flip)
      expect(gone._tag).toBe("Expired")
      const token = yield* cms.list({ limit: 1, continue: page.metadata?.continue }).pipe(Effect.flip)
      expect(token._tag).toBe("Expired")
      const now = yield* fake.resourceVersion
      yield* cms.create(cm("e") as any)
      const fresh = yield* cms.watch({ resourceVersion: now }).pipe(Stream.take(1), Stream.runCollect)
      expect(([...fresh][0]?.object as any)?.metadata?.name).toBe("e")
    }).pipe(Effect.provide(Testing.layerFake({}, { qps: -1, retry: "none" }))))
})
