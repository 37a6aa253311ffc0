import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { del, get, post, put } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

const simulated = (options: FakeApiServer.SimulateOptions = {}) =>
  Effect.provide(FakeApiServer.layer({ simulate: { workloads: false, nodes: 0, ...options } }))

const createNamespace = (name: string) =>
  Effect.map(post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }), (r) => {
    expect(r.status).toBe(201)
  })

const sa = (namespace: string) => get(`/api/v1/namespaces/${namespace}/serviceaccounts/default`)
const rootCa = (namespace: string) => get(`/api/v1/namespaces/${namespace}/configmaps/kube-root-ca.crt`)

describe("simulated per-namespace objects", () => {
  it.effect("every namespace gets a default ServiceAccount, again after a delete, not while Terminating", () =>
    Effect.gen(function*() {
      for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
        yield* eventually(sa(ns), (r) => r.status === 200)
      }
      yield* createNamespace("team")
      const first = yield* eventually(sa("team"), (r) => r.status === 200)
      expect(first.json).toMatchObject({ apiVersion: "v1", kind: "ServiceAccount", metadata: { namespace: "team" } })
      // A user's change is the user's: the controller only makes sure the account exists.
      const labelled = yield* put("/api/v1/namespaces/team/serviceaccounts/default", {
        ...first.json,
        metadata: { ...first.json.metadata, labels: { team: "a" } }
      })
      expect(labelled.status).toBe(200)
      yield* quiesce()
      expect((yield* sa("team")).json.metadata.labels).toEqual({ team: "a" })
      expect((yield* del("/api/v1/namespaces/team/serviceaccounts/default")).status).toBe(200)
      const again = yield* eventually(sa("team"), (r) => r.status === 200)
      expect(again.json.metadata.uid).not.toBe(first.json.metadata.uid)
      // The namespace controller empties a Terminating namespace; nothing comes back and the namespace goes away.
      expect((yield* del("/api/v1/namespaces/team")).status).toBe(200)
      yield* eventually(get("/api/v1/namespaces/team"), (r) => r.status === 404, { tries: 200 })
      yield* quiesce()
      expect((yield* sa("team")).status).toBe(404)
      // No serving CA in process: no kube-root-ca.crt, as in a cluster whose publisher has nothing to publish.
      expect((yield* rootCa("default")).status).toBe(404)
    }).pipe(simulated()))

  it.effect("serviceAccounts: false leaves namespaces without accounts", () =>
    Effect.gen(function*() {
      yield* createNamespace("bare")
      yield* quiesce()
      expect((yield* sa("bare")).status).toBe(404)
    }).pipe(simulated({ serviceAccounts: false })))

  it.live("over HTTPS every namespace gets kube-root-ca.crt with the serving CA, kept as published", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const listening = yield* fake.listen({ https: true })
      const ca = listening.caPem!
      expect(ca).toContain("BEGIN CERTIFICATE")
      const published = (ns: string) =>
        eventually(rootCa(ns), (r) => r.status === 200 && r.json.data?.["ca.crt"] === ca, { tries: 200 })
      for (const ns of ["default", "kube-system"]) yield* published(ns)
      yield* createNamespace("team")
      const first = yield* published("team")
      expect(Object.keys(first.json.data)).toEqual(["ca.crt"])
      // Its content belongs to the publisher: a change is put back, a delete undone.
      const changed = yield* put("/api/v1/namespaces/team/configmaps/kube-root-ca.crt", {
        ...first.json,
        data: { "ca.crt": "not a CA", extra: "x" }
      })
      expect(changed.status).toBe(200)
      const restored = yield* published("team")
      expect(restored.json.data).toEqual({ "ca.crt": ca })
      expect((yield* del("/api/v1/namespaces/team/configmaps/kube-root-ca.crt")).status).toBe(200)
      yield* published("team")
    }).pipe(Effect.scoped, Effect.provide(FakeApiServer.layer({ simulate: { workloads: false, nodes: 0 } }))))

  it.live("rootCaPublisher: false publishes nothing, also over HTTPS", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.listen({ https: true })
      yield* eventually(sa("default"), (r) => r.status === 200, { tries: 200 })
      yield* Effect.sleep("200 millis")
      expect((yield* rootCa("default")).status).toBe(404)
    }).pipe(
      Effect.scoped,
      Effect.provide(FakeApiServer.layer({ simulate: { workloads: false, nodes: 0, rootCaPublisher: false } }))
    ))
})
