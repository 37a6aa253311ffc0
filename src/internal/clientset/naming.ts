/**
 * Accessor names as client-go users know them: `CoreV1().Pods(ns)` becomes `coreV1.pods(ns)`,
 * `ApiextensionsV1().CustomResourceDefinitions()` becomes `apiextensionsV1.customResourceDefinitions`. Shared by the
 * clientset generator (scripts/generator-clientset.ts) and the tests that check every accessor exists.
 */

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/**
 * Lower-cases a leading acronym the way Go identifiers become JavaScript ones: `APIServices` -> `apiServices`,
 * `CSIDrivers` -> `csiDrivers`, `ServiceCIDRs` -> `serviceCIDRs`, `Pods` -> `pods`.
 */
export const lowerFirstWord = (s: string): string => {
  const run = /^[A-Z]+/.exec(s)?.[0] ?? ""
  if (run.length <= 1) return s.charAt(0).toLowerCase() + s.slice(1)
  // In "APIServices" the run is "APIS"; its last capital starts the next word unless the run is the whole name
  // or is followed by a lower-case plural suffix only ("CIDRs").
  const rest = s.slice(run.length)
  const keep = rest.length > 0 && /^[a-z]/.test(rest) ? run.length - 1 : run.length
  return run.slice(0, keep).toLowerCase() + s.slice(keep)
}

/**
 * client-go's group name in accessors: the group's first label, `core` for the legacy group
 * (`rbac.authorization.k8s.io` -> `rbac`, `internal.apiserver.k8s.io` -> `internal`).
 */
export const groupLabel = (group: string): string => group === "" ? "core" : group.split(".")[0]!

/** `coreV1`, `appsV1`, `autoscalingV2`, `admissionregistrationV1alpha1`, `internalV1alpha1`. */
export const groupVersionAccessor = (group: string, version: string): string =>
  lowerFirstWord(groupLabel(group).replace(/[^A-Za-z0-9]/g, "")) + upperFirst(version)

/**
 * The plural as client-go spells its method: the kind's capitals kept over the part the plural shares with the
 * kind (`NetworkPolicy` + `networkpolicies` -> `NetworkPolicies`, `Endpoints` + `endpoints` -> `Endpoints`).
 */
export const pluralTitle = (kind: string, plural: string): string => {
  const k = kind.toLowerCase()
  let common = 0
  while (common < k.length && common < plural.length && k[common] === plural[common]) common++
  return kind.slice(0, common) + plural.slice(common)
}

/** `pods`, `configMaps`, `customResourceDefinitions`, `apiServices`, `ipAddresses`, `serviceCIDRs`. */
export const resourceAccessor = (kind: string, plural: string): string => lowerFirstWord(pluralTitle(kind, plural))

/** `CoreV1`, `AppsV1`: the group/version's type name prefix. */
export const groupVersionTitle = (group: string, version: string): string =>
  upperFirst(groupVersionAccessor(group, version))
