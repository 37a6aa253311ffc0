/**
 * The arithmetic of a Deployment's RollingUpdate as the deployment controller does it: maxSurge/maxUnavailable
 * fenceposts, how far the new ReplicaSet may scale up and how many old replicas may go. Pure functions over
 * ReplicaSet objects (spec.replicas, status.availableReplicas).
 */
import type { Obj } from "../types.js"

/** `intstr.GetScaledValueFromIntOrPercent`: an integer, or a percentage of `total` rounded up or down. */
export const scaledValue = (value: unknown, total: number, roundUp: boolean): number => {
  if (typeof value === "number") return value
  if (typeof value === "string") {
    const m = /^(\d+)%$/.exec(value.trim())
    if (m !== null) {
      const scaled = (Number(m[1]) * total) / 100
      return roundUp ? Math.ceil(scaled) : Math.floor(scaled)
    }
    const n = Number(value)
    if (Number.isInteger(n)) return n
  }
  return 0
}

export const specReplicas = (o: Obj | undefined): number => {
  const r = o?.spec?.replicas
  return typeof r === "number" ? r : 1
}

const statusCount = (o: Obj | undefined, field: string): number => {
  const v = o?.status?.[field]
  return typeof v === "number" ? v : 0
}

export const isRollingUpdate = (d: Obj): boolean => (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate"

/** `ResolveFenceposts`: surge rounds up, unavailability down, and both zero means one may be unavailable. */
export const fenceposts = (d: Obj): { readonly surge: number; readonly unavailable: number } => {
  const desired = specReplicas(d)
  const ru = d.spec?.strategy?.rollingUpdate ?? {}
  const surge = scaledValue(ru.maxSurge ?? "25%", desired, true)
  const unavailable = scaledValue(ru.maxUnavailable ?? "25%", desired, false)
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable }
}

export const maxSurge = (d: Obj): number => (isRollingUpdate(d) ? fenceposts(d).surge : 0)

export const maxUnavailable = (d: Obj): number => {
  const desired = specReplicas(d)
  if (!isRollingUpdate(d) || desired === 0) return 0
  return Math.min(fenceposts(d).unavailable, desired)
}

export const sumSpec = (rss: ReadonlyArray<Obj>) => rss.reduce((n, rs) => n + specReplicas(rs), 0)
export const sumStatus = (rss: ReadonlyArray<Obj>, field: string) =>
  rss.reduce((n, rs) => n + statusCount(rs, field), 0)

/** `NewRSNewReplicas`: the size the new ReplicaSet may have now. */
export const newReplicaSetReplicas = (d: Obj, all: ReadonlyArray<Obj>, newRs: Obj): number => {
  const desired = specReplicas(d)
  if (!isRollingUpdate(d)) return desired
  const current = specReplicas(newRs)
  const maxTotal = desired + fenceposts(d).surge
  const total = sumSpec(all)
  if (total >= maxTotal) return current
  return current + Math.max(0, Math.min(maxTotal - total, desired - current))
}

const byCreation = (a: Obj, b: Obj) => {
  const ta = String(a.metadata?.creationTimestamp ?? "")
  const tb = String(b.metadata?.creationTimestamp ?? "")
  return ta === tb ? String(a.metadata?.name).localeCompare(String(b.metadata?.name)) : ta < tb ? -1 : 1
}

/**
 * `reconcileOldReplicaSets`: new sizes for old ReplicaSets (name -> replicas), first dropping their unhealthy
 * replicas, then healthy ones while the deployment keeps `replicas - maxUnavailable` available.
 */
export const oldReplicaSetScaleDowns = (
  d: Obj,
  all: ReadonlyArray<Obj>,
  olds: ReadonlyArray<Obj>,
  newRs: Obj | undefined
): Map<string, number> => {
  const out = new Map<string, number>()
  if (sumSpec(olds) === 0) return out
  const minAvailable = specReplicas(d) - maxUnavailable(d)
  const newUnavailable = newRs === undefined ? 0 : specReplicas(newRs) - statusCount(newRs, "availableReplicas")
  let budget = sumSpec(all) - minAvailable - newUnavailable
  if (budget <= 0) return out
  const sized = new Map(olds.map((rs) => [String(rs.metadata.name), specReplicas(rs)]))
  const sorted = [...olds].sort(byCreation)
  for (const rs of sorted) {
    if (budget <= 0) break
    const name = String(rs.metadata.name)
    const size = sized.get(name)!
    const unhealthy = size - statusCount(rs, "availableReplicas")
    if (size === 0 || unhealthy <= 0) continue
    const down = Math.min(budget, unhealthy)
    sized.set(name, size - down)
    budget -= down
  }
  // Healthy replicas: only as far as the availability the whole deployment has now allows.
  let toScaleDown = sumStatus(all, "availableReplicas") - minAvailable
  for (const rs of sorted) {
    if (toScaleDown <= 0) break
    const name = String(rs.metadata.name)
    const size = sized.get(name)!
    if (size === 0) continue
    const down = Math.min(size, toScaleDown)
    sized.set(name, size - down)
    toScaleDown -= down
  }
  for (const rs of olds) {
    const name = String(rs.metadata.name)
    if (sized.get(name) !== specReplicas(rs)) out.set(name, sized.get(name)!)
  }
  return out
}

/**
 * Proportional scaling (`DeploymentController.scale`) when the deployment's size changed mid-rollout: the change
 * is spread over the active ReplicaSets in proportion to their size, leftovers to the largest.
 */
export const proportionalSizes = (d: Obj, active: ReadonlyArray<Obj>): Map<string, number> => {
  const out = new Map<string, number>()
  const allowed = specReplicas(d) + maxSurge(d)
  const current = sumSpec(active)
  const toAdd = allowed - current
  if (toAdd === 0 || current === 0) return out
  const sorted = [...active].sort((a, b) =>
    toAdd > 0 ? specReplicas(b) - specReplicas(a) || byCreation(b, a) : specReplicas(a) - specReplicas(b)
  )
  let added = 0
  const sizes = sorted.map((rs) => {
    const size = specReplicas(rs)
    const share = Math.round((size * toAdd) / current)
    const allowedShare = toAdd > 0 ? Math.min(share, toAdd - added) : Math.max(share, toAdd - added)
    added += allowedShare
    return size + allowedShare
  })
  if (sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + (toAdd - added))
  sorted.forEach((rs, i) => {
    if (sizes[i] !== specReplicas(rs)) out.set(String(rs.metadata.name), Math.max(0, sizes[i]!))
  })
  return out
}
