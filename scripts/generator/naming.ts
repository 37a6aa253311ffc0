/**
 * Where each definition goes: module path (relative to the output folder, without extension) and identifier.
 *
 * Rules:
 * - Kubernetes API packages use the Go package name and version: io.k8s.api.core.v1 -> core/v1,
 *   io.k8s.api.networking.v1 -> networking/v1 (group networking.k8s.io), io.k8s.api.apiserverinternal.v1alpha1 ->
 *   apiserverinternal/v1alpha1, io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1 -> apiextensions/v1,
 *   io.k8s.kube-aggregator.pkg.apis.apiregistration.v1 -> apiregistration/v1, io.k8s.apimachinery.pkg.apis.meta.v1
 *   -> meta/v1. For these packages the Go package name is the group's first label.
 * - The unversioned apimachinery packages (api.resource, util.intstr, runtime, version) share `apimachinery`.
 * - Other packages (CRDs in a cluster's spec: com.example.stable.v1) use the group's first label (`stable/v1`);
 *   when two packages would share a module, the ones outside io.k8s use the whole group (`stable.example.com/v1`).
 */
import { compareStrings } from "./spec.js"

const versionPattern = /^v\d+(?:(?:alpha|beta)\d+)?$/

export interface Placement {
  readonly module: string
  readonly ident: string
}

const sanitize = (s: string): string => {
  const cleaned = s.replace(/[^A-Za-z0-9_$]/g, "_")
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned
}

/** Names every generated module uses for its imports and helpers. */
const reserved = new Set(["Schema", "ResourceDef", "struct", "optional", "_Fields", "_OptionalKeys"])

interface Candidate {
  readonly short: string
  readonly long: string
  readonly kubernetes: boolean
}

const candidateFor = (pkg: ReadonlyArray<string>): Candidate => {
  const last = pkg[pkg.length - 1] ?? ""
  const joined = pkg.join(".")
  if (joined.startsWith("io.k8s.apimachinery.pkg.") && !versionPattern.test(last)) {
    return { short: "apimachinery", long: "apimachinery", kubernetes: true }
  }
  if (versionPattern.test(last) && pkg.length >= 2) {
    const groupSegments = pkg.slice(0, -1)
    const firstLabel = groupSegments[groupSegments.length - 1]!
    const group = [...groupSegments].reverse().join(".")
    return { short: `${firstLabel}/${last}`, long: `${group}/${last}`, kubernetes: joined.startsWith("io.k8s.") }
  }
  const long = `misc/${pkg.join("-") || "root"}`
  return { short: long, long, kubernetes: false }
}

/** Module and identifier for every definition name. */
export const placeDefinitions = (names: ReadonlyArray<string>): Map<string, Placement> => {
  const packages = new Map<string, Array<string>>()
  for (const name of [...names].sort(compareStrings)) {
    const segments = name.split(".")
    const pkg = segments.slice(0, -1).join(".")
    if (!packages.has(pkg)) packages.set(pkg, [])
    packages.get(pkg)!.push(name)
  }
  const candidates = new Map<string, Candidate>()
  for (const pkg of packages.keys()) candidates.set(pkg, candidateFor(pkg === "" ? [] : pkg.split(".")))
  const shortUsers = new Map<string, Array<string>>()
  for (const [pkg, c] of candidates) {
    if (!shortUsers.has(c.short)) shortUsers.set(c.short, [])
    shortUsers.get(c.short)!.push(pkg)
  }
  const out = new Map<string, Placement>()
  for (const [pkg, members] of packages) {
    const c = candidates.get(pkg)!
    const sharers = shortUsers.get(c.short)!
    const collides = sharers.length > 1 && !(c.short === "apimachinery" && c.kubernetes)
    const module = collides && !c.kubernetes ? c.long : c.short
    const used = new Set<string>()
    for (const name of members) {
      let ident = sanitize(name.split(".").pop()!)
      while (used.has(ident) || reserved.has(ident)) ident = `${ident}_`
      used.add(ident)
      out.set(name, { module, ident })
    }
  }
  // Identifiers must be unique per module even when packages share one (apimachinery).
  const perModule = new Map<string, Set<string>>()
  for (const name of [...out.keys()].sort(compareStrings)) {
    const p = out.get(name)!
    if (!perModule.has(p.module)) perModule.set(p.module, new Set())
    const used = perModule.get(p.module)!
    let ident = p.ident
    while (used.has(ident)) ident = `${ident}_`
    used.add(ident)
    if (ident !== p.ident) out.set(name, { module: p.module, ident })
  }
  return out
}

/** The alias a module is imported under from another module: core/v1 -> core_v1. */
export const moduleAlias = (module: string): string => sanitize(module.replace(/[/.-]/g, "_"))
