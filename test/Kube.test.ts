import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Clientset from "../src/Clientset.js"
import * as DiscoveryClient from "../src/DiscoveryClient.js"
import * as DynamicClient from "../src/DynamicClient.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Kube from "../src/Kube.js"
import * as PodExec from "../src/PodExec.js"
import * as RestConfig from "../src/RestConfig.js"
import * as ScaleClient from "../src/ScaleClient.js"
import * as Testing from "../src/testing.js"

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } }
  }
}

describe("Testing.layerFake", () => {
  it.effect("wires every client to one in-memory apiserver", () =>
    Effect.gen(function*() {
      const clientset = yield* Clientset.Clientset
      const created = yield* clientset.appsV1.deployments("default").create(deployment)
      expect(created.metadata?.uid).toBeTypeOf("string")

      const dynamic = yield* DynamicClient.DynamicClient
      const items = yield* dynamic.resource({ group: "apps", version: "v1", resource: "deployments" })
        .namespace("default").listAll().pipe(Stream.runCollect)
      expect(Array.from(items).map((d) => d.metadata?.name)).toEqual(["web"])

      const scale = yield* ScaleClient.ScaleClient
      yield* scale.patch({ group: "apps", resource: "deployments" }, "default", "web", "merge", {
        spec: { replicas: 5 }
      })
      const fake = yield* FakeApiServer.FakeApiServer
      const stored = yield* fake.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" })
      expect(Option.getOrThrow(stored)).toMatchObject({ spec: { replicas: 5 } })

      const config = yield* RestConfig.RestConfig
      expect(config.source).toBe("fake-apiserver")
    }).pipe(Effect.provide(Testing.layerFake())))

  it.effect("gives each layer build its own apiserver", () =>
    Effect.gen(function*() {
      const clientset = yield* Clientset.Clientset
      const list = yield* clientset.appsV1.deployments("default").list()
      expect(list.items).toEqual([])
    }).pipe(Effect.provide(Testing.layerFake())))
})

describe("Kube tuning", () => {
  it.effect("applies qps, burst and timeout to the RestConfig every client shares", () =>
    Effect.gen(function*() {
      const config = yield* RestConfig.RestConfig
      expect([config.qps, config.burst, config.timeout]).toEqual([50, 100, Duration.seconds(7)])
    }).pipe(Effect.provide(Testing.layerFake({}, { qps: 50, burst: 100, timeout: Duration.seconds(7) }))))

  const failOnce = Effect.gen(function*() {
    const fake = yield* FakeApiServer.FakeApiServer
    yield* fake.failNext({ times: 1, status: 503, reason: "ServiceUnavailable" })
    const clientset = yield* Clientset.Clientset
    return yield* clientset.coreV1.configMaps("default").list().pipe(
      Effect.as("listed"),
      Effect.catchTag("ServiceUnavailable", () => Effect.succeed("failed"))
    )
  })

  it.effect("retry none fails on the first 503", () =>
    Effect.gen(function*() {
      expect(yield* failOnce).toBe("failed")
    }).pipe(Effect.provide(Testing.layerFake({}, { retry: "none" }))))

  it.live("retry options retry a 503 GET", () =>
    Effect.gen(function*() {
      expect(yield* failOnce).toBe("listed")
    }).pipe(Effect.provide(Testing.layerFake({}, { retry: { base: Duration.millis(1), jitter: false } }))))
})

describe("Kube.layerKubeconfig", () => {
  it.scoped("reaches a real HTTPS server through the kubeconfig it wrote, with the Node transport", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-kube-"))
      const kubeconfigPath = path.join(dir, "config")
      const server = yield* FakeApiServer.listen({ https: true, kubeconfigPath, seed: [deployment] })
      expect(server.url.startsWith("https://127.0.0.1:")).toBe(true)

      const program = Effect.gen(function*() {
        const clientset = yield* Clientset.Clientset
        const got = yield* clientset.appsV1.deployments("default").get("web")
        const missing = yield* clientset.coreV1.pods("default").get("nope").pipe(
          Effect.as("found"),
          Effect.catchTag("NotFound", (e) => Effect.succeed(e.status?.details?.name ?? "?"))
        )
        const discovery = yield* DiscoveryClient.DiscoveryClient
        const version = yield* discovery.serverVersion
        return { got, missing, version }
      })
      const result = yield* program.pipe(Effect.provide(Kube.layerKubeconfig({ path: kubeconfigPath })))
      expect(result.got.spec?.replicas).toBe(2)
      expect(result.missing).toBe("nope")
      expect(result.version.gitVersion).toMatch(/^v1\.36/)
      // The token the fake demands went over TLS: the request log shows authorised requests only.
      const requests = yield* server.server.requests
      expect(requests.length).toBeGreaterThan(0)
      expect(requests.every((r) => r.status !== 401)).toBe(true)
      fs.rmSync(dir, { recursive: true, force: true })
    }))

  it.scoped("provides the WebSocket transport: exec over the kubeconfig's TLS and token, no extra wiring", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-kube-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const kubeconfigPath = path.join(dir, "config")
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", namespace: "default" },
        spec: { containers: [{ name: "main", image: "busybox" }] }
      }
      // The listening fake demands the random token it wrote into the kubeconfig, over TLS with its own CA.
      yield* FakeApiServer.listen({ https: true, kubeconfigPath, seed: [pod] })
      const result = yield* PodExec.execCollect({ namespace: "default", name: "web" }, { command: ["echo", "hi"] })
        .pipe(Effect.provide(Kube.layerKubeconfig({ path: kubeconfigPath })))
      expect(result).toEqual({ stdout: "hi\n", stderr: "", exitCode: 0 })
    }))

  it.effect("fails with a typed error naming a missing kubeconfig file", () =>
    Effect.gen(function*() {
      const missing = path.join(os.tmpdir(), "effect-kube-no-such-dir", "config")
      const error = yield* Layer.build(Kube.layerKubeconfig({ path: missing })).pipe(Effect.scoped, Effect.flip)
      expect(error._tag).toBe("KubeconfigError")
      expect(String(error.message)).toContain(missing)
    }))
})
