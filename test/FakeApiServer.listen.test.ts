import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs/promises"
import * as Https from "node:https"
import * as Os from "node:os"
import * as Path from "node:path"
import * as YAML from "yaml"
import * as FakeApiServer from "../src/FakeApiServer.js"

interface Answer {
  readonly status: number
  readonly body: string
}

const httpsGet = (url: string, ca: string, headers: Record<string, string> = {}) =>
  Effect.async<Answer, Error>((resume) => {
    const req = Https.request(url, { ca, headers, timeout: 5000 }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (c: string) => body += c)
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body })))
    })
    req.on("error", (e) => resume(Effect.fail(e)))
    req.end()
    return Effect.sync(() => req.destroy())
  })

const fetchText = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
    return { status: res.status, body: await res.text() } as Answer
  })

const tmpDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "fake-apiserver-test-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

describe("FakeApiServer.listen", () => {
  it.live("serves HTTP on 127.0.0.1, writes a kubeconfig, streams watches, stops with its scope", () =>
    Effect.gen(function*() {
      const dir = yield* tmpDir
      const kubeconfigPath = Path.join(dir, "nested", "kubeconfig")
      const url = yield* Effect.scoped(Effect.gen(function*() {
        const listening = yield* FakeApiServer.listen({ kubeconfigPath })
        expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        const written = YAML.parse(yield* Effect.promise(() => Fs.readFile(kubeconfigPath, "utf8")))
        expect(written.clusters[0].cluster.server).toBe(listening.url)
        expect(written.users[0].user.token).toBe(Redacted.value(listening.token))
        expect(written["current-context"]).toBe("fake-apiserver")
        expect(listening.restConfig).toMatchObject({ server: listening.url, source: "fake-apiserver" })

        const version = yield* fetchText(`${listening.url}/version`)
        expect(JSON.parse(version.body).gitVersion).toBe("v1.36.0")
        const created = yield* fetchText(`${listening.url}/api/v1/namespaces/default/configmaps`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } })
        })
        expect(created.status).toBe(201)
        const wrong = yield* fetchText(`${listening.url}/api/v1/namespaces`, {
          headers: { authorization: "Bearer nope" }
        })
        expect(wrong.status).toBe(401)

        // A watch over the socket: events arrive as chunked NDJSON while the connection stays open.
        const rv = yield* listening.server.resourceVersion
        const controller = new AbortController()
        const response = yield* Effect.promise(() =>
          fetch(`${listening.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, {
            signal: controller.signal
          })
        )
        expect(response.headers.get("transfer-encoding")).toBe("chunked")
        yield* listening.server.seed({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } })
        const reader = response.body!.getReader()
        const first = yield* Effect.promise(() => reader.read())
        const event = JSON.parse(new TextDecoder().decode(first.value).trim().split("\n")[0]!)
        expect(event).toMatchObject({ type: "ADDED", object: { metadata: { name: "b" } } })
        controller.abort()
        const log = yield* listening.server.requests
        expect(log.map((e) => `${e.method} ${e.status}`)).toContain("POST 201")
        return listening.url
      }))
      const after = yield* Effect.either(
        Effect.tryPromise(() => fetch(`${url}/version`, { signal: AbortSignal.timeout(2000) }))
      )
      expect(after._tag).toBe("Left")
    }).pipe(Effect.scoped))

  it.live("serves HTTPS with a self-signed CA and requires the token", () =>
    Effect.gen(function*() {
      const listening = yield* FakeApiServer.listen({ https: true })
      expect(listening.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const ca = listening.caPem!
      expect(ca).toContain("BEGIN CERTIFICATE")
      const token = Redacted.value(listening.token)
      const ok = yield* httpsGet(`${listening.url}/api/v1/namespaces`, ca, { authorization: `Bearer ${token}` })
      expect(ok.status).toBe(200)
      expect(JSON.parse(ok.body).items.map((n: any) => n.metadata.name)).toContain("kube-system")
      expect((yield* httpsGet(`${listening.url}/api/v1/namespaces`, ca)).status).toBe(401)
      expect((yield* httpsGet(`${listening.url}/api/v1/namespaces`, ca, { authorization: "Bearer x" })).status).toBe(
        401
      )
      expect((yield* httpsGet(`${listening.url}/healthz`, ca)).body).toBe("ok")
      const kubeconfig = YAML.parse(listening.kubeconfig)
      expect(Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString()).toBe(ca)
      expect(listening.restConfig.tls.caData).toBe(ca)
      const untrusted = yield* Effect.either(
        httpsGet(`${listening.url}/healthz`, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
      )
      expect(untrusted._tag).toBe("Left")
    }).pipe(Effect.scoped))
})
