import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { patchMeta } from "../src/generated/patchMeta.js"
import { apply, recordUpdate } from "../src/internal/patch/serverSideApply.js"
import { isKnownDefinition, strategicMergePatch } from "../src/internal/patch/strategicMerge.js"

// The engines against the table generated from the Kubernetes 1.36 OpenAPI spec.
const D = "io.k8s.api.apps.v1.Deployment"
const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" }, finalizers: ["a"] },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [{
          name: "web",
          image: "nginx:1",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          env: [{ name: "A", value: "1" }, { name: "B", value: "2" }]
        }],
        volumes: [{ name: "data", emptyDir: {} }]
      }
    }
  }
}

describe("patch engines with the generated 1.36 table", () => {
  it("knows built-in kinds and not custom ones", () => {
    expect(isKnownDefinition(patchMeta, D)).toBe(true)
    expect(isKnownDefinition(patchMeta, "io.k8s.api.core.v1.Pod")).toBe(true)
    expect(isKnownDefinition(patchMeta, "com.example.v1.Widget")).toBe(false)
  })

  it("applies a kubectl-style strategic merge patch to a Deployment", () => {
    const result = strategicMergePatch(deployment, {
      metadata: { finalizers: ["b"] },
      spec: {
        strategy: { $retainKeys: ["type"], type: "Recreate" },
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
            containers: [
              {
                name: "web",
                "$setElementOrder/env": [{ name: "A" }, { name: "C" }],
                env: [{ name: "B", $patch: "delete" }, { name: "C", value: "3" }],
                ports: [{ containerPort: 443 }]
              },
              { name: "sidecar", image: "envoy" }
            ],
            volumes: [{ name: "data", $retainKeys: ["name", "configMap"], configMap: { name: "cfg" } }]
          }
        }
      }
    }, { meta: patchMeta, rootDefinition: D })
    expect(result).toEqual(Either.right({
      ...deployment,
      metadata: { name: "web", labels: { app: "web" }, finalizers: ["b", "a"] },
      spec: {
        ...deployment.spec,
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "web",
                image: "nginx:1",
                ports: [{ containerPort: 443 }, { containerPort: 80, protocol: "TCP" }],
                env: [{ name: "A", value: "1" }, { name: "C", value: "3" }]
              },
              { name: "sidecar", image: "envoy" }
            ],
            volumes: [{ name: "data", configMap: { name: "cfg" } }]
          }
        }
      }
    }))
  })

  it("records a create and meets a conflict on apply, keyed by the spec's list-map keys", () => {
    const created = recordUpdate({
      before: undefined,
      after: deployment,
      manager: "kubectl-create",
      rootDefinition: D,
      meta: patchMeta,
      time: "2024-05-01T10:00:00Z"
    })
    const fields = created.managedFields[0]!.fieldsV1
    expect(fields).toHaveProperty([
      "f:spec",
      "f:template",
      "f:spec",
      "f:containers",
      "k:{\"name\":\"web\"}",
      "f:ports",
      "k:{\"containerPort\":80,\"protocol\":\"TCP\"}",
      "f:containerPort"
    ])
    // LabelSelector is atomic in the spec: the whole selector is one leaf
    expect(fields).toHaveProperty(["f:spec", "f:selector"], {})
    expect(fields).toHaveProperty(["f:metadata", "f:finalizers", "v:\"a\""], {})

    const r = apply({
      live: created.object,
      applied: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: { template: { spec: { containers: [{ name: "web", image: "nginx:2" }] } } }
      },
      manager: "deployer",
      rootDefinition: D,
      meta: patchMeta,
      time: "2024-05-01T11:00:00Z"
    })
    expect(Either.isLeft(r) && r.left.message).toBe(
      `Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.template.spec.containers[name="web"].image`
    )
  })
})
