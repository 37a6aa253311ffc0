/**
 * `effect-kube get pods -v=9 --request-timeout=1s` against `kubectl get pods -v=9 --request-timeout=1s` over a
 * corpus of kubeconfigs (contexts and namespaces, a server path prefix, proxy-url, insecure TLS, impersonation,
 * basic auth, tokens, command-line overrides): both log the same requests, each as its method, URL and headers.
 * User-Agent is set aside (each names its own program); header order is not compared, as client-go prints a Go map.
 * Requests are compared once each, in first-seen order: after a refused connection kubectl's discovery retries a
 * number of times of its own. No logged line may hold a token or password.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { ours } from "./support/cli.js"

interface Case {
  readonly name: string
  /** The kubeconfig, given the fake's URL and token. */
  readonly kubeconfig: (url: string, token: string) => string
  readonly flags?: ReadonlyArray<string>
  readonly https?: boolean
}

const config = (cluster: string, user: string, context = "  namespace: default\n") =>
  `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
${cluster}users:
- name: u
  user:
${user}contexts:
- name: x
  context:
    cluster: c
    user: u
  ${context}current-context: x
`

const cases: ReadonlyArray<Case> = [
  {
    name: "token, namespace from the context",
    kubeconfig: (url, t) => config(`    server: ${url}\n`, `    token: ${t}\n`)
  },
  {
    name: "two contexts, --context picks the other namespace",
    kubeconfig: (url, t) =>
      config(`    server: ${url}\n`, `    token: ${t}\n`).replace(
        "current-context: x",
        "- name: ctx-b\n  context: {cluster: c, user: u, namespace: team-a}\ncurrent-context: x"
      ),
    flags: ["--context", "ctx-b"]
  },
  {
    name: "-n and --as/--as-group/--as-uid on the command line",
    kubeconfig: (url, t) => config(`    server: ${url}\n`, `    token: ${t}\n`),
    flags: ["-n", "other", "--as", "alice", "--as-group", "devs", "--as-group", "ops", "--as-uid", "42"]
  },
  {
    name: "impersonation in the kubeconfig, with extra",
    kubeconfig: (url, t) =>
      config(
        `    server: ${url}\n`,
        `    token: ${t}\n    as: bob\n    as-groups: [a, b]\n    as-uid: "7"\n    as-user-extra: {scopes: [view, edit]}\n`
      )
  },
  {
    name: "basic auth",
    kubeconfig: (url) => config(`    server: ${url}\n`, `    username: admin\n    password: s3cret-pass\n`)
  },
  {
    name: "a server path prefix",
    kubeconfig: (url, t) => config(`    server: ${url}/k8s/clusters/c-1\n`, `    token: ${t}\n`)
  },
  {
    name: "proxy-url (refused)",
    kubeconfig: (url, t) => config(`    server: ${url}\n    proxy-url: http://127.0.0.1:9\n`, `    token: ${t}\n`)
  },
  {
    name: "--server and --token override the kubeconfig",
    kubeconfig: () => config(`    server: http://127.0.0.1:9\n`, `    token: wrong-token\n`),
    flags: ["__server__", "__token__"]
  },
  {
    name: "https, insecure-skip-tls-verify",
    https: true,
    kubeconfig: (url, t) => config(`    server: ${url}\n    insecure-skip-tls-verify: true\n`, `    token: ${t}\n`)
  },
  {
    name: "https, tls-server-name over an IP",
    https: true,
    kubeconfig: (url, t) =>
      config(
        `    server: ${url}\n    insecure-skip-tls-verify: true\n`,
        `    token: ${t}\n`,
        "  namespace: kube-system\n"
      ),
    flags: ["--tls-server-name", "localhost", "--insecure-skip-tls-verify"]
  }
]

interface Logged {
  readonly method: string
  readonly url: string
  readonly headers: ReadonlyArray<string>
}

/** The curl lines of a -v=9 log: method, URL and headers (sorted, User-Agent left out), each request once. */
const requests = (log: string): ReadonlyArray<Logged> => {
  const seen = new Map<string, Logged>()
  for (const line of log.split("\n")) {
    const m = /^\tcurl -v -X(\S+) (.*) '([^']*)'$/.exec(line)
    if (m === null) continue
    const headers = [...m[2]!.matchAll(/-H "([^"]*)"/g)].map((h) => h[1]!).filter((h) =>
      !h.toLowerCase().startsWith("user-agent:")
    ).sort()
    const entry = { method: m[1]!, url: m[3]!, headers }
    const key = JSON.stringify(entry)
    if (!seen.has(key)) seen.set(key, entry)
  }
  return [...seen.values()]
}

const kubectl = (home: string, args: ReadonlyArray<string>) =>
  Effect.async<string>((resume) => {
    const child = execFile(
      ensureKubectl(),
      args,
      { env: { HOME: home, PATH: "" }, timeout: 30_000 },
      (_error, _stdout, stderr) => resume(Effect.succeed(stderr))
    )
    return Effect.sync(() => child.kill())
  })

describe("-v=9 request lines compared with kubectl over a kubeconfig corpus", () => {
  it.live("the same requests, URLs and headers for every case; no secret in either log", () =>
    Effect.gen(function*() {
      const home = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-verbose-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(home, { recursive: true, force: true })))
      const http = yield* FakeApiServer.listen({})
      const https = yield* FakeApiServer.listen({ https: true })
      for (const [i, c] of cases.entries()) {
        const server = c.https === true ? https : http
        const secret = Redacted.value(server.token)
        const file = Path.join(home, `kubeconfig-${i}`)
        Fs.writeFileSync(file, c.kubeconfig(server.url, secret))
        const flags = (c.flags ?? []).flatMap((f) =>
          f === "__server__" ? ["--server", server.url] : f === "__token__" ? ["--token", secret] : [f]
        )
        const common = ["get", "pods", "-v=9", "--request-timeout=1s", "--kubeconfig", file, ...flags]
        const theirs = yield* kubectl(home, [...common, "--cache-dir", Path.join(home, `kc-${i}`)])
        const mine = yield* Effect.promise(() => ours([...common, "--cache-dir", Path.join(home, `ek-${i}`)]))
        expect({ case: c.name, requests: requests(mine.stderr) }).toEqual({
          case: c.name,
          requests: requests(theirs)
        })
        expect(requests(theirs).length, c.name).toBeGreaterThan(0)
        for (const log of [mine.stderr, theirs]) {
          expect(log.includes(secret), c.name).toBe(false)
          expect(log.includes("s3cret-pass"), c.name).toBe(false)
        }
      }
    }).pipe(Effect.scoped), { timeout: 120_000 })
})
