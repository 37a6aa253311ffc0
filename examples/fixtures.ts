/**
 * The namespace the demo and the examples seed into the fake apiserver: a small shop with a storefront, an API, a
 * worker, their pods (in different phases), services, a configmap, and a custom resource (CronTab) with its CRD.
 *
 * Everything here is plain Kubernetes YAML-as-objects, so the same data could be `kubectl apply`-ed to a cluster.
 */

/** The namespace everything lives in; the fake's RestConfig (and the kubeconfig the demo writes) default to it. */
export const namespace = "shop"

const deployment = (name: string, replicas: number, image: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace, labels: { app: name, tier: name === "web" ? "frontend" : "backend" } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image, ports: [{ containerPort: 8080 }] }] }
    }
  },
  status: { replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas }
})

const pod = (name: string, app: string, phase: string, node: string, ip: number) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels: { app } },
  spec: { nodeName: node, containers: [{ name: app, image: `example.com/shop/${app}:1.4.2` }] },
  status: phase === "Pending" ? { phase } : { phase, podIP: `10.244.${node === "node-a" ? 1 : 2}.${ip}` }
})

const service = (name: string, port: number) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace, labels: { app: name } },
  spec: { selector: { app: name }, ports: [{ name: "http", port, targetPort: 8080 }], type: "ClusterIP" }
})

/** The CustomResourceDefinition of `crontabs.stable.example.com` (the Kubernetes documentation's example). */
export const cronTabCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "crontabs.stable.example.com" },
  spec: {
    group: "stable.example.com",
    scope: "Namespaced",
    names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: {
              type: "object",
              properties: {
                cronSpec: { type: "string" },
                image: { type: "string" },
                suspend: { type: "boolean" },
                timeZone: { type: "string" }
              }
            },
            status: { type: "object", properties: { lastScheduleTime: { type: "string" } } }
          }
        }
      }
    }]
  }
}

const cronTab = (name: string, cronSpec: string, image: string, suspend: boolean) => ({
  apiVersion: "stable.example.com/v1",
  kind: "CronTab",
  metadata: { name, namespace, labels: { team: "ops" } },
  spec: { cronSpec, image, suspend }
})

/** The objects the demo seeds; examples seed these too unless they need something of their own. */
export const shop: ReadonlyArray<unknown> = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
  deployment("web", 3, "example.com/shop/web:1.4.2"),
  deployment("api", 2, "example.com/shop/api:1.4.2"),
  deployment("worker", 1, "example.com/shop/worker:1.4.2"),
  pod("web-7d9f8-2xkqp", "web", "Running", "node-a", 13),
  pod("web-7d9f8-8mzt4", "web", "Running", "node-b", 16),
  pod("web-7d9f8-qq5rn", "web", "Pending", "", 19),
  pod("api-5c6b7-hd2lw", "api", "Running", "node-a", 22),
  pod("api-5c6b7-p9x7c", "api", "Running", "node-b", 25),
  pod("worker-84f6d-vb3sx", "worker", "Running", "node-a", 28),
  pod("db-migrate-1-zt8kd", "db-migrate", "Succeeded", "node-b", 31),
  service("web", 80),
  service("api", 8080),
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "shop-config", namespace },
    data: { currency: "EUR", "feature.checkout-v2": "true" }
  },
  cronTabCrd,
  cronTab("nightly-report", "0 2 * * *", "example.com/shop/report:2.0", false),
  cronTab("cache-warmup", "*/15 * * * *", "example.com/shop/warmup:1.1", false),
  cronTab("legacy-export", "0 4 * * 0", "example.com/shop/export:0.9", true)
]
