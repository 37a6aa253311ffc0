/**
 * The resource commands against the real kubectl: both run against the same `FakeApiServer.listen()` (HTTPS, a
 * written kubeconfig, a temp HOME) and must print the same lines; table AGE values are normalised.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as apiResources from "../src/cli/apiResources.js"
import { getResource } from "../src/cli/getResource.js"
import * as scale from "../src/cli/scale.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { deployment, widgetCrd } from "./fixtures/dynamic/widgets.js"

interface Output {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

const seed = [
  deployment("web", 2),
  deployment("api", 1),
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p1", namespace: "default", labels: { app: "web" } },
    spec: { containers: [{ name: "c", image: "nginx" }] }
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p2", namespace: "other", labels: { app: "api" } },
    spec: { containers: [{ name: "c", image: "nginx" }] }
  },
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "other" } },
  widgetCrd,
  {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w1", namespace: "default" },
    spec: { replicas: 1 }
  }
]

const kubectl = (home: string, kubeconfig: string, args: ReadonlyArray<string>) =>
  Effect.async<Output>((resume) => {
    execFile(
      ensureKubectl(),
      ["--kubeconfig", kubeconfig, "--request-timeout=10s", ...args],
      { env: { HOME: home, PATH: process.env.PATH ?? "" }, encoding: "utf8", timeout: 20_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ stdout, stderr, code: error === null ? 0 : Number(error.code ?? 1) }))
    )
  })

/** Runs one of our commands in-process, capturing what it prints. */
const ours = (
  command: (args: ReadonlyArray<string>) => Effect.Effect<number, never, NodeContext.NodeContext>,
  home: string,
  kubeconfig: string,
  args: ReadonlyArray<string>
) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    const err: Array<string> = []
    const base = yield* Effect.console
    const capture: Console.Console = {
      ...base,
      log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void out.push(a.join(" ") + "\n")),
      error: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void err.push(a.join(" ") + "\n"))
    }
    const code = yield* command(["--kubeconfig", kubeconfig, "--cache-dir", Path.join(home, "ours-cache"), ...args])
      .pipe(
        Effect.withConsole(capture),
        Effect.provide(NodeContext.layer)
      )
    return { stdout: out.join(""), stderr: err.join(""), code }
  })

// AGE cells differ by the second the two commands ran in; runs of spaces differ when an AGE changes width.
const normalise = (text: string) =>
  text.split("\n").map((line) => line.replace(/\b\d+(s|m\d*s?|h\d*m?|d\d*h?)\b/g, "<age>").replace(/ +/g, " ")).join(
    "\n"
  )

interface Env {
  readonly home: string
  readonly kubeconfig: string
  readonly server: FakeApiServer.Service
}

const withServer = <A, E>(f: (env: Env) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.scoped(Effect.gen(function*() {
    const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cli-resources-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
    const kubeconfig = Path.join(home, "kubeconfig")
    const listening = yield* FakeApiServer.listen({ https: true, kubeconfigPath: kubeconfig, seed })
    return yield* f({ home, kubeconfig, server: listening.server })
  }))

const compare = (env: Env, command: Parameters<typeof ours>[0], args: ReadonlyArray<string>, exact: boolean) =>
  Effect.gen(function*() {
    const theirs = yield* kubectl(env.home, env.kubeconfig, [
      args[0] === "get-resource" ? "get" : args[0]!,
      ...args.slice(1)
    ])
    const mine = yield* ours(command, env.home, env.kubeconfig, args.slice(1))
    const label = args.join(" ")
    if (exact) {
      expect(mine.stdout, label).toBe(theirs.stdout)
    } else {
      expect(normalise(mine.stdout), label).toBe(normalise(theirs.stdout))
    }
    expect(mine.stderr, label).toBe(theirs.stderr)
    expect(mine.code, label).toBe(theirs.code)
    return mine
  })

describe("resource commands vs kubectl", () => {
  it.live("api-resources: byte for byte, with flags", () =>
    withServer((env) =>
      Effect.gen(function*() {
        const first = yield* compare(env, apiResources.command, ["api-resources"], true)
        expect(first.stdout).toMatch(/^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND\n/)
        expect(first.stdout).toContain("widgets")
        yield* compare(env, apiResources.command, ["api-resources", "-o", "wide", "--api-group=apps"], true)
        yield* compare(env, apiResources.command, ["api-resources", "-o", "name", "--namespaced=false"], true)
        yield* compare(
          env,
          apiResources.command,
          ["api-resources", "--no-headers", "--namespaced", "--sort-by=kind"],
          true
        )
      })
    ), { timeout: 60_000 })

  it.live("get: tables, -A, categories, json, name, errors", () =>
    withServer((env) =>
      Effect.gen(function*() {
        for (
          const args of [
            ["get", "pods"],
            ["get", "deploy"],
            ["get", "deployments.v1.apps", "web", "-o", "wide"],
            ["get", "po", "-A"],
            ["get", "pods", "-l", "app=api", "-A"],
            ["get", "pods", "--field-selector", "metadata.name=p1"],
            ["get", "all"],
            ["get", "deploy/web", "pod/p1"],
            ["get", "wd"],
            ["get", "svc"],
            ["get", "po", "nope"],
            ["get", "foo"]
          ]
        ) yield* compare(env, getResource, ["get-resource", ...args.slice(1)], false)
        for (
          const args of [
            ["get", "deploy", "web", "-o", "json"],
            ["get", "pods", "-o", "json"],
            ["get", "deploy", "-o", "name"],
            ["get", "widgets", "-o", "json"],
            ["get", "pods", "-n", "other", "-o", "name"]
          ]
        ) yield* compare(env, getResource, ["get-resource", ...args.slice(1)], true)
        const list = yield* ours(getResource, env.home, env.kubeconfig, ["pods", "-o", "json"])
        expect(JSON.parse(list.stdout)).toMatchObject({
          apiVersion: "v1",
          kind: "List",
          metadata: { resourceVersion: "" }
        })
        const yaml = yield* ours(getResource, env.home, env.kubeconfig, ["deploy", "web", "-o", "yaml"])
        expect(yaml.stdout).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n/)
      })
    ), { timeout: 90_000 })

  it.live(
    "get -w prints the table, then each change, until interrupted",
    () =>
      withServer((env) =>
        Effect.gen(function*() {
          const lines: Array<string> = []
          const base = yield* Effect.console
          const capture: Console.Console = {
            ...base,
            log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(...a.join(" ").split("\n"))),
            error: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(a.join(" ")))
          }
          const fiber = yield* getResource([
            "--kubeconfig",
            env.kubeconfig,
            "--cache-dir",
            Path.join(env.home, "c"),
            "pods",
            "-w"
          ])
            .pipe(Effect.withConsole(capture), Effect.provide(NodeContext.layer), Effect.fork)
          const waitFor = (pred: () => boolean) =>
            Effect.suspend(() => pred() ? Effect.void : Effect.fail("not yet")).pipe(
              Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds")))
            )
          yield* waitFor(() => lines.some((l) => l.startsWith("p1 ")))
          expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/)
          yield* env.server.seed({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "p3", namespace: "default" },
            spec: { containers: [{ name: "c", image: "nginx" }] }
          })
          yield* waitFor(() => lines.some((l) => l.startsWith("p3 ")))
          expect(lines.filter((l) => l.startsWith("NAME")).length).toBe(1)
          yield* Fiber.interrupt(fiber)
        })
      ),
    { timeout: 30_000 }
  )

  it.live(
    "scale: a Deployment and a custom resource, and the failures",
    () =>
      withServer((env) =>
        Effect.gen(function*() {
          const first = yield* compare(env, scale.command, ["scale", "deploy", "web", "--replicas", "3"], true)
          expect(first.stdout).toBe("deployment.apps/web scaled\n")
          const stored = yield* env.server.get({
            apiVersion: "apps/v1",
            kind: "Deployment",
            namespace: "default",
            name: "web"
          })
          expect((stored as { value: { spec: { replicas: number } } }).value.spec.replicas).toBe(3)
          const crd = yield* compare(env, scale.command, ["scale", "widgets", "w1", "--replicas=4"], true)
          expect(crd.stdout).toBe("widget.example.com/w1 scaled\n")
          yield* compare(env, scale.command, ["scale", "deployment/api", "--replicas=2"], true)
          yield* compare(env, scale.command, ["scale", "deploy", "nope", "--replicas=3"], true)
          yield* compare(env, scale.command, ["scale", "pod", "p1", "--replicas=2"], true)
          yield* compare(env, scale.command, ["scale", "deploy", "web"], true)
        })
      ),
    { timeout: 60_000 }
  )
})
