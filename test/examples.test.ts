/**
 * Every example runs, in-process, against a fresh fake apiserver, and leaves the output and the state it promises.
 * The demo runs once as a real process (`npm start`'s command line), and its read-only cluster tour once against a
 * listening fake through the real Node transport and a written kubeconfig.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as FakeApiServer from "../src/FakeApiServer.js"

const { clusterTour } = await import("../examples/demo.js")
const support = await import("../examples/support.js")
const restClientListPods = await import("../examples/rest-client-list-pods.js")
const clientsetPodsCrud = await import("../examples/clientset-pods-crud.js")
const getPodErrorHandling = await import("../examples/get-pod-error-handling.js")
const deploymentsServicesCrud = await import("../examples/deployments-services-crud.js")
const dynamicClientCrd = await import("../examples/dynamic-client-crd.js")
const discoveryApiResources = await import("../examples/discovery-api-resources.js")
const scale = await import("../examples/scale.js")
const paging = await import("../examples/paging.js")
const serverSideApply = await import("../examples/server-side-apply.js")
const retryAndRateLimits = await import("../examples/retry-and-rate-limits.js")
const watchWithResume = await import("../examples/watch-with-resume.js")
const inClusterConfig = await import("../examples/in-cluster-config.js")

/** Runs `effect` with `Console.log` collected into lines (one entry per printed line). */
const captured = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const current = yield* Effect.console
    const console: Console.Console = {
      ...current,
      log: (...args: ReadonlyArray<unknown>) =>
        Effect.sync(() => {
          lines.push(...args.map(String).join(" ").split("\n"))
        })
    }
    const value = yield* Console.withConsole(effect, console)
    return { value, lines, text: lines.join("\n") }
  })

const stored = (ref: FakeApiServer.ObjectRef) =>
  Effect.flatMap(FakeApiServer.FakeApiServer, (fake) => fake.get(ref)) as Effect.Effect<
    Option.Option<any>,
    FakeApiServer.FakeApiServerError,
    FakeApiServer.FakeApiServer
  >

/** The order in which `needles` occur in `text` is the order given. */
const expectInOrder = (text: string, needles: ReadonlyArray<string>) => {
  let from = 0
  for (const needle of needles) {
    const at = text.indexOf(needle, from)
    expect(at, `"${needle}" after offset ${from} in:\n${text}`).toBeGreaterThanOrEqual(0)
    from = at + needle.length
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the demo as a process: started first, awaited last, so it runs while the in-process tests do
// ---------------------------------------------------------------------------------------------------------------

interface ProcessResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly millis: number
}

let demo: Promise<ProcessResult>

beforeAll(() => {
  demo = new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ["--import", "tsx", "examples/demo.ts"], {
      cwd: Path.resolve(import.meta.dirname, ".."),
      env: { ...process.env, NO_COLOR: undefined },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, millis: Date.now() - started })
    })
  })
})

afterAll(async () => {
  await demo
})

// ---------------------------------------------------------------------------------------------------------------
// the examples, in-process
// ---------------------------------------------------------------------------------------------------------------

// it.live throughout: the shared token bucket and the examples' sleeps run on the real clock.
describe("examples on the fake", () => {
  it.live("rest-client-list-pods: label selectors through a raw KubeRequest", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(restClientListPods.program)
      expect(text).toContain("GET http://fake-apiserver.local/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb")
      expect(text).toContain(`3 pods match "app=web"`)
      expect(text).toContain(`3 pods match "app in (api,worker)"`)
      expect(text).toContain(`7 pods match ""`)
    }).pipe(Effect.provide(support.fake())))

  it.live("clientset-pods-crud: every verb, then NotFound; nothing left behind", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(clientsetPodsCrud.program)
      expectInOrder(text, [
        "created  pod/",
        "got ",
        "listed   1 pod(s)",
        "updated  annotations example.com/reason=debugging",
        "example.com/ticket=OPS-1234",
        "deleted ",
        "NotFound, as expected"
      ])
      const pod = yield* stored({ apiVersion: "v1", kind: "Pod", namespace: "shop", name: "effect-kube-example-shell" })
      expect(Option.isNone(pod)).toBe(true)
    }).pipe(Effect.provide(support.fake())))

  it.live("get-pod-error-handling: NotFound, Forbidden and other Status errors each by their tag", () =>
    Effect.gen(function*() {
      const { lines } = yield* captured(getPodErrorHandling.programOnFake)
      expect(lines).toHaveLength(4)
      expect(lines[0]).toContain("found, phase Running")
      expect(lines[1]).toContain(`NotFound: pods "web-0000-missing" not found`)
      expect(lines[2]).toContain("Forbidden: check your RBAC")
      expect(lines[3]).toContain("InternalError (HTTP 500): etcdserver: request timed out")
    }).pipe(Effect.provide(support.fake())))

  it.live("deployments-services-crud: update with retryOnConflict, strategic merge of ports, cleanup", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(deploymentsServicesCrud.program)
      expect(text).toMatch(/checkout-example\s+2\s+example.com\/shop\/checkout:1.0/)
      expect(text).toContain("updated: checkout-example  3  example.com/shop/checkout:1.1")
      expect(text).toContain("patched service ports: metrics:9090, http:80")
      expect(text).toContain("deployments left with app=checkout-example: 0")
      const svc = yield* stored({ apiVersion: "v1", kind: "Service", namespace: "shop", name: "checkout-example" })
      expect(Option.isNone(svc)).toBe(true)
    }).pipe(Effect.provide(support.fake())))

  it.live("dynamic-client-crd: registers the CRD, keeps fields the Schema does not name, cleans up", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(dynamicClientCrd.program)
      expect(text).toContain("crd/crontabs.stable.example.com created, Established")
      expect(text).toContain(`"ct" resolves to crontabs.v1.stable.example.com`)
      expect(text.match(/Europe\/Paris/g)).toHaveLength(2)
      expect(text).toContain("typed client: patched crontab/report-example suspend=true")
      expect(text).toContain("dynamic get sees spec.suspend=true")
      const crd = yield* stored({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        name: "crontabs.stable.example.com"
      })
      expect(Option.isNone(crd)).toBe(true)
    }).pipe(Effect.provide(support.fake(dynamicClientCrd.fakeOptions))))

  it.live("discovery-api-resources: kubectl api-resources rows and RestMapper resolution", () =>
    Effect.gen(function*() {
      const { lines, text } = yield* captured(discoveryApiResources.program)
      expect(text).toContain("server v1.36.0")
      expect(lines.some((l) => /^\s+pods\s+po\s+v1\s+true\s+Pod$/.test(l))).toBe(true)
      expect(lines.some((l) => /^\s+deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/.test(l))).toBe(true)
      expect(lines.some((l) => /^\s+crontabs\s+ct\s+stable.example.com\/v1\s+true\s+CronTab$/.test(l))).toBe(true)
      expect(text).toContain(`resolve "hpa"                  -> horizontalpodautoscalers.v2.autoscaling`)
      expect(text).toContain(`resolve "nope"                 -> no match`)
    }).pipe(Effect.provide(support.fake())))

  it.live("scale: leaves deployment/web at 4 replicas in the store", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(scale.program("web", 4))
      expect(text).toContain("ScaleClient:  deployment/web 3 -> 4 replicas")
      expect(text).toContain("configmaps -> configmaps has no scale subresource")
      const web = yield* stored({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" })
      expect(Option.getOrThrow(web).spec.replicas).toBe(4)
    }).pipe(Effect.provide(support.fake())))

  it.live("paging: three pages by hand; listAll fetches pages only as they are read", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const { lines, text } = yield* captured(paging.program)
      expect(lines.filter((l) => /^\s+\d\s+\d+\s+/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
        ["1", "10"],
        ["2", "10"],
        ["3", "6"]
      ])
      expect(text).toContain("listAll + take(12): 12 items, last report-2026-12")
      expect(text).toContain("listAll: 26 configmaps in 3 pages of 10")
      const pages = (yield* fake.requests).filter((r) => r.url.includes("limit=10"))
      // 3 by hand, 2 for take(12), 3 for the full listAll.
      expect(pages).toHaveLength(8)
    }).pipe(Effect.provide(support.fake(paging.fakeOptions))))

  it.live("server-side-apply: Conflict without force, ownership moves with force", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(serverSideApply.program)
      expect(text).toContain(`hotfix without force -> Conflict: .data.checkout.timeout (conflict with "ci-pipeline")`)
      expect(text).toContain("hotfix with force    -> checkout.timeout=60s")
      expect(text).toContain(`"checkout.timeout":"60s","checkout.retries":"3"`)
      expect(text).toMatch(/ci-pipeline\s+Apply\s+checkout.retries, currency/)
      expect(text).toMatch(/hotfix\s+Apply\s+checkout.timeout/)
    }).pipe(Effect.provide(support.fake())))

  it.live("retry-and-rate-limits: waits for Retry-After, gives up after maxRetries, spaces requests by qps", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(retryAndRateLimits.program)
      const waited = Number(/listed \d+ configmaps after (\d+) ms/.exec(text)?.[1])
      expect(waited).toBeGreaterThanOrEqual(1000)
      expect(text).toContain("attempt 1: GET configmaps -> HTTP 429 (Retry-After 1s), retry")
      expect(text).toContain("ServiceUnavailable: etcd is unhealthy")
      expect(text).toContain("shows 4 attempts")
      const times = /finished at ([\d, ]+) ms/.exec(text)![1]!.split(", ").map(Number).sort((a, b) => a - b)
      expect(times).toHaveLength(6)
      // The burst of 2 goes at once; the 6th waits for 4 tokens at 5 per second.
      expect(times[1]!).toBeLessThan(500)
      expect(times[5]!).toBeGreaterThanOrEqual(700)
    }).pipe(Effect.provide(support.fake({}, retryAndRateLimits.tuning))))

  it.live("watch-with-resume: resumes after a cut without loss, relists after Expired", () =>
    Effect.gen(function*() {
      const { lines } = yield* captured(watchWithResume.program)
      const events = lines.map((l) => l.trim()).filter((l) => /^(ADDED|LISTED|\()/.test(l))
      const rv = (i: number) => /rv=(\d+)/.exec(events[i]!)?.[1]
      expect(events.map((l) => l.replace(/\d+/g, "N"))).toEqual([
        "ADDED     configmap/flag-N rv=N",
        "ADDED     configmap/flag-N rv=N",
        "(watch connection closed; resuming from resourceVersion N)",
        "ADDED     configmap/flag-N rv=N",
        "ADDED     configmap/flag-N rv=N",
        "(resourceVersion N is too old: N Expired; listing again)",
        "LISTED    N configmaps at resourceVersion N",
        "ADDED     configmap/flag-N rv=N"
      ])
      expect(events.filter((l) => l.startsWith("ADDED")).map((l) => l.split(/\s+/)[1])).toEqual(
        ["flag-1", "flag-2", "flag-3", "flag-4", "flag-5"].map((n) => `configmap/${n}`)
      )
      // Resumed from the last event seen before the cut; expired at the last event seen before the pause.
      expect(events[2]).toContain(`resourceVersion ${rv(1)})`)
      expect(events[5]).toContain(`resourceVersion ${rv(4)} is too old`)
      expect(events[6]).toContain("LISTED    5 configmaps")
    }).pipe(Effect.provide(support.fake(watchWithResume.fakeOptions, watchWithResume.tuning))))

  it.live("in-cluster-config: the service-account files become a working client", () =>
    Effect.gen(function*() {
      const { text } = yield* captured(inClusterConfig.onFake)
      expect(text).toMatch(/server {5}https:\/\/127\.0\.0\.1:\d+/)
      expect(text).toContain("namespace  shop")
      expect(text).toMatch(/auth {7}token file .*\/token, re-read/)
      expect(text).toMatch(/CA {9}.*\/ca\.crt/)
      expect(text).toContain("7 pods in shop")
    }))
})

// ---------------------------------------------------------------------------------------------------------------
// the demo
// ---------------------------------------------------------------------------------------------------------------

describe("demo", () => {
  it.live("read-only tour of a cluster: a listening fake through a written kubeconfig and the Node transport", () =>
    Effect.gen(function*() {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-examples-"))
      const kubeconfig = Path.join(dir, "config")
      const server = yield* FakeApiServer.listen({ ...support.fakeOptions(), kubeconfigPath: kubeconfig, https: true })
      // A pod appears while the tour watches.
      const late = yield* Effect.fork(Effect.zipRight(
        Effect.sleep(Duration.millis(700)),
        server.server.seed({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "late-arrival", namespace: "shop" },
          spec: { containers: [{ name: "c", image: "busybox" }] },
          status: { phase: "Pending" }
        })
      ))
      const flags = { kubeconfig }
      const { text } = yield* captured(
        clusterTour(flags, { watchFor: Duration.seconds(2) }).pipe(Effect.provide(support.cluster(flags)))
      )
      yield* Fiber.join(late)
      expectInOrder(text, [
        "== 1. kubeconfig -> RestConfig",
        `server      ${server.url}`,
        "auth        bearer token <redacted>",
        "== 2. RestClient: list pods",
        "GET /api/v1/namespaces/shop/pods?limit=20",
        "7 pods",
        "== 3. Errors are values",
        `NotFound (404): pods "checkout-0" not found`,
        "== 4. Discovery",
        "== 5. Watch: pods for 2s",
        "ADDED     pod/late-arrival",
        "done."
      ])
      expect(text).not.toContain(Fs.readFileSync(kubeconfig, "utf8").match(/token: (\S+)/)![1]!)
      // Read-only: nothing was written by the tour (the late pod came from the test).
      expect((yield* server.server.requests).filter((r) => r.method !== "GET")).toEqual([])
      Fs.rmSync(dir, { recursive: true, force: true })
    }).pipe(Effect.scoped))

  it("npm start: the whole tour on the embedded fake, sections in order, exit 0, in a few seconds", async () => {
    const result = await demo
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expectInOrder(result.stdout, [
      "== 1. kubeconfig -> RestConfig",
      "auth        none",
      `context "prod" (--context prod) resolves to:`,
      "auth        bearer token <redacted>",
      "== 2. RestClient: list pods",
      "web-7d9f8-qq5rn      Pending",
      "7 pods",
      "== 3. Clientset: CRUD on a Deployment and a Service",
      "create   deployment/checkout",
      "delete   deployment/checkout",
      "== 4. Errors are values: catch NotFound by tag",
      `NotFound (404): pods "checkout-0" not found`,
      `AlreadyExists (409): services "web" already exists`,
      "== 5. DynamicClient",
      "nightly-report   0 2 * * *",
      "== 6. Discovery",
      "crontabs      ct",
      "== 7. ScaleClient: scale deployment/web",
      "replicas 3 -> 5",
      "== 8. Watch",
      "ADDED     configmap/feature-flags",
      "MODIFIED  configmap/feature-flags",
      "DELETED   configmap/feature-flags",
      "done."
    ])
    expect(result.stdout).not.toContain("demo-token-never-printed")
    expect(result.stdout).not.toContain("\u001b[")
    expect(result.millis).toBeLessThan(25_000)
  }, 35_000)
})
