// The deployment and replicaset controllers' arithmetic, on plain objects: hashes, fenceposts, how far a
// RollingUpdate may go in one step, revision bookkeeping for rollback, and the status and conditions they write.
import { describe, expect, it } from "@effect/vitest"
import {
  findNewReplicaSet,
  newReplicaSetAnnotations,
  replicaSetFor,
  replicaSetsToCleanUp
} from "../src/internal/fakeApiServer/simulate/deploymentRevisions.js"
import {
  calculateStatus,
  isComplete,
  newReplicaSetCondition,
  rolloutStatus,
  setCondition
} from "../src/internal/fakeApiServer/simulate/deploymentStatus.js"
import { deletionOrder, isAvailable, replicaSetStatus } from "../src/internal/fakeApiServer/simulate/podSets.js"
import { computeHash, safeEncodeString } from "../src/internal/fakeApiServer/simulate/podTemplateHash.js"
import {
  fenceposts,
  maxUnavailable,
  newReplicaSetReplicas,
  oldReplicaSetScaleDowns,
  proportionalSizes,
  scaledValue
} from "../src/internal/fakeApiServer/simulate/rolloutMath.js"

const template = (image: string) => ({
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "web", image }] }
})

const deployment = (replicas: number, rollingUpdate: object = {}, extra: object = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "d-uid", generation: 1, ...extra },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%", ...rollingUpdate } },
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    template: template("nginx:1")
  }
})

const rs = (name: string, replicas: number, available: number, created: string, revision?: number) => ({
  metadata: {
    name,
    creationTimestamp: created,
    ...(revision !== undefined ? { annotations: { "deployment.kubernetes.io/revision": String(revision) } } : {})
  },
  spec: { replicas, template: template(name) },
  status: { replicas, availableReplicas: available, readyReplicas: available }
})

describe("pod-template-hash", () => {
  it("is stable, template-sensitive, salted by the collision count, and in the safe alphabet", () => {
    const a = computeHash(template("nginx:1"))
    expect(computeHash(template("nginx:1"))).toBe(a)
    expect(computeHash(template("nginx:2"))).not.toBe(a)
    expect(computeHash(template("nginx:1"), 1)).not.toBe(a)
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
    // Key order does not matter: the hash is of canonical JSON.
    expect(computeHash({ spec: template("x").spec, metadata: template("x").metadata })).toBe(
      computeHash(template("x"))
    )
  })

  it("encodes as Go's rand.SafeEncodeString", () => {
    // '0' is code point 48, 48 % 27 = 21 -> '4'; '9' is 57 % 27 = 3 -> 'f'.
    expect(safeEncodeString("09")).toBe("4f")
  })
})

describe("RollingUpdate arithmetic", () => {
  it("rounds surge up and unavailability down, and never lets both be zero", () => {
    expect(scaledValue("25%", 10, true)).toBe(3)
    expect(scaledValue("25%", 10, false)).toBe(2)
    expect(scaledValue(4, 10, false)).toBe(4)
    expect(fenceposts(deployment(10))).toStrictEqual({ surge: 3, unavailable: 2 })
    expect(fenceposts(deployment(3, { maxSurge: 0, maxUnavailable: "10%" }))).toStrictEqual({
      surge: 0,
      unavailable: 1
    })
    expect(maxUnavailable(deployment(2, { maxUnavailable: 5 }))).toBe(2)
    expect(maxUnavailable({ ...deployment(4), spec: { ...deployment(4).spec, strategy: { type: "Recreate" } } }))
      .toBe(0)
  })

  it("scales the new ReplicaSet up by the surge and no further than the desired count", () => {
    const d = deployment(4)
    const old = rs("old", 4, 4, "2026-01-01T00:00:00Z")
    const fresh = rs("new", 0, 0, "2026-01-02T00:00:00Z")
    expect(newReplicaSetReplicas(d, [old, fresh], fresh)).toBe(1)
    expect(newReplicaSetReplicas(d, [rs("old", 1, 1, "x"), fresh], fresh)).toBe(4)
    const full = rs("new", 1, 0, "2026-01-02T00:00:00Z")
    expect(newReplicaSetReplicas(d, [old, full], full)).toBe(1)
  })

  it("scales old ReplicaSets down only as far as availability allows, unhealthy replicas first", () => {
    const d = deployment(4)
    const old = rs("old", 4, 4, "2026-01-01T00:00:00Z")
    const fresh = rs("new", 1, 0, "2026-01-02T00:00:00Z")
    // 5 pods, 3 must stay available, the new one is not: one old replica may go.
    expect(oldReplicaSetScaleDowns(d, [old, fresh], [old], fresh)).toStrictEqual(new Map([["old", 3]]))
    // The new replica became available: still only as far as 4 - 1 available remain.
    const ready = rs("new", 1, 1, "2026-01-02T00:00:00Z")
    expect(oldReplicaSetScaleDowns(d, [old, ready], [old], ready)).toStrictEqual(new Map([["old", 2]]))
    // An old ReplicaSet with broken replicas loses those at once, and healthy ones go while 3 stay available.
    const broken = rs("broken", 2, 0, "2026-01-01T00:00:00Z")
    expect(oldReplicaSetScaleDowns(d, [broken, ready, rs("good", 3, 3, "2026-01-01T00:00:01Z")], [
      broken,
      rs("good", 3, 3, "2026-01-01T00:00:01Z")
    ], ready)).toStrictEqual(new Map([["broken", 0], ["good", 2]]))
  })

  it("spreads a resize over the active ReplicaSets in proportion", () => {
    const d = deployment(20, { maxSurge: 0, maxUnavailable: 1 })
    const sizes = proportionalSizes(d, [rs("a", 6, 6, "1"), rs("b", 4, 4, "2")])
    expect(sizes).toStrictEqual(new Map([["a", 12], ["b", 8]]))
    const down = proportionalSizes(deployment(0), [rs("a", 6, 6, "1"), rs("b", 4, 4, "2")])
    expect([...down.values()]).toStrictEqual([0, 0])
  })
})

describe("revisions", () => {
  const owner = { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-uid", controller: true }

  it("names the ReplicaSet after the hash and adds it to labels and selector", () => {
    const d = deployment(2)
    const made = replicaSetFor(d, "abc12", owner)
    expect(made.metadata.name).toBe("web-abc12")
    expect(made.spec.selector.matchLabels).toStrictEqual({ app: "web", "pod-template-hash": "abc12" })
    expect(made.spec.template.metadata.labels).toStrictEqual({ app: "web", "pod-template-hash": "abc12" })
    expect(made.metadata.ownerReferences).toStrictEqual([owner])
    expect(findNewReplicaSet(d, [made])).toBe(made)
    expect(findNewReplicaSet({ ...d, spec: { ...d.spec, template: template("nginx:2") } }, [made])).toBeUndefined()
    // What kubectl rollout undo sends back has Go's zero values spelled out: still the same template.
    const viaKubectl = {
      ...d,
      spec: {
        ...d.spec,
        template: {
          metadata: { labels: { app: "web" }, creationTimestamp: null, generation: 0 },
          spec: { ...template("nginx:1").spec, volumes: [] }
        }
      }
    }
    expect(findNewReplicaSet(viaKubectl, [made])).toBe(made)
  })

  it("copies the deployment's annotations, bumps the revision, and records history when one comes back", () => {
    const d = deployment(2, {}, {
      annotations: {
        "kubernetes.io/change-cause": "v2",
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "deployment.kubernetes.io/revision": "2"
      }
    })
    const created = newReplicaSetAnnotations(d, { metadata: {} }, 3, { desired: 2, max: 3 })
    expect(created).toStrictEqual({
      "kubernetes.io/change-cause": "v2",
      "deployment.kubernetes.io/revision": "3",
      "deployment.kubernetes.io/desired-replicas": "2",
      "deployment.kubernetes.io/max-replicas": "3"
    })
    // Unchanged: nothing to write.
    expect(newReplicaSetAnnotations(d, { metadata: { annotations: created } }, 3)).toBeUndefined()
    // Rollback to revision 1, twice.
    const back = newReplicaSetAnnotations(d, {
      metadata: { annotations: { "deployment.kubernetes.io/revision": "1" } }
    }, 4)!
    expect(back["deployment.kubernetes.io/revision"]).toBe("4")
    expect(back["deployment.kubernetes.io/revision-history"]).toBe("1")
    const again = newReplicaSetAnnotations(d, { metadata: { annotations: back } }, 6)!
    expect(again["deployment.kubernetes.io/revision-history"]).toBe("1,4")
  })

  it("cleans up idle old ReplicaSets beyond revisionHistoryLimit, oldest revision first", () => {
    const d = { ...deployment(1), spec: { ...deployment(1).spec, revisionHistoryLimit: 1 } }
    const olds = [rs("r2", 0, 0, "2", 2), rs("r1", 0, 0, "1", 1), rs("r3", 0, 0, "3", 3), rs("busy", 1, 1, "0", 0)]
    olds[0]!.status.replicas = 0
    expect(replicaSetsToCleanUp(d, olds).map((r) => r.metadata.name)).toStrictEqual(["r1", "r2"])
  })
})

describe("deployment status", () => {
  const now = Date.parse("2026-01-01T00:10:00Z")

  it("is Available with minimum availability and complete once everything is updated and available", () => {
    const d = deployment(4)
    const fresh = rs("web-new", 4, 3, "1")
    const status = calculateStatus(d, [fresh], fresh, now)
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 1
    })
    expect(status.conditions[0]).toMatchObject({
      type: "Available",
      status: "True",
      reason: "MinimumReplicasAvailable",
      message: "Deployment has minimum availability."
    })
    expect(isComplete(d, status)).toBe(false)
    const low = calculateStatus(d, [rs("web-new", 4, 2, "1")], fresh, now)
    expect(low.conditions[0]).toMatchObject({ status: "False", reason: "MinimumReplicasUnavailable" })
  })

  it("moves Progressing from NewReplicaSetCreated through ReplicaSetUpdated to NewReplicaSetAvailable", () => {
    const t0 = Date.parse("2026-01-01T00:00:00Z")
    let d: any = deployment(2)
    d.status = { conditions: setCondition([], newReplicaSetCondition("web-new", true), t0) }
    expect(d.status.conditions[0]).toMatchObject({
      reason: "NewReplicaSetCreated",
      message: "Created new replica set \"web-new\""
    })
    const half = rs("web-new", 2, 1, "1")
    const progressing = rolloutStatus(d, [half], half, t0 + 1000)
    const p = progressing.conditions.find((c: any) => c.type === "Progressing")
    expect(p).toMatchObject({
      status: "True",
      reason: "ReplicaSetUpdated",
      message: "ReplicaSet \"web-new\" is progressing."
    })
    expect(p.lastTransitionTime).toBe("2026-01-01T00:00:00Z")
    expect(p.lastUpdateTime).toBe("2026-01-01T00:00:01Z")
    d = { ...d, status: progressing }
    const done = rs("web-new", 2, 2, "1")
    const complete = rolloutStatus(d, [done], done, t0 + 2000)
    expect(complete.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: "ReplicaSet \"web-new\" has successfully progressed."
    })
    // Stuck for longer than progressDeadlineSeconds.
    const stuck = rolloutStatus({ ...d, status: { ...progressing } }, [half], half, t0 + 601_000 + 1000)
    expect(stuck.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: "ReplicaSet \"web-new\" has timed out progressing."
    })
  })
})

describe("replica set pods", () => {
  const pod = (name: string, created: string, extra: any = {}) => ({
    metadata: { name, creationTimestamp: created, labels: { app: "web" } },
    spec: { nodeName: extra.nodeName },
    status: {
      phase: extra.phase ?? "Running",
      conditions: extra.ready === undefined
        ? []
        : [{ type: "Ready", status: extra.ready ? "True" : "False", lastTransitionTime: extra.readySince ?? "x" }]
    }
  })

  it("deletes unscheduled, pending, unready and newer pods first", () => {
    const order = deletionOrder([
      pod("old-ready", "1", { nodeName: "n", ready: true, readySince: "2026-01-01T00:00:00Z" }),
      pod("new-ready", "2", { nodeName: "n", ready: true, readySince: "2026-01-01T00:00:00Z" }),
      pod("unready", "1", { nodeName: "n", ready: false }),
      pod("pending", "1", { nodeName: "n", phase: "Pending" }),
      pod("unscheduled", "0", { phase: "Pending" })
    ]).map((p) => p.metadata.name)
    expect(order).toStrictEqual(["unscheduled", "pending", "unready", "new-ready", "old-ready"])
  })

  it("counts ready and available (minReadySeconds) pods", () => {
    const now = Date.parse("2026-01-01T00:00:10Z")
    const pods = [
      pod("a", "1", { ready: true, readySince: "2026-01-01T00:00:00Z" }),
      pod("b", "1", { ready: true, readySince: "2026-01-01T00:00:08Z" }),
      pod("c", "1", { ready: false })
    ]
    expect(isAvailable(pods[1]!, 5, now)).toBe(false)
    const status = replicaSetStatus(
      {
        metadata: { generation: 3 },
        spec: { minReadySeconds: 5, template: { metadata: { labels: { app: "web" } } } }
      },
      pods,
      now
    )
    expect(status).toStrictEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 3
    })
  })
})
