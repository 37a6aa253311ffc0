// CronJob schedules (the parser and next times, in UTC and in time zones) and the simulated cronjob controller
// in-process under TestClock: Jobs named by their scheduled minute, concurrency policies, startingDeadlineSeconds,
// suspend, history limits and status.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { mostRecent, nextAfter, parseSchedule } from "../src/internal/fakeApiServer/simulate/cronSchedule.js"
import type { Schedule } from "../src/internal/fakeApiServer/simulate/cronSchedule.js"
import { get, patch, post } from "./fixtures/fake/client.js"
import { eventually } from "./fixtures/fake/simulate.js"

const parsed = (text: string): Schedule => {
  const s = parseSchedule(text)
  if (typeof s === "string") throw new Error(s)
  return s
}
const at = (iso: string) => Date.parse(iso)
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString())
const nextOf = (text: string, from: string, zone?: string) => iso(nextAfter(parsed(text), at(from), zone))

describe("cron schedules", () => {
  it("fields, ranges, steps, lists, names and macros", () => {
    expect(nextOf("*/15 * * * *", "2026-03-01T10:07:30Z")).toBe("2026-03-01T10:15:00.000Z")
    expect(nextOf("5 4 * * *", "2026-03-01T04:05:00Z")).toBe("2026-03-02T04:05:00.000Z")
    expect(nextOf("0 22 * * 1-5", "2026-03-06T22:00:00Z")).toBe("2026-03-09T22:00:00.000Z") // Fri -> Mon
    expect(nextOf("0 0 1,15 * *", "2026-03-02T00:00:00Z")).toBe("2026-03-15T00:00:00.000Z")
    expect(nextOf("0 12 * JAN,jul SUN", "2026-01-05T00:00:00Z")).toBe("2026-01-11T12:00:00.000Z")
    expect(nextOf("30 8 10/10 * *", "2026-03-21T00:00:00Z")).toBe("2026-03-30T08:30:00.000Z")
    expect(nextOf("@hourly", "2026-03-01T10:07:00Z")).toBe("2026-03-01T11:00:00.000Z")
    expect(nextOf("@daily", "2026-03-01T10:07:00Z")).toBe("2026-03-02T00:00:00.000Z")
    expect(nextOf("@weekly", "2026-03-04T10:07:00Z")).toBe("2026-03-08T00:00:00.000Z")
    expect(nextOf("@monthly", "2026-03-04T10:07:00Z")).toBe("2026-04-01T00:00:00.000Z")
    expect(nextOf("@yearly", "2026-03-04T10:07:00Z")).toBe("2027-01-01T00:00:00.000Z")
    // Both day fields restricted: either one matches (the 13th, or any Friday).
    expect(nextOf("0 0 13 * 5", "2026-03-01T00:00:00Z")).toBe("2026-03-06T00:00:00.000Z")
    expect(nextOf("0 0 13 * 5", "2026-03-10T00:00:00Z")).toBe("2026-03-13T00:00:00.000Z")
    // A step over `*` restricts: day-of-week */2 and day 1 are or-ed.
    expect(nextOf("0 0 1 * */2", "2026-03-01T00:00:00Z")).toBe("2026-03-03T00:00:00.000Z")
    expect(nextOf("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z")
    expect(nextOf("0 0 30 2 *", "2026-03-01T00:00:00Z")).toBeUndefined()
  })

  it("time zones, across daylight saving", () => {
    expect(nextOf("0 9 * * *", "2026-03-01T00:30:00Z", "Asia/Tokyo")).toBe("2026-03-02T00:00:00.000Z")
    // New York: EST (-5) before 8 March 2026, EDT (-4) after.
    expect(nextOf("0 9 * * *", "2026-03-07T15:00:00Z", "America/New_York")).toBe("2026-03-08T13:00:00.000Z")
    expect(nextOf("0 9 * * *", "2026-03-06T15:00:00Z", "America/New_York")).toBe("2026-03-07T14:00:00.000Z")
    expect(nextOf("30 0 * * *", "2026-03-07T06:00:00Z", "America/New_York")).toBe("2026-03-08T05:30:00.000Z")
  })

  it("the most recent time in a window, cheaply however far back", () => {
    const every = parsed("* * * * *")
    expect(iso(mostRecent(every, at("2020-01-01T00:00:00Z"), at("2026-03-01T10:07:30Z")))).toBe(
      "2026-03-01T10:07:00.000Z"
    )
    expect(mostRecent(every, at("2026-03-01T10:07:00Z"), at("2026-03-01T10:07:59Z"))).toBeUndefined()
    expect(iso(mostRecent(parsed("@yearly"), at("2020-06-01T00:00:00Z"), at("2026-03-01T00:00:00Z")))).toBe(
      "2026-01-01T00:00:00.000Z"
    )
  })

  it("says what is wrong", () => {
    expect(parseSchedule("* * * *")).toBe(`expected exactly 5 fields, found 4: "* * * *"`)
    expect(parseSchedule("60 * * * *")).toBe(`minute "60" is out of range (0-59)`)
    expect(parseSchedule("* * * FOO *")).toBe(`failed to parse month "FOO"`)
    expect(parseSchedule("*/0 * * * *")).toBe(`invalid step in minute "*/0"`)
    expect(parseSchedule("5-1 * * * *")).toBe(`beginning of range (5) beyond end of range (1) in minute "5-1"`)
    expect(parseSchedule("@every 1h")).toBe("unrecognized descriptor: @every 1h")
    expect(parseSchedule("CRON_TZ=UTC * * * * *")).toBe("a TZ or CRON_TZ prefix is not supported: use spec.timeZone")
  })
})

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const cronjobs = "/apis/batch/v1/namespaces/default/cronjobs"
const jobsPath = "/apis/batch/v1/namespaces/default/jobs"
const json = (path: string) => Effect.map(get(path), (r) => r.json)
const jobNames = Effect.map(
  get(jobsPath),
  (r) => ((r.json?.items ?? []) as Array<any>).map((j) => j.metadata.name).sort()
)
const complete = (j: any) => (j.status?.conditions ?? []).some((c: any) => c.type === "Complete" && c.status === "True")

const cronJob = (name: string, spec: Record<string, any>, runSeconds?: number) => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name },
  spec: {
    schedule: "* * * * *",
    ...spec,
    jobTemplate: {
      metadata: { labels: { app: name } },
      spec: {
        template: {
          metadata: runSeconds === undefined ? {} : {
            annotations: { "simulate.effect-kube.io/run-seconds": String(runSeconds) }
          },
          spec: { restartPolicy: "Never", containers: [{ name: "tick", image: "busybox" }] }
        }
      }
    }
  }
})

/** Moves the clock to just after minute `m` since the epoch (TestClock starts at 0) and lets the cluster run. */
const toMinute = (m: number) =>
  Effect.gen(function*() {
    const now = yield* TestClock.currentTimeMillis
    const target = m * 60_000 + 200
    if (target > now) yield* TestClock.adjust(target - now)
    for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
  })

describe("simulated cronjobs", () => {
  it.effect("creates <name>-<minute> Jobs on schedule; status, history limits", () =>
    Effect.gen(function*() {
      yield* post(cronjobs, cronJob("tick", { schedule: "*/2 * * * *", successfulJobsHistoryLimit: 2 }))
      yield* toMinute(1)
      expect(yield* jobNames).toEqual([])
      yield* toMinute(2)
      const first = yield* eventually(json(`${jobsPath}/tick-2`), (j) => j.metadata?.name === "tick-2")
      expect(first.metadata.labels).toMatchObject({ app: "tick" })
      expect(first.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
        "1970-01-01T00:02:00Z"
      )
      const cj = yield* json(`${cronjobs}/tick`)
      expect(first.metadata.ownerReferences).toEqual([{
        apiVersion: "batch/v1",
        kind: "CronJob",
        name: "tick",
        uid: cj.metadata.uid,
        controller: true,
        blockOwnerDeletion: true
      }])
      expect(cj.status.lastScheduleTime).toBe("1970-01-01T00:02:00Z")
      expect(cj.status.active).toEqual([
        expect.objectContaining({ kind: "Job", name: "tick-2", uid: first.metadata.uid })
      ])
      yield* eventually(json(`${jobsPath}/tick-2`), complete, { step: "100 millis" })
      const after = yield* eventually(json(`${cronjobs}/tick`), (c) => c.status?.active === undefined, {
        step: "100 millis"
      })
      expect(after.status.lastSuccessfulTime).toBeDefined()
      for (const m of [4, 6, 8]) {
        yield* toMinute(m)
        yield* eventually(json(`${jobsPath}/tick-${m}`), complete, { step: "100 millis" })
      }
      // Two successful Jobs kept: the oldest go.
      expect(yield* eventually(jobNames, (ns) => ns.length === 2, { step: "100 millis" })).toEqual(["tick-6", "tick-8"])
    }).pipe(withFake({ simulate: true })))

  it.effect("concurrencyPolicy: Allow runs them side by side, Forbid skips, Replace replaces", () =>
    Effect.gen(function*() {
      yield* post(cronjobs, cronJob("allow", {}, 600))
      yield* post(cronjobs, cronJob("forbid", { concurrencyPolicy: "Forbid" }, 600))
      yield* post(cronjobs, cronJob("replace", { concurrencyPolicy: "Replace" }, 600))
      for (const m of [1, 2, 3]) yield* toMinute(m)
      const names = yield* eventually(jobNames, (ns) => ns.filter((n) => n.startsWith("replace")).length === 1, {
        step: "100 millis"
      })
      expect(names.filter((n) => n.startsWith("allow"))).toEqual(["allow-1", "allow-2", "allow-3"])
      expect(names.filter((n) => n.startsWith("forbid"))).toEqual(["forbid-1"])
      expect(names.filter((n) => n.startsWith("replace"))).toEqual(["replace-3"])
      expect((yield* json(`${cronjobs}/allow`)).status.active.map((r: any) => r.name)).toEqual([
        "allow-1",
        "allow-2",
        "allow-3"
      ])
      // Forbid did not record the skipped times as scheduled.
      expect((yield* json(`${cronjobs}/forbid`)).status.lastScheduleTime).toBe("1970-01-01T00:01:00Z")
    }).pipe(withFake({ simulate: true })))

  it.effect("suspend stops scheduling; startingDeadlineSeconds decides whether a missed time still runs", () =>
    Effect.gen(function*() {
      yield* post(cronjobs, cronJob("late", { schedule: "*/10 * * * *", suspend: true, startingDeadlineSeconds: 30 }))
      yield* post(cronjobs, cronJob("anyway", { schedule: "*/10 * * * *", suspend: true }))
      yield* toMinute(10)
      expect(yield* jobNames).toEqual([])
      // Resumed a minute after the scheduled time: past the deadline for one, still due for the other.
      yield* toMinute(11)
      yield* patch(`${cronjobs}/late`, { spec: { suspend: false } }, "application/merge-patch+json")
      yield* patch(`${cronjobs}/anyway`, { spec: { suspend: false } }, "application/merge-patch+json")
      expect(yield* eventually(jobNames, (ns) => ns.length > 0)).toEqual(["anyway-10"])
      yield* toMinute(20)
      expect(yield* eventually(jobNames, (ns) => ns.length === 3)).toEqual(["anyway-10", "anyway-20", "late-20"])
    }).pipe(withFake({ simulate: true })))

  it.effect("a timeZone schedules in local time", () =>
    Effect.gen(function*() {
      // 09:00 in Tokyo is 00:00 UTC; the fake's clock starts at 1970-01-01T00:00:00Z.
      yield* post(cronjobs, cronJob("tokyo", { schedule: "0 9 * * *", timeZone: "Asia/Tokyo" }))
      yield* toMinute(24 * 60 - 1)
      expect(yield* jobNames).toEqual([])
      yield* toMinute(24 * 60)
      expect(yield* eventually(jobNames, (ns) => ns.length > 0)).toEqual([`tokyo-${24 * 60}`])
      const job = yield* json(`${jobsPath}/tokyo-${24 * 60}`)
      expect(job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(
        "1970-01-02T09:00:00+09:00"
      )
    }).pipe(withFake({ simulate: true })))
})
