/**
 * Discovery documents: /version, /api, /apis, per group and group/version, and aggregated discovery
 * (apidiscovery.k8s.io v2 and v2beta1) as kubectl asks for them.
 */
import type { Registry, Served } from "./registry.js"
import type { Obj } from "./types.js"

export const versionInfo = {
  major: "1",
  minor: "36",
  emulationMajor: "1",
  emulationMinor: "36",
  minCompatibilityMajor: "1",
  minCompatibilityMinor: "35",
  gitVersion: "v1.36.0",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-04-01T00:00:00Z",
  goVersion: "go1.25.0",
  compiler: "gc",
  platform: "linux/amd64"
}

interface SubresourceShape {
  readonly group?: string
  readonly version?: string
  readonly kind?: string
  readonly verbs: ReadonlyArray<string>
}

const subresourceShapes: Record<string, SubresourceShape> = {
  status: { verbs: ["get", "patch", "update"] },
  scale: { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] },
  log: { verbs: ["get"] },
  exec: { kind: "PodExecOptions", verbs: ["create", "get"] },
  attach: { kind: "PodAttachOptions", verbs: ["create", "get"] },
  portforward: { kind: "PodPortForwardOptions", verbs: ["create", "get"] },
  eviction: { group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] },
  binding: { kind: "Binding", verbs: ["create"] },
  ephemeralcontainers: { verbs: ["get", "patch", "update"] },
  resize: { verbs: ["get", "patch", "update"] },
  finalize: { verbs: ["update"] },
  approval: { verbs: ["get", "patch", "update"] },
  token: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] },
  proxy: { verbs: ["create", "delete", "get", "patch", "update"] }
}

const proxyKinds: Record<string, string> = {
  pods: "PodProxyOptions",
  nodes: "NodeProxyOptions",
  services: "ServiceProxyOptions"
}

const subShape = (served: Served, sub: string) => {
  const shape = subresourceShapes[sub] ?? { verbs: ["get"] }
  const kind = sub === "proxy" ? proxyKinds[served.info.plural] ?? served.info.kind : shape.kind ?? served.info.kind
  return {
    group: shape.group ?? (shape.kind === undefined && sub !== "proxy" ? served.info.group : ""),
    version: shape.version ?? "v1",
    kind,
    verbs: shape.verbs
  }
}

export const apiVersions = (serverAddress: string) => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }]
})

const groupDoc = (name: string, versions: ReadonlyArray<string>) => ({
  name,
  versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] }
})

export const apiGroupList = (registry: Registry) => ({
  kind: "APIGroupList",
  apiVersion: "v1",
  groups: registry.groups().filter((g) => g.name !== "").map((g) => groupDoc(g.name, g.versions))
})

export const apiGroup = (registry: Registry, group: string): Obj | undefined => {
  const entry = registry.groups().find((g) => g.name === group)
  return entry === undefined
    ? undefined
    : { kind: "APIGroup", apiVersion: "v1", ...groupDoc(entry.name, entry.versions) }
}

export const apiResourceList = (registry: Registry, group: string, version: string): Obj | undefined => {
  const served = registry.resourcesIn(group, version)
  if (served.length === 0) return undefined
  const resources: Array<Obj> = []
  for (const s of served) {
    const { info } = s
    resources.push({
      name: info.plural,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
      ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length > 0 ? { categories: info.categories } : {})
    })
    for (const sub of info.subresources) {
      const shape = subShape(s, sub)
      resources.push({
        name: `${info.plural}/${sub}`,
        singularName: "",
        namespaced: info.namespaced,
        ...(shape.group !== info.group ? { group: shape.group, version: shape.version } : {}),
        kind: shape.kind,
        verbs: shape.verbs
      })
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group === "" ? version : `${group}/${version}`,
    resources
  }
}

/** Which aggregated discovery version the Accept header asks for, if any. */
export const aggregatedVersion = (accept: string | undefined): "v2" | "v2beta1" | undefined => {
  if (accept === undefined) return undefined
  for (const part of accept.split(",")) {
    if (!part.includes("as=APIGroupDiscoveryList") || !part.includes("g=apidiscovery.k8s.io")) continue
    if (/v=v2beta1/.test(part)) return "v2beta1"
    if (/v=v2(;|$|\s)/.test(part)) return "v2"
  }
  return undefined
}

export const aggregatedContentType = (version: "v2" | "v2beta1") =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`

const discoveryResource = (s: Served): Obj => {
  const { info } = s
  return {
    resource: info.plural,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? "Namespaced" : "Cluster",
    singularResource: info.singular,
    verbs: info.verbs,
    ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
    ...(info.categories.length > 0 ? { categories: info.categories } : {}),
    ...(info.subresources.length > 0
      ? {
        subresources: info.subresources.map((sub) => {
          const shape = subShape(s, sub)
          return {
            subresource: sub,
            responseKind: { group: shape.group, version: shape.version, kind: shape.kind },
            verbs: shape.verbs
          }
        })
      }
      : {})
  }
}

/** `/api` (core only) or `/apis` (every other group) as an APIGroupDiscoveryList. */
export const aggregatedDiscovery = (registry: Registry, core: boolean, version: "v2" | "v2beta1") => ({
  kind: "APIGroupDiscoveryList",
  apiVersion: `apidiscovery.k8s.io/${version}`,
  metadata: {},
  items: registry.groups().filter((g) => (g.name === "") === core).map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      resources: registry.resourcesIn(g.name, v).map(discoveryResource),
      freshness: "Current"
    }))
  }))
})
