/**
 * Discovery facts that the OpenAPI document does not carry: short names, categories and preferred versions, as a
 * Kubernetes 1.35/1.36 apiserver reports them (`kubectl api-resources`, `GET /apis`). Keyed by "<plural>.<group>"
 * ("" group for core, written as "<plural>").
 */

/** Short names, in the order discovery lists them. */
export const shortNames: Readonly<Record<string, ReadonlyArray<string>>> = {
  // core
  "componentstatuses": ["cs"],
  "configmaps": ["cm"],
  "endpoints": ["ep"],
  "events": ["ev"],
  "limitranges": ["limits"],
  "namespaces": ["ns"],
  "nodes": ["no"],
  "persistentvolumeclaims": ["pvc"],
  "persistentvolumes": ["pv"],
  "pods": ["po"],
  "replicationcontrollers": ["rc"],
  "resourcequotas": ["quota"],
  "serviceaccounts": ["sa"],
  "services": ["svc"],
  // named groups
  "customresourcedefinitions.apiextensions.k8s.io": ["crd", "crds"],
  "daemonsets.apps": ["ds"],
  "deployments.apps": ["deploy"],
  "replicasets.apps": ["rs"],
  "statefulsets.apps": ["sts"],
  "horizontalpodautoscalers.autoscaling": ["hpa"],
  "cronjobs.batch": ["cj"],
  "certificatesigningrequests.certificates.k8s.io": ["csr"],
  "events.events.k8s.io": ["ev"],
  "ingresses.networking.k8s.io": ["ing"],
  "networkpolicies.networking.k8s.io": ["netpol"],
  "ipaddresses.networking.k8s.io": ["ip"],
  "poddisruptionbudgets.policy": ["pdb"],
  "priorityclasses.scheduling.k8s.io": ["pc"],
  "storageclasses.storage.k8s.io": ["sc"],
  "volumeattributesclasses.storage.k8s.io": ["vac"]
}

const all = ["all"]
const apiExtensions = ["api-extensions"]

/** Categories (`kubectl get all`, `kubectl get api-extensions`). */
export const categories: Readonly<Record<string, ReadonlyArray<string>>> = {
  "pods": all,
  "replicationcontrollers": all,
  "services": all,
  "daemonsets.apps": all,
  "deployments.apps": all,
  "replicasets.apps": all,
  "statefulsets.apps": all,
  "horizontalpodautoscalers.autoscaling": all,
  "cronjobs.batch": all,
  "jobs.batch": all,
  "customresourcedefinitions.apiextensions.k8s.io": apiExtensions,
  "apiservices.apiregistration.k8s.io": apiExtensions,
  "mutatingwebhookconfigurations.admissionregistration.k8s.io": apiExtensions,
  "validatingwebhookconfigurations.admissionregistration.k8s.io": apiExtensions,
  "mutatingadmissionpolicies.admissionregistration.k8s.io": apiExtensions,
  "mutatingadmissionpolicybindings.admissionregistration.k8s.io": apiExtensions,
  "validatingadmissionpolicies.admissionregistration.k8s.io": apiExtensions,
  "validatingadmissionpolicybindings.admissionregistration.k8s.io": apiExtensions
}

/**
 * Preferred versions that the general rule below would not pick. The apiserver orders a group's versions by
 * Kubernetes version priority (GA before beta before alpha, higher numbers first) and reports the first as
 * preferred; for every built-in group of 1.36 that rule holds (e.g. autoscaling/v2 over autoscaling/v1), so the
 * table is empty. A cluster with an aggregated or custom group whose owner chose otherwise can be described here.
 */
export const preferredVersionOverrides: Readonly<Record<string, string>> = {}

const versionPattern = /^v(\d+)(?:(alpha|beta)(\d+))?$/

/**
 * Kubernetes version priority, as in apimachinery's CompareKubeAwareVersionStrings: negative when `a` is preferred
 * over `b`. Versions that do not look like Kubernetes versions sort after all that do, alphabetically.
 */
export const compareVersionPriority = (a: string, b: string): number => {
  const ma = versionPattern.exec(a)
  const mb = versionPattern.exec(b)
  if (ma === null || mb === null) {
    if (ma !== null) return -1
    if (mb !== null) return 1
    return a < b ? -1 : a > b ? 1 : 0
  }
  const stability = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0)
  const sa = stability(ma)
  const sb = stability(mb)
  if (sa !== sb) return sb - sa
  const major = Number(mb[1]) - Number(ma[1])
  if (major !== 0) return major
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0)
}

/** The version a real apiserver reports as preferred for a group served in `versions`. */
export const preferredVersion = (group: string, versions: ReadonlyArray<string>): string | undefined => {
  const override = preferredVersionOverrides[group]
  if (override !== undefined && versions.includes(override)) return override
  return [...versions].sort(compareVersionPriority)[0]
}

/** "<plural>.<group>", or "<plural>" for the core group. */
export const resourceKey = (plural: string, group: string): string => (group === "" ? plural : `${plural}.${group}`)
