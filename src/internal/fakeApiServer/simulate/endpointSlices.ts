/**
 * The simulated endpointslice controller: for each Service with a selector, discovery.k8s.io/v1 EndpointSlices
 * (`<service>-<suffix>`, controlled by the Service, so the garbage collector removes them with it) holding an
 * endpoint per selected pod with an IP (ready / serving / terminating, nodeName, targetRef), grouped by the ports
 * the pods resolve the Service's target ports to, at most 100 endpoints a slice. A Service whose selector matches
 * no pod keeps one empty slice, as the real controller's placeholder. Pod readiness changes update the slices.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"
import type { Controller } from "./controller.js"
import {
  controllerName,
  endpointFor,
  inEndpoints,
  isManaged,
  managedByLabel,
  maxEndpointsPerSlice,
  portsFor,
  selectorOf,
  selects,
  serviceNameLabel,
  sliceLabels
} from "./endpointSlicePods.js"
import { keyOf, ownerKey, splitKey } from "./keys.js"
import { controllerRef } from "./podSets.js"
import { reconcileLoop } from "./reconcile.js"
import { ignoreGone } from "./replicaSets.js"

interface Group {
  readonly ports: Array<Obj>
  readonly endpoints: Array<Obj>
}

const portsKey = (ports: unknown) => JSON.stringify(ports ?? [])

/** The slices the Service should have, as (ports, endpoints) chunks. */
const desiredSlices = (svc: Obj, pods: ReadonlyArray<Obj>, nodes: ReadonlyMap<string, Obj>): Array<Group> => {
  const groups = new Map<string, Group>()
  for (const pod of [...pods].sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))) {
    if (!inEndpoints(pod)) continue
    const ports = portsFor(svc, pod)
    const key = portsKey(ports)
    const group = groups.get(key) ?? { ports, endpoints: [] }
    group.endpoints.push(endpointFor(svc, pod, nodes.get(String(pod.spec?.nodeName ?? ""))))
    groups.set(key, group)
  }
  const out: Array<Group> = []
  for (const group of groups.values()) {
    for (let i = 0; i < group.endpoints.length; i += maxEndpointsPerSlice) {
      out.push({ ports: group.ports, endpoints: group.endpoints.slice(i, i + maxEndpointsPerSlice) })
    }
  }
  // No endpoint at all: one placeholder slice, no ports.
  return out.length > 0 ? out : [{ ports: [], endpoints: [] }]
}

const sliceRef = (slice: Obj) => ({
  apiVersion: "discovery.k8s.io/v1",
  kind: "EndpointSlice",
  namespace: slice.metadata.namespace,
  name: slice.metadata.name
})

const sync = (api: ClusterApi, key: string) =>
  Effect.gen(function*() {
    const { name, namespace } = splitKey(key)
    const found = yield* api.get({ apiVersion: "v1", kind: "Service", namespace, name })
    // A deleted Service's slices go with it through their ownerReference.
    if (Option.isNone(found) || !isManaged(found.value)) return
    const svc = found.value
    const selector = selectorOf(svc)!
    const pods = (yield* api.list({ apiVersion: "v1", kind: "Pod", namespace })).filter((p) => selects(selector, p))
    const nodes = new Map(
      (yield* api.list({ apiVersion: "v1", kind: "Node" })).map((n) => [String(n.metadata.name), n])
    )
    const existing = (yield* api.list({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", namespace }))
      .filter((s) =>
        s.metadata.labels?.[serviceNameLabel] === name && s.metadata.labels?.[managedByLabel] === controllerName
      )
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))
    const labels = sliceLabels(svc)
    const owner = controllerRef(svc)
    const unused = [...existing]
    for (const group of desiredSlices(svc, pods, nodes)) {
      // Reuse a slice of the same ports (the placeholder too), so updates are in place and names stay.
      const at = unused.findIndex((s) => portsKey(s.ports) === portsKey(group.ports))
      const reuse = at >= 0 ? unused.splice(at, 1)[0] : unused.length > 0 ? unused.shift() : undefined
      const body = { addressType: "IPv4", endpoints: group.endpoints, ports: group.ports }
      if (reuse === undefined) {
        yield* api.create({
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: { generateName: `${name.slice(0, 57)}-`, namespace, labels, ownerReferences: [owner] },
          ...body
        })
        continue
      }
      const same = deepEqual(reuse.endpoints ?? [], body.endpoints) && deepEqual(reuse.ports ?? [], body.ports) &&
        reuse.addressType === body.addressType && deepEqual(reuse.metadata.labels, labels)
      if (!same) {
        yield* ignoreGone(api.update({ ...reuse, ...body, metadata: { ...reuse.metadata, labels } }))
      }
    }
    for (const slice of unused) {
      yield* ignoreGone(api.delete(sliceRef(slice), { preconditions: { uid: slice.metadata.uid } }))
    }
  })

export const endpointSliceController: Controller = {
  name: "endpointslice-controller",
  enabled: (simulation) => simulation.endpoints,
  run: (api) =>
    Effect.suspend(() => {
      // The selectors of the Services seen, so a pod's change reaches the Services that select it.
      const services = new Map<string, { readonly namespace: string; readonly selector: Record<string, string> }>()
      return reconcileLoop<string>(api, {
        observe: (change, dirty) => {
          const storageKey = change.resource.storageKey
          if (storageKey === "/services") {
            const key = keyOf(change.object)
            const selector = selectorOf(change.object)
            if (change.type === "DELETED" || selector === undefined) services.delete(key)
            else services.set(key, { namespace: String(change.object.metadata.namespace), selector })
            dirty(key)
          } else if (storageKey === "/pods") {
            const namespace = String(change.object.metadata?.namespace)
            for (const [key, svc] of services) {
              if (
                svc.namespace === namespace &&
                (selects(svc.selector, change.object) ||
                  (change.previous !== undefined && selects(svc.selector, change.previous)))
              ) dirty(key)
            }
          } else if (storageKey === "discovery.k8s.io/endpointslices") {
            const owner = ownerKey(change.object, "Service")
            if (owner !== undefined) dirty(owner)
          }
        },
        reconcile: (key) => sync(api, key)
      })
    })
}
