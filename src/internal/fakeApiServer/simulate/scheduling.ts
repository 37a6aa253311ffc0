/**
 * The scheduler's filters for a simulated cluster: node readiness and cordons, nodeSelector, required node
 * affinity (label expressions and `metadata.name` fields, which DaemonSet pods use), and taints against
 * tolerations. The fit node with the fewest pods wins; a pod that fits nowhere gets the scheduler's message.
 */
import type { Obj } from "../types.js"
import { isObj } from "../types.js"

export const isNodeReady = (node: Obj): boolean =>
  ((node.status?.conditions ?? []) as Array<Obj>).some((c) => c.type === "Ready" && c.status === "True")

const matchExpression = (values: Record<string, string>, e: Obj): boolean => {
  const v = values[String(e.key)]
  const list = (e.values ?? []) as Array<string>
  switch (e.operator) {
    case "In":
      return v !== undefined && list.includes(v)
    case "NotIn":
      return v === undefined || !list.includes(v)
    case "Exists":
      return v !== undefined
    case "DoesNotExist":
      return v === undefined
    case "Gt":
      return v !== undefined && Number(v) > Number(list[0])
    case "Lt":
      return v !== undefined && Number(v) < Number(list[0])
  }
  return false
}

const matchesTerm = (node: Obj, term: Obj): boolean => {
  const labels = (node.metadata?.labels ?? {}) as Record<string, string>
  const fields = { "metadata.name": String(node.metadata?.name) }
  const exprs = (term.matchExpressions ?? []) as Array<Obj>
  const fieldExprs = (term.matchFields ?? []) as Array<Obj>
  if (exprs.length === 0 && fieldExprs.length === 0) return false
  return exprs.every((e) => matchExpression(labels, e)) && fieldExprs.every((e) => matchExpression(fields, e))
}

export const matchesSelectorAndAffinity = (pod: Obj, node: Obj): boolean => {
  const labels = (node.metadata?.labels ?? {}) as Record<string, string>
  const selector = (pod.spec?.nodeSelector ?? {}) as Record<string, string>
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  if (!isObj(required)) return true
  const terms = (required.nodeSelectorTerms ?? []) as Array<Obj>
  return terms.some((t) => matchesTerm(node, t))
}

export const tolerates = (tolerations: ReadonlyArray<Obj>, taint: Obj): boolean =>
  tolerations.some((t) => {
    if (t.effect !== undefined && t.effect !== "" && t.effect !== taint.effect) return false
    if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "")
  })

export const untoleratedTaint = (pod: Obj, node: Obj): Obj | undefined => {
  const tolerations = (pod.spec?.tolerations ?? []) as Array<Obj>
  return ((node.spec?.taints ?? []) as Array<Obj>).find((taint) =>
    (taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerates(tolerations, taint)
  )
}

/** What a cordon means to the scheduler's NodeUnschedulable filter: a taint that DaemonSet pods tolerate. */
const unschedulableTaint: Obj = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }

export type Placement =
  | { readonly _tag: "Node"; readonly node: string }
  | { readonly _tag: "Unschedulable"; readonly message: string }

/** Where the pod goes, given the nodes and how many pods each already runs. */
export const place = (pod: Obj, nodes: ReadonlyArray<Obj>, podsOn: (node: string) => number): Placement => {
  const reasons = new Map<string, number>()
  const note = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  const fit: Array<Obj> = []
  for (const node of nodes) {
    if (!isNodeReady(node)) note("node(s) were not ready")
    else if (node.spec?.unschedulable === true && !tolerates(pod.spec?.tolerations ?? [], unschedulableTaint)) {
      note("node(s) were unschedulable")
    } else if (!matchesSelectorAndAffinity(pod, node)) note("node(s) didn't match Pod's node affinity/selector")
    else {
      const taint = untoleratedTaint(pod, node)
      if (taint !== undefined) {
        note(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`)
      } else fit.push(node)
    }
  }
  if (fit.length > 0) {
    const best = [...fit].sort((a, b) =>
      podsOn(String(a.metadata.name)) - podsOn(String(b.metadata.name)) ||
      String(a.metadata.name).localeCompare(String(b.metadata.name))
    )[0]!
    return { _tag: "Node", node: String(best.metadata.name) }
  }
  const detail = [...reasons.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${n} ${r}`)
  const total = nodes.length
  return {
    _tag: "Unschedulable",
    message: total === 0
      ? "no nodes available to schedule pods"
      : `0/${total} nodes are available: ${
        detail.join(", ")
      }. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`
  }
}

/** A Ready node as the simulated kubelet registers it. */
export const simulatedNode = (name: string, index: number, now: string): Obj => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name,
    labels: {
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": name,
      "kubernetes.io/os": "linux",
      "node.kubernetes.io/instance-type": "simulated"
    },
    annotations: { "node.alpha.kubernetes.io/ttl": "0" }
  },
  spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], providerID: `simulated://${name}` },
  status: {
    capacity: { cpu: "4", "ephemeral-storage": "100Gi", memory: "16Gi", pods: "110" },
    allocatable: { cpu: "4", "ephemeral-storage": "100Gi", memory: "16Gi", pods: "110" },
    conditions: [
      ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
      ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
      ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
      ["Ready", "True", "KubeletReady", "kubelet is posting ready status"]
    ].map(([type, status, reason, message]) => ({
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
      reason,
      message
    })),
    addresses: [{ type: "InternalIP", address: nodeIP(index) }, { type: "Hostname", address: name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: "",
      systemUUID: "",
      bootID: "",
      kernelVersion: "6.8.0-simulated",
      osImage: "effect-kube simulated node",
      containerRuntimeVersion: "containerd://2.0.0",
      kubeletVersion: "v1.36.0",
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: "amd64"
    }
  }
})

export const nodeIP = (index: number) => `172.18.0.${index + 2}`
