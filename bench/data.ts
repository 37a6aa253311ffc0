// Deterministic, realistic pods for the benchmark: what a Deployment's pods look like when read back from an
// apiserver (managedFields, ownerReferences, probes, projected service-account volume, five conditions), about 4 KB
// of JSON each. A seeded PRNG makes every run serve the same bytes.

/** mulberry32: tiny, fast and good enough to vary names, sizes and counts reproducibly. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const alphabet = "bcdfghjklmnpqrstvwxz2456789"

export const makePods = (namespace: string, count: number, seed: number): Array<Record<string, unknown>> => {
  const random = prng(seed)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(random() * xs.length)]!
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const word = (n: number) => Array.from({ length: n }, () => pick(alphabet.split(""))).join("")
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("")
  const uid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`
  const time = (base: number) => new Date(base + int(0, 86_400) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")
  const apps = ["checkout", "payments", "catalog", "search", "gateway", "ledger", "notifier", "inventory"]
  const images = ["nginx:1.27.3", "ghcr.io/acme/api:2.14.1", "redis:7.4.1", "envoyproxy/envoy:v1.31.2"]
  const base = Date.UTC(2025, 5, 1)
  const pods: Array<Record<string, unknown>> = []
  for (let i = 0; i < count; i++) {
    const app = pick(apps)
    const hash = word(10)
    const name = `${app}-${hash}-${word(5)}-${String(i).padStart(5, "0")}`
    const created = time(base)
    const started = time(base + 86_400_000)
    const node = `ip-10-${int(0, 255)}-${int(0, 255)}-${int(0, 255)}.eu-west-1.compute.internal`
    const podIP = `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`
    const hostIP = `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`
    const image = pick(images)
    const containers = [{
      name: app,
      image,
      command: ["/bin/server"],
      args: ["--port=8080", `--log-level=${pick(["info", "debug", "warn"])}`],
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }, {
        name: "metrics",
        containerPort: 9090,
        protocol: "TCP"
      }],
      env: [
        { name: "APP_NAME", value: app },
        { name: "REGION", value: "eu-west-1" },
        { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
        { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
        { name: "FEATURE_FLAGS", value: `flag-${word(6)},flag-${word(6)}` }
      ],
      resources: {
        limits: { cpu: `${int(1, 4)}`, memory: `${int(1, 8) * 256}Mi` },
        requests: { cpu: `${int(1, 9) * 100}m`, memory: `${int(1, 4) * 128}Mi` }
      },
      volumeMounts: [
        { name: "config", mountPath: "/etc/app", readOnly: true },
        {
          name: `kube-api-access-${word(5)}`,
          mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
          readOnly: true
        }
      ],
      livenessProbe: {
        httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
        initialDelaySeconds: 10,
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3
      },
      readinessProbe: {
        httpGet: { path: "/ready", port: "http", scheme: "HTTP" },
        timeoutSeconds: 1,
        periodSeconds: 5,
        successThreshold: 1,
        failureThreshold: 3
      },
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      imagePullPolicy: "IfNotPresent",
      securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false }
    }]
    const conditionTypes = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
    pods.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        generateName: `${app}-${hash}-`,
        namespace,
        uid: uid(),
        resourceVersion: String(100_000 + i),
        creationTimestamp: created,
        labels: { app, "pod-template-hash": hash, tier: pick(["frontend", "backend"]), version: `v${int(1, 9)}` },
        annotations: { "kubectl.kubernetes.io/restartedAt": created, "prometheus.io/scrape": "true" },
        ownerReferences: [{
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: `${app}-${hash}`,
          uid: uid(),
          controller: true,
          blockOwnerDeletion: true
        }],
        managedFields: [{
          manager: "kube-controller-manager",
          operation: "Update",
          apiVersion: "v1",
          time: created,
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:metadata": {
              "f:generateName": {},
              "f:labels": { ".": {}, "f:app": {}, "f:pod-template-hash": {} },
              "f:ownerReferences": { ".": {}, [`k:{"uid":"${uid()}"}`]: {} }
            },
            "f:spec": { "f:containers": { [`k:{"name":"${app}"}`]: { ".": {}, "f:image": {}, "f:name": {} } } }
          }
        }]
      },
      spec: {
        volumes: [
          { name: "config", configMap: { name: `${app}-config`, defaultMode: 420 } },
          {
            name: `kube-api-access-${word(5)}`,
            projected: {
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
                { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                {
                  downwardAPI: {
                    items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }]
                  }
                }
              ],
              defaultMode: 420
            }
          }
        ],
        containers,
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 30,
        dnsPolicy: "ClusterFirst",
        serviceAccountName: app,
        serviceAccount: app,
        nodeName: node,
        securityContext: { fsGroup: 10001 },
        schedulerName: "default-scheduler",
        tolerations: [
          { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
          { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }
        ],
        priority: 0,
        enableServiceLinks: true,
        preemptionPolicy: "PreemptLowerPriority"
      },
      status: {
        phase: "Running",
        conditions: conditionTypes.map((type) => ({
          type,
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: started
        })),
        hostIP,
        hostIPs: [{ ip: hostIP }],
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: started,
        containerStatuses: [{
          name: app,
          state: { running: { startedAt: started } },
          lastState: {},
          ready: true,
          restartCount: int(0, 3),
          image,
          imageID: `docker.io/library/${image.split(":")[0]}@sha256:${hex(64)}`,
          containerID: `containerd://${hex(64)}`,
          started: true
        }],
        qosClass: "Burstable"
      }
    })
  }
  return pods
}
