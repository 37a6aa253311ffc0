// The pure decisions of the simulated StatefulSet, DaemonSet and EndpointSlice controllers, on plain objects:
// which nodes run a daemon pod, the pod a node or an ordinal gets, and what a pod contributes to a slice.
import { describe, expect, it } from "@effect/vitest"
import { daemonPodFor, nodeShouldRun, targetNode } from "../src/internal/fakeApiServer/simulate/daemonSetPods.js"
import { endpointFor, portsFor, sliceLabels } from "../src/internal/fakeApiServer/simulate/endpointSlicePods.js"
import { simulatedNode } from "../src/internal/fakeApiServer/simulate/scheduling.js"
import { ordinalOf, podFor } from "../src/internal/fakeApiServer/simulate/statefulSetPods.js"

const node = (spec: object = {}, ready = true) => {
  const n = simulatedNode("n0", 0, "2026-01-01T00:00:00Z")
  return {
    ...n,
    spec: { ...n.spec, ...spec },
    status: {
      ...n.status,
      conditions: n.status.conditions.map((c: any) =>
        c.type === "Ready" ? { ...c, status: ready ? "True" : "False" } : c
      )
    }
  }
}

const ds = (podSpec: object = {}) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "agent", namespace: "kube-system", uid: "ds-uid" },
  spec: {
    template: {
      metadata: { labels: { app: "agent" } },
      spec: { containers: [{ name: "agent", image: "fluentd" }], ...podSpec }
    }
  }
})

describe("NodeShouldRunDaemonPod", () => {
  it("runs on fit nodes, keeps running under NoSchedule taints, leaves under NoExecute ones", () => {
    expect(nodeShouldRun(ds(), node())).toEqual({ run: true, stay: true })
    // A cordon is tolerated by every daemon pod.
    expect(nodeShouldRun(ds(), node({ unschedulable: true }))).toEqual({ run: true, stay: true })
    expect(nodeShouldRun(ds(), node({ taints: [{ key: "gpu", effect: "NoSchedule" }] }))).toEqual({
      run: false,
      stay: true
    })
    expect(nodeShouldRun(ds(), node({ taints: [{ key: "gpu", effect: "NoExecute" }] }))).toEqual({
      run: false,
      stay: false
    })
    const tolerant = ds({ tolerations: [{ operator: "Exists" }] })
    expect(nodeShouldRun(tolerant, node({ taints: [{ key: "gpu", effect: "NoExecute" }] }))).toEqual({
      run: true,
      stay: true
    })
    // A node that is not Ready carries the not-ready taint: no new pod, the running one stays.
    expect(nodeShouldRun(ds(), node({}, false))).toEqual({ run: false, stay: true })
    expect(nodeShouldRun(ds({ nodeSelector: { disk: "ssd" } }), node())).toEqual({ run: false, stay: false })
    expect(nodeShouldRun(ds({ nodeName: "other" }), node())).toEqual({ run: false, stay: false })
  })

  it("pins the pod to its node, replacing the template's required terms, and keeps user tolerations", () => {
    const template = ds({
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
      affinity: {
        podAntiAffinity: { x: 1 },
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }]
          }
        }
      }
    })
    const pod = daemonPodFor(template, "n7", "abc")
    expect(pod.metadata).toMatchObject({
      generateName: "agent-",
      namespace: "kube-system",
      labels: { app: "agent", "controller-revision-hash": "abc" }
    })
    expect(pod.spec.affinity).toEqual({
      podAntiAffinity: { x: 1 },
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n7"] }] }]
        }
      }
    })
    expect(pod.spec.tolerations.filter((t: any) => t.key === "node.kubernetes.io/unschedulable")).toHaveLength(1)
    expect(targetNode(pod)).toBe("n7")
    expect(targetNode({ spec: { nodeName: "n1", affinity: pod.spec.affinity } })).toBe("n1")
  })
})

describe("StatefulSet pods", () => {
  const set = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: "default", uid: "set-uid" },
    spec: {
      serviceName: "db",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } },
      volumeClaimTemplates: [{ metadata: { name: "data" } }],
      template: { spec: { volumes: [{ name: "data", emptyDir: {} }, { name: "tmp", emptyDir: {} }] } }
    }
  }
  const revision = (name: string, image: string) => ({
    metadata: { name },
    data: {
      spec: {
        template: {
          $patch: "replace",
          metadata: { labels: { app: "db" } },
          spec: { containers: [{ name: "db", image }], volumes: [{ name: "data", emptyDir: {} }] }
        }
      }
    }
  })

  it("builds ordinals below the partition from the current revision, the rest from the update revision", () => {
    const current = revision("db-old", "postgres:16")
    const update = revision("db-new", "postgres:17")
    const low = podFor(set, current, update, 1)
    const high = podFor(set, current, update, 2)
    expect(low.metadata.name).toBe("db-1")
    expect(low.spec.containers[0].image).toBe("postgres:16")
    expect(low.metadata.labels["controller-revision-hash"]).toBe("db-old")
    expect(high.spec.containers[0].image).toBe("postgres:17")
    expect(high.metadata.labels).toEqual({
      app: "db",
      "statefulset.kubernetes.io/pod-name": "db-2",
      "apps.kubernetes.io/pod-index": "2",
      "controller-revision-hash": "db-new"
    })
    // The claim replaces the template's volume of the same name.
    expect(high.spec.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "data-db-2" } }])
    expect(high.spec).toMatchObject({ hostname: "db-2", subdomain: "db" })
  })

  it("knows its pods by name", () => {
    expect(ordinalOf(set, { metadata: { name: "db-12" } })).toBe(12)
    expect(ordinalOf(set, { metadata: { name: "db-012" } })).toBe(-1)
    expect(ordinalOf(set, { metadata: { name: "db-x" } })).toBe(-1)
    expect(ordinalOf(set, { metadata: { name: "dbx-1" } })).toBe(-1)
  })
})

describe("EndpointSlice endpoints", () => {
  const svc = {
    metadata: { name: "web", namespace: "default", labels: { "kubernetes.io/service-name": "spoof", tier: "front" } },
    spec: {
      clusterIP: "None",
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: "dns" },
        { name: "web", port: 80, protocol: "TCP", targetPort: "http", appProtocol: "http" }
      ]
    }
  }
  const pod = {
    metadata: { name: "web-0", namespace: "default", uid: "p" },
    spec: {
      nodeName: "n0",
      hostname: "web-0",
      subdomain: "web",
      containers: [{ name: "c", ports: [{ name: "dns", containerPort: 5353, protocol: "TCP" }] }],
      initContainers: [{ name: "proxy", restartPolicy: "Always", ports: [{ name: "http", containerPort: 8080 }] }]
    },
    status: { phase: "Running", podIP: "10.0.0.1", conditions: [{ type: "Ready", status: "False" }] }
  }

  it("resolves named ports of the same protocol, sidecars included", () => {
    expect(portsFor(svc, pod)).toEqual([{ name: "web", port: 8080, protocol: "TCP", appProtocol: "http" }])
  })

  it("publishes not-ready addresses when the Service asks, sets the hostname of its subdomain's pods", () => {
    expect(endpointFor(svc, pod, node()).conditions).toEqual({ ready: false, serving: false, terminating: false })
    const publishing = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } }
    expect(endpointFor(publishing, pod, undefined)).toMatchObject({
      addresses: ["10.0.0.1"],
      conditions: { ready: true, serving: false, terminating: false },
      hostname: "web-0",
      nodeName: "n0"
    })
    expect(sliceLabels(svc)).toEqual({
      tier: "front",
      "service.kubernetes.io/headless": "",
      "kubernetes.io/service-name": "web",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"
    })
  })
})
