/**
 * The pure side of the simulated daemonset controller: which nodes should run a daemon pod
 * (`NodeShouldRunDaemonPod`: node name, nodeSelector and required node affinity, taints against the pod's
 * tolerations), the pod a node gets (the daemon tolerations, pinned to the node by a `metadata.name` node
 * affinity, the revision labels), which pod on a node is the updated one, and the status counts.
 */
import type { Obj } from "../types.js"
import { isObj } from "../types.js"
import { revisionLabel } from "./controllerRevisions.js"
import { isAvailable, isReady, podFromTemplate } from "./podSets.js"
import { isNodeReady, matchesSelectorAndAffinity, tolerates } from "./scheduling.js"

export const templateGenerationLabel = "pod-template-generation"
export const templateGenerationAnnotation = "deprecated.daemonset.template.generation"

/** `AddOrUpdateDaemonPodTolerations`: daemon pods outlast node conditions and cordons. */
const daemonTolerations = (spec: Obj): Array<Obj> => {
  const out = [...((spec.tolerations ?? []) as Array<Obj>)]
  const add = (key: string, effect: string) => {
    if (!out.some((t) => t.key === key && t.effect === effect)) out.push({ key, operator: "Exists", effect })
  }
  add("node.kubernetes.io/not-ready", "NoExecute")
  add("node.kubernetes.io/unreachable", "NoExecute")
  add("node.kubernetes.io/disk-pressure", "NoSchedule")
  add("node.kubernetes.io/memory-pressure", "NoSchedule")
  add("node.kubernetes.io/pid-pressure", "NoSchedule")
  add("node.kubernetes.io/unschedulable", "NoSchedule")
  if (spec.hostNetwork === true) add("node.kubernetes.io/network-unavailable", "NoSchedule")
  return out
}

/**
 * A node's taints as the scheduler sees them: its own, plus the `not-ready` taint the node lifecycle controller
 * puts on a node that is not Ready (no such controller runs here, so it is derived from the condition).
 */
const taintsOf = (node: Obj): Array<Obj> => {
  const taints = [...((node.spec?.taints ?? []) as Array<Obj>)]
  if (!isNodeReady(node) && !taints.some((t) => t.key === "node.kubernetes.io/not-ready")) {
    taints.push({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" })
  }
  return taints
}

/** `NodeShouldRunDaemonPod`: whether a pod should be started there, and whether a running one may stay. */
export const nodeShouldRun = (ds: Obj, node: Obj): { readonly run: boolean; readonly stay: boolean } => {
  const template: Obj = ds.spec?.template ?? {}
  const nodeName = template.spec?.nodeName
  if (typeof nodeName === "string" && nodeName !== "" && nodeName !== node.metadata.name) {
    return { run: false, stay: false }
  }
  const probe = { spec: template.spec ?? {} }
  if (!matchesSelectorAndAffinity(probe, node)) return { run: false, stay: false }
  const tolerations = daemonTolerations(template.spec ?? {})
  const untolerated = taintsOf(node).filter((t) =>
    (t.effect === "NoSchedule" || t.effect === "NoExecute") && !tolerates(tolerations, t)
  )
  if (untolerated.length === 0) return { run: true, stay: true }
  return { run: false, stay: !untolerated.some((t) => t.effect === "NoExecute") }
}

/** `ReplaceDaemonSetPodNodeNameNodeAffinity`: the required terms become the one node's name. */
const pinnedAffinity = (affinity: unknown, node: string): Obj => {
  const a: Obj = isObj(affinity) ? affinity : {}
  const nodeAffinity: Obj = isObj(a.nodeAffinity) ? a.nodeAffinity : {}
  return {
    ...a,
    nodeAffinity: {
      ...nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }]
      }
    }
  }
}

/** `CreatePodTemplate` + `NewPod`: the daemon pod for a node. */
export const daemonPodFor = (ds: Obj, node: string, hash: string): Obj => {
  const pod = podFromTemplate(ds.spec?.template, ds, { generateName: `${ds.metadata.name}-` })
  const generation = ds.metadata.annotations?.[templateGenerationAnnotation]
  pod.metadata.labels = {
    ...(pod.metadata.labels ?? {}),
    [revisionLabel]: hash,
    ...(generation !== undefined ? { [templateGenerationLabel]: String(generation) } : {})
  }
  pod.spec.tolerations = daemonTolerations(pod.spec)
  pod.spec.affinity = pinnedAffinity(pod.spec.affinity, node)
  return pod
}

/** `GetTargetNodeName`: where the pod runs, or is pinned to run. */
export const targetNode = (pod: Obj): string | undefined => {
  if (typeof pod.spec?.nodeName === "string" && pod.spec.nodeName !== "") return pod.spec.nodeName
  const terms = (pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    []) as Array<Obj>
  for (const term of terms) {
    for (const f of (term.matchFields ?? []) as Array<Obj>) {
      if (f.key === "metadata.name" && f.operator === "In" && Array.isArray(f.values) && f.values.length === 1) {
        return String(f.values[0])
      }
    }
  }
  return undefined
}

/** `IsPodUpdated`: the pod carries the current hash (or the template generation). */
export const isUpdated = (ds: Obj, pod: Obj, hash: string): boolean => {
  const labels = (pod.metadata?.labels ?? {}) as Record<string, string>
  const generation = ds.metadata.annotations?.[templateGenerationAnnotation]
  return labels[revisionLabel] === hash ||
    (generation !== undefined && labels[templateGenerationLabel] === String(generation))
}

/** `podByCreationTimestampAndPhase`: scheduled before unscheduled, then oldest first. */
export const oldestFirst = (pods: ReadonlyArray<Obj>): Array<Obj> =>
  [...pods].sort((a, b) => {
    const ra = a.spec?.nodeName ? 0 : 1
    const rb = b.spec?.nodeName ? 0 : 1
    if (ra !== rb) return ra - rb
    return String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) ||
      String(a.metadata.name).localeCompare(String(b.metadata.name))
  })

/** `findUpdatedPodsOnNode`: the one new and the one old pod of a node; undefined when there are more. */
export const updatedAndOld = (
  ds: Obj,
  pods: ReadonlyArray<Obj>,
  hash: string
): { readonly updated: Obj | undefined; readonly old: Obj | undefined } | undefined => {
  let updated: Obj | undefined
  let old: Obj | undefined
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue
    if (isUpdated(ds, pod, hash)) {
      if (updated !== undefined) return undefined
      updated = pod
    } else {
      if (old !== undefined) return undefined
      old = pod
    }
  }
  return { updated, old }
}

/** `updateDaemonSetStatus`: counted over the nodes, from each node's oldest daemon pod. */
export const daemonSetStatus = (
  ds: Obj,
  nodes: ReadonlyArray<Obj>,
  podsByNode: ReadonlyMap<string, ReadonlyArray<Obj>>,
  hash: string,
  now: number
): Obj => {
  const minReady = Number(ds.spec?.minReadySeconds ?? 0)
  let desired = 0
  let current = 0
  let ready = 0
  let available = 0
  let updated = 0
  let misscheduled = 0
  for (const node of nodes) {
    const pods = podsByNode.get(String(node.metadata.name)) ?? []
    if (nodeShouldRun(ds, node).run) {
      desired++
      if (pods.length === 0) continue
      current++
      const pod = oldestFirst(pods)[0]!
      if (isReady(pod)) {
        ready++
        if (isAvailable(pod, minReady, now)) available++
      }
      if (isUpdated(ds, pod, hash)) updated++
    } else if (pods.length > 0) misscheduled++
  }
  // The Go struct's omitempty fields are left out at zero, as a real apiserver serves them.
  return {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    ...(updated > 0 ? { updatedNumberScheduled: updated } : {}),
    ...(available > 0 ? { numberAvailable: available } : {}),
    ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
    ...(typeof ds.status?.collisionCount === "number" ? { collisionCount: ds.status.collisionCount } : {}),
    ...(ds.status?.conditions !== undefined ? { conditions: ds.status.conditions } : {})
  }
}
