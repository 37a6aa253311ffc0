// The apiserver's defaults on built-in objects, as clients read them back after create and update.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { get, post, put } from "./fixtures/fake/client.js"

const ns = "/namespaces/default"
const template = (labels: Record<string, string>) => ({
  metadata: { labels },
  spec: {
    containers: [{
      name: "app",
      image: "nginx",
      ports: [{ containerPort: 80 }],
      readinessProbe: { httpGet: { path: "/", port: 80 } }
    }, { name: "side", image: "busybox:1.36" }],
    volumes: [{ name: "cfg", configMap: { name: "cfg" } }]
  }
})

const podSpecDefaults = {
  restartPolicy: "Always",
  dnsPolicy: "ClusterFirst",
  terminationGracePeriodSeconds: 30,
  securityContext: {},
  schedulerName: "default-scheduler",
  enableServiceLinks: true
}

describe("FakeApiServer defaults", () => {
  it.effect("Deployment and its pod template", () =>
    Effect.gen(function*() {
      const created = yield* post(`/apis/apps/v1${ns}/deployments`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: { selector: { matchLabels: { app: "web" } }, template: template({ app: "web" }) }
      })
      expect(created.status).toBe(201)
      const spec = created.json.spec
      expect(spec).toMatchObject({
        replicas: 1,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } }
      })
      expect(spec.template.spec).toMatchObject(podSpecDefaults)
      const [app, side] = spec.template.spec.containers
      expect(app).toMatchObject({
        imagePullPolicy: "Always",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        resources: {},
        ports: [{ containerPort: 80, protocol: "TCP" }],
        readinessProbe: {
          httpGet: { path: "/", port: 80, scheme: "HTTP" },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3
        }
      })
      expect(side.imagePullPolicy).toBe("IfNotPresent")
      expect(spec.template.spec.volumes[0].configMap.defaultMode).toBe(420)
      // An update that drops defaulted fields gets them again: no spurious generation bump.
      const again = yield* put(`/apis/apps/v1${ns}/deployments/web`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: { selector: { matchLabels: { app: "web" } }, template: template({ app: "web" }) }
      })
      expect(again.status).toBe(200)
      expect(again.json.metadata.generation).toBe(1)
      expect(again.json.spec.progressDeadlineSeconds).toBe(600)
      // Explicit values win.
      const recreate = yield* put(`/apis/apps/v1${ns}/deployments/web`, {
        ...again.json,
        spec: { ...again.json.spec, strategy: { type: "Recreate" }, replicas: 0 }
      })
      expect(recreate.json.spec.strategy).toStrictEqual({ type: "Recreate" })
      expect(recreate.json.spec.replicas).toBe(0)
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("Pod: admission adds service account, priority and tolerations", () =>
    Effect.gen(function*() {
      const pod = yield* post(`/api/v1${ns}/pods`, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "nginx:1.27" }] }
      })
      expect(pod.json.spec).toMatchObject({
        ...podSpecDefaults,
        serviceAccountName: "default",
        serviceAccount: "default",
        priority: 0,
        preemptionPolicy: "PreemptLowerPriority"
      })
      expect(pod.json.spec.tolerations).toStrictEqual([
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }
      ])
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("Service, Secret, PVC, NetworkPolicy, HPA", () =>
    Effect.gen(function*() {
      const svc = yield* post(`/api/v1${ns}/services`, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] }
      })
      expect(svc.json.spec).toMatchObject({
        type: "NodePort",
        sessionAffinity: "None",
        ipFamilies: ["IPv4"],
        ipFamilyPolicy: "SingleStack",
        internalTrafficPolicy: "Cluster",
        externalTrafficPolicy: "Cluster"
      })
      expect(svc.json.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/)
      expect(svc.json.spec.clusterIPs).toStrictEqual([svc.json.spec.clusterIP])
      expect(svc.json.spec.ports[0]).toMatchObject({ port: 80, targetPort: 80, protocol: "TCP" })
      expect(svc.json.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000)
      const other = yield* post(`/api/v1${ns}/services`, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "t" },
        spec: { ports: [{ port: 80 }] }
      })
      expect(other.json.spec.clusterIP).not.toBe(svc.json.spec.clusterIP)

      const secret = yield* post(`/api/v1${ns}/secrets`, { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } })
      expect(secret.json.type).toBe("Opaque")
      const pvc = yield* post(`/api/v1${ns}/persistentvolumeclaims`, {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }
      })
      expect(pvc.json.spec.volumeMode).toBe("Filesystem")
      const np = yield* post(`/apis/networking.k8s.io/v1${ns}/networkpolicies`, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "deny" },
        spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }
      })
      expect(np.json.spec.policyTypes).toStrictEqual(["Ingress", "Egress"])
      expect(np.json.spec.egress[0].ports[0].protocol).toBe("TCP")
      const hpa = yield* post(`/apis/autoscaling/v2${ns}/horizontalpodautoscalers`, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5 }
      })
      expect(hpa.json.spec.minReplicas).toBe(1)
      expect(hpa.json.spec.metrics).toStrictEqual([{
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } }
      }])
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("Job, CronJob, StatefulSet, DaemonSet", () =>
    Effect.gen(function*() {
      const job = yield* post(`/apis/batch/v1${ns}/jobs`, {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "j" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } }
      })
      const uid = job.json.metadata.uid
      expect(job.json.spec).toMatchObject({
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        completionMode: "NonIndexed",
        suspend: false,
        podReplacementPolicy: "TerminatingOrFailed",
        selector: { matchLabels: { "batch.kubernetes.io/controller-uid": uid } }
      })
      expect(job.json.spec.template.metadata.labels).toMatchObject({ "job-name": "j", "controller-uid": uid })
      expect(job.json.spec.template.spec.restartPolicy).toBe("Never")
      const cron = yield* post(`/apis/batch/v1${ns}/cronjobs`, {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "c" },
        spec: {
          schedule: "*/5 * * * *",
          jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }] } } } }
        }
      })
      expect(cron.json.spec).toMatchObject({
        concurrencyPolicy: "Allow",
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1
      })
      expect(cron.json.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe("ClusterFirst")
      const sts = yield* post(`/apis/apps/v1${ns}/statefulsets`, {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db" },
        spec: { selector: { matchLabels: { app: "db" } }, serviceName: "db", template: template({ app: "db" }) }
      })
      expect(sts.json.spec).toMatchObject({
        replicas: 1,
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" }
      })
      const ds = yield* post(`/apis/apps/v1${ns}/daemonsets`, {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "agent" },
        spec: { selector: { matchLabels: { app: "agent" } }, template: template({ app: "agent" }) }
      })
      expect(ds.json.spec.updateStrategy).toStrictEqual({
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 }
      })
      expect((yield* get(`/apis/apps/v1${ns}/daemonsets/agent`)).json.spec.revisionHistoryLimit).toBe(10)
    }).pipe(Effect.provide(FakeApiServer.layer())))
})
