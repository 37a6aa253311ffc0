/**
 * The defaults the real apiserver fills into built-in objects on every write (create, update, patch, apply), so
 * clients that read them back (describe, diff, rollout logic, assertions) see what a cluster shows. Values are the
 * documented defaults of the Kubernetes API; kinds without server-side defaults (Lease, Event, ConfigMap) are left
 * as they are. Objects are copied, never mutated.
 */
import type { Served } from "./registry.js"
import type { Obj } from "./types.js"
import { isObj } from "./types.js"

const orDefault = (o: Obj, key: string, value: unknown) => {
  if (o[key] === undefined || o[key] === null) o[key] = value
}

const obj = (u: unknown): Obj => (isObj(u) ? { ...u } : {})

const mapList = (list: unknown, f: (item: Obj) => Obj): unknown =>
  Array.isArray(list) ? list.map((i) => (isObj(i) ? f({ ...i }) : i)) : list

/** Always for `:latest` or an untagged image, IfNotPresent otherwise (digests included). */
const pullPolicy = (image: unknown): string => {
  if (typeof image !== "string") return "IfNotPresent"
  if (image.includes("@")) return "IfNotPresent"
  const lastSlash = image.lastIndexOf("/")
  const tagAt = image.indexOf(":", lastSlash + 1)
  return tagAt < 0 || image.slice(tagAt + 1) === "latest" ? "Always" : "IfNotPresent"
}

const probe = (p: unknown): unknown => {
  if (!isObj(p)) return p
  const out = { ...p }
  orDefault(out, "timeoutSeconds", 1)
  orDefault(out, "periodSeconds", 10)
  orDefault(out, "successThreshold", 1)
  orDefault(out, "failureThreshold", 3)
  if (isObj(out.httpGet)) out.httpGet = { scheme: "HTTP", ...out.httpGet }
  return out
}

const container = (c: Obj): Obj => {
  orDefault(c, "imagePullPolicy", pullPolicy(c.image))
  orDefault(c, "terminationMessagePath", "/dev/termination-log")
  orDefault(c, "terminationMessagePolicy", "File")
  orDefault(c, "resources", {})
  c.ports = mapList(c.ports, (p) => ({ protocol: "TCP", ...p }))
  if (c.ports === undefined) delete c.ports
  for (const k of ["livenessProbe", "readinessProbe", "startupProbe"]) if (c[k] !== undefined) c[k] = probe(c[k])
  if (Array.isArray(c.env)) {
    c.env = mapList(c.env, (e) =>
      isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)
        ? { ...e, valueFrom: { ...e.valueFrom, fieldRef: { apiVersion: "v1", ...e.valueFrom.fieldRef } } }
        : e)
  }
  return c
}

const volume = (v: Obj): Obj => {
  for (const source of ["secret", "configMap", "downwardAPI", "projected"]) {
    if (isObj(v[source])) v[source] = { defaultMode: 420, ...v[source] }
  }
  return v
}

/** PodSpec defaults; `pod` adds what admission fills in for a Pod (service account, priority, tolerations). */
export const podSpec = (input: unknown, pod = false): Obj => {
  const s = obj(input)
  orDefault(s, "restartPolicy", "Always")
  orDefault(s, "dnsPolicy", "ClusterFirst")
  orDefault(s, "terminationGracePeriodSeconds", 30)
  orDefault(s, "securityContext", {})
  orDefault(s, "schedulerName", "default-scheduler")
  orDefault(s, "enableServiceLinks", true)
  for (const k of ["containers", "initContainers"]) {
    if (s[k] !== undefined) s[k] = mapList(s[k], container)
  }
  if (s.volumes !== undefined) s.volumes = mapList(s.volumes, volume)
  if (pod) {
    orDefault(s, "serviceAccountName", s.serviceAccount ?? "default")
    orDefault(s, "serviceAccount", s.serviceAccountName)
    orDefault(s, "priority", 0)
    orDefault(s, "preemptionPolicy", "PreemptLowerPriority")
    const tolerations = Array.isArray(s.tolerations) ? [...s.tolerations] : []
    for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
      if (!tolerations.some((t: Obj) => t.key === key && (t.effect === "NoExecute" || t.effect === undefined))) {
        tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 })
      }
    }
    s.tolerations = tolerations
  }
  return s
}

const template = (t: unknown): unknown => {
  if (!isObj(t)) return t
  return { ...t, spec: podSpec(t.spec) }
}

const pvcSpec = (input: unknown): Obj => {
  const s = obj(input)
  orDefault(s, "volumeMode", "Filesystem")
  return s
}

const defaulters: Record<string, (o: Obj) => Obj> = {
  "/pods": (o) => ({ ...o, spec: podSpec(o.spec, true) }),
  "/podtemplates": (o) => ({ ...o, template: template(o.template) }),
  "/replicationcontrollers": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "replicas", 1)
    const labels = isObj(spec.template) ? spec.template.metadata?.labels : undefined
    if (spec.selector === undefined && isObj(labels)) spec.selector = labels
    spec.template = template(spec.template)
    return { ...o, spec }
  },
  "apps/deployments": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "replicas", 1)
    const strategy = obj(spec.strategy)
    orDefault(strategy, "type", "RollingUpdate")
    if (strategy.type === "RollingUpdate") {
      strategy.rollingUpdate = { maxUnavailable: "25%", maxSurge: "25%", ...obj(strategy.rollingUpdate) }
    }
    spec.strategy = strategy
    orDefault(spec, "revisionHistoryLimit", 10)
    orDefault(spec, "progressDeadlineSeconds", 600)
    spec.template = template(spec.template)
    return { ...o, spec }
  },
  "apps/replicasets": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "replicas", 1)
    spec.template = template(spec.template)
    return { ...o, spec }
  },
  "apps/statefulsets": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "replicas", 1)
    orDefault(spec, "podManagementPolicy", "OrderedReady")
    const strategy = obj(spec.updateStrategy)
    orDefault(strategy, "type", "RollingUpdate")
    if (strategy.type === "RollingUpdate") strategy.rollingUpdate = { partition: 0, ...obj(strategy.rollingUpdate) }
    spec.updateStrategy = strategy
    orDefault(spec, "revisionHistoryLimit", 10)
    spec.persistentVolumeClaimRetentionPolicy = {
      whenDeleted: "Retain",
      whenScaled: "Retain",
      ...obj(spec.persistentVolumeClaimRetentionPolicy)
    }
    if (Array.isArray(spec.volumeClaimTemplates)) {
      spec.volumeClaimTemplates = mapList(spec.volumeClaimTemplates, (pvc) => ({
        ...pvc,
        spec: pvcSpec(pvc.spec),
        status: { phase: "Pending", ...obj(pvc.status) }
      }))
    }
    spec.template = template(spec.template)
    return { ...o, spec }
  },
  "apps/daemonsets": (o) => {
    const spec = obj(o.spec)
    const strategy = obj(spec.updateStrategy)
    orDefault(strategy, "type", "RollingUpdate")
    if (strategy.type === "RollingUpdate") {
      strategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...obj(strategy.rollingUpdate) }
    }
    spec.updateStrategy = strategy
    orDefault(spec, "revisionHistoryLimit", 10)
    spec.template = template(spec.template)
    return { ...o, spec }
  },
  "batch/jobs": (o) => {
    const spec = obj(o.spec)
    if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1
    orDefault(spec, "parallelism", 1)
    orDefault(spec, "backoffLimit", spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6)
    orDefault(spec, "completionMode", "NonIndexed")
    orDefault(spec, "suspend", false)
    orDefault(spec, "podReplacementPolicy", spec.podFailurePolicy !== undefined ? "Failed" : "TerminatingOrFailed")
    orDefault(spec, "manualSelector", undefined)
    if (spec.manualSelector === undefined) delete spec.manualSelector
    spec.template = template(spec.template)
    return { ...o, spec }
  },
  "batch/cronjobs": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "concurrencyPolicy", "Allow")
    orDefault(spec, "suspend", false)
    orDefault(spec, "successfulJobsHistoryLimit", 3)
    orDefault(spec, "failedJobsHistoryLimit", 1)
    if (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec)) {
      spec.jobTemplate = {
        ...spec.jobTemplate,
        spec: { ...spec.jobTemplate.spec, template: template(spec.jobTemplate.spec.template) }
      }
    }
    return { ...o, spec }
  },
  "/services": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "type", "ClusterIP")
    orDefault(spec, "sessionAffinity", "None")
    if (spec.type !== "ExternalName") {
      orDefault(spec, "ipFamilies", ["IPv4"])
      orDefault(spec, "ipFamilyPolicy", "SingleStack")
      orDefault(spec, "internalTrafficPolicy", "Cluster")
    }
    if (spec.type === "NodePort" || spec.type === "LoadBalancer") orDefault(spec, "externalTrafficPolicy", "Cluster")
    if (spec.type === "LoadBalancer") orDefault(spec, "allocateLoadBalancerNodePorts", true)
    spec.ports = mapList(spec.ports, (p) => {
      const port: Obj = { protocol: "TCP", ...p }
      if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === "") port.targetPort = port.port
      return port
    })
    if (spec.ports === undefined) delete spec.ports
    return { ...o, spec, status: { loadBalancer: {}, ...obj(o.status) } }
  },
  "/secrets": (o) => ({ ...o, type: o.type === undefined || o.type === "" ? "Opaque" : o.type }),
  "/persistentvolumeclaims": (o) => ({ ...o, spec: pvcSpec(o.spec) }),
  "/persistentvolumes": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "persistentVolumeReclaimPolicy", "Retain")
    orDefault(spec, "volumeMode", "Filesystem")
    return { ...o, spec }
  },
  "networking.k8s.io/networkpolicies": (o) => {
    const spec = obj(o.spec)
    if (spec.policyTypes === undefined || (Array.isArray(spec.policyTypes) && spec.policyTypes.length === 0)) {
      spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"]
    }
    const ports = (rule: Obj) => ({ ...rule, ports: mapList(rule.ports, (p) => ({ protocol: "TCP", ...p })) })
    for (const k of ["ingress", "egress"]) {
      if (Array.isArray(spec[k])) {
        spec[k] = mapList(spec[k], (rule) => (Array.isArray(rule.ports) ? ports(rule) : rule))
      }
    }
    return { ...o, spec }
  },
  "autoscaling/horizontalpodautoscalers": (o) => {
    const spec = obj(o.spec)
    orDefault(spec, "minReplicas", 1)
    if (String(o.apiVersion) === "autoscaling/v2") {
      if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
        spec.metrics = [{
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } }
        }]
      }
      if (isObj(spec.behavior)) {
        const up = obj(spec.behavior.scaleUp)
        orDefault(up, "stabilizationWindowSeconds", 0)
        orDefault(up, "selectPolicy", "Max")
        orDefault(up, "policies", [
          { type: "Pods", value: 4, periodSeconds: 15 },
          { type: "Percent", value: 100, periodSeconds: 15 }
        ])
        const down = obj(spec.behavior.scaleDown)
        orDefault(down, "stabilizationWindowSeconds", 300)
        orDefault(down, "selectPolicy", "Max")
        orDefault(down, "policies", [{ type: "Percent", value: 100, periodSeconds: 15 }])
        spec.behavior = { ...spec.behavior, scaleUp: up, scaleDown: down }
      }
    }
    return { ...o, spec }
  }
}

/** The object with the apiserver's defaults for its kind filled in (custom resources: unchanged). */
export const withDefaults = (served: Served, o: Obj): Obj => {
  if (served.custom) return o
  const f = defaulters[served.storageKey]
  return f === undefined ? o : f(o)
}

/**
 * What a Job's registry strategy adds on create: a selector on the Job's uid and the matching template labels
 * (unless the user chose `manualSelector`).
 */
export const jobSelectorOnCreate = (o: Obj): Obj => {
  const spec = obj(o.spec)
  if (spec.manualSelector === true) return o
  const uid = String(o.metadata?.uid ?? "")
  const name = String(o.metadata?.name ?? "")
  const labels = {
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": name,
    "controller-uid": uid,
    "job-name": name
  }
  spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } }
  const t = obj(spec.template)
  t.metadata = { ...obj(t.metadata), labels: { ...obj(obj(t.metadata).labels), ...labels } }
  spec.template = t
  return { ...o, spec }
}

/**
 * Port lists are maps keyed by port and protocol, and protocol defaults to TCP. The apiserver defaults those key
 * fields in an applied configuration before merging it, so `{ containerPort: 80 }` applied again names the same
 * entry as the stored `{ containerPort: 80, protocol: "TCP" }` instead of adding a second one.
 */
export const withDefaultedListKeys = (o: Obj): Obj => defaultPortKeys(o, undefined) as Obj

const defaultPortKeys = (value: unknown, key: string | undefined): unknown => {
  if (Array.isArray(value)) {
    if (key !== "ports") return value.map((v) => defaultPortKeys(v, undefined))
    return value.map((item) =>
      isObj(item) && item.protocol === undefined && ("containerPort" in item || "port" in item)
        ? { ...item, protocol: "TCP" }
        : item
    )
  }
  if (!isObj(value)) return value
  const out: Obj = {}
  for (const [k, v] of Object.entries(value)) out[k] = defaultPortKeys(v, k)
  return out
}
