/**
 * Testing your own code with the fake apiserver: `layerFake` from `effect-kube/testing` gives every client, wired to a fresh in-memory
 * apiserver per test, plus the `FakeApiServer` service to seed objects, read the store back, inspect the request
 * log and inject faults. No cluster, no mocks of the client: the code under test runs exactly as in production.
 *
 * client-go: `k8s.io/client-go/kubernetes/fake.NewSimpleClientset(objects...)`, but with a real apiserver's
 * behaviour (resourceVersions, selectors, patches, errors) instead of an object tracker.
 *
 *   npx vitest run examples/testing-with-fake.test.ts
 */
import { describe, expect, it } from "@effect/vitest"
import * as Clientset from "effect-kube/Clientset"
import { FakeApiServer, layerFake } from "effect-kube/testing"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

// ---------------------------------------------------------------------------------------------------------------
// the code under test: an ordinary function of your own
// ---------------------------------------------------------------------------------------------------------------

const idleAnnotation = "shop.example.com/idle"
const replicasBefore = "shop.example.com/replicas-before-idle"

/**
 * Scales every deployment annotated `shop.example.com/idle: "true"` to zero, remembering its replica count in an
 * annotation (one merge patch each, so both change together). Returns the names it scaled.
 */
export const scaleDownIdleDeployments = (namespace: string) =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    const deployments = cs.appsV1.deployments(namespace)
    const list = yield* deployments.list()
    const idle = list.items.filter((d) =>
      d.metadata?.annotations?.[idleAnnotation] === "true" && (d.spec?.replicas ?? 1) > 0
    )
    return yield* Effect.forEach(idle, (d) =>
      deployments.patch(d.metadata!.name!, "merge", {
        metadata: { annotations: { [replicasBefore]: String(d.spec?.replicas ?? 1) } },
        spec: { replicas: 0 }
      }).pipe(Effect.map((patched) => patched.metadata!.name!)))
  })

// ---------------------------------------------------------------------------------------------------------------
// the tests
// ---------------------------------------------------------------------------------------------------------------

const deployment = (name: string, replicas: number, idle: boolean) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "shop", annotations: idle ? { [idleAnnotation]: "true" } : {} },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example.com/${name}:1` }] } }
  }
})

const seed = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
  deployment("web", 3, false),
  deployment("reports", 2, true),
  deployment("batch", 4, true),
  deployment("legacy", 0, true)
]

/** A fresh fake per test: tests cannot see each other's writes. */
const fake = layerFake({ seed, namespace: "shop" })

const stored = (name: string) =>
  Effect.flatMap(FakeApiServer.FakeApiServer, (server) =>
    Effect.map(
      server.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name }),
      (o) => Option.getOrThrow(o) as ReturnType<typeof deployment>
    ))

describe("scaleDownIdleDeployments", () => {
  it.effect("scales idle deployments to zero and remembers their size", () =>
    Effect.gen(function*() {
      const scaled = yield* scaleDownIdleDeployments("shop")
      expect([...scaled].sort()).toEqual(["batch", "reports"])

      expect((yield* stored("reports")).spec.replicas).toBe(0)
      expect((yield* stored("reports")).metadata.annotations).toMatchObject({ [replicasBefore]: "2" })
      expect((yield* stored("batch")).metadata.annotations).toMatchObject({ [replicasBefore]: "4" })
      // Not idle, or already at zero: untouched.
      expect((yield* stored("web")).spec.replicas).toBe(3)
      expect((yield* stored("legacy")).metadata.annotations).not.toHaveProperty(replicasBefore)
    }).pipe(Effect.provide(fake)))

  it.effect("sends one list and one patch per idle deployment, and nothing on a second run", () =>
    Effect.gen(function*() {
      const server = yield* FakeApiServer.FakeApiServer
      yield* scaleDownIdleDeployments("shop")
      const first = (yield* server.requests).map((r) => `${r.method} ${r.url.split("?")[0]}`)
      expect(first.sort()).toEqual([
        "GET /apis/apps/v1/namespaces/shop/deployments",
        "PATCH /apis/apps/v1/namespaces/shop/deployments/batch",
        "PATCH /apis/apps/v1/namespaces/shop/deployments/reports"
      ])
      yield* server.clearRequests
      expect(yield* scaleDownIdleDeployments("shop")).toEqual([])
      expect((yield* server.requests).map((r) => r.method)).toEqual(["GET"])
    }).pipe(Effect.provide(fake)))

  it.effect("fails with a typed Forbidden when RBAC denies the patch", () =>
    Effect.gen(function*() {
      const server = yield* FakeApiServer.FakeApiServer
      yield* server.failNext({
        match: { method: "PATCH" },
        status: 403,
        reason: "Forbidden",
        message: "deployments.apps \"reports\" is forbidden: User \"ci\" cannot patch resource \"deployments\""
      })
      const error = yield* Effect.flip(scaleDownIdleDeployments("shop"))
      expect(error._tag).toBe("Forbidden")
      expect(error._tag === "Forbidden" && error.code).toBe(403)
      // Nothing was changed.
      expect((yield* stored("reports")).spec.replicas).toBe(2)
    }).pipe(Effect.provide(fake)))
})
