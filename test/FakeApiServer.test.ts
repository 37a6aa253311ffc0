import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as RestConfig from "../src/RestConfig.js"
import { call, configMap, crd, del, deployment, get, patch, pod, post, put } from "./fixtures/fake/client.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const Fake = FakeApiServer.FakeApiServer

const pods = "/api/v1/namespaces/default/pods"
const deployments = "/apis/apps/v1/namespaces/default/deployments"
const configmaps = "/api/v1/namespaces/default/configmaps"

describe("FakeApiServer discovery", () => {
  it.effect("serves version, health, legacy and aggregated discovery", () =>
    Effect.gen(function*() {
      const version = yield* get("/version")
      expect(version.json.gitVersion).toBe("v1.36.0")
      expect((yield* get("/healthz")).text).toBe("ok")
      expect((yield* get("/readyz")).status).toBe(200)
      const api = yield* get("/api")
      expect(api.json).toMatchObject({ kind: "APIVersions", versions: ["v1"] })
      const apis = yield* get("/apis")
      const apps = apis.json.groups.find((g: any) => g.name === "apps")
      expect(apps.preferredVersion.groupVersion).toBe("apps/v1")
      const group = yield* get("/apis/autoscaling")
      expect(group.json.preferredVersion.version).toBe("v2")
      const core = yield* get("/api/v1")
      const podsEntry = core.json.resources.find((r: any) => r.name === "pods")
      expect(podsEntry).toMatchObject({ singularName: "pod", namespaced: true, kind: "Pod", shortNames: ["po"] })
      expect(podsEntry.verbs).toContain("watch")
      expect(core.json.resources.find((r: any) => r.name === "pods/status").verbs).toEqual(["get", "patch", "update"])
      const appsV1 = yield* get("/apis/apps/v1")
      expect(appsV1.json.resources.find((r: any) => r.name === "deployments/scale")).toMatchObject({
        group: "autoscaling",
        version: "v1",
        kind: "Scale"
      })
      const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
      const aggregated = yield* get("/apis", { accept })
      expect(aggregated.headers["content-type"]).toBe(
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
      )
      const appsItem = aggregated.json.items.find((i: any) => i.metadata.name === "apps")
      const deploy = appsItem.versions[0].resources.find((r: any) => r.resource === "deployments")
      expect(deploy).toMatchObject({ scope: "Namespaced", singularResource: "deployment", shortNames: ["deploy"] })
      expect(deploy.subresources.map((s: any) => s.subresource).sort()).toEqual(["scale", "status"])
      const beta = yield* get("/api", {
        accept: "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
      })
      expect(beta.json.apiVersion).toBe("apidiscovery.k8s.io/v2beta1")
      expect(beta.json.items[0].metadata.name).toBe("")
      const openapi = yield* get("/openapi/v3")
      expect(openapi.json.paths["apis/apps/v1"].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/)
      expect((yield* get("/apis/nope.example.com/v1/things")).status).toBe(404)
    }).pipe(withFake()))

  it.effect("provides a RestConfig pointing at the in-process server", () =>
    Effect.gen(function*() {
      const config = yield* RestConfig.RestConfig
      expect(config).toMatchObject({
        server: FakeApiServer.inProcessUrl,
        auth: { _tag: "None" },
        source: "fake-apiserver"
      })
      expect(config.qps).toBe(RestConfig.defaultQps)
    }).pipe(withFake()))
})

describe("FakeApiServer object lifecycle", () => {
  it.effect("create fills server metadata from one resourceVersion counter", () =>
    Effect.gen(function*() {
      const a = yield* post(pods, pod("a"))
      expect(a.status).toBe(201)
      expect(a.json.metadata).toMatchObject({ name: "a", namespace: "default", generation: 1 })
      expect(a.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
      expect(a.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(a.json.status).toEqual({ phase: "Pending", qosClass: "BestEffort" })
      const b = yield* post(configmaps, configMap("b"))
      expect(Number(b.json.metadata.resourceVersion)).toBe(Number(a.json.metadata.resourceVersion) + 1)
      const got = yield* get(`${pods}/a`)
      expect(got.json).toEqual(a.json)
      const generated = yield* post(pods, { ...pod(""), metadata: { generateName: "web-" } })
      expect(generated.json.metadata.name).toMatch(/^web-[a-z0-9]{5}$/)
      const fake = yield* Fake
      const stored = yield* fake.get({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "a" })
      expect(Option.isSome(stored)).toBe(true)
      const managed = a.json.metadata.managedFields[0]
      expect(managed).toMatchObject({ manager: "unknown", operation: "Update", apiVersion: "v1" })
    }).pipe(withFake()))

  it.effect("answers errors worded like the apiserver", () =>
    Effect.gen(function*() {
      yield* post(deployments, deployment("web"))
      const again = yield* post(deployments, deployment("web"))
      expect(again.status).toBe(409)
      expect(again.json).toMatchObject({
        reason: "AlreadyExists",
        message: "deployments.apps \"web\" already exists",
        details: { name: "web", group: "apps", kind: "deployments" }
      })
      const missing = yield* get(`${pods}/x`)
      expect(missing.status).toBe(404)
      expect(missing.json).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "NotFound",
        message: "pods \"x\" not found",
        details: { name: "x", kind: "pods" },
        code: 404
      })
      const noNs = yield* post("/api/v1/namespaces/nope/pods", pod("a"))
      expect(noNs.json).toMatchObject({ code: 404, message: "namespaces \"nope\" not found" })
      const noName = yield* post(pods, { apiVersion: "v1", kind: "Pod", metadata: {}, spec: {} })
      expect(noName.status).toBe(422)
      expect(noName.json.reason).toBe("Invalid")
      expect(noName.json.message).toBe(
        "Pod \"\" is invalid: metadata.name: Required value: name or generateName is required"
      )
      expect(noName.json.details.causes).toEqual([{
        reason: "FieldValueRequired",
        message: "Required value: name or generateName is required",
        field: "metadata.name"
      }])
      const badName = yield* post(configmaps, configMap("Bad_Name"))
      expect(badName.status).toBe(422)
      const otherNs = yield* post(pods, { ...pod("a"), metadata: { name: "a", namespace: "kube-system" } })
      expect(otherNs.status).toBe(400)
      expect(otherNs.json.message).toBe(
        "the namespace of the provided object does not match the namespace sent on the request"
      )
      const wrongKind = yield* post(pods, configMap("c"))
      expect(wrongKind.status).toBe(400)
      const bindings = yield* get("/api/v1/namespaces/default/bindings")
      expect(bindings.status).toBe(405)
      expect(bindings.json.reason).toBe("MethodNotAllowed")
      expect((yield* get("/api/v1/namespaces/default/nothings")).status).toBe(404)
      const protobuf = yield* post(configmaps, "{}", { contentType: "application/vnd.kubernetes.protobuf" })
      expect(protobuf.status).toBe(400)
      expect(protobuf.json.message).toBe(
        "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({})"
      )
      // An envelope without a type is the endpoint's kind: here a ConfigMap without a name.
      const untyped = yield* post(configmaps, "k8s\u0000", { contentType: "application/vnd.kubernetes.protobuf" })
      expect(untyped.status).toBe(422)
    }).pipe(withFake()))

  it.effect("dryRun=All answers as if but stores nothing", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      const before = yield* fake.resourceVersion
      const created = yield* post(`${configmaps}?dryRun=All`, configMap("dry"))
      expect(created.status).toBe(201)
      expect(created.json.metadata.uid).toBeDefined()
      expect((yield* get(`${configmaps}/dry`)).status).toBe(404)
      expect(yield* fake.resourceVersion).toBe(before)
    }).pipe(withFake()))

  it.effect("update: stale resourceVersion conflicts, generation follows spec only", () =>
    Effect.gen(function*() {
      const created = (yield* post(deployments, deployment("web"))).json
      const stale = { ...created, metadata: { ...created.metadata, resourceVersion: "1" } }
      const conflict = yield* put(`${deployments}/web`, stale)
      expect(conflict.status).toBe(409)
      expect(conflict.json.message).toBe(
        "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
      )
      const labelled = yield* put(`${deployments}/web`, {
        ...created,
        metadata: { ...created.metadata, labels: { app: "web", extra: "1" } }
      })
      expect(labelled.json.metadata.generation).toBe(1)
      expect(Number(labelled.json.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion))
      const scaled = yield* put(`${deployments}/web`, {
        ...labelled.json,
        spec: { ...labelled.json.spec, replicas: 4 }
      })
      expect(scaled.json.metadata.generation).toBe(2)
      const noop = yield* put(`${deployments}/web`, scaled.json)
      expect(noop.json.metadata.resourceVersion).toBe(scaled.json.metadata.resourceVersion)
      const renamed = yield* put(`${deployments}/web`, {
        ...scaled.json,
        metadata: { ...scaled.json.metadata, name: "other" }
      })
      expect(renamed.status).toBe(400)
      expect((yield* put(`${deployments}/absent`, deployment("absent"))).status).toBe(404)
    }).pipe(withFake()))

  it.effect("status subresource: main endpoint ignores status, /status changes only status", () =>
    Effect.gen(function*() {
      const created = (yield* post(deployments, deployment("web"))).json
      const viaMain = yield* put(`${deployments}/web`, { ...created, status: { replicas: 9 } })
      expect(viaMain.json.status).toBeUndefined()
      const viaStatus = yield* put(`${deployments}/web/status`, {
        ...viaMain.json,
        spec: { ...viaMain.json.spec, replicas: 7 },
        status: { replicas: 3, readyReplicas: 2 }
      })
      expect(viaStatus.json.status).toEqual({ replicas: 3, readyReplicas: 2 })
      expect(viaStatus.json.spec.replicas).toBe(1)
      expect(viaStatus.json.metadata.generation).toBe(1)
      const patched = yield* patch(
        `${deployments}/web/status`,
        { status: { availableReplicas: 2 } },
        "application/merge-patch+json"
      )
      expect(patched.json.status).toEqual({ replicas: 3, readyReplicas: 2, availableReplicas: 2 })
    }).pipe(withFake()))

  it.effect("scale subresource reads and writes replicas with a selector string", () =>
    Effect.gen(function*() {
      yield* post(deployments, deployment("web", 2))
      const scale = yield* get(`${deployments}/web/scale`)
      expect(scale.json).toMatchObject({
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: { name: "web", namespace: "default" },
        spec: { replicas: 2 },
        status: { replicas: 0, selector: "app=web" }
      })
      const updated = yield* put(`${deployments}/web/scale`, { ...scale.json, spec: { replicas: 5 } })
      expect(updated.json.spec.replicas).toBe(5)
      const patched = yield* patch(
        `${deployments}/web/scale`,
        { spec: { replicas: 6 } },
        "application/merge-patch+json"
      )
      expect(patched.json.spec.replicas).toBe(6)
      expect((yield* get(`${deployments}/web`)).json.spec.replicas).toBe(6)
      const stale = yield* put(`${deployments}/web/scale`, { ...scale.json, spec: { replicas: 1 } })
      expect(stale.status).toBe(409)
      const cms = yield* get(`${configmaps}/x/scale`)
      expect(cms.status).toBe(404)
    }).pipe(withFake()))

  it.effect("delete: finalizers, preconditions, collections and namespaces", () =>
    Effect.gen(function*() {
      yield* post(configmaps, { ...configMap("held"), metadata: { name: "held", finalizers: ["example.com/x"] } })
      // The object stays until its finalizers are gone: 200 with the object, 202 only for orphanDependents=false.
      const deleting = yield* del(`${configmaps}/held`)
      expect(deleting.status).toBe(200)
      expect(deleting.json.metadata.deletionTimestamp).toBeDefined()
      expect((yield* del(`${configmaps}/held`, { orphanDependents: false })).status).toBe(202)
      expect((yield* del(`${configmaps}/held?orphanDependents=false`)).status).toBe(202)
      expect((yield* del(`${configmaps}/held`, { propagationPolicy: "Foreground" })).status).toBe(200)
      const still = (yield* get(`${configmaps}/held`)).json
      expect(still.metadata.deletionTimestamp).toBeDefined()
      const released = yield* patch(
        `${configmaps}/held`,
        { metadata: { finalizers: null } },
        "application/merge-patch+json"
      )
      expect(released.status).toBe(200)
      expect((yield* get(`${configmaps}/held`)).status).toBe(404)

      const cm = (yield* post(configmaps, configMap("pre"))).json
      const wrongUid = yield* del(`${configmaps}/pre`, {
        kind: "DeleteOptions",
        apiVersion: "v1",
        preconditions: { uid: "nope" }
      })
      expect(wrongUid.status).toBe(409)
      expect(wrongUid.json.message).toContain("Precondition failed: UID in precondition: nope")
      const wrongRv = yield* del(`${configmaps}/pre`, { preconditions: { resourceVersion: "1" } })
      expect(wrongRv.status).toBe(409)
      const ok = yield* del(`${configmaps}/pre?propagationPolicy=Foreground&gracePeriodSeconds=0`, {
        preconditions: { uid: cm.metadata.uid }
      })
      expect(ok.status).toBe(200)
      expect(ok.json).toMatchObject({ kind: "Status", status: "Success", details: { name: "pre", kind: "configmaps" } })
      expect((yield* del(`${configmaps}/pre`)).status).toBe(404)

      for (const [name, tier] of [["a", "web"], ["b", "web"], ["c", "db"]] as const) {
        yield* post(configmaps, configMap(name, { tier }))
      }
      const removed = yield* del(`${configmaps}?labelSelector=tier%3Dweb`)
      expect(removed.json.items.map((i: any) => i.metadata.name)).toEqual(["a", "b"])
      const left = yield* get(configmaps)
      expect(left.json.items.map((i: any) => i.metadata.name)).toEqual(["c"])

      yield* post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } })
      yield* post("/api/v1/namespaces/team/configmaps", configMap("inside"))
      expect((yield* del("/api/v1/namespaces/team")).status).toBe(200)
      expect((yield* get("/api/v1/namespaces/team/configmaps/inside")).status).toBe(404)
      expect((yield* get("/api/v1/namespaces/team")).status).toBe(404)
    }).pipe(withFake()))
})

describe("FakeApiServer lists", () => {
  const seedPods = Effect.gen(function*() {
    const fake = yield* Fake
    yield* fake.seed(
      pod("p1", {
        metadata: { labels: { app: "web", tier: "front" } },
        spec: { nodeName: "n1" },
        status: { phase: "Running" }
      }),
      pod("p2", { metadata: { labels: { app: "web" } }, spec: { nodeName: "n2" }, status: { phase: "Pending" } }),
      pod("p3", {
        metadata: { labels: { app: "db", tier: "back" } },
        spec: { nodeName: "n1" },
        status: { phase: "Running" }
      }),
      pod("q1", { metadata: { namespace: "kube-system", labels: { app: "dns" } }, status: { phase: "Running" } })
    )
  })
  const names = (path: string) => Effect.map(get(path), (r) => r.json.items?.map((i: any) => i.metadata.name) ?? r.json)

  it.effect("label selectors with every operator, and parse errors", () =>
    Effect.gen(function*() {
      yield* seedPods
      const q = (s: string) => names(`${pods}?labelSelector=${encodeURIComponent(s)}`)
      expect(yield* q("app=web")).toEqual(["p1", "p2"])
      expect(yield* q("app==web,tier=front")).toEqual(["p1"])
      expect(yield* q("app!=web")).toEqual(["p3"])
      expect(yield* q("app in (db, web)")).toEqual(["p1", "p2", "p3"])
      expect(yield* q("tier notin (front)")).toEqual(["p2", "p3"])
      expect(yield* q("tier")).toEqual(["p1", "p3"])
      expect(yield* q("!tier")).toEqual(["p2"])
      const all = yield* names(`/api/v1/pods?labelSelector=${encodeURIComponent("app in (dns,db)")}`)
      expect(all).toEqual(["q1", "p3"].sort((a, b) => (a === "q1" ? 1 : -1) - (b === "q1" ? 1 : -1)))
      const bad = yield* get(`${pods}?labelSelector=${encodeURIComponent("app in web")}`)
      expect(bad.status).toBe(400)
      expect(bad.json.reason).toBe("BadRequest")
      expect(bad.json.message).toMatch(/^unable to parse requirement/)
    }).pipe(withFake()))

  it.effect("field selectors per kind; unsupported labels fail like the apiserver", () =>
    Effect.gen(function*() {
      yield* seedPods
      const q = (s: string) => names(`${pods}?fieldSelector=${encodeURIComponent(s)}`)
      expect(yield* q("spec.nodeName=n1")).toEqual(["p1", "p3"])
      expect(yield* q("status.phase!=Running")).toEqual(["p2"])
      expect(yield* q("metadata.name=p2")).toEqual(["p2"])
      expect(yield* names(`/api/v1/pods?fieldSelector=metadata.namespace%3Dkube-system`)).toEqual(["q1"])
      const bad = yield* get(`${pods}?fieldSelector=spec.foo%3Dbar`)
      expect(bad.status).toBe(400)
      expect(bad.json.message).toBe("field label not supported: spec.foo")
      const fake = yield* Fake
      yield* fake.seed(
        { apiVersion: "v1", kind: "Secret", metadata: { name: "s1" }, type: "kubernetes.io/tls" },
        { apiVersion: "v1", kind: "Secret", metadata: { name: "s2" }, type: "Opaque" },
        {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name: "e1" },
          involvedObject: { kind: "Pod", name: "p1" },
          reason: "Started",
          type: "Normal"
        }
      )
      expect(yield* names("/api/v1/namespaces/default/secrets?fieldSelector=type%3DOpaque")).toEqual(["s2"])
      expect(yield* names("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1,reason%3DStarted"))
        .toEqual(["e1"])
      expect(yield* names("/api/v1/namespaces?fieldSelector=status.phase%3DActive")).toHaveLength(4)
    }).pipe(withFake()))

  it.effect("limit/continue pages a consistent snapshot; old tokens expire", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(...Array.from({ length: 5 }, (_, i) => configMap(`cm${i}`)))
      const first = yield* get(`${configmaps}?limit=2`)
      expect(first.json.items.map((i: any) => i.metadata.name)).toEqual(["cm0", "cm1"])
      expect(first.json.metadata.remainingItemCount).toBe(3)
      const token = first.json.metadata.continue as string
      // Writes after the first page must not show up in later pages of the same list.
      yield* post(configmaps, configMap("cm2a"))
      yield* del(`${configmaps}/cm3`)
      const second = yield* get(`${configmaps}?limit=2&continue=${encodeURIComponent(token)}`)
      expect(second.json.items.map((i: any) => i.metadata.name)).toEqual(["cm2", "cm3"])
      expect(second.json.metadata.resourceVersion).toBe(first.json.metadata.resourceVersion)
      const third = yield* get(`${configmaps}?limit=2&continue=${encodeURIComponent(second.json.metadata.continue)}`)
      expect(third.json.items.map((i: any) => i.metadata.name)).toEqual(["cm4"])
      expect(third.json.metadata.continue).toBeUndefined()
      const fresh = yield* names(configmaps)
      expect(fresh).toEqual(["cm0", "cm1", "cm2", "cm2a", "cm4"])
      const exact = yield* names(
        `${configmaps}?resourceVersion=${first.json.metadata.resourceVersion}&resourceVersionMatch=Exact`
      )
      expect(exact).toEqual(["cm0", "cm1", "cm2", "cm3", "cm4"])
      const any = yield* get(`${configmaps}?resourceVersion=0`)
      expect(any.status).toBe(200)
      const tooLarge = yield* get(`${configmaps}?resourceVersion=999999&resourceVersionMatch=NotOlderThan`)
      expect(tooLarge.status).toBe(504)
    }).pipe(withFake()))

  it.effect("a continue token older than the retained history is 410 Expired", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(...Array.from({ length: 3 }, (_, i) => configMap(`cm${i}`)))
      const first = yield* get(`${configmaps}?limit=1`)
      for (let i = 0; i < 6; i++) yield* post(configmaps, configMap(`more${i}`))
      const expired = yield* get(`${configmaps}?limit=1&continue=${encodeURIComponent(first.json.metadata.continue)}`)
      expect(expired.status).toBe(410)
      expect(expired.json.reason).toBe("Expired")
      expect(expired.json.message).toMatch(/^The provided continue parameter is too old/)
      const garbage = yield* get(`${configmaps}?continue=garbage`)
      expect(garbage.status).toBe(400)
    }).pipe(withFake({ historySize: 4 })))

  it.effect("Table output with the default columns", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(
        pod("web-1", {
          spec: { containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] },
          status: {
            phase: "Running",
            containerStatuses: [{ name: "a", ready: true, restartCount: 2 }, {
              name: "b",
              ready: false,
              restartCount: 1
            }]
          }
        })
      )
      const accept =
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
      const table = (yield* get(pods, { accept })).json
      expect(table).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" })
      expect(table.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name)).toEqual([
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age"
      ])
      expect(table.rows[0].cells.slice(0, 4)).toEqual(["web-1", "1/2", "Running", "3"])
      expect(table.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "web-1" } })
      yield* post(deployments, deployment("web", 3))
      const deploys = (yield* get(deployments, { accept })).json
      expect(deploys.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name)).toEqual([
        "Name",
        "Ready",
        "Up-to-date",
        "Available",
        "Age"
      ])
      expect(deploys.rows[0].cells.slice(0, 4)).toEqual(["web", "0/3", 0, 0])
      yield* post("/api/v1/namespaces/default/services", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "svc" },
        spec: { selector: { app: "web" }, ports: [{ port: 80 }] }
      })
      const svc = (yield* get("/api/v1/namespaces/default/services/svc", { accept })).json
      expect(svc.columnDefinitions.slice(0, 6).map((c: any) => c.name)).toEqual([
        "Name",
        "Type",
        "Cluster-IP",
        "External-IP",
        "Port(s)",
        "Age"
      ])
      expect(svc.rows[0].cells.slice(0, 5)).toEqual([
        "svc",
        "ClusterIP",
        expect.stringMatching(/^10\.96\./),
        "<none>",
        "80/TCP"
      ])
      const ns = (yield* get("/api/v1/namespaces", { accept })).json
      expect(ns.rows.map((r: any) => r.cells.slice(0, 2))).toContainEqual(["default", "Active"])
      yield* post(configmaps, configMap("c", {}, { a: "1", b: "2" }))
      const cm = (yield* get(configmaps, { accept })).json
      expect(cm.rows[0].cells.slice(0, 2)).toEqual(["c", 2])
      const meta =
        (yield* get(configmaps, { accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io" })).json
      expect(meta.kind).toBe("PartialObjectMetadataList")
    }).pipe(withFake()))
})

describe("FakeApiServer patches", () => {
  it.effect("json, merge and strategic merge patches; SMP on a custom resource is 415", () =>
    Effect.gen(function*() {
      yield* post(deployments, deployment("web"))
      const smp = yield* patch(
        `${deployments}/web`,
        { spec: { template: { spec: { containers: [{ name: "sidecar", image: "envoy" }] } } } },
        "application/strategic-merge-patch+json"
      )
      expect(smp.json.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["sidecar", "app"])
      const merge = yield* patch(
        `${deployments}/web`,
        { metadata: { labels: { env: "prod" } } },
        "application/merge-patch+json"
      )
      expect(merge.json.metadata.labels).toEqual({ app: "web", env: "prod" })
      const jsonPatch = yield* patch(
        `${deployments}/web`,
        [{ op: "replace", path: "/spec/replicas", value: 3 }],
        "application/json-patch+json"
      )
      expect(jsonPatch.json.spec.replicas).toBe(3)
      expect(jsonPatch.json.metadata.generation).toBe(3)
      const failedTest = yield* patch(
        `${deployments}/web`,
        [{ op: "test", path: "/spec/replicas", value: 1 }],
        "application/json-patch+json"
      )
      expect(failedTest.status).toBeGreaterThanOrEqual(400)
      const stale = yield* patch(
        `${deployments}/web`,
        { metadata: { resourceVersion: "1" } },
        "application/merge-patch+json"
      )
      expect(stale.status).toBe(409)
      expect((yield* patch(`${deployments}/nope`, {}, "application/merge-patch+json")).status).toBe(404)
      const unknown = yield* patch(`${deployments}/web`, {}, "text/plain")
      expect(unknown.status).toBe(415)
      yield* post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd())
      yield* post("/apis/example.com/v1/namespaces/default/widgets", {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w" },
        spec: { size: 1 }
      })
      const crSmp = yield* patch(
        "/apis/example.com/v1/namespaces/default/widgets/w",
        { spec: { size: 2 } },
        "application/strategic-merge-patch+json"
      )
      expect(crSmp.status).toBe(415)
      expect(crSmp.json.reason).toBe("UnsupportedMediaType")
      const crMerge = yield* patch(
        "/apis/example.com/v1/namespaces/default/widgets/w",
        { spec: { size: 2 } },
        "application/merge-patch+json"
      )
      expect(crMerge.json.spec.size).toBe(2)
    }).pipe(withFake()))

  it.effect("server-side apply creates, records managedFields and needs a fieldManager", () =>
    Effect.gen(function*() {
      const applyYaml = `apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
data:
  a: "1"
`
      const noManager = yield* call("PATCH", `${configmaps}/applied`, {
        body: applyYaml,
        contentType: "application/apply-patch+yaml"
      })
      expect(noManager.status).toBe(422)
      const created = yield* call("PATCH", `${configmaps}/applied?fieldManager=tester`, {
        body: applyYaml,
        contentType: "application/apply-patch+yaml"
      })
      expect(created.status).toBe(201)
      expect(created.json.data).toEqual({ a: "1" })
      const entry = created.json.metadata.managedFields.find((m: any) => m.manager === "tester")
      expect(entry).toMatchObject({ operation: "Apply", apiVersion: "v1", fieldsType: "FieldsV1" })
      expect(entry.fieldsV1["f:data"]).toEqual({ "f:a": {} })
      const updated = yield* call("PATCH", `${configmaps}/applied?fieldManager=tester`, {
        body: applyYaml.replace(`a: "1"`, `a: "2"`),
        contentType: "application/apply-patch+yaml"
      })
      expect(updated.status).toBe(200)
      expect(updated.json.data).toEqual({ a: "2" })
      const viaPut = yield* put(`${configmaps}/applied?fieldManager=editor`, {
        ...updated.json,
        data: { a: "2", b: "3" }
      })
      expect(viaPut.json.metadata.managedFields.find((m: any) => m.manager === "editor")).toMatchObject({
        operation: "Update",
        fieldsV1: { "f:data": { "f:b": {} } }
      })
      const taken = yield* patch(
        `${configmaps}/applied?fieldManager=editor`,
        { data: { a: "9" } },
        "application/merge-patch+json"
      )
      expect(taken.json.data.a).toBe("9")
      const conflict = yield* call("PATCH", `${configmaps}/applied?fieldManager=tester`, {
        body: applyYaml,
        contentType: "application/apply-patch+yaml"
      })
      expect(conflict.status).toBe(409)
      expect(conflict.json).toMatchObject({
        reason: "Conflict",
        message: "Apply failed with 1 conflict: conflict with \"editor\" using v1: .data.a",
        details: {
          causes: [{ reason: "FieldManagerConflict", message: "conflict with \"editor\" using v1", field: ".data.a" }]
        }
      })
      const forced = yield* call("PATCH", `${configmaps}/applied?fieldManager=tester&force=true`, {
        body: applyYaml,
        contentType: "application/apply-patch+yaml"
      })
      expect(forced.status).toBe(200)
      expect(forced.json.data.a).toBe("1")
    }).pipe(withFake()))
})

describe("FakeApiServer custom resources", () => {
  it.effect("a CRD serves its resource with status and scale; deleting it stops serving", () =>
    Effect.gen(function*() {
      const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
      const created = yield* post(crdPath, crd({ scale: true }))
      expect(created.json.status.conditions.map((c: any) => c.type)).toContain("Established")
      const discovery = yield* get("/apis/example.com/v1")
      expect(discovery.json.resources.map((r: any) => r.name)).toEqual(["widgets", "widgets/status", "widgets/scale"])
      const group = (yield* get("/apis")).json.groups.find((g: any) => g.name === "example.com")
      expect(group.preferredVersion.version).toBe("v1")
      const widgets = "/apis/example.com/v1/namespaces/default/widgets"
      const w = yield* post(widgets, {
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w" },
        spec: { replicas: 2, size: 5 },
        status: { replicas: 7 }
      })
      expect(w.status).toBe(201)
      expect(w.json.status).toBeUndefined()
      const status = yield* put(`${widgets}/w/status`, { ...w.json, status: { replicas: 2, selector: "app=w" } })
      expect(status.json.status.replicas).toBe(2)
      const scale = yield* get(`${widgets}/w/scale`)
      expect(scale.json).toMatchObject({ spec: { replicas: 2 }, status: { replicas: 2, selector: "app=w" } })
      yield* patch(`${widgets}/w/scale`, { spec: { replicas: 4 } }, "application/merge-patch+json")
      expect((yield* get(`${widgets}/w`)).json.spec.replicas).toBe(4)
      const list = yield* get(widgets)
      expect(list.json).toMatchObject({ kind: "WidgetList", apiVersion: "example.com/v1" })
      expect(list.json.items[0]).toMatchObject({ kind: "Widget", apiVersion: "example.com/v1" })
      const table = yield* get(widgets, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" })
      expect(table.json.columnDefinitions.map((c: any) => c.name)).toEqual(["Name", "Size"])
      expect(table.json.rows[0].cells).toEqual(["w", 5])
      const deleted = yield* del(`${crdPath}/widgets.example.com`)
      expect(deleted.status).toBe(200)
      expect((yield* get(widgets)).status).toBe(404)
      expect((yield* get("/apis")).json.groups.find((g: any) => g.name === "example.com")).toBeUndefined()
    }).pipe(withFake()))

  it.effect("seeding a CRD and its objects in one batch", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seedYaml(`apiVersion: example.com/v1
kind: Widget
metadata:
  name: seeded
  namespace: extra
spec:
  size: 3
---
${JSON.stringify(crd({ scope: "Namespaced" }))}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: two}
`)
      expect((yield* get("/apis/example.com/v1/namespaces/extra/widgets/seeded")).json.spec.size).toBe(3)
      expect((yield* get("/api/v1/namespaces/extra")).json.status.phase).toBe("Active")
      const cms = yield* fake.list({ apiVersion: "v1", kind: "ConfigMap", namespace: "default" })
      expect(cms.map((c: any) => c.metadata.name)).toEqual(["one", "two"])
      const bad = yield* Effect.flip(fake.seed({ apiVersion: "nope/v1", kind: "Thing", metadata: { name: "x" } }))
      expect(bad._tag).toBe("FakeApiServerError")
      expect(bad.message).toContain("Thing")
      const badYaml = yield* Effect.flip(fake.seedYaml("a: [unclosed"))
      expect(badYaml.message).toMatch(/^cannot parse seed YAML/)
    }).pipe(withFake()))
})

describe("FakeApiServer logs, faults and the request log", () => {
  it.effect("pod logs from seeded lines, with tailLines and container checks", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(pod("p"), {
        ...pod("two"),
        spec: { containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] }
      })
      yield* fake.setLogs({ namespace: "default", pod: "p", container: "main" }, ["one", "two"])
      yield* fake.appendLogs({ namespace: "default", pod: "p", container: "main" }, ["three"])
      const all = yield* get(`${pods}/p/log`)
      expect(all.text).toBe("one\ntwo\nthree\n")
      expect(all.headers["content-type"]).toMatch(/^text\/plain/)
      expect((yield* get(`${pods}/p/log?tailLines=1`)).text).toBe("three\n")
      const ambiguous = yield* get(`${pods}/two/log`)
      expect(ambiguous.status).toBe(400)
      expect(ambiguous.json.message).toBe("a container name must be specified for pod two, choose one of: [a b]")
      expect((yield* get(`${pods}/missing/log`)).status).toBe(404)
    }).pipe(withFake()))

  it.effect("faults: failures with Retry-After, malformed bodies; the log redacts credentials", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.failNext({
        match: { method: "GET", path: "/api/v1/namespaces/default/configmaps" },
        times: 2,
        status: 429,
        reason: "TooManyRequests",
        retryAfterSeconds: 3
      })
      const first = yield* get(configmaps)
      expect(first.status).toBe(429)
      expect(first.headers["retry-after"]).toBe("3")
      expect(first.json).toMatchObject({ reason: "TooManyRequests", details: { retryAfterSeconds: 3 } })
      expect((yield* get(configmaps)).status).toBe(429)
      expect((yield* get(configmaps)).status).toBe(200)
      yield* fake.malformedNext()
      const broken = yield* get("/api/v1/namespaces")
      expect(broken.status).toBe(200)
      expect(broken.json).toBeUndefined()
      yield* get("/version", { headers: { authorization: "Bearer secret-token" } })
      const log = yield* fake.requests
      const last = log[log.length - 1]!
      expect(last).toMatchObject({ method: "GET", url: "/version", status: 200 })
      expect(last.headers["authorization"]).toBe("<redacted>")
      expect(JSON.stringify(log)).not.toContain("secret-token")
      yield* fake.clearRequests
      expect(yield* fake.requests).toHaveLength(0)
    }).pipe(withFake()))

  it.effect("a configured token is required in-process", () =>
    Effect.gen(function*() {
      expect((yield* get("/api/v1/namespaces")).status).toBe(401)
      expect((yield* get("/api/v1/namespaces", { headers: { authorization: "Bearer wrong" } })).status).toBe(401)
      expect((yield* get("/api/v1/namespaces", { headers: { authorization: "Bearer right" } })).status).toBe(200)
      expect((yield* get("/healthz")).status).toBe(200)
      const config = yield* RestConfig.RestConfig
      expect(config.auth._tag).toBe("Token")
    }).pipe(withFake({ token: "right" })))

  it.effect("reads from the store stay fast with many objects", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      yield* fake.seed(...Array.from({ length: 2000 }, (_, i) => configMap(`cm-${String(i).padStart(5, "0")}`)))
      const one = yield* get(`${configmaps}/cm-01234`)
      expect(one.json.metadata.name).toBe("cm-01234")
      const page = yield* get(`${configmaps}?limit=500`)
      expect(page.json.items).toHaveLength(500)
      expect(page.json.metadata.remainingItemCount).toBe(1500)
      const pinned = yield* get(`${configmaps}?fieldSelector=metadata.name%3Dcm-01999`)
      expect(pinned.json.items.map((i: any) => i.metadata.name)).toEqual(["cm-01999"])
    }).pipe(withFake()))
})
