/**
 * A Deployment and the Service in front of it, through the typed Clientset: create both, list deployments by label,
 * update with `retryOnConflict` (read-modify-write that survives concurrent writers), patch, then delete both.
 *
 * client-go: the `create-update-delete-deployment` example, plus `retry.RetryOnConflict(retry.DefaultRetry, ...)`.
 *
 *   npm run example examples/deployments-services-crud.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 *   (on a cluster it creates and then deletes deployment/checkout-example and service/checkout-example)
 */
import type * as apps_v1 from "effect-kube/api/apps/v1"
import type * as core_v1 from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as RetryPolicy from "effect-kube/RetryPolicy"
import * as Effect from "effect/Effect"
import { isMain, runExample, say, table } from "./support.js"

const name = "checkout-example"
const labels = { app: name, tier: "backend" }

const deployment: apps_v1.Deployment = {
  metadata: { name, labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels },
      spec: {
        containers: [{ name: "checkout", image: "example.com/shop/checkout:1.0", ports: [{ containerPort: 8080 }] }]
      }
    }
  }
}

const service: core_v1.Service = {
  metadata: { name, labels },
  spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8080 }] }
}

const summary = (d: apps_v1.Deployment) =>
  [
    d.metadata?.name ?? "",
    String(d.spec?.replicas ?? ""),
    d.spec?.template.spec?.containers.map((c) => c.image).join(",") ?? ""
  ] as const

export const program = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  const ns = cs.restClient.config.namespace
  const deployments = cs.appsV1.deployments(ns)
  const services = cs.coreV1.services(ns)

  yield* deployments.create(deployment)
  const svc = yield* services.create(service)
  yield* say(`created deployment/${name} and service/${name} (clusterIP ${svc.spec?.clusterIP ?? "<pending>"})`)

  const backend = yield* deployments.list({ labelSelector: "tier=backend" })
  yield* say("deployments with tier=backend:")
  yield* table(["name", "replicas", "images"], backend.items.map(summary))

  // Get the latest version, change it, update; a Conflict (someone wrote in between) runs the whole block again.
  const updated = yield* RetryPolicy.retryOnConflict(
    Effect.gen(function*() {
      const current = yield* deployments.get(name)
      return yield* deployments.update({
        ...current,
        spec: {
          ...current.spec!,
          replicas: 3,
          template: {
            ...current.spec!.template,
            spec: {
              ...current.spec!.template.spec!,
              containers: current.spec!.template.spec!.containers.map((c) => ({
                ...c,
                image: "example.com/shop/checkout:1.1"
              }))
            }
          }
        }
      })
    })
  )
  yield* say(`updated: ${summary(updated).join("  ")}`)

  // A strategic merge patch adds a port to the list, merged by port number, instead of replacing the list.
  const patched = yield* services.patch(name, "strategic", {
    spec: { ports: [{ name: "metrics", port: 9090, targetPort: 9090 }] }
  })
  yield* say(`patched service ports: ${patched.spec?.ports?.map((p) => `${p.name}:${p.port}`).join(", ")}`)

  yield* services.delete(name)
  yield* deployments.delete(name, { propagationPolicy: "Foreground" })
  const left = yield* deployments.list({ labelSelector: `app=${name}` })
  yield* say(`deleted both; deployments left with app=${name}: ${left.items.length}`)
})

if (isMain(import.meta.url)) runExample(program)
