import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { placeDefinitions } from "../scripts/generator/naming.js"
import { readSpec, skipWithoutSpec } from "../scripts/specPath.js"
import * as apiextensionsV1 from "../src/generated/apiextensions/v1.js"
import * as appsV1 from "../src/generated/apps/v1.js"
import * as batchV1 from "../src/generated/batch/v1.js"
import * as coreV1 from "../src/generated/core/v1.js"
import * as networkingV1 from "../src/generated/networking/v1.js"
import { resources } from "../src/generated/resources.js"
import type { ResourceDef } from "../src/Resource.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const spec = readSpec<{
  definitions: Record<string, { "x-kubernetes-group-version-kind"?: Array<{ kind: string }> }>
}>({ definitions: {} })

const placements = placeDefinitions(Object.keys(spec.definitions))
const moduleOf = (name: string): string => placements.get(name)!.module
const identOf = (name: string): string => placements.get(name)!.ident

const loadModules = async (): Promise<Map<string, Record<string, unknown>>> => {
  const modules = new Map<string, Record<string, unknown>>()
  for (const name of Object.keys(spec.definitions)) {
    const m = moduleOf(name)
    if (!modules.has(m)) {
      modules.set(m, (await import(Path.join(root, "src/generated", `${m}.ts`))) as Record<string, unknown>)
    }
  }
  return modules
}

const roundTrip = <A>(schema: Schema.Schema<A>, input: unknown) =>
  Effect.gen(function*() {
    const decoded = yield* Schema.decodeUnknown(schema)(input)
    const encoded = yield* Schema.encode(schema)(decoded)
    expect(encoded).toStrictEqual(input)
    // Re-encoding a decoded value is stable too (nothing injected, nothing dropped).
    expect(yield* Schema.encode(schema)(yield* Schema.decodeUnknown(schema)(encoded))).toStrictEqual(input)
    return decoded
  })

const managedFields = [{
  manager: "kubectl-client-side-apply",
  operation: "Update",
  apiVersion: "v1",
  time: "2026-01-10T08:00:00Z",
  fieldsType: "FieldsV1",
  fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } }
}]

const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: "default",
  uid: "0b6e3c1e-6c1b-4a43-9a55-1d8cfb1e1f4a",
  resourceVersion: "48213",
  generation: 3,
  creationTimestamp: "2026-01-10T08:00:00Z",
  labels: { app: "web", "app.kubernetes.io/name": "web" },
  annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\"}\n" },
  managedFields,
  ...extra
})

const container = {
  name: "web",
  image: "nginx:1.27",
  imagePullPolicy: "IfNotPresent",
  command: ["nginx", "-g", "daemon off;"],
  ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
  env: [
    { name: "MODE", value: "prod" },
    { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
    { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password", optional: false } } }
  ],
  resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
  livenessProbe: {
    httpGet: { path: "/healthz", port: "http", scheme: "HTTP" },
    initialDelaySeconds: 5,
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3
  },
  readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
  volumeMounts: [{ name: "config", mountPath: "/etc/nginx/conf.d", readOnly: true }],
  securityContext: { runAsNonRoot: true, runAsUser: 101, capabilities: { drop: ["ALL"] } },
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File"
}

const podSpec = {
  containers: [container],
  initContainers: [{ name: "init", image: "busybox:1.36", command: ["sh", "-c", "true"], resources: {} }],
  volumes: [
    { name: "config", configMap: { name: "web-config", defaultMode: 420 } },
    { name: "data", persistentVolumeClaim: { claimName: "data" } },
    { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }
  ],
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 30,
  dnsPolicy: "ClusterFirst",
  serviceAccountName: "default",
  serviceAccount: "default",
  nodeSelector: { "kubernetes.io/os": "linux" },
  securityContext: { fsGroup: 2000 },
  schedulerName: "default-scheduler",
  tolerations: [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }
  ],
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { labelSelector: { matchLabels: { app: "web" } }, topologyKey: "kubernetes.io/hostname" }
      }]
    }
  },
  priority: 0,
  enableServiceLinks: true,
  preemptionPolicy: "PreemptLowerPriority"
}

const template = { metadata: { creationTimestamp: null, labels: { app: "web" } }, spec: podSpec }

const fixtures: ReadonlyArray<readonly [string, Schema.Schema<any>, unknown]> = [
  ["Pod", coreV1.Pod, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: meta("web-7d4b9c-x2x9z", {
      generateName: "web-7d4b9c-",
      ownerReferences: [{
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "web-7d4b9c",
        uid: "5c1e1f4a-0b6e-4a43-9a55-1d8cfb1e3c1e",
        controller: true,
        blockOwnerDeletion: true
      }]
    }),
    spec: { ...podSpec, nodeName: "node-1" },
    status: {
      phase: "Running",
      conditions: [
        { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-10T08:00:05Z" },
        { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-10T08:00:00Z" }
      ],
      hostIP: "10.0.0.4",
      hostIPs: [{ ip: "10.0.0.4" }],
      podIP: "10.244.1.7",
      podIPs: [{ ip: "10.244.1.7" }, { ip: "fd00::7" }],
      startTime: "2026-01-10T08:00:00Z",
      containerStatuses: [{
        name: "web",
        state: { running: { startedAt: "2026-01-10T08:00:03Z" } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: "docker.io/library/nginx:1.27",
        imageID: "docker.io/library/nginx@sha256:abc",
        containerID: "containerd://abc",
        started: true
      }],
      qosClass: "Burstable"
    }
  }],
  ["Deployment", appsV1.Deployment, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta("web", { annotations: { "deployment.kubernetes.io/revision": "3" } }),
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600
    },
    status: {
      observedGeneration: 3,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [{
        type: "Available",
        status: "True",
        lastUpdateTime: "2026-01-10T08:01:00Z",
        lastTransitionTime: "2026-01-10T08:01:00Z",
        reason: "MinimumReplicasAvailable",
        message: "Deployment has minimum availability."
      }]
    }
  }],
  ["Service", coreV1.Service, {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("web"),
    spec: {
      type: "LoadBalancer",
      selector: { app: "web" },
      ports: [
        { name: "http", protocol: "TCP", port: 80, targetPort: "http", nodePort: 30080 },
        { name: "metrics", protocol: "TCP", port: 9090, targetPort: 9090, nodePort: 30090 }
      ],
      clusterIP: "10.96.12.34",
      clusterIPs: ["10.96.12.34"],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      sessionAffinity: "None",
      externalTrafficPolicy: "Cluster",
      internalTrafficPolicy: "Cluster",
      allocateLoadBalancerNodePorts: true
    },
    status: { loadBalancer: { ingress: [{ ip: "203.0.113.10", ipMode: "VIP" }] } }
  }],
  ["ConfigMap", coreV1.ConfigMap, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta("web-config"),
    data: { "nginx.conf": "server { listen 80; }\n", mode: "prod" },
    binaryData: { "logo.png": "iVBORw0KGgo=" },
    immutable: false
  }],
  ["Secret", coreV1.Secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta("db"),
    type: "Opaque",
    data: { password: "c2VjcmV0", username: "YWRtaW4=" }
  }],
  ["Node", coreV1.Node, {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: "node-1",
      uid: "9a551d8c-fb1e-4a43-0b6e-3c1e6c1b1f4a",
      resourceVersion: "50001",
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: { "kubernetes.io/hostname": "node-1", "node-role.kubernetes.io/control-plane": "" }
    },
    spec: {
      podCIDR: "10.244.1.0/24",
      podCIDRs: ["10.244.1.0/24"],
      providerID: "kind://docker/kind/node-1",
      taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]
    },
    status: {
      capacity: { cpu: "8", memory: "16318588Ki", pods: "110", "ephemeral-storage": "102626232Ki" },
      allocatable: { cpu: "8", memory: "16216188Ki", pods: "110" },
      conditions: [{
        type: "Ready",
        status: "True",
        lastHeartbeatTime: "2026-01-10T08:00:00Z",
        lastTransitionTime: "2026-01-01T00:00:30Z",
        reason: "KubeletReady",
        message: "kubelet is posting ready status"
      }],
      addresses: [{ type: "InternalIP", address: "172.18.0.2" }, { type: "Hostname", address: "node-1" }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: "m",
        systemUUID: "s",
        bootID: "b",
        kernelVersion: "6.8.0",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        containerRuntimeVersion: "containerd://2.1.0",
        kubeletVersion: "v1.36.0",
        kubeProxyVersion: "",
        operatingSystem: "linux",
        architecture: "amd64"
      },
      images: [{ names: ["docker.io/library/nginx:1.27"], sizeBytes: 72000000 }]
    }
  }],
  ["Job", batchV1.Job, {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta("migrate"),
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      ttlSecondsAfterFinished: 100,
      podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "abc" } },
      manualSelector: false,
      template: { ...template, spec: { ...podSpec, restartPolicy: "Never" } }
    },
    status: {
      startTime: "2026-01-10T08:00:00Z",
      completionTime: "2026-01-10T08:00:30Z",
      succeeded: 1,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      conditions: [{
        type: "Complete",
        status: "True",
        lastProbeTime: "2026-01-10T08:00:30Z",
        lastTransitionTime: "2026-01-10T08:00:30Z"
      }]
    }
  }],
  ["CronJob", batchV1.CronJob, {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta("nightly"),
    spec: {
      schedule: "0 3 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { creationTimestamp: null }, spec: { template } }
    },
    status: { lastScheduleTime: "2026-01-10T03:00:00Z", lastSuccessfulTime: "2026-01-10T03:00:41Z" }
  }],
  ["StatefulSet", appsV1.StatefulSet, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta("db"),
    spec: {
      serviceName: "db",
      replicas: 3,
      selector: { matchLabels: { app: "db" } },
      template,
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      volumeClaimTemplates: [{
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data", creationTimestamp: null },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: "10Gi" } },
          storageClassName: "standard",
          volumeMode: "Filesystem"
        },
        status: { phase: "Pending" }
      }],
      revisionHistoryLimit: 10
    },
    status: {
      observedGeneration: 3,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: "db-5d8f",
      updateRevision: "db-5d8f",
      collisionCount: 0,
      availableReplicas: 3
    }
  }],
  ["Ingress", networkingV1.Ingress, {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta("web"),
    spec: {
      ingressClassName: "nginx",
      tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }],
      rules: [{
        host: "web.example.com",
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } },
            { path: "/api", pathType: "Exact", backend: { service: { name: "api", port: { number: 8080 } } } }
          ]
        }
      }]
    },
    status: { loadBalancer: { ingress: [{ hostname: "lb.example.com", ports: [{ port: 443, protocol: "TCP" }] }] } }
  }],
  ["CustomResourceDefinition", apiextensionsV1.CustomResourceDefinition, {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "crontabs.stable.example.com", creationTimestamp: "2026-01-10T08:00:00Z", generation: 1 },
    spec: {
      group: "stable.example.com",
      scope: "Namespaced",
      names: { kind: "CronTab", listKind: "CronTabList", plural: "crontabs", singular: "crontab", shortNames: ["ct"] },
      conversion: { strategy: "None" },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" }
        },
        additionalPrinterColumns: [{ name: "Spec", type: "string", jsonPath: ".spec.cronSpec" }],
        schema: {
          openAPIV3Schema: {
            type: "object",
            required: ["spec"],
            properties: {
              spec: {
                type: "object",
                properties: {
                  cronSpec: { type: "string", pattern: "^\\d+$" },
                  replicas: { type: "integer", minimum: 1, maximum: 10, default: 1 },
                  port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
                  config: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  items: { type: "array", items: { type: "string" } },
                  flag: { type: "boolean", default: false },
                  mode: { type: "string", enum: ["A", "B", null], nullable: true }
                }
              },
              status: { type: "object", additionalProperties: { type: "string" } }
            },
            "x-kubernetes-validations": [{ rule: "self.spec.replicas <= 10", message: "too many" }]
          }
        }
      }]
    },
    status: {
      acceptedNames: { kind: "CronTab", plural: "crontabs", listKind: "CronTabList", singular: "crontab" },
      conditions: [{
        type: "Established",
        status: "True",
        lastTransitionTime: "2026-01-10T08:00:01Z",
        reason: "InitialNamesAccepted",
        message: "the initial names have been accepted"
      }],
      storedVersions: ["v1"]
    }
  }]
]

describe("generated schemas", () => {
  for (const [kind, schema, input] of fixtures) {
    it.effect(`${kind} decodes and re-encodes without loss`, () => roundTrip(schema, input))
  }

  it.effect("unknown fields survive decode and encode at several depths", () =>
    Effect.gen(function*() {
      const input = {
        apiVersion: "v1",
        kind: "Pod",
        futureTopLevel: { nested: [1, 2, { x: true }] },
        metadata: {
          name: "p",
          futureMeta: "m",
          ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "u", futureRef: 1 }]
        },
        spec: {
          futureSpec: null,
          containers: [{
            name: "c",
            futureContainer: { a: "b" },
            ports: [{ containerPort: 80, futurePort: "p" }],
            env: [{ name: "E", valueFrom: { fieldRef: { fieldPath: "x", futureDeep: [] } } }]
          }]
        },
        status: { futureStatus: 7 }
      }
      const decoded = yield* roundTrip(coreV1.Pod, input)
      expect((decoded as unknown as { futureTopLevel: unknown }).futureTopLevel).toStrictEqual(input.futureTopLevel)
    }))

  it("keeps special types faithful: IntOrString, Quantity, Time, RawExtension", () => {
    const decode = Schema.decodeUnknownEither(appsV1.Deployment)
    const ok = decode({
      spec: {
        selector: {},
        template: {},
        strategy: { rollingUpdate: { maxSurge: 2, maxUnavailable: "10%" } }
      },
      metadata: { creationTimestamp: null }
    })
    expect(Either.isRight(ok)).toBe(true)
    // Quantities are strings on the wire; a number is rejected rather than silently changed.
    expect(Either.isLeft(Schema.decodeUnknownEither(coreV1.ResourceRequirements)({ limits: { cpu: 1 } }))).toBe(true)
    // Time stays the exact string the server sent.
    const time = "2026-01-10T08:00:00.123456Z"
    const ev = Schema.decodeUnknownSync(coreV1.Event)({ metadata: {}, involvedObject: {}, eventTime: time })
    expect(ev.eventTime).toBe(time)
    // RawExtension holds any JSON.
    const rev = Schema.decodeUnknownSync(appsV1.ControllerRevision)({ revision: 1, data: { spec: { a: [1] } } })
    expect(rev.data).toStrictEqual({ spec: { a: [1] } })
    // Recursive JSONSchemaProps decodes nested levels.
    const props = Schema.decodeUnknownSync(apiextensionsV1.JSONSchemaProps)({
      type: "object",
      properties: { a: { type: "object", properties: { b: { type: "array", items: { type: "string" } } } } }
    })
    expect(props.properties?.["a"]?.properties?.["b"]?.type).toBe("array")
  })

  it("rejects wrong types with the path in the error", () => {
    const result = Schema.decodeUnknownEither(coreV1.Pod)({
      spec: { containers: [{ name: "c", ports: [{ containerPort: "80" }] }] }
    })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(result.left)
      expect(issues[0]!.path).toStrictEqual(["spec", "containers", 0, "ports", 0, "containerPort"])
    }
    // Required fields are required.
    expect(Either.isLeft(Schema.decodeUnknownEither(coreV1.Container)({ image: "x" }))).toBe(true)
  })

  it.skipIf(skipWithoutSpec)(
    "has a schema for every definition and a ResourceDef for every served resource",
    async () => {
      const modules = await loadModules()
      const names = Object.keys(spec.definitions)
      let schemas = 0
      for (const name of names) {
        const exported = modules.get(moduleOf(name))![identOf(name)]
        expect(Schema.isSchema(exported), name).toBe(true)
        schemas++
      }
      expect(schemas).toBe(names.length)
      const kinds = names.filter((n) => (spec.definitions[n]!["x-kubernetes-group-version-kind"] ?? []).length > 0)
      expect(kinds.length).toBeGreaterThan(150)

      let defs = 0
      for (const info of resources) {
        const module = modules.get(moduleOf(info.definition!))!
        const def = module[`${info.kind}Resource`] as ResourceDef<unknown> | undefined
        expect(def, `${info.group}/${info.version}/${info.plural}`).toBeDefined()
        const { schema, ...rest } = def!
        expect(rest).toStrictEqual(info)
        expect(schema).toBe(module[info.kind])
        defs++
      }
      expect(defs).toBe(resources.length)
      expect(resources.length).toBeGreaterThan(90)
      // Every list kind of a served resource has a schema too.
      for (const info of resources) {
        const module = modules.get(moduleOf(info.definition!))!
        if (info.verbs.includes("list")) expect(Schema.isSchema(module[info.listKind]), info.listKind).toBe(true)
      }
    }
  )
})
