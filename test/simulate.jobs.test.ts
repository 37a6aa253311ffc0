// The simulated job controller in-process under TestClock: completions and parallelism (NonIndexed, Indexed),
// pods that run to Succeeded, failures through the pod behavior hook against backoffLimit (with the controller's
// back-off), activeDeadlineSeconds, suspend and resume, the tracking finalizer and the status it writes.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { del, get, patch, post } from "./fixtures/fake/client.js"
import { eventually } from "./fixtures/fake/simulate.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const jobs = "/apis/batch/v1/namespaces/default/jobs"
const podsPath = "/api/v1/namespaces/default/pods"
const json = (path: string) => Effect.map(get(path), (r) => r.json)
const podsOf = (name: string) =>
  Effect.map(
    get(`${podsPath}?labelSelector=batch.kubernetes.io/job-name=${name}`),
    (r) => (r.json?.items ?? []) as Array<any>
  )
const condition = (o: any, type: string) => (o?.status?.conditions ?? []).find((c: any) => c.type === type)
const holds = (type: string) => (j: any) => condition(j, type)?.status === "True"

const job = (name: string, spec: Record<string, any> = {}, annotations: Record<string, string> = {}) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name },
  spec: {
    template: {
      metadata: { annotations },
      spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox" }] }
    },
    ...spec
  }
})

const failing = (name: string) => (pod: any) =>
  pod.metadata?.labels?.["job-name"] === name ? "Fail" as const : undefined

describe("simulated jobs", () => {
  it.effect("completions 3, parallelism 2: at most 2 pods at a time, then SuccessCriteriaMet and Complete", () =>
    Effect.gen(function*() {
      expect((yield* post(jobs, job("pi", { completions: 3, parallelism: 2 }))).status).toBe(201)
      let maxActive = 0
      const done = yield* eventually(
        Effect.gen(function*() {
          const running = (yield* podsOf("pi")).filter((p) => !["Succeeded", "Failed"].includes(p.status?.phase))
          maxActive = Math.max(maxActive, running.length)
          return yield* json(`${jobs}/pi`)
        }),
        holds("Complete"),
        { step: "100 millis", tries: 100 }
      )
      expect(maxActive).toBe(2)
      const uid = done.metadata.uid
      expect(done.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": uid } })
      expect(done.status).toMatchObject({
        succeeded: 3,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {}
      })
      expect(done.status.active).toBeUndefined()
      expect(done.status.failed).toBeUndefined()
      expect(done.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
        ["SuccessCriteriaMet", "True", "CompletionsReached"],
        ["Complete", "True", "CompletionsReached"]
      ])
      expect(Date.parse(done.status.completionTime)).toBeGreaterThan(Date.parse(done.status.startTime))

      const pods = yield* podsOf("pi")
      expect(pods.length).toBe(3)
      for (const p of pods) {
        expect(p.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/)
        expect(p.metadata.labels).toMatchObject({
          "batch.kubernetes.io/controller-uid": uid,
          "batch.kubernetes.io/job-name": "pi",
          "controller-uid": uid,
          "job-name": "pi"
        })
        expect(p.metadata.ownerReferences).toEqual([{
          apiVersion: "batch/v1",
          kind: "Job",
          name: "pi",
          uid,
          controller: true,
          blockOwnerDeletion: true
        }])
        expect(p.status.phase).toBe("Succeeded")
        expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" })
        // Counted, so the tracking finalizer is gone.
        expect(p.metadata.finalizers ?? []).toEqual([])
      }

      // Deleted with Background propagation: the garbage collector takes the pods.
      expect((yield* del(`${jobs}/pi`, { propagationPolicy: "Background" })).status).toBe(200)
      yield* eventually(podsOf("pi"), (ps) => ps.length === 0, { step: "100 millis" })
    }).pipe(withFake({ simulate: true })))

  it.effect("Indexed: one pod per index with its annotation, label, hostname and env; completedIndexes", () =>
    Effect.gen(function*() {
      yield* post(jobs, job("idx", { completions: 3, parallelism: 3, completionMode: "Indexed" }))
      const first = yield* eventually(podsOf("idx"), (ps) => ps.length === 3, { step: "10 millis" })
      const byIndex = first.map((p) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"]).sort()
      expect(byIndex).toEqual(["0", "1", "2"])
      for (const p of first) {
        const i = p.metadata.annotations["batch.kubernetes.io/job-completion-index"]
        expect(p.metadata.name).toMatch(new RegExp(`^idx-${i}-[a-z0-9]{5}$`))
        expect(p.metadata.labels["batch.kubernetes.io/job-completion-index"]).toBe(i)
        expect(p.spec.hostname).toBe(`idx-${i}`)
        expect(p.spec.containers[0].env).toContainEqual({
          name: "JOB_COMPLETION_INDEX",
          valueFrom: {
            fieldRef: {
              apiVersion: "v1",
              fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"
            }
          }
        })
        expect(p.metadata.finalizers).toContain("batch.kubernetes.io/job-tracking")
      }
      const running = yield* eventually(json(`${jobs}/idx`), (j) => j.status?.active === 3, { step: "10 millis" })
      expect(running.status.startTime).toBeDefined()
      const done = yield* eventually(json(`${jobs}/idx`), holds("Complete"), { step: "100 millis" })
      expect(done.status).toMatchObject({ succeeded: 3, completedIndexes: "0-2" })
    }).pipe(withFake({ simulate: true })))

  it.effect("pods made to fail by the hook: replaced after the back-off, then BackoffLimitExceeded", () =>
    Effect.gen(function*() {
      yield* post(jobs, job("bad", { backoffLimit: 2 }))
      const failed = yield* eventually(json(`${jobs}/bad`), holds("Failed"), { step: "1 second", tries: 120 })
      expect(failed.status.failed).toBe(3)
      expect(failed.status.succeeded).toBeUndefined()
      expect(failed.status.completionTime).toBeUndefined()
      expect(failed.status.conditions.map((c: any) => [c.type, c.reason, c.message])).toEqual([
        ["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
        ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]
      ])
      // Three pods, each started after the back-off since the failure before it (10 s, then 20 s).
      const pods = (yield* podsOf("bad")).sort((a, b) =>
        a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1
      )
      expect(pods.map((p) => p.status.phase)).toEqual(["Failed", "Failed", "Failed"])
      const created = pods.map((p) => Date.parse(p.metadata.creationTimestamp))
      const finished = pods.map((p) => Date.parse(p.status.containerStatuses[0].state.terminated.finishedAt))
      expect(created[1]! - finished[0]!).toBeGreaterThanOrEqual(9_000)
      expect(created[1]! - finished[0]!).toBeLessThanOrEqual(12_000)
      expect(created[2]! - finished[1]!).toBeGreaterThanOrEqual(19_000)
      expect(created[2]! - finished[1]!).toBeLessThanOrEqual(22_000)
      // Nothing more is created once the Job has failed.
      yield* TestClock.adjust("5 minutes")
      expect((yield* podsOf("bad")).length).toBe(3)
    }).pipe(withFake({ simulate: { pods: { behavior: failing("bad") } } })))

  it.effect("restartPolicy OnFailure: container restarts count against backoffLimit", () =>
    Effect.gen(function*() {
      const spec = job("crash", { backoffLimit: 1 }) as any
      spec.spec.template.spec.restartPolicy = "OnFailure"
      yield* post(jobs, spec)
      const failed = yield* eventually(json(`${jobs}/crash`), holds("Failed"), { step: "1 second", tries: 60 })
      expect(condition(failed, "Failed").reason).toBe("BackoffLimitExceeded")
      expect(failed.status.active).toBeUndefined()
      yield* eventually(podsOf("crash"), (ps) => ps.every((p) => p.status.phase === "Failed"), { step: "100 millis" })
    }).pipe(withFake({ simulate: { pods: { behavior: failing("crash") } } })))

  it.effect("activeDeadlineSeconds: running pods stopped, counted failed, DeadlineExceeded", () =>
    Effect.gen(function*() {
      yield* post(jobs, job("slow", { activeDeadlineSeconds: 5 }, { "simulate.effect-kube.io/run-seconds": "600" }))
      const running = yield* eventually(json(`${jobs}/slow`), (j) => j.status?.ready === 1, { step: "100 millis" })
      const started = Date.parse(running.status.startTime)
      const target = yield* eventually(json(`${jobs}/slow`), holds("FailureTarget"), { step: "500 millis", tries: 20 })
      expect(condition(target, "FailureTarget").reason).toBe("DeadlineExceeded")
      expect(Date.parse(condition(target, "FailureTarget").lastTransitionTime) - started).toBeGreaterThanOrEqual(5000)
      const failed = yield* eventually(json(`${jobs}/slow`), holds("Failed"), { step: "100 millis" })
      expect(condition(failed, "Failed")).toMatchObject({
        reason: "DeadlineExceeded",
        message: "Job was active longer than specified deadline"
      })
      expect(failed.status).toMatchObject({ failed: 1, terminating: 0 })
      yield* eventually(podsOf("slow"), (ps) => ps.length === 0, { step: "100 millis" })
    }).pipe(withFake({ simulate: true })))

  it.effect("suspend: no pods while suspended, Suspended condition; resumed, it runs to completion", () =>
    Effect.gen(function*() {
      yield* post(jobs, job("later", { suspend: true, completions: 2, parallelism: 2 }))
      const suspended = yield* eventually(json(`${jobs}/later`), holds("Suspended"), { step: "10 millis" })
      expect(condition(suspended, "Suspended")).toMatchObject({ reason: "JobSuspended", message: "Job suspended" })
      expect(suspended.status.startTime).toBeUndefined()
      yield* TestClock.adjust("5 seconds")
      expect((yield* podsOf("later")).length).toBe(0)

      yield* patch(`${jobs}/later`, { spec: { suspend: false } }, "application/merge-patch+json")
      const resumed = yield* eventually(json(`${jobs}/later`), (j) => j.status?.active === 2, { step: "10 millis" })
      expect(condition(resumed, "Suspended")).toMatchObject({ status: "False", reason: "JobResumed" })
      expect(resumed.status.startTime).toBeDefined()

      // Suspended again mid-run: the pods are stopped and not counted as failures.
      yield* patch(`${jobs}/later`, { spec: { suspend: true } }, "application/merge-patch+json")
      yield* eventually(podsOf("later"), (ps) => ps.length === 0, { step: "100 millis" })
      const again = yield* json(`${jobs}/later`)
      expect(condition(again, "Suspended")).toMatchObject({ status: "True", reason: "JobSuspended" })
      expect(again.status.failed).toBeUndefined()
      yield* patch(`${jobs}/later`, { spec: { suspend: false } }, "application/merge-patch+json")
      const done = yield* eventually(json(`${jobs}/later`), holds("Complete"), { step: "100 millis" })
      expect(done.status.succeeded).toBe(2)
    }).pipe(withFake({ simulate: true })))

  it.effect("a work-queue Job (parallelism, no completions) completes when its pods have succeeded", () =>
    Effect.gen(function*() {
      yield* post(jobs, job("queue", { parallelism: 3 }))
      const done = yield* eventually(json(`${jobs}/queue`), holds("Complete"), { step: "100 millis" })
      expect(done.spec.completions).toBeUndefined()
      expect(done.status.succeeded).toBe(3)
    }).pipe(withFake({ simulate: true })))
})
