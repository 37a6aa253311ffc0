import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { clientsetFromFiles, parseResources } from "../scripts/generator-clientset.js"
import * as Clientset from "../src/Clientset.js"
import * as CustomResource from "../src/CustomResource.js"
import { FakeApiServer } from "../src/FakeApiServer.js"
import { resources } from "../src/generated/resources.js"
import { groupVersionAccessor, resourceAccessor } from "../src/internal/clientset/naming.js"
import * as ResourceClient from "../src/ResourceClient.js"
import { RestClient, type Service as RestClientService } from "../src/RestClient.js"
import { deployment, kube, pod, service, widgetCrd } from "./fixtures/clientset/kube.js"

const run = <A, E>(effect: Effect.Effect<A, E, Clientset.Clientset | FakeApiServer | RestClient>) =>
  Effect.provide(effect, kube())

const names = (list: { readonly items: ReadonlyArray<{ readonly metadata?: { readonly name?: string } }> }) =>
  list.items.map((i) => i.metadata?.name).sort()

describe("Clientset: Pods", () => {
  it.effect("CRUD mirrors client-go: create, get, list, update, delete", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")

      const created = yield* pods.create(pod("nginx"))
      expect(created.metadata?.uid).toBeTypeOf("string")
      expect(created.metadata?.namespace).toBe("default")

      const got = yield* pods.get("nginx")
      expect(got.spec?.containers[0]?.image).toBe("nginx:1.27")

      yield* pods.create(pod("other"))
      const list = yield* pods.list({ labelSelector: "app=web" })
      expect(names(list)).toEqual(["nginx", "other"])
      expect(list.metadata?.resourceVersion).toBeTypeOf("string")

      const updated = yield* pods.update({
        ...got,
        metadata: { ...got.metadata, labels: { ...got.metadata?.labels, tier: "front" } }
      })
      expect(updated.metadata?.labels).toEqual({ app: "web", tier: "front" })
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(got.metadata?.resourceVersion))

      yield* pods.delete("nginx")
      const gone = yield* Effect.flip(pods.get("nginx"))
      expect(gone._tag).toBe("NotFound")
      expect(names(yield* pods.list())).toEqual(["other"])
    })))

  it.effect("typed failures: NotFound caught by tag, AlreadyExists, Conflict on a stale update", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      const missing = yield* pods.get("nope").pipe(
        Effect.map(Option.some),
        Effect.catchTag("NotFound", () => Effect.succeed(Option.none()))
      )
      expect(Option.isNone(missing)).toBe(true)

      const first = yield* pods.create(pod("dup"))
      const again = yield* Effect.flip(pods.create(pod("dup")))
      expect(again._tag).toBe("AlreadyExists")

      yield* pods.update({ ...first, metadata: { ...first.metadata, labels: { v: "1" } } })
      const stale = yield* Effect.flip(pods.update({ ...first, metadata: { ...first.metadata, labels: { v: "2" } } }))
      expect(stale._tag).toBe("Conflict")
    })))

  it.effect("patch: json, merge, strategic and server-side apply", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      yield* pods.create(pod("p"))

      const json = yield* pods.patch("p", "json", [{ op: "add", path: "/metadata/labels/tier", value: "front" }])
      expect(json.metadata?.labels).toEqual({ app: "web", tier: "front" })

      const merge = yield* pods.patch("p", "merge", { metadata: { labels: { app: null } } })
      expect(merge.metadata?.labels).toEqual({ tier: "front" })

      // Strategic merge keys containers by name: the sidecar is added, nginx kept.
      const strategic = yield* pods.patch("p", "strategic", {
        spec: { containers: [{ name: "sidecar", image: "busybox" }] }
      })
      expect(strategic.spec?.containers.map((c) => c.name).sort()).toEqual(["nginx", "sidecar"])

      const applied = yield* pods.apply({
        metadata: { name: "applied" },
        spec: { containers: [{ name: "app", image: "app:1" }] }
      }, { fieldManager: "team-a" })
      expect(applied.spec?.containers[0]?.image).toBe("app:1")
      expect(applied.metadata?.managedFields?.some((m) => m.manager === "team-a" && m.operation === "Apply")).toBe(
        true
      )

      const conflict = yield* Effect.flip(pods.apply({
        metadata: { name: "applied" },
        spec: { containers: [{ name: "app", image: "app:2" }] }
      }, { fieldManager: "team-b" }))
      expect(conflict._tag).toBe("Conflict")

      const forced = yield* pods.patch("applied", "apply", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "applied" },
        spec: { containers: [{ name: "app", image: "app:2" }] }
      }, { fieldManager: "team-b", force: true })
      expect(forced.spec?.containers[0]?.image).toBe("app:2")
    })))

  it.effect("watch streams ADDED, MODIFIED and DELETED from a resourceVersion", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      const start = yield* pods.list()
      const watcher = yield* pods.watch({ resourceVersion: start.metadata?.resourceVersion }).pipe(
        Stream.take(3),
        Stream.runCollect,
        Effect.fork
      )
      const created = yield* pods.create(pod("w"))
      yield* pods.update({ ...created, metadata: { ...created.metadata, labels: { changed: "yes" } } })
      yield* pods.delete("w")
      const events = Chunk.toReadonlyArray(yield* Fiber.join(watcher))
      expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"])
      const modified = events[1]!
      expect(modified.type === "MODIFIED" && modified.object.metadata?.labels).toEqual({ changed: "yes" })
    })))

  it.effect("listAll follows continue tokens page by page", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      yield* fake.seed(...Array.from({ length: 7 }, (_, i) => pod(`p${i}`)))
      yield* fake.clearRequests
      const all = yield* cs.coreV1.pods("default").listAll({ pageSize: 3 }).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(all).map((p) => p.metadata?.name).sort()).toEqual(
        ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]
      )
      const lists = (yield* fake.requests).filter((r) => r.method === "GET")
      expect(lists).toHaveLength(3)
      expect(lists.every((r) => r.url.includes("limit=3"))).toBe(true)
    })))

  it.effect("\"\" lists across namespaces; named operations then need metadata.namespace", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      yield* fake.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: "other" } })
      yield* cs.coreV1.pods("default").create(pod("a"))
      yield* cs.coreV1.pods("other").create({ ...pod("b"), metadata: { name: "b", namespace: "other" } })
      const everywhere = cs.coreV1.pods("")
      expect(names(yield* everywhere.list())).toEqual(["a", "b"])
      // create falls back to the object's own namespace
      const c = yield* everywhere.create({ ...pod("c"), metadata: { name: "c", namespace: "other" } })
      expect(c.metadata?.namespace).toBe("other")
      yield* fake.clearRequests
      const noNamespace = yield* Effect.flip(everywhere.get("a"))
      expect(noNamespace._tag).toBe("InvalidRequest")
      expect(yield* fake.requests).toHaveLength(0)
    })))

  it.effect("status subresource: updateStatus writes only status", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      const created = yield* pods.create(pod("s"))
      const written = yield* pods.updateStatus({
        ...created,
        metadata: { ...created.metadata, labels: { ignored: "yes" } },
        status: { ...created.status, phase: "Running", podIP: "10.0.0.7" }
      })
      expect(written.status?.phase).toBe("Running")
      expect(written.metadata?.labels).toEqual({ app: "web" })
      const patched = yield* pods.patchStatus("s", "merge", { status: { podIP: "10.0.0.8" } })
      expect(patched.status?.podIP).toBe("10.0.0.8")
      expect((yield* pods.getStatus("s")).status?.phase).toBe("Running")
    })))

  it.effect("log: whole text, tailLines, and a followed stream", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      const pods = cs.coreV1.pods("default")
      yield* pods.create(pod("logger"))
      yield* fake.setLogs({ namespace: "default", pod: "logger" }, ["one", "two", "three"])

      expect(yield* pods.getLog("logger")).toBe("one\ntwo\nthree\n")
      const tail = yield* pods.log("logger", { tailLines: 2, container: "nginx" }).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(tail)).toEqual(["two", "three"])

      const follower = yield* pods.log("logger", { follow: true }).pipe(
        Stream.take(4),
        Stream.runCollect,
        Effect.fork
      )
      yield* fake.appendLogs({ namespace: "default", pod: "logger" }, ["four"])
      expect(Chunk.toReadonlyArray(yield* Fiber.join(follower))).toEqual(["one", "two", "three", "four"])

      const wrongContainer = yield* Effect.flip(pods.getLog("logger", { container: "nope" }))
      expect(wrongContainer._tag).toBe("BadRequest")
    })))

  it.effect("evict, bind, ephemeral containers and resize", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      const pods = cs.coreV1.pods("default")

      yield* pods.create(pod("evictee"))
      yield* fake.clearRequests
      yield* pods.evict("evictee", { deleteOptions: { gracePeriodSeconds: 0 } })
      const [eviction] = yield* fake.requests
      expect(eviction?.url).toBe("/api/v1/namespaces/default/pods/evictee/eviction")
      expect(JSON.parse(eviction?.body ?? "{}")).toEqual({
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: "evictee", namespace: "default" },
        deleteOptions: { gracePeriodSeconds: 0 }
      })
      expect((yield* Effect.flip(pods.get("evictee")))._tag).toBe("NotFound")

      yield* pods.create(pod("unscheduled"))
      yield* pods.bind({ metadata: { name: "unscheduled" }, target: { kind: "Node", name: "node-1" } })
      expect((yield* pods.get("unscheduled")).spec?.nodeName).toBe("node-1")
      const rebind = yield* Effect.flip(
        pods.bind({ metadata: { name: "unscheduled" }, target: { kind: "Node", name: "node-2" } })
      )
      expect(rebind._tag).toBe("Conflict")

      const current = yield* pods.get("unscheduled")
      const debugged = yield* pods.updateEphemeralContainers({
        ...current,
        spec: { ...current.spec!, ephemeralContainers: [{ name: "debug", image: "busybox" }] }
      })
      expect(debugged.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(["debug"])

      const resized = yield* pods.patchResize("unscheduled", "strategic", {
        spec: { containers: [{ name: "nginx", resources: { limits: { cpu: "500m" } } }] }
      })
      expect(resized.spec?.containers[0]?.resources?.limits).toEqual({ cpu: "500m" })
    })))

  it.effect("deleteCollection removes what the selector matches", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const pods = cs.coreV1.pods("default")
      yield* pods.create(pod("keep", { metadata: { name: "keep", namespace: "default", labels: { app: "db" } } }))
      yield* pods.create(pod("drop1"))
      yield* pods.create(pod("drop2"))
      yield* pods.deleteCollection({ labelSelector: "app=web" })
      expect(names(yield* pods.list())).toEqual(["keep"])
    })))

  it.effect("unknown fields survive get -> change -> update", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      yield* fake.seed({
        ...pod("future"),
        futureTopLevel: { since: "1.99" },
        spec: { containers: [{ name: "nginx", image: "nginx:1.27", futureContainerField: true }], futureSpec: "x" }
      })
      const pods = cs.coreV1.pods("default")
      const got = yield* pods.get("future")
      expect((got as Record<string, unknown>).futureTopLevel).toEqual({ since: "1.99" })
      yield* pods.update({ ...got, metadata: { ...got.metadata, labels: { changed: "true" } } })
      const again = (yield* pods.get("future")) as Record<string, any>
      expect(again.metadata.labels).toEqual({ changed: "true" })
      expect(again.futureTopLevel).toEqual({ since: "1.99" })
      expect(again.spec.futureSpec).toBe("x")
      expect(again.spec.containers[0].futureContainerField).toBe(true)
      const stored = Option.getOrThrow(
        yield* fake.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "future" })
      ) as Record<string, any>
      expect(stored.futureTopLevel).toEqual({ since: "1.99" })
    })))
})

describe("Clientset: Deployments and Services", () => {
  it.effect("deployments: CRUD, scale subresource and status", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const deployments = cs.appsV1.deployments("default")
      yield* deployments.create(deployment("web", 2))
      expect((yield* deployments.get("web")).spec?.replicas).toBe(2)

      const scale = yield* deployments.getScale("web")
      expect(scale.spec?.replicas).toBe(2)
      expect(scale.status?.selector).toBe("app=web")

      const scaled = yield* deployments.updateScale("web", { ...scale, spec: { replicas: 4 } })
      expect(scaled.spec?.replicas).toBe(4)
      expect((yield* deployments.get("web")).spec?.replicas).toBe(4)

      const patched = yield* deployments.patchScale("web", "merge", { spec: { replicas: 1 } })
      expect(patched.spec?.replicas).toBe(1)

      const invalid = yield* Effect.flip(deployments.patchScale("web", "merge", { spec: { replicas: -1 } }))
      expect(invalid._tag).toBe("Invalid")

      const live = yield* deployments.get("web")
      const status = yield* deployments.updateStatus({ ...live, status: { replicas: 1, readyReplicas: 1 } })
      expect(status.status?.readyReplicas).toBe(1)

      const image = yield* deployments.patch("web", "strategic", {
        spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28" }] } } }
      })
      expect(image.spec?.template.spec?.containers[0]?.image).toBe("nginx:1.28")

      expect(names(yield* deployments.list())).toEqual(["web"])
      yield* deployments.delete("web", { propagationPolicy: "Foreground" })
      expect((yield* Effect.flip(deployments.get("web")))._tag).toBe("NotFound")
    })))

  it.effect("deployments: watch sees a scale change as MODIFIED", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const deployments = cs.appsV1.deployments("default")
      const created = yield* deployments.create(deployment("api"))
      const watcher = yield* deployments.watch({
        resourceVersion: created.metadata?.resourceVersion,
        fieldSelector: "metadata.name=api"
      }).pipe(Stream.take(1), Stream.runCollect, Effect.fork)
      yield* deployments.patchScale("api", "json", [{ op: "replace", path: "/spec/replicas", value: 3 }])
      const [event] = Chunk.toReadonlyArray(yield* Fiber.join(watcher))
      expect(event?.type).toBe("MODIFIED")
      expect(event?.type === "MODIFIED" && event.object.spec?.replicas).toBe(3)
    })))

  it.effect("services: CRUD, the four patch types and status", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const services = cs.coreV1.services("default")
      const created = yield* services.create(service("web"))
      expect(created.spec?.ports?.[0]?.port).toBe(80)

      const got = yield* services.get("web")
      yield* services.update({ ...got, metadata: { ...got.metadata, annotations: { owner: "team-a" } } })

      yield* services.patch("web", "json", [{ op: "replace", path: "/spec/selector", value: { app: "web2" } }])
      yield* services.patch("web", "merge", { metadata: { annotations: { owner: null, note: "merged" } } })
      // Service ports merge on `port`: a new port is added.
      const strategic = yield* services.patch("web", "strategic", {
        spec: { ports: [{ name: "https", port: 443, targetPort: 8443, protocol: "TCP" }] }
      })
      expect(strategic.spec?.selector).toEqual({ app: "web2" })
      expect(strategic.metadata?.annotations).toEqual({ note: "merged" })
      expect(strategic.spec?.ports?.map((p) => p.port).sort()).toEqual([443, 80])

      const applied = yield* services.apply(
        { metadata: { name: "web", labels: { applied: "yes" } } },
        { fieldManager: "labeller" }
      )
      expect(applied.metadata?.labels).toEqual({ applied: "yes" })

      const withStatus = yield* services.updateStatus({
        ...applied,
        status: { loadBalancer: { ingress: [{ ip: "203.0.113.9" }] } }
      })
      expect(withStatus.status?.loadBalancer?.ingress?.[0]?.ip).toBe("203.0.113.9")

      yield* services.delete("web")
      expect(names(yield* services.list())).toEqual([])
    })))

  it.effect("nodes: cluster-scoped, no namespace argument", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      yield* fake.clearRequests
      const node = yield* cs.coreV1.nodes.create({ metadata: { name: "n1", labels: { zone: "a" } } })
      expect(node.metadata?.namespace).toBeUndefined()
      expect((yield* cs.coreV1.nodes.get("n1")).metadata?.labels).toEqual({ zone: "a" })
      yield* cs.coreV1.nodes.patchStatus("n1", "merge", { status: { conditions: [{ type: "Ready", status: "True" }] } })
      expect((yield* cs.coreV1.nodes.list()).items).toHaveLength(1)
      yield* cs.coreV1.nodes.delete("n1")
      const urls = (yield* fake.requests).map((r) => `${r.method} ${r.url.split("?")[0]}`)
      expect(urls).toEqual([
        "POST /api/v1/nodes",
        "GET /api/v1/nodes/n1",
        "PATCH /api/v1/nodes/n1/status",
        "GET /api/v1/nodes",
        "DELETE /api/v1/nodes/n1"
      ])
    })))
})

describe("Clientset: custom resources and the whole table", () => {
  const Widget = CustomResource.make({
    group: "example.com",
    version: "v1",
    kind: "Widget",
    plural: "widgets",
    namespaced: true,
    subresources: ["status", "scale"],
    schema: Schema.Struct({
      apiVersion: Schema.optional(Schema.String),
      kind: Schema.optional(Schema.String),
      metadata: Schema.Struct({ name: Schema.String, namespace: Schema.optional(Schema.String) }),
      spec: Schema.Struct({ size: Schema.String, replicas: Schema.optional(Schema.Number) }),
      status: Schema.optional(Schema.Struct({ ready: Schema.Boolean, replicas: Schema.optional(Schema.Number) }))
    })
  })

  it.effect("Resource via CustomResource.make against a CRD created through the clientset", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const crd = yield* cs.apiextensionsV1.customResourceDefinitions.create(widgetCrd)
      expect(crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")).toBe(true)

      const widgets = cs.custom(Widget, "default")
      const created = yield* widgets.create({
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w1" },
        spec: { size: "large", replicas: 1 }
      })
      expect(created.spec.size).toBe("large")
      // Fields the user's Schema does not name (uid, resourceVersion) are kept for the round trip.
      expect((created.metadata as Record<string, unknown>).uid).toBeTypeOf("string")

      const updated = yield* widgets.update({ ...created, spec: { ...created.spec, size: "small" } })
      expect(updated.spec.size).toBe("small")
      const status = yield* widgets.updateStatus({ ...updated, status: { ready: true } })
      expect(status.status?.ready).toBe(true)

      const scale = yield* widgets.getScale("w1")
      expect(scale.spec?.replicas).toBe(1)
      yield* widgets.updateScale("w1", { ...scale, spec: { replicas: 3 } })
      expect((yield* widgets.get("w1")).spec.replicas).toBe(3)

      const merged = yield* widgets.patch("w1", "merge", { spec: { size: "medium" } })
      expect(merged.spec.size).toBe("medium")
      const strategic = yield* Effect.flip(widgets.patch("w1", "strategic", { spec: { size: "x" } }))
      expect(strategic._tag).toBe("UnsupportedMediaType")

      // The same client from ResourceClient.make.
      const viaMake = yield* ResourceClient.make(Widget, "default")
      expect((yield* viaMake.list()).items.map((w) => w.metadata.name)).toEqual(["w1"])

      yield* widgets.delete("w1")
      expect((yield* Effect.flip(widgets.get("w1")))._tag).toBe("NotFound")
    })))

  it.effect(
    "every resource of the table has its accessor, with exactly its verbs' and subresources' operations",
    () =>
      run(Effect.gen(function*() {
        const cs = yield* Clientset.Clientset
        const fake = yield* FakeApiServer
        const presence = (client: Record<string, unknown>, op: string) => typeof client[op] === "function"
        let listed = 0
        for (const r of resources) {
          const gv =
            (cs as unknown as Record<string, Record<string, unknown>>)[groupVersionAccessor(r.group, r.version)]
          expect(gv, `${r.group}/${r.version}`).toBeDefined()
          const accessor = gv![resourceAccessor(r.kind, r.plural)]
          const label = `${r.group || "core"}/${r.version} ${r.plural}`
          expect(r.namespaced ? typeof accessor : "function", label).toBe("function")
          const client = (r.namespaced ? (accessor as (ns: string) => unknown)("default") : accessor) as Record<
            string,
            unknown
          >
          for (
            const [verb, ops] of [
              ["get", ["get"]],
              ["list", ["list", "listAll"]],
              ["watch", ["watch"]],
              ["create", ["create"]],
              ["update", ["update"]],
              ["patch", ["patch", "apply"]],
              ["delete", ["delete"]],
              ["deletecollection", ["deleteCollection"]]
            ] as const
          ) {
            for (const op of ops) expect(presence(client, op), `${label} ${op}`).toBe(r.verbs.includes(verb))
          }
          expect(presence(client, "updateStatus"), `${label} updateStatus`).toBe(r.subresources.includes("status"))
          expect(presence(client, "getScale"), `${label} getScale`).toBe(r.subresources.includes("scale"))
          expect(presence(client, "log"), `${label} log`).toBe(r.subresources.includes("log"))
          expect(presence(client, "exec"), `${label} exec`).toBe(r.subresources.includes("exec"))
          expect(presence(client, "attach"), `${label} attach`).toBe(r.subresources.includes("attach"))
          expect(presence(client, "portForward"), `${label} portForward`).toBe(r.subresources.includes("portforward"))
          if (r.verbs.includes("list")) {
            // One real request per listable resource: its path and list schema work against the fake.
            const list = yield* (client.list as () => Effect.Effect<{ items: ReadonlyArray<unknown> }>)()
            expect(Array.isArray(list.items), label).toBe(true)
            listed++
          }
        }
        expect(listed).toBeGreaterThan(80)
        const paths = (yield* fake.requests).map((r) => r.url)
        expect(paths).toContain("/apis/networking.k8s.io/v1/namespaces/default/ingresses")
        expect(paths).toContain("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
      })),
    60_000
  )

  it.effect("accessors are built once, on first access, and send nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer
      const cs = yield* Clientset.Clientset
      expect(cs.coreV1).toBe(cs.coreV1)
      expect(cs.coreV1.nodes).toBe(cs.coreV1.nodes)
      expect(Object.keys(cs)).toEqual(["restClient", "custom"])
      cs.coreV1.pods("default")
      expect(yield* fake.requests).toHaveLength(0)
    }).pipe(Effect.provide(kube())))

  it.effect("Clientset.layer needs only a RestClient", () =>
    Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const rest = yield* RestClient
      expect(cs.restClient).toBe(rest)
    }).pipe(Effect.provide(Layer.provideMerge(Clientset.layer, Layer.succeed(RestClient, {} as RestClientService)))))

  it.effect("an API error outside the operation's union arrives as StatusError with its code and Status", () =>
    run(Effect.gen(function*() {
      const cs = yield* Clientset.Clientset
      const fake = yield* FakeApiServer
      yield* cs.coreV1.pods("default").create(pod("odd"))
      yield* fake.failNext({ match: { method: "GET" }, status: 409, reason: "AlreadyExists", times: 1 })
      const error = yield* Effect.flip(cs.coreV1.pods("default").get("odd"))
      expect(error._tag).toBe("StatusError")
      expect(error._tag === "StatusError" && [error.code, error.status.reason]).toEqual([409, "AlreadyExists"])
    })))
})

describe("generated clientset", () => {
  it("src/generated/clientset.ts is what the generator makes of the generated modules", () => {
    const dir = Path.join(import.meta.dirname, "../src/generated")
    const files = new Map<string, string>()
    for (const entry of Fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue
      const full = Path.join(entry.parentPath, entry.name)
      files.set(Path.relative(dir, full).split(Path.sep).join("/"), Fs.readFileSync(full, "utf8"))
    }
    expect(parseResources(files.get("resources.ts")!)).toEqual(resources)
    expect(clientsetFromFiles(files)).toBe(files.get("clientset.ts"))
  })
})
