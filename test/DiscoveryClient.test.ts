import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Credentials from "../src/Credentials.js"
import * as DiscoveryClient from "../src/DiscoveryClient.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as RateLimit from "../src/RateLimit.js"
import * as RestClient from "../src/RestClient.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import { stack, widgetCrd } from "./fixtures/dynamic/widgets.js"

const requestPaths = Effect.map(
  Effect.flatMap(FakeApiServer.FakeApiServer, (f) => f.requests),
  (rs) => rs.map((r) => r.url.split("?")[0]!)
)

const clearRequests = Effect.flatMap(FakeApiServer.FakeApiServer, (f) => f.clearRequests)

describe("DiscoveryClient", () => {
  it.effect("aggregated discovery: two requests, groups, resources, preferred versions", () =>
    Effect.gen(function*() {
      const discovery = yield* DiscoveryClient.DiscoveryClient
      const all = yield* discovery.serverGroupsAndResources
      expect(yield* requestPaths).toEqual(["/api", "/apis"])
      expect(all.failed).toEqual([])
      expect(all.groups[0]).toMatchObject({ name: "", preferredVersion: { version: "v1" } })
      const apps = all.resources.find((l) => l.groupVersion === "apps/v1")!
      expect(apps.resources.find((r) => r.name === "deployments")).toMatchObject({
        kind: "Deployment",
        namespaced: true,
        shortNames: ["deploy"],
        categories: ["all"]
      })
      expect(apps.resources.find((r) => r.name === "deployments/scale")).toMatchObject({
        kind: "Scale",
        group: "autoscaling"
      })
      const preferred = yield* discovery.serverPreferredResources
      const hpa = preferred.resources.filter((l) => l.resources.some((r) => r.name === "horizontalpodautoscalers"))
      expect(hpa.map((l) => l.groupVersion)).toEqual(["autoscaling/v2"])
      const namespaced = yield* discovery.serverPreferredNamespacedResources
      expect(namespaced.resources.flatMap((l) => l.resources).some((r) => r.name === "nodes")).toBe(false)
      // Cached in memory: no further requests.
      yield* discovery.serverGroups
      expect((yield* requestPaths).length).toBe(2)
      expect((yield* discovery.serverVersion).gitVersion).toBe("v1.36.0")
      expect(DiscoveryClient.parseGroupVersion("apps/v1")).toEqual({ group: "apps", version: "v1" })
      expect(DiscoveryClient.parseGroupVersion("v1")).toEqual({ group: "", version: "v1" })
      expect(DiscoveryClient.parseGroupVersion("a/b/c")).toBeUndefined()
    }).pipe(Effect.provide(DiscoveryClient.layer().pipe(Layer.provideMerge(stack())))))

  it.effect("legacy discovery with a failing group: partial results and a typed failure", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.failNext({ match: { path: "/apis/apps/v1" }, times: 1, status: 503, reason: "ServiceUnavailable" })
      const discovery = yield* DiscoveryClient.DiscoveryClient
      const all = yield* discovery.serverGroupsAndResources
      const paths = yield* requestPaths
      expect(paths).toContain("/apis/batch/v1")
      expect(paths).toContain("/api/v1")
      expect(all.failed.map((f) => [f.groupVersion, f.error._tag])).toEqual([["apps/v1", "ServiceUnavailable"]])
      expect(all.resources.some((l) => l.groupVersion === "batch/v1")).toBe(true)
      expect(all.resources.some((l) => l.groupVersion === "apps/v1")).toBe(false)
      const error = yield* Effect.flip(DiscoveryClient.requireComplete(all))
      expect(error._tag).toBe("GroupDiscoveryFailed")
      expect(error.message).toBe(
        "unable to retrieve the complete list of server APIs: apps/v1: injected failure: ServiceUnavailable"
      )
      // After invalidation the group is discovered again.
      yield* discovery.invalidate
      expect((yield* discovery.serverGroupsAndResources).failed).toEqual([])
    }).pipe(Effect.provide(DiscoveryClient.layer({ aggregated: false }).pipe(Layer.provideMerge(stack())))))

  it.effect("aggregated discovery with a stale group version", () =>
    Effect.gen(function*() {
      const discovery = yield* DiscoveryClient.DiscoveryClient
      const all = yield* discovery.serverGroupsAndResources
      expect(all.failed.map((f) => [f.groupVersion, f.error._tag])).toEqual([["batch/v1", "StaleGroupVersion"]])
      expect(all.groups.find((g) => g.name === "batch")?.versions.map((v) => v.version)).toEqual(["v1"])
      expect(all.resources.some((l) => l.groupVersion === "apps/v1")).toBe(true)
    }).pipe(Effect.provide(DiscoveryClient.layer().pipe(Layer.provideMerge(staleBatch)))))

  it("cache directories follow kubectl and never leave the root", () => {
    const root = Path.join(Os.tmpdir(), "cache-root")
    expect(DiscoveryClient.cacheDirectory(root, "https://a.b:6443")).toBe(Path.join(root, "a.b_6443"))
    expect(DiscoveryClient.cacheDirectory(root, "https://10.0.0.1:6443/k8s")).toBe(
      Path.join(root, "10.0.0.1_6443", "k8s")
    )
    for (const evil of ["https://../../etc", "http://..", "https://a/../../../x", "https://%2e%2e/x", "/", ""]) {
      const dir = DiscoveryClient.cacheDirectory(root, evil)
      expect(dir.startsWith(root + Path.sep), `${evil} -> ${dir}`).toBe(true)
      expect(dir.split(Path.sep)).not.toContain("..")
    }
  })

  it.effect("disk cache: written, read, expired by the clock, refreshed on a miss", () =>
    Effect.gen(function*() {
      const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), "discovery-cache-"))
      const fake = yield* FakeApiServer.FakeApiServer
      const cached = DiscoveryClient.makeCached({ directory: root, ttl: "1 hour" })
      const first = yield* cached
      yield* first.serverGroupsAndResources
      const dir = Path.join(root, "fake_apiserver.local")
      expect(Fs.existsSync(Path.join(dir, "servergroups.json"))).toBe(true)
      expect(Fs.existsSync(Path.join(dir, "v1", "serverresources.json"))).toBe(true)
      expect(Fs.existsSync(Path.join(dir, "apps", "v1", "serverresources.json"))).toBe(true)
      expect(Fs.statSync(dir).mode & 0o777).toBe(0o750)
      expect(Fs.statSync(Path.join(dir, "apps", "v1", "serverresources.json")).mode & 0o077).toBe(0)
      expect(yield* first.fresh).toBe(true)

      // A second client reads the files: no requests at all.
      yield* clearRequests
      const second = yield* cached
      const fromDisk = yield* second.serverGroupsAndResources
      expect(yield* requestPaths).toEqual([])
      expect(yield* second.fresh).toBe(false)
      expect(fromDisk.resources.find((l) => l.groupVersion === "apps/v1")?.resources.length).toBeGreaterThan(3)

      // A CRD created after the cache was written: asking for its group version goes to the server.
      yield* fake.seed(widgetCrd)
      const widgets = yield* second.serverResourcesForGroupVersion("example.com/v1")
      expect(widgets.resources.map((r) => r.name)).toContain("widgets")
      yield* clearRequests
      const refreshed = yield* second.serverGroupsAndResources
      expect(refreshed.resources.some((l) => l.groupVersion === "example.com/v1")).toBe(true)
      expect(yield* requestPaths).toEqual(["/api", "/apis"])
      expect(Fs.existsSync(Path.join(dir, "example.com", "v1", "serverresources.json"))).toBe(true)

      // Within the TTL a new client still reads the disk; past it, the server.
      yield* TestClock.adjust("59 minutes")
      yield* clearRequests
      yield* (yield* cached).serverGroupsAndResources
      expect(yield* requestPaths).toEqual([])
      yield* TestClock.adjust("2 minutes")
      yield* (yield* cached).serverGroupsAndResources
      expect(yield* requestPaths).toEqual(["/api", "/apis"])
      Fs.rmSync(root, { recursive: true, force: true })
    }).pipe(Effect.provide(Layer.merge(stack(), NodeFileSystem.layer))))
})

// The fake with batch/v1 marked Stale in its aggregated /apis document, as an apiserver does when an aggregated
// API stops answering.
const markStale = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(
    HttpClient.HttpClient,
    (inner) =>
      HttpClient.make((request, url) =>
        Effect.flatMap(inner.execute(request), (response) => {
          const contentType = response.headers["content-type"] ?? ""
          if (url.pathname !== "/apis" || !contentType.includes("APIGroupDiscoveryList")) {
            return Effect.succeed(response)
          }
          return Effect.map(response.json, (doc) => {
            const list = doc as {
              items: Array<{ metadata: { name: string }; versions: Array<{ freshness?: string }> }>
            }
            for (const item of list.items) {
              if (item.metadata.name === "batch") { for (const v of item.versions) v.freshness = "Stale" }
            }
            return HttpClientResponse.fromWeb(
              request,
              new Response(JSON.stringify(list), { status: 200, headers: { "content-type": contentType } })
            )
          })
        })
      )
  )
)

const staleBatch = RestClient.layer.pipe(
  Layer.provide(markStale),
  Layer.provideMerge(FakeApiServer.layer()),
  Layer.provide(Layer.mergeAll(Credentials.layerNone, RateLimit.layerUnlimited, RetryPolicy.layerNone))
)
