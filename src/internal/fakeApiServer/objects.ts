/**
 * Object-level helpers shared by the handlers: timestamps, names, generation, deep equality, version views,
 * and the defaults the apiserver's registry strategies apply on create.
 */
import * as Crypto from "node:crypto"
import { convert, converts } from "./conversion.js"
import type { Served } from "./registry.js"
import type { Obj } from "./types.js"

export const timestamp = (millis: number) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789"

/** The 5-character suffix the apiserver appends to `generateName`. */
export const randomSuffix = () => {
  const bytes = Crypto.randomBytes(5)
  let out = ""
  for (const b of bytes) out += suffixAlphabet[b % suffixAlphabet.length]
  return out
}

export const newUid = () => Crypto.randomUUID()

export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as Array<unknown>
    if (a.length !== bb.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false
    return true
  }
  const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined)
  const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined)
  if (ka.length !== kb.length) return false
  for (const k of ka) if (!deepEqual((a as Obj)[k], (b as Obj)[k])) return false
  return true
}

/** Everything but metadata and status: what a generation counts changes of. */
const specPart = (obj: Obj): Obj => {
  const { metadata: _m, status: _s, ...rest } = obj
  return rest
}

export const specChanged = (prev: Obj, next: Obj) => !deepEqual(specPart(prev), specPart(next))

/** Metadata fields only the server sets; compared away when deciding whether an update is a no-op. */
export const withoutVolatileMeta = (obj: Obj): Obj => {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = obj.metadata ?? {}
  return { ...obj, metadata: meta }
}

export const apiVersionOf = (group: string, version: string) => group === "" ? version : `${group}/${version}`

/**
 * The object as seen through one served version: same storage, the requested apiVersion, and the served version's
 * shape where versions of a shared storage differ in shape (conversion.ts).
 */
export const view = (obj: Obj, served: Served): Obj => {
  const apiVersion = apiVersionOf(served.info.group, served.info.version)
  if (obj.apiVersion === apiVersion && obj.kind === served.info.kind) return obj
  return convert(served.storageKey, obj, apiVersion) ?? { ...obj, apiVersion, kind: served.info.kind }
}

/** A predicate on objects as `served` shows them (field selectors name the served version's fields). */
export const onView = (served: Served, matches: (obj: Obj) => boolean): (obj: Obj) => boolean =>
  converts(served.storageKey) ? (obj) => matches(view(obj, served)) : matches

/** Items of built-in lists carry no apiVersion/kind on the wire; custom resources keep them. */
export const listItem = (obj: Obj, served: Served): Obj => {
  const viewed = view(obj, served)
  if (served.custom) return viewed
  const { apiVersion: _a, kind: _k, ...rest } = viewed
  return rest
}

const rfc1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const rfc1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** Kinds whose names must be DNS labels rather than subdomains. */
const labelNamed = new Set(["/namespaces", "/services"])

export const nameProblem = (served: Served, name: string): string | undefined => {
  if (served.storageKey === "rbac.authorization.k8s.io/roles" || served.storageKey.startsWith("rbac.")) {
    return name.includes("/") || name.includes("%") || name === "." || name === ".."
      ? `Invalid value: ${JSON.stringify(name)}: may not contain '/' or '%'`
      : undefined
  }
  if (labelNamed.has(served.storageKey)) {
    return name.length <= 63 && rfc1123Label.test(name)
      ? undefined
      : `Invalid value: ${
        JSON.stringify(name)
      }: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`
  }
  return name.length <= 253 && rfc1123Subdomain.test(name)
    ? undefined
    : `Invalid value: ${
      JSON.stringify(name)
    }: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`
}

/** Built-in kinds whose create strategy resets status (the apiserver ignores a client's status on create). */
const statusResetOnCreate: Record<string, (obj: Obj) => Obj | undefined> = {
  "/pods": () => ({ phase: "Pending", qosClass: "BestEffort" }),
  "/namespaces": () => ({ phase: "Active" }),
  "/services": () => ({ loadBalancer: {} }),
  "apps/deployments": () => undefined,
  "apps/replicasets": () => ({ replicas: 0 }),
  "apps/statefulsets": () => ({ replicas: 0, availableReplicas: 0 }),
  "apps/daemonsets": () => ({
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    desiredNumberScheduled: 0,
    numberReady: 0
  }),
  "batch/jobs": () => undefined,
  "batch/cronjobs": () => undefined
}

/**
 * The create-time defaults the fake applies: status reset (per kind), namespace finalizer and name label,
 * service cluster IPs and node ports. `allocator` hands out addresses so they do not collide.
 */
export const defaultOnCreate = (served: Served, obj: Obj, allocator: Allocator): Obj => {
  let out = obj
  const reset = statusResetOnCreate[served.storageKey]
  if (served.custom ? served.info.subresources.includes("status") : reset !== undefined) {
    const status = reset?.(obj)
    const { status: _s, ...rest } = out
    out = status === undefined ? rest : { ...rest, status }
  }
  switch (served.storageKey) {
    case "/namespaces": {
      const name = String(out.metadata.name)
      out = {
        ...out,
        metadata: { ...out.metadata, labels: { ...out.metadata.labels, "kubernetes.io/metadata.name": name } },
        spec: { finalizers: ["kubernetes"], ...out.spec }
      }
      break
    }
    case "/services": {
      const spec = { type: "ClusterIP", sessionAffinity: "None", ...out.spec }
      if (spec.type !== "ExternalName" && (spec.clusterIP === undefined || spec.clusterIP === "")) {
        spec.clusterIP = allocator.clusterIP()
      }
      if (spec.clusterIP !== undefined && spec.clusterIPs === undefined) spec.clusterIPs = [spec.clusterIP]
      if (Array.isArray(spec.ports)) {
        spec.ports = spec.ports.map((p: Obj) => {
          const port: Obj = { protocol: "TCP", ...p }
          if (port.targetPort === undefined) port.targetPort = port.port
          if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && port.nodePort === undefined) {
            port.nodePort = allocator.nodePort()
          }
          return port
        })
      }
      out = { ...out, spec }
      break
    }
  }
  return out
}

export class Allocator {
  private ip = 0
  private port = 30000
  clusterIP() {
    this.ip++
    return `10.96.${Math.floor(this.ip / 254)}.${(this.ip % 254) + 1}`
  }
  nodePort() {
    return this.port++
  }
}

/** client-go's HumanDuration, used by AGE columns. */
export const humanDuration = (millis: number): string => {
  const seconds = Math.round(millis / 1000)
  if (seconds < -1) return "<invalid>"
  if (seconds < 0) return "0s"
  if (seconds < 120) return `${seconds}s`
  const totalSeconds = Math.floor(millis / 1000)
  const minutes = Math.floor(totalSeconds / 60)
  if (minutes < 10) {
    const s = totalSeconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 180) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`
  }
  return `${Math.floor(hours / 24 / 365)}y`
}

export const age = (obj: Obj, now: number): string => {
  const created = obj.metadata?.creationTimestamp
  if (typeof created !== "string") return "<unknown>"
  return humanDuration(now - Date.parse(created))
}
