// The simulated scheduler's filters and the simulated kubelet's pod status over time, on plain objects.
import { describe, expect, it } from "@effect/vitest"
import { fullImage, podStatusAt } from "../src/internal/fakeApiServer/simulate/podLifecycle.js"
import { place, simulatedNode } from "../src/internal/fakeApiServer/simulate/scheduling.js"

const t0 = Date.parse("2026-01-01T00:00:00Z")
const timing = { start: 200, ready: 300, run: 1000 }
const placement = { boundAt: t0, hostIP: "172.18.0.2", podIP: "10.244.0.5" }
const pod = (spec: object = {}, annotations: object = {}) => ({
  metadata: { name: "web-1", namespace: "default", uid: "u1", annotations },
  spec: { containers: [{ name: "web", image: "nginx" }], restartPolicy: "Always", ...spec },
  status: { phase: "Pending" }
})
const condition = (status: any, type: string) => status.conditions.find((c: any) => c.type === type)

describe("scheduling", () => {
  const nodes = [0, 1, 2].map((i) => simulatedNode(`n${i}`, i, "2026-01-01T00:00:00Z"))

  it("picks the fit node with the fewest pods", () => {
    const counts: Record<string, number> = { n0: 3, n1: 1, n2: 1 }
    expect(place(pod(), nodes, (n) => counts[n]!)).toStrictEqual({ _tag: "Node", node: "n1" })
    expect(place(pod({ nodeSelector: { "kubernetes.io/hostname": "n2" } }), nodes, (n) => counts[n]!)).toStrictEqual({
      _tag: "Node",
      node: "n2"
    })
    const pinned = pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n0"] }] }]
          }
        }
      }
    })
    expect(place(pinned, nodes, (n) => counts[n]!)).toStrictEqual({ _tag: "Node", node: "n0" })
  })

  it("honours cordons and taints, and says why nothing fits", () => {
    const tainted = {
      ...nodes[0]!,
      metadata: { ...nodes[0]!.metadata, labels: { ...nodes[0]!.metadata.labels, disk: "ssd" } },
      spec: { ...nodes[0]!.spec, taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] }
    }
    const cordoned = { ...nodes[1]!, spec: { ...nodes[1]!.spec, unschedulable: true } }
    const result = place(pod({ nodeSelector: { disk: "ssd" } }), [tainted, cordoned, nodes[2]!], () => 0)
    expect(result).toStrictEqual({
      _tag: "Unschedulable",
      message: "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, " +
        "1 node(s) had untolerated taint {gpu: yes}, 1 node(s) were unschedulable. preemption: 0/3 nodes are " +
        "available: 3 Preemption is not helpful for scheduling."
    })
    const tolerant = pod({ tolerations: [{ key: "gpu", operator: "Exists" }] })
    expect(place(tolerant, [tainted], () => 0)).toStrictEqual({ _tag: "Node", node: "n0" })
  })
})

describe("pod lifecycle", () => {
  it("goes Pending (ContainerCreating) -> Running -> Ready on the clock", () => {
    const pending = podStatusAt(pod(), placement, "Ready", timing, t0 + 100)
    expect(pending.wakeAt).toBe(t0 + 200)
    expect(pending.status.phase).toBe("Pending")
    expect(pending.status.containerStatuses[0].state).toStrictEqual({ waiting: { reason: "ContainerCreating" } })
    expect(pending.status.podIP).toBeUndefined()

    const running = podStatusAt(pod(), placement, "Ready", timing, t0 + 300)
    expect(running.status.phase).toBe("Running")
    expect(running.status.podIP).toBe("10.244.0.5")
    expect(running.wakeAt).toBe(t0 + 500)
    expect(condition(running.status, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady" })
    expect(running.status.containerStatuses[0]).toMatchObject({
      ready: false,
      started: true,
      image: "docker.io/library/nginx:latest"
    })

    const ready = podStatusAt(pod(), placement, "Ready", timing, t0 + 600)
    expect(ready.wakeAt).toBeUndefined()
    expect(condition(ready.status, "Ready")).toMatchObject({ status: "True" })
    expect(condition(ready.status, "ContainersReady")).toMatchObject({ status: "True" })
    expect(ready.status.containerStatuses[0]).toMatchObject({ ready: true, restartCount: 0 })
    expect(ready.status.containerStatuses[0].imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/)
    expect(ready.status.qosClass).toBe("BestEffort")
  })

  it("finishes pods that do not restart: Succeeded, or Failed with exit code 1", () => {
    const job = pod({ restartPolicy: "Never" })
    const done = podStatusAt(job, placement, "Succeed", timing, t0 + 1200)
    expect(done.status.phase).toBe("Succeeded")
    expect(done.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" })
    expect(condition(done.status, "Ready")).toMatchObject({ status: "False", reason: "PodCompleted" })
    expect(podStatusAt(job, placement, "Succeed", timing, t0 + 1100).wakeAt).toBe(t0 + 1200)
    const failed = podStatusAt(job, placement, "Fail", timing, t0 + 1200)
    expect(failed.status.phase).toBe("Failed")
    expect(failed.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: "Error" })
  })

  it("crash-loops with the kubelet's doubling back-off", () => {
    // Runs 200..1200, back-off 10 s, runs 11200..12200, back-off 20 s.
    const first = podStatusAt(pod(), placement, "CrashLoop", timing, t0 + 5000)
    expect(first.status.containerStatuses[0]).toMatchObject({ restartCount: 0, ready: false })
    expect(first.status.containerStatuses[0].state.waiting).toMatchObject({ reason: "CrashLoopBackOff" })
    expect(first.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error" })
    expect(first.wakeAt).toBe(t0 + 11_200)
    const second = podStatusAt(pod(), placement, "CrashLoop", timing, t0 + 11_500)
    expect(second.status.containerStatuses[0]).toMatchObject({ restartCount: 1, started: true })
    expect(second.status.containerStatuses[0].state.running).toBeDefined()
    const third = podStatusAt(pod(), placement, "CrashLoop", timing, t0 + 13_000)
    expect(third.status.containerStatuses[0].state.waiting.message).toMatch(/^back-off 20s restarting failed/)
    expect(third.status.phase).toBe("Running")
  })

  it("never becomes ready, or never starts, when told to", () => {
    const unready = podStatusAt(pod(), placement, "NeverReady", timing, t0 + 60_000)
    expect(unready.status.phase).toBe("Running")
    expect(condition(unready.status, "Ready").status).toBe("False")
    expect(unready.wakeAt).toBeUndefined()
    const pull = podStatusAt(pod({}, {}), placement, "ImagePullBackOff", timing, t0 + 60_000)
    expect(pull.status.phase).toBe("Pending")
    expect(pull.status.containerStatuses[0].state.waiting.reason).toBe("ImagePullBackOff")
  })

  it("spells images out as the registry does", () => {
    expect(fullImage("nginx")).toBe("docker.io/library/nginx:latest")
    expect(fullImage("bitnami/redis:7")).toBe("docker.io/bitnami/redis:7")
    expect(fullImage("ghcr.io/x/y")).toBe("ghcr.io/x/y:latest")
    expect(fullImage("localhost:5000/y:1")).toBe("localhost:5000/y:1")
  })
})
