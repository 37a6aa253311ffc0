// Review APIs and authorization rules, through the real kubectl v1.35 (auth can-i / whoami, create token) and
// in-process requests.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { configMap, get, post } from "./fixtures/fake/client.js"

const kubectl = (home: string, kubeconfig: string, args: ReadonlyArray<string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    const child = execFile(
      ensureKubectl(),
      ["--kubeconfig", kubeconfig, "--request-timeout", "10s", ...args],
      { env: { HOME: home, PATH: process.env.PATH ?? "" }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resume(
          Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr })
        )
    )
    return Effect.sync(() => child.kill())
  })

const tmpHome = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "fake-apiserver-auth-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

describe("FakeApiServer authorization and review APIs", () => {
  it.live(
    "kubectl auth can-i, auth whoami, create token; rules enforced with the apiserver's 403",
    () =>
      Effect.gen(function*() {
        const home = yield* tmpHome
        const kubeconfig = Path.join(home, "kubeconfig")
        const { server: fake } = yield* FakeApiServer.listen({ kubeconfigPath: kubeconfig })
        const k = (...args: ReadonlyArray<string>) => kubectl(home, kubeconfig, args)

        expect((yield* k("auth", "can-i", "delete", "nodes")).stdout).toBe("yes\n")
        const whoami = yield* k("auth", "whoami")
        expect(whoami.stdout).toMatch(/Username\s+kubernetes-admin/)
        expect((yield* k("create", "serviceaccount", "bot")).code).toBe(0)
        const token = (yield* k("create", "token", "bot", "--audience", "api")).stdout.trim()
        // A JWT as the apiserver issues it, verifiable with the issuer's published key.
        const [header, payload, signature] = token.split(".")
        expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toMatchObject({ alg: "RS256" })
        const claims = JSON.parse(Buffer.from(payload!, "base64url").toString())
        const bot = JSON.parse((yield* k("get", "serviceaccount", "bot", "-o", "json")).stdout)
        expect(claims).toMatchObject({
          aud: ["api"],
          iss: "https://kubernetes.default.svc.cluster.local",
          sub: "system:serviceaccount:default:bot",
          "kubernetes.io": { namespace: "default", serviceaccount: { name: "bot", uid: bot.metadata.uid } }
        })
        expect(claims.exp - claims.iat).toBe(3600)
        const jwks = JSON.parse((yield* k("get", "--raw", "/openid/v1/jwks")).stdout)
        const key = Crypto.createPublicKey({ key: jwks.keys[0], format: "jwk" })
        expect(Crypto.verify("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature!, "base64url")))
          .toBe(true)
        expect(Crypto.verify("sha256", Buffer.from(`${header}.${payload}x`), key, Buffer.from(signature!, "base64url")))
          .toBe(false)
        const discovery = JSON.parse((yield* k("get", "--raw", "/.well-known/openid-configuration")).stdout)
        expect(discovery.jwks_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/openid\/v1\/jwks$/)
        const short = yield* k("create", "token", "bot", "--duration", "1m")
        expect(short.code).toBe(1)
        expect(short.stderr).toBe(
          `error: failed to create token: TokenRequest.authentication.k8s.io "bot" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n`
        )

        yield* fake.authorize({
          user: { username: "alice", groups: ["devs"] },
          rules: [
            { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "configmaps"] },
            { verbs: ["create"], apiGroups: ["apps"], resources: ["deployments"], namespaces: ["team"] }
          ]
        })
        expect((yield* k("auth", "can-i", "list", "pods")).stdout).toBe("yes\n")
        const no = yield* k("auth", "can-i", "delete", "pods")
        expect(no.stdout).toBe("no\n")
        expect(no.code).toBe(1)
        expect((yield* k("auth", "can-i", "create", "deployments.apps", "-n", "team")).stdout).toBe("yes\n")
        expect((yield* k("auth", "can-i", "create", "deployments.apps", "-n", "default")).stdout).toBe("no\n")
        expect((yield* k("auth", "whoami")).stdout).toMatch(/Username\s+alice\nGroups\s+\[devs system:authenticated\]/)
        const list = yield* k("auth", "can-i", "--list", "-n", "team")
        expect(list.stdout).toMatch(/^deployments\.apps\s+\[\]\s+\[\]\s+\[create\]$/m)
        expect(list.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m)
        const refused = yield* k("delete", "namespace", "default")
        expect(refused.stderr).toBe(
          "Error from server (Forbidden): namespaces \"default\" is forbidden: User \"alice\" cannot delete resource \"namespaces\" in API group \"\" at the cluster scope\n"
        )
        const refusedNs = yield* k("get", "secrets", "-n", "team")
        expect(refusedNs.stderr).toMatch(
          /secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "team"/
        )
        expect((yield* k("get", "pods")).code).toBe(0)
      }).pipe(Effect.scoped),
    60_000
  )

  it.effect("SubjectAccessReview and TokenReview answer without storing; 403 details", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const sar = yield* post("/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: { user: "bob", resourceAttributes: { verb: "get", resource: "pods", namespace: "default" } }
      })
      expect(sar.status).toBe(201)
      expect(sar.json.status.allowed).toBe(true)
      expect(sar.json.spec.user).toBe("bob")
      const review = (token: string) =>
        post("/apis/authentication.k8s.io/v1/tokenreviews", {
          apiVersion: "authentication.k8s.io/v1",
          kind: "TokenReview",
          spec: { token }
        })
      expect((yield* review("nope")).json.status.authenticated).toBe(false)
      yield* post("/api/v1/namespaces/default/serviceaccounts", {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "bot" }
      })
      const issued = yield* post("/api/v1/namespaces/default/serviceaccounts/bot/token", {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { audiences: ["api"] }
      })
      expect(issued.json.spec.audiences).toStrictEqual(["api"])
      // Without audiences the token is for the apiserver itself.
      const own = yield* post("/api/v1/namespaces/default/serviceaccounts/bot/token", {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: 600 }
      })
      expect(own.status).toBe(201)
      expect(own.json.spec.audiences).toStrictEqual(["https://kubernetes.default.svc.cluster.local"])
      expect((yield* review(own.json.status.token)).json.status.audiences).toStrictEqual([
        "https://kubernetes.default.svc.cluster.local"
      ])
      const ok = (yield* review(issued.json.status.token)).json.status
      expect(ok.authenticated).toBe(true)
      expect(ok.user.username).toBe("system:serviceaccount:default:bot")
      expect(ok.audiences).toStrictEqual(["api"])
      expect(yield* fake.list({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview" })).toStrictEqual([])

      yield* fake.authorize({ rules: [{ verbs: ["get"], resources: ["configmaps"], resourceNames: ["open"] }] })
      const denied = yield* post("/api/v1/namespaces/default/configmaps", configMap("x"))
      expect(denied.status).toBe(403)
      expect(denied.json).toMatchObject({
        reason: "Forbidden",
        code: 403,
        details: { kind: "configmaps" },
        message:
          "configmaps is forbidden: User \"kubernetes-admin\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\""
      })
      expect((yield* get("/api/v1/namespaces/default/configmaps/open")).status).toBe(404)
      expect((yield* get("/api/v1/namespaces/default/configmaps/other")).status).toBe(403)
      yield* fake.authorize({ rules: undefined })
      expect((yield* post("/api/v1/namespaces/default/configmaps", configMap("x"))).status).toBe(201)
    }).pipe(Effect.provide(FakeApiServer.layer())))
})
