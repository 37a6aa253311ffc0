/**
 * `effect-kube get --raw` against a node:http server on 127.0.0.1, compared with the real kubectl v1.35 on the same
 * server and kubeconfig: stdout, stderr and exit code must match.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { afterAll, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { command, parseFlags } from "../src/cli/get.js"

interface Route {
  readonly status: number
  readonly type?: string
  readonly body: string
  readonly headers?: Record<string, string>
}

const status = (code: number, reason: string, message: string, details?: object) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, details })

const routes: Record<string, Route> = {
  "/version": { status: 200, type: "application/json", body: `{"major":"1","minor":"35"}` },
  "/text": { status: 200, type: "text/plain", body: "plain\ntext without newline" },
  "/api/v1/namespaces/ns/pods/missing": {
    status: 404,
    type: "application/json",
    body: status(404, "NotFound", `pods "missing" not found`, { name: "missing", kind: "pods" })
  },
  "/boom": { status: 500, type: "text/plain", body: "boom" },
  "/denied": { status: 401, type: "application/json", body: status(401, "Unauthorized", "Unauthorized") },
  "/invalid": {
    status: 422,
    type: "application/json",
    body: status(422, "Invalid", "x", {
      name: "p",
      kind: "Pod",
      causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.containers" }]
    })
  },
  "/conflict": { status: 409, type: "text/plain", body: "" },
  "/warned": { status: 200, type: "application/json", body: "{}", headers: { warning: `299 - "this is deprecated"` } }
}

let server: http.Server
let port = 0
let tmp = ""
let kubeconfig = ""
let refusedConfig = ""
let kubectl = ""
const seen: Array<{ url: string; authorization: string | undefined }> = []

const writeConfig = (file: string, server: string) =>
  fs.writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${server}"}
contexts:
- name: c
  context: {cluster: c, user: u}
- name: other
  context: {cluster: c, user: u, namespace: x}
current-context: c
users:
- name: u
  user: {token: s3cret-token}
`
  )

beforeAll(async () => {
  kubectl = ensureKubectl()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-cli-get-"))
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    seen.push({ url: req.url ?? "", authorization: req.headers.authorization })
    const route = routes[url.pathname] ?? { status: 404, type: "text/plain", body: "404 page not found" }
    res.writeHead(route.status, { ...(route.type ? { "content-type": route.type } : {}), ...route.headers })
    res.end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as AddressInfo).port
  kubeconfig = path.join(tmp, "kubeconfig")
  writeConfig(kubeconfig, `http://127.0.0.1:${port}`)
  // A port nobody listens on: bind, note it, close.
  const closed = http.createServer()
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
  const closedPort = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  refusedConfig = path.join(tmp, "refused")
  writeConfig(refusedConfig, `http://127.0.0.1:${closedPort}`)
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (tmp !== "") fs.rmSync(tmp, { recursive: true, force: true })
})

interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const runOurs = async (args: ReadonlyArray<string>): Promise<Outcome> => {
  let stdout = ""
  let stderr = ""
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")
    return true
  })
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")
    return true
  })
  try {
    const code = await Effect.runPromise(command(args).pipe(Effect.provide(NodeContext.layer)))
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

const runKubectl = (args: ReadonlyArray<string>): Promise<Outcome> =>
  new Promise((resolve) => {
    execFile(
      kubectl,
      [...args],
      { env: { PATH: process.env.PATH ?? "", HOME: tmp }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resolve({ code, stdout, stderr })
      }
    )
  })

/** Runs `kubectl get ARGS` and `effect-kube get ARGS` one after the other. */
const both = async (args: ReadonlyArray<string>) => {
  const theirs = await runKubectl(["get", ...args])
  const ours = await runOurs(args)
  return { ours, theirs }
}

describe("effect-kube get --raw, compared with kubectl", () => {
  const paths = [
    "/version",
    "/text",
    "/api/v1/namespaces/ns/pods/missing",
    "/boom",
    "/denied",
    "/invalid",
    "/conflict",
    "/nothing-here",
    "/warned"
  ]
  for (const p of paths) {
    it(`get --raw ${p}`, { timeout: 60_000 }, async () => {
      const { ours, theirs } = await both(["--raw", p, "--kubeconfig", kubeconfig, "--request-timeout=5s"])
      expect(ours).toEqual(theirs)
    })
  }

  it("connection refused", { timeout: 60_000 }, async () => {
    const { ours, theirs } = await both(["--raw", "/version", "--kubeconfig", refusedConfig, "--request-timeout=5s"])
    expect(ours).toEqual(theirs)
    expect(ours.code).toBe(1)
    expect(ours.stderr).toMatch(/^The connection to the server 127\.0\.0\.1:\d+ was refused/)
  })

  it("a query string and --context", { timeout: 60_000 }, async () => {
    seen.length = 0
    const ours = await runOurs(["--raw", "/version?b=2&a=1", "--kubeconfig", kubeconfig, "--context", "other"])
    expect(ours.code).toBe(0)
    expect(seen.map((s) => s.url)).toEqual(["/version?a=1&b=2"])
  })

  it("-v=6 logs each request to stderr, never the token", { timeout: 60_000 }, async () => {
    const ours = await runOurs(["--raw", "/version", "--kubeconfig", kubeconfig, "-v=6"])
    expect(ours.code).toBe(0)
    expect(ours.stdout).toBe(`{"major":"1","minor":"35"}`)
    expect(ours.stderr).toMatch(
      new RegExp(
        `^I\\d{4} [\\d:.]+ +\\d+ round_trippers\\.go:632\\] "Response" verb="GET" url="http://127\\.0\\.0\\.1:${port}/version" status="200 OK" milliseconds=\\d+\n$`
      )
    )
    expect(ours.stderr).not.toContain("s3cret")
    const quiet = await runOurs(["--raw", "/version", "--kubeconfig", kubeconfig])
    expect(quiet.stderr).toBe("")
  })

  it("usage errors", { timeout: 60_000 }, async () => {
    expect((await runOurs(["--raw", "/x", "pods", "--kubeconfig", kubeconfig])).stderr).toBe(
      "error: arguments may not be passed when --raw is specified\n"
    )
    expect((await runOurs(["--bogus"])).code).toBe(1)
    expect(parseFlags(["--raw=/a", "-v", "7", "--request-timeout", "1m30s", "--context=c"])).toEqual({
      raw: "/a",
      kubeconfig: undefined,
      context: "c",
      requestTimeout: expect.anything(),
      verbosity: 7,
      help: false,
      positional: []
    })
    const missingConfig = await runOurs(["--raw", "/x", "--kubeconfig", path.join(tmp, "nope")])
    expect(missingConfig.code).toBe(1)
    expect(missingConfig.stderr).toMatch(/^error: /)
  })
})
