import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { del, get, patch, post } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

// Only the garbage collector: the owners and dependents here are ConfigMaps and Jobs no other controller touches.
const withGc = Effect.provide(
  FakeApiServer.layer({ simulate: { garbageCollector: true, namespaces: false, workloads: false } })
)

const cms = "/api/v1/namespaces/default/configmaps"
const ref = (o: any, block = false) => ({
  apiVersion: o.apiVersion ?? "v1",
  kind: o.kind ?? "ConfigMap",
  name: o.metadata.name,
  uid: o.metadata.uid,
  ...(block ? { blockOwnerDeletion: true } : {})
})
const cm = (name: string, owners: ReadonlyArray<unknown> = [], finalizers?: ReadonlyArray<string>) =>
  Effect.map(
    post(cms, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name,
        ...(owners.length > 0 ? { ownerReferences: owners } : {}),
        ...(finalizers !== undefined ? { finalizers } : {})
      }
    }),
    (r) => {
      expect(r.status).toBe(201)
      return { ...r.json, apiVersion: "v1", kind: "ConfigMap" }
    }
  )
const status = (name: string) => Effect.map(get(`${cms}/${name}`), (r) => r.status)
const gone = (name: string) => eventually(status(name), (s) => s === 404)

describe("FakeApiServer simulate: garbage collector", () => {
  it.effect("Background: the owner goes at once, its dependents (and theirs) after it", () =>
    Effect.gen(function*() {
      const parent = yield* cm("parent")
      const child = yield* cm("child", [ref(parent, true)])
      yield* cm("grandchild", [ref(child)])
      yield* cm("loose", [ref(parent)])
      const reply = yield* del(`${cms}/parent`, { propagationPolicy: "Background" })
      expect(reply.status).toBe(200)
      expect(yield* status("parent")).toBe(404)
      yield* gone("child")
      yield* gone("grandchild")
      yield* gone("loose")
    }).pipe(withGc))

  it.effect("Foreground: foregroundDeletion on the owner, which stays until the blocking dependents are gone", () =>
    Effect.gen(function*() {
      const parent = yield* cm("parent")
      const child = yield* cm("child", [ref(parent, true)])
      yield* cm("grandchild", [ref(child, true)], ["example.com/hold"])
      yield* cm("nonblocking", [ref(parent)], ["example.com/hold"])
      const reply = yield* del(`${cms}/parent`, { propagationPolicy: "Foreground" })
      expect(reply.json.metadata.finalizers).toEqual(["foregroundDeletion"])
      expect(reply.json.metadata.deletionTimestamp).toBeDefined()
      // The child is deleted in the foreground too (it has dependents and its owner waits for them).
      const waitingChild = yield* eventually(
        get(`${cms}/child`),
        (r) => r.json.metadata?.deletionTimestamp !== undefined
      )
      expect(waitingChild.json.metadata.finalizers).toEqual(["foregroundDeletion"])
      const held = yield* eventually(get(`${cms}/grandchild`), (r) => r.json.metadata?.deletionTimestamp !== undefined)
      expect(held.status).toBe(200)
      yield* quiesce()
      expect(yield* status("parent")).toBe(200)
      expect(yield* status("child")).toBe(200)
      // The non-blocking dependent is deleted as well, but nobody waits for it.
      const nonblocking = yield* get(`${cms}/nonblocking`)
      expect(nonblocking.json.metadata.deletionTimestamp).toBeDefined()
      yield* patch(`${cms}/grandchild`, { metadata: { finalizers: null } }, "application/merge-patch+json")
      yield* gone("parent")
      expect(yield* status("grandchild")).toBe(404)
      expect(yield* status("child")).toBe(404)
      expect(yield* status("nonblocking")).toBe(200)
      // Without dependents the finalizer goes at once, and the owner with it.
      yield* cm("lone")
      expect((yield* del(`${cms}/lone`, { propagationPolicy: "Foreground" })).json.metadata.finalizers).toEqual([
        "foregroundDeletion"
      ])
      yield* gone("lone")
    }).pipe(withGc))

  it.effect("Orphan: the orphan finalizer strips the owner's references from its dependents, then the owner goes", () =>
    Effect.gen(function*() {
      const parent = yield* cm("parent")
      const other = yield* cm("other")
      yield* cm("child", [ref(parent, true), ref(other)])
      yield* cm("only-child", [ref(parent)])
      const reply = yield* del(`${cms}/parent`, { propagationPolicy: "Orphan" })
      expect(reply.json.metadata.finalizers).toEqual(["orphan"])
      yield* gone("parent")
      const child = yield* get(`${cms}/child`)
      expect(child.json.metadata.ownerReferences).toEqual([ref(other)])
      const only = yield* get(`${cms}/only-child`)
      expect(only.status).toBe(200)
      expect(only.json.metadata.ownerReferences).toBeUndefined()
      // orphanDependents: true (the old field) means the same.
      const second = yield* cm("second")
      yield* cm("kept", [ref(second)])
      yield* del(`${cms}/second`, { orphanDependents: true })
      yield* gone("second")
      yield* quiesce()
      expect(yield* status("kept")).toBe(200)
    }).pipe(withGc))

  it.effect("collects dependents whose owner is missing (by uid), and drops only dangling references", () =>
    Effect.gen(function*() {
      const live = yield* cm("live")
      yield* cm("dangling", [{ apiVersion: "v1", kind: "ConfigMap", name: "live", uid: "not-the-uid" }])
      yield* cm("half", [ref(live), { apiVersion: "v1", kind: "ConfigMap", name: "gone", uid: "gone-uid" }])
      yield* cm("unknown-kind", [{ apiVersion: "example.com/v1", kind: "Nothing", name: "x", uid: "x-uid" }])
      yield* gone("dangling")
      const half = yield* eventually(get(`${cms}/half`), (r) => r.json.metadata.ownerReferences?.length === 1)
      expect(half.json.metadata.ownerReferences).toEqual([ref(live)])
      // An owner of a kind nobody serves cannot be looked up: the real collector keeps retrying, never deletes.
      yield* quiesce()
      expect(yield* status("unknown-kind")).toBe(200)
    }).pipe(withGc))

  it.effect("defaults as the apiserver: batch/v1 Jobs orphan, everything else is Background", () =>
    Effect.gen(function*() {
      const job = (yield* post("/apis/batch/v1/namespaces/default/jobs", {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "job" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } }
      })).json
      yield* cm("of-job", [ref(job)])
      const reply = yield* del("/apis/batch/v1/namespaces/default/jobs/job")
      expect(reply.json.metadata.finalizers).toEqual(["orphan"])
      yield* eventually(get("/apis/batch/v1/namespaces/default/jobs/job"), (r) => r.status === 404)
      const kept = yield* get(`${cms}/of-job`)
      expect(kept.status).toBe(200)
      expect(kept.json.metadata.ownerReferences).toBeUndefined()
      const plain = yield* cm("plain")
      yield* cm("of-plain", [ref(plain)])
      yield* del(`${cms}/plain`)
      yield* gone("of-plain")
    }).pipe(withGc))

  it.effect("acts as kube-controller-manager, whatever RBAC rules the test gives its callers", () =>
    Effect.gen(function*() {
      const parent = yield* cm("parent")
      yield* cm("child", [ref(parent)])
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.authorize({ rules: [{ verbs: ["get", "delete"], apiGroups: [""], resources: ["configmaps"] }] })
      expect(
        (yield* patch(`${cms}/child`, { metadata: { labels: { a: "b" } } }, "application/merge-patch+json")).status
      )
        .toBe(403)
      // Orphaning patches the dependents and the owner: the collector may, the caller may not.
      yield* del(`${cms}/parent`, { propagationPolicy: "Orphan" })
      yield* gone("parent")
      expect((yield* get(`${cms}/child`)).json.metadata.ownerReferences).toBeUndefined()
    }).pipe(withGc))

  it.effect("refuses DeleteOptions the apiserver refuses", () =>
    Effect.gen(function*() {
      yield* cm("x")
      const bad = yield* del(`${cms}/x`, { propagationPolicy: "Sideways" })
      expect(bad.status).toBe(422)
      expect(bad.json.message).toBe(
        `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"`
      )
      const both = yield* del(`${cms}/x`, { propagationPolicy: "Orphan", orphanDependents: true })
      expect(both.status).toBe(422)
      expect(both.json.message).toContain("orphanDependents and deletionPropagation cannot be both set")
      expect(yield* status("x")).toBe(200)
    }).pipe(withGc))
})
