/**
 * Revision bookkeeping of Deployments and their ReplicaSets, as the deployment controller keeps it and
 * `kubectl rollout history/undo` reads it: `deployment.kubernetes.io/revision` (+ `revision-history` when an old
 * ReplicaSet comes back), the copied deployment annotations and the desired/max replicas annotations.
 */
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import { isObj } from "../types.js"
import { podTemplateHashLabel, withoutHashLabel } from "./podTemplateHash.js"

export const revisionAnnotation = "deployment.kubernetes.io/revision"
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"

/** Annotations that belong to the Deployment or the ReplicaSet itself and are never copied across. */
const notCopied = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  "deprecated.deployment.rollback.to"
])

const annotations = (o: Obj): Record<string, string> =>
  isObj(o.metadata?.annotations) ? o.metadata.annotations as Record<string, string> : {}

export const revisionOf = (o: Obj): number => {
  const n = Number(annotations(o)[revisionAnnotation] ?? 0)
  return Number.isInteger(n) && n > 0 ? n : 0
}

export const maxRevision = (rss: ReadonlyArray<Obj>): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0)

/**
 * Go compares decoded structs, where null, absent, empty and zero are one value for most fields (Semantic.DeepEqual
 * over non-pointer fields): a template that went through kubectl or protobuf (`creationTimestamp: null`,
 * `stdin: false`, `generation: 0`) is the same template.
 */
const semantic = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(semantic)
  if (!isObj(value)) return value === null || value === false || value === 0 || value === "" ? undefined : value
  const out: Obj = {}
  for (const [k, v] of Object.entries(value)) {
    const s = semantic(v)
    if (s !== undefined) out[k] = s
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/** `EqualIgnoreHash`: the templates are the same but for the pod-template-hash label. */
export const sameTemplate = (a: unknown, b: unknown): boolean =>
  deepEqual(semantic(withoutHashLabel(a)), semantic(withoutHashLabel(b)))

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template is the deployment's. */
export const findNewReplicaSet = (d: Obj, rss: ReadonlyArray<Obj>): Obj | undefined =>
  [...rss]
    .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)))
    .find((rs) => sameTemplate(rs.spec?.template, d.spec?.template))

/**
 * `SetNewReplicaSetAnnotations`: the ReplicaSet's annotations once it is (again) the new one, or undefined when
 * nothing changes. `created` adds the replicas annotations a new ReplicaSet starts with.
 */
export const newReplicaSetAnnotations = (
  d: Obj,
  rs: Obj,
  newRevision: number,
  replicas?: { readonly desired: number; readonly max: number } | undefined
): Record<string, string> | undefined => {
  const out = { ...annotations(rs) }
  let changed = false
  for (const [k, v] of Object.entries(annotations(d))) {
    if (notCopied.has(k) || out[k] === v) continue
    out[k] = v
    changed = true
  }
  const old = out[revisionAnnotation]
  const oldRevision = old === undefined ? 0 : Number(old)
  if (oldRevision < newRevision) {
    out[revisionAnnotation] = String(newRevision)
    changed = true
    // An old ReplicaSet brought back (rollback): keep the revisions it had.
    if (old !== undefined) {
      const history = out[revisionHistoryAnnotation]
      out[revisionHistoryAnnotation] = history === undefined || history === "" ? old : `${history},${old}`
    }
  }
  if (replicas !== undefined) {
    const withReplicas = replicasAnnotations(out, replicas.desired, replicas.max)
    if (withReplicas !== undefined) return withReplicas
  }
  return changed ? out : undefined
}

/** `SetReplicasAnnotations`: undefined when they already say so. */
export const replicasAnnotations = (
  current: Record<string, string>,
  desired: number,
  max: number
): Record<string, string> | undefined =>
  current[desiredReplicasAnnotation] === String(desired) && current[maxReplicasAnnotation] === String(max)
    ? undefined
    : { ...current, [desiredReplicasAnnotation]: String(desired), [maxReplicasAnnotation]: String(max) }

/** The ReplicaSet a Deployment creates for its current template (`getNewReplicaSet`). */
export const replicaSetFor = (d: Obj, hash: string, controllerRef: Obj): Obj => {
  const template: Obj = isObj(d.spec?.template) ? d.spec.template : {}
  const labels = { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash }
  const selector: Obj = isObj(d.spec?.selector) ? d.spec.selector : {}
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      ownerReferences: [controllerRef]
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: { ...selector, matchLabels: { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash } },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } }
    }
  }
}

/**
 * `cleanupDeployment`: old ReplicaSets beyond `revisionHistoryLimit`, oldest revision first; only those with no
 * replicas left may go.
 */
export const replicaSetsToCleanUp = (d: Obj, olds: ReadonlyArray<Obj>): ReadonlyArray<Obj> => {
  const limit = typeof d.spec?.revisionHistoryLimit === "number" ? d.spec.revisionHistoryLimit : 10
  const idle = olds.filter((rs) =>
    (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && rs.metadata?.deletionTimestamp === undefined
  )
  const excess = idle.length - limit
  if (excess <= 0) return []
  return [...idle].sort((a, b) =>
    revisionOf(a) - revisionOf(b) || String(a.metadata.creationTimestamp).localeCompare(
      String(b.metadata.creationTimestamp)
    )
  ).slice(0, excess)
}
