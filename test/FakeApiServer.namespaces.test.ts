import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { del, get, patch, post } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

const withNamespaces = (garbageCollector: boolean) =>
  Effect.provide(FakeApiServer.layer({ simulate: { garbageCollector, namespaces: true, workloads: false } }))

const ns = (name: string) =>
  Effect.map(post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }), (r) => {
    expect(r.status).toBe(201)
    return r.json
  })
const cm = (namespace: string, name: string, extra: Record<string, unknown> = {}) =>
  post(`/api/v1/namespaces/${namespace}/configmaps`, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, ...extra }
  })

describe("FakeApiServer simulate: namespace lifecycle", () => {
  it.effect("delete: Terminating with the kubernetes finalizer, contents deleted, then the namespace", () =>
    Effect.gen(function*() {
      yield* ns("team")
      expect((yield* cm("team", "a")).status).toBe(201)
      expect((yield* cm("team", "held", { finalizers: ["example.com/hold"] })).status).toBe(201)
      const secret = yield* post("/api/v1/namespaces/team/secrets", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "s" }
      })
      expect(secret.status).toBe(201)
      const deployment = yield* post("/apis/apps/v1/namespaces/team/deployments", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } }
        }
      })
      expect(deployment.status).toBe(201)
      const reply = yield* del("/api/v1/namespaces/team", { propagationPolicy: "Background" })
      expect(reply.status).toBe(200)
      expect(reply.json.status.phase).toBe("Terminating")
      expect(reply.json.spec.finalizers).toEqual(["kubernetes"])
      expect(reply.json.metadata.deletionTimestamp).toBeDefined()
      // A second delete is refused as the apiserver refuses it.
      const again = yield* del("/api/v1/namespaces/team")
      expect(again.status).toBe(409)
      expect(again.json.message).toBe(
        `Operation cannot be fulfilled on namespaces "team": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`
      )
      yield* eventually(get("/api/v1/namespaces/team/configmaps/a"), (r) => r.status === 404)
      yield* eventually(get("/api/v1/namespaces/team/secrets/s"), (r) => r.status === 404)
      yield* eventually(get("/apis/apps/v1/namespaces/team/deployments/web"), (r) => r.status === 404)
      // The object with a finalizer waits for it, and so does the namespace.
      const held = yield* get("/api/v1/namespaces/team/configmaps/held")
      expect(held.json.metadata.deletionTimestamp).toBeDefined()
      yield* quiesce()
      const waiting = yield* get("/api/v1/namespaces/team")
      expect(waiting.json.status.phase).toBe("Terminating")
      const conditions = Object.fromEntries(waiting.json.status.conditions.map((c: any) => [c.type, c]))
      expect(conditions.NamespaceContentRemaining).toMatchObject({
        status: "True",
        reason: "SomeResourcesRemain",
        message: "Some resources are remaining: configmaps. has 1 resource instances"
      })
      expect(conditions.NamespaceFinalizersRemaining).toMatchObject({
        status: "True",
        reason: "SomeFinalizersRemain",
        message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
      })
      expect(conditions.NamespaceDeletionDiscoveryFailure).toMatchObject({ status: "False" })
      yield* patch(
        "/api/v1/namespaces/team/configmaps/held",
        { metadata: { finalizers: null } },
        "application/merge-patch+json"
      )
      yield* eventually(get("/api/v1/namespaces/team"), (r) => r.status === 404)
      // The name is free again.
      yield* ns("team")
      expect((yield* cm("team", "fresh")).status).toBe(201)
    }).pipe(withNamespaces(true)))

  it.effect("refuses new content in a Terminating namespace with NamespaceLifecycle's reply", () =>
    Effect.gen(function*() {
      yield* ns("closing")
      yield* cm("closing", "held", { finalizers: ["example.com/hold"] })
      yield* del("/api/v1/namespaces/closing")
      const refused = yield* cm("closing", "late")
      expect(refused.status).toBe(403)
      expect(refused.json).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "Forbidden",
        code: 403,
        message:
          `configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated`,
        details: {
          name: "late",
          kind: "configmaps",
          causes: [{
            reason: "NamespaceTerminating",
            message: "namespace closing is being terminated",
            field: "metadata.namespace"
          }]
        }
      })
      const generated = yield* post("/apis/apps/v1/namespaces/closing/deployments", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { generateName: "web-" },
        spec: {}
      })
      expect(generated.status).toBe(403)
      expect(generated.json.message).toBe(
        `deployments.apps "web-" is forbidden: unable to create new content in namespace closing because it is being terminated`
      )
      // Updates of what is there still work (finalizers must be removable).
      const update = yield* patch(
        "/api/v1/namespaces/closing/configmaps/held",
        { metadata: { labels: { a: "b" } } },
        "application/merge-patch+json"
      )
      expect(update.status).toBe(200)
    }).pipe(withNamespaces(false)))

  it.effect("a namespace's own metadata.finalizers hold it after its contents are gone", () =>
    Effect.gen(function*() {
      yield* post("/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "kept", finalizers: ["example.com/ns-hold"] }
      })
      yield* cm("kept", "a")
      yield* del("/api/v1/namespaces/kept")
      yield* eventually(get("/api/v1/namespaces/kept/configmaps/a"), (r) => r.status === 404)
      const finalized = yield* eventually(get("/api/v1/namespaces/kept"), (r) =>
        r.json.spec?.finalizers === undefined || r.json.spec.finalizers.length === 0)
      expect(finalized.json.metadata.finalizers).toEqual(["example.com/ns-hold"])
      const remaining = finalized.json.status.conditions.find((c: any) =>
        c.type === "NamespaceContentRemaining"
      )
      expect(remaining).toMatchObject({ status: "False", reason: "ContentRemoved" })
      expect(finalized.json.status.phase).toBe("Terminating")
      yield* patch("/api/v1/namespaces/kept", { metadata: { finalizers: null } }, "application/merge-patch+json")
      expect((yield* get("/api/v1/namespaces/kept")).status).toBe(404)
    }).pipe(withNamespaces(true)))
})
