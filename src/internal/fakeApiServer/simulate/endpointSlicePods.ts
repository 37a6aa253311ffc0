/**
 * The pure side of the simulated endpointslice controller: which pods a Service's slices hold
 * (`ShouldPodBeInEndpoints`: not finished, with an IP; terminating ones kept with their conditions), the endpoint a
 * pod becomes (`podToEndpoint`), the ports it serves (`FindPort`: named target ports looked up in the containers),
 * and the slices' labels.
 */
import type { Obj } from "../types.js"
import { isObj } from "../types.js"
import { isReady, phaseOf } from "./podSets.js"

export const serviceNameLabel = "kubernetes.io/service-name"
export const managedByLabel = "endpointslice.kubernetes.io/managed-by"
export const controllerName = "endpointslice-controller.k8s.io"
const headlessLabel = "service.kubernetes.io/headless"

/** `maxEndpointsPerSlice`, the controller's default. */
export const maxEndpointsPerSlice = 100

export const selectorOf = (svc: Obj): Record<string, string> | undefined => {
  const s = svc.spec?.selector
  return isObj(s) && Object.keys(s).length > 0 ? s as Record<string, string> : undefined
}

export const selects = (selector: Record<string, string>, pod: Obj): boolean =>
  Object.entries(selector).every(([k, v]) => pod.metadata?.labels?.[k] === v)

/** Whether the controller manages slices for the Service at all. */
export const isManaged = (svc: Obj): boolean =>
  selectorOf(svc) !== undefined && svc.spec?.type !== "ExternalName" && svc.metadata?.deletionTimestamp === undefined

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/

const addressesOf = (pod: Obj): Array<string> => {
  const ips = Array.isArray(pod.status?.podIPs)
    ? (pod.status.podIPs as Array<Obj>).map((p) => String(p.ip ?? ""))
    : typeof pod.status?.podIP === "string"
    ? [pod.status.podIP]
    : []
  return ips.filter((ip) => ipv4.test(ip))
}

export const inEndpoints = (pod: Obj): boolean =>
  phaseOf(pod) !== "Succeeded" && phaseOf(pod) !== "Failed" && addressesOf(pod).length > 0

/** `FindPort`: a number as it is, a name from the containers' ports of the same protocol. */
const findPort = (pod: Obj, port: Obj): number | undefined => {
  const target = port.targetPort ?? port.port
  if (typeof target === "number") return target
  const protocol = port.protocol ?? "TCP"
  const containers = [
    ...((pod.spec?.containers ?? []) as Array<Obj>),
    // Sidecars (restartable init containers) serve ports too.
    ...((pod.spec?.initContainers ?? []) as Array<Obj>).filter((c) => c.restartPolicy === "Always")
  ]
  for (const c of containers) {
    for (const p of (c.ports ?? []) as Array<Obj>) {
      if (p.name === target && (p.protocol ?? "TCP") === protocol) return Number(p.containerPort)
    }
  }
  return undefined
}

/** The slice ports of a pod: one per Service port whose target the pod has. */
export const portsFor = (svc: Obj, pod: Obj): Array<Obj> => {
  const out: Array<Obj> = []
  for (const port of (svc.spec?.ports ?? []) as Array<Obj>) {
    const n = findPort(pod, port)
    if (n === undefined) continue
    out.push({
      name: String(port.name ?? ""),
      port: n,
      protocol: port.protocol ?? "TCP",
      ...(port.appProtocol !== undefined ? { appProtocol: port.appProtocol } : {})
    })
  }
  return out
}

/** `podToEndpoint`. */
export const endpointFor = (svc: Obj, pod: Obj, node: Obj | undefined): Obj => {
  const serving = isReady(pod)
  const terminating = pod.metadata?.deletionTimestamp !== undefined
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating)
  const zone = node?.metadata?.labels?.["topology.kubernetes.io/zone"]
  const hostname = pod.spec?.hostname
  return {
    addresses: addressesOf(pod),
    conditions: { ready, serving, terminating },
    ...(typeof hostname === "string" && hostname !== "" && pod.spec?.subdomain === svc.metadata.name
      ? { hostname }
      : {}),
    targetRef: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    ...(typeof pod.spec?.nodeName === "string" && pod.spec.nodeName !== "" ? { nodeName: pod.spec.nodeName } : {}),
    ...(typeof zone === "string" && zone !== "" ? { zone } : {})
  }
}

/** `setEndpointSliceLabels`: the Service's labels, the headless marker, and the two the controller owns. */
export const sliceLabels = (svc: Obj): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries((svc.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k !== serviceNameLabel && k !== managedByLabel && k !== headlessLabel) out[k] = v
  }
  if (svc.spec?.clusterIP === "None") out[headlessLabel] = ""
  out[serviceNameLabel] = String(svc.metadata.name)
  out[managedByLabel] = controllerName
  return out
}
