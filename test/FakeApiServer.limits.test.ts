import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import * as YAML from "yaml"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { base, call, get, patch, post, put } from "./fixtures/fake/client.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const Fake = FakeApiServer.FakeApiServer
const configmaps = "/api/v1/namespaces/default/configmaps"
const cm = (name: string, data: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data
})

describe("FakeApiServer request body limit", () => {
  it.effect("answers 413 above 3 MiB as the apiserver does, and logs no body", () =>
    Effect.gen(function*() {
      const limit = 3 * 1024 * 1024
      const atLimit = JSON.stringify(cm("ok", { big: "" }))
      const fits = atLimit.replace(`"big":""`, `"big":"${"x".repeat(limit - atLimit.length)}"`)
      expect(fits.length).toBe(limit)
      expect((yield* post(configmaps, fits)).status).toBe(201)
      const over = yield* post(configmaps, fits.replace(`"name":"ok"`, `"name":"ok2"`).replace(`"x`, `"xx`))
      expect(over.status).toBe(413)
      expect(over.json).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "RequestEntityTooLarge",
        code: 413,
        message: "Request entity too large: limit is 3145728"
      })
      const log = yield* (yield* Fake).requests
      expect(log.at(-1)).toMatchObject({ method: "POST", status: 413 })
      expect(log.at(-1)!.body).toBeUndefined()
      expect((yield* get(`${configmaps}/ok2`)).status).toBe(404)
    }).pipe(withFake()))

  it.live("the HTTP face stops buffering at the limit and still answers 413", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeApiServer.make({ maxRequestBodyBytes: 1000 })
      const listening = yield* fake.listen()
      const send = (body: string) =>
        Effect.promise(async () => {
          const response = await fetch(`${listening.url}${configmaps}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body
          })
          return { status: response.status, json: await response.json() as any }
        })
      const big = JSON.stringify(cm("big", { a: "x".repeat(200_000) }))
      const refused = yield* send(big)
      expect(refused.status).toBe(413)
      expect(refused.json.message).toBe("Request entity too large: limit is 1000")
      expect((yield* send(JSON.stringify(cm("small")))).status).toBe(201)
    })))
})

describe("FakeApiServer request log bounds", () => {
  it.effect("keeps the newest entries within the count and body bounds and counts the dropped ones", () =>
    Effect.gen(function*() {
      const fake = yield* Fake
      for (let i = 0; i < 5; i++) yield* get(`${configmaps}/n${i}`)
      const log = yield* fake.requests
      expect(log.map((e) => e.url)).toEqual([2, 3, 4].map((i) => `${configmaps}/n${i}`))
      expect(yield* fake.droppedRequests).toBe(2)
      // Bodies count against maxLoggedBodyBytes: three 400-character bodies do not fit in 1000.
      for (let i = 0; i < 3; i++) yield* post(configmaps, cm(`b${i}`, { a: "y".repeat(340) }))
      const bodies = (yield* fake.requests).filter((e) => e.body !== undefined)
      expect(bodies.length).toBe(2)
      expect(bodies.map((e) => JSON.parse(e.body!).metadata.name)).toEqual(["b1", "b2"])
      expect(yield* fake.droppedRequests).toBe(6)
      yield* fake.clearRequests
      expect(yield* fake.requests).toEqual([])
      expect(yield* fake.droppedRequests).toBe(0)
    }).pipe(withFake({ maxLoggedRequests: 3, maxLoggedBodyBytes: 1000 })))
})

const watchLines = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l))

describe("FakeApiServer slow watchers", () => {
  it.effect("ends the watch of an in-process reader that stops reading instead of buffering every event", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const rv = yield* (yield* Fake).resourceVersion
      const response = yield* client.execute(
        HttpClientRequest.get(`${base}${configmaps}?watch=true&resourceVersion=${rv}`)
      )
      const total = 300
      for (let i = 0; i < total; i++) yield* post(configmaps, cm(`w${i}`, { a: "z".repeat(2000) }))
      // The stream ends by itself (no timeout reached): the server dropped the watcher.
      const events = watchLines(yield* response.text)
      expect(events.length).toBeGreaterThan(0)
      expect(events.length).toBeLessThan(total)
      expect(events.every((e) => e.type === "ADDED")).toBe(true)
    }).pipe(withFake({ maxWatchBacklogBytes: 50_000 })))

  it.live("ends the watch of an HTTP client whose socket stops reading", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeApiServer.make({ maxWatchBacklogBytes: 100_000 })
      const listening = yield* fake.listen()
      const rv = yield* fake.resourceVersion
      const response = yield* Effect.async<Http.IncomingMessage>((resume) => {
        const req = Http.get(`${listening.url}${configmaps}?watch=true&resourceVersion=${rv}`, {
          headers: { authorization: `Bearer ${Redacted.value(listening.token)}` }
        }, (res) => resume(Effect.succeed(res)))
        req.on("error", (e) => resume(Effect.die(e)))
      })
      response.pause()
      const total = 200
      const create = (i: number) =>
        Effect.promise(() =>
          fetch(`${listening.url}${configmaps}`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${Redacted.value(listening.token)}`
            },
            body: JSON.stringify(cm(`h${i}`, { a: "q".repeat(50_000) }))
          }).then((r) => r.status)
        )
      for (let i = 0; i < total; i++) expect(yield* create(i)).toBe(201)
      const text = yield* Effect.promise(() =>
        new Promise<string>((resolve, reject) => {
          const parts: Array<Buffer> = []
          response.on("data", (c: Buffer) => parts.push(c))
          response.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
          response.on("error", reject)
          response.resume()
        })
      )
      const events = watchLines(text)
      expect(events.length).toBeLessThan(total)
    })), 30_000)
})

describe("FakeApiServer media types", () => {
  it.effect("refuses bodies in other media types with 415 and serves YAML when asked", () =>
    Effect.gen(function*() {
      const sneaky = yield* post(configmaps, cm("a"), { contentType: "text/plain; charset=json" })
      expect(sneaky.status).toBe(415)
      expect(sneaky.json).toMatchObject({
        reason: "UnsupportedMediaType",
        message:
          "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
      })
      expect((yield* post(configmaps, cm("a"), { contentType: "application/json; charset=utf-8" })).status).toBe(201)
      expect((yield* put(`${configmaps}/a`, cm("a"), { contentType: "application/x-www-form-urlencoded" })).status)
        .toBe(415)
      const patched = yield* patch(`${configmaps}/a`, "a=b", "text/plain")
      expect(patched.status).toBe(415)
      const yaml = yield* get(`${configmaps}/a`, { accept: "application/yaml" })
      expect(yaml.headers["content-type"]).toBe("application/yaml")
      expect(YAML.parse(yaml.text).metadata.name).toBe("a")
    }).pipe(withFake()))

  it.effect("answers 406 for an Accept it cannot serve, including a Table of an unknown version", () =>
    Effect.gen(function*() {
      const message =
        "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
      for (const accept of ["application/json;g=meta.k8s.io;v=v9;as=Table", "text/html", "application/json;as=Table"]) {
        const reply = yield* get(configmaps, { accept })
        expect(reply.status, accept).toBe(406)
        expect(reply.json).toMatchObject({ kind: "Status", reason: "NotAcceptable", code: 406, message })
      }
      const fallback = yield* get(configmaps, {
        accept: "application/json;as=Table;v=v9;g=meta.k8s.io, application/json"
      })
      expect(fallback.json.kind).toBe("ConfigMapList")
      const beta = yield* get(configmaps, { accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io" })
      expect(beta.json).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1beta1" })
      expect((yield* get(configmaps, { accept: "text/html,*/*;q=0.8" })).json.kind).toBe("ConfigMapList")
      expect((yield* get(configmaps, { accept: "application/json;stream=watch" })).status).toBe(200)
      expect((yield* call("DELETE", `${configmaps}/x`, { accept: "image/png" })).status).toBe(406)
    }).pipe(withFake()))
})

describe("FakeApiServer resourceVersion parsing", () => {
  it.effect("refuses malformed resourceVersions on get, list and watch with the storage layer's wording", () =>
    Effect.gen(function*() {
      yield* post(configmaps, cm("a"))
      const cases: ReadonlyArray<[string, string]> = [
        ["1e3", "invalid syntax"],
        ["0x10", "invalid syntax"],
        [" 5", "invalid syntax"],
        ["-1", "invalid syntax"],
        ["18446744073709551616", "value out of range"]
      ]
      for (const [rv, why] of cases) {
        const q = `resourceVersion=${encodeURIComponent(rv)}`
        for (const path of [`${configmaps}/a?${q}`, `${configmaps}?${q}`, `${configmaps}?watch=true&${q}`]) {
          const reply = yield* get(path)
          expect(reply.status, path).toBe(400)
          expect(reply.json).toMatchObject({
            reason: "BadRequest",
            message: `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${
              JSON.stringify(rv)
            }: ${why}`
          })
        }
      }
      // The largest uint64 parses; for a list it is merely too new.
      expect((yield* get(`${configmaps}?resourceVersion=18446744073709551615`)).status).toBe(504)
      expect((yield* get(`${configmaps}/a?resourceVersion=0`)).status).toBe(200)
    }).pipe(withFake()))
})

describe("FakeApiServer value types", () => {
  it.effect("refuses values of the wrong JSON type as the apiserver's decoder does (400)", () =>
    Effect.gen(function*() {
      const expectDecodeError = (path: string, body: unknown, kind: string, detail: string) =>
        Effect.gen(function*() {
          const reply = yield* post(path, body)
          expect(reply.status).toBe(400)
          expect(reply.json).toMatchObject({
            reason: "BadRequest",
            message: `${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${detail}`
          })
        })
      yield* expectDecodeError(
        configmaps,
        cm("a", { a: 5 }),
        "ConfigMap",
        "number into Go struct field ConfigMap.data of type string"
      )
      yield* expectDecodeError(
        configmaps,
        { ...cm("a"), metadata: "x" },
        "ConfigMap",
        "string into Go struct field ConfigMap.metadata of type v1.ObjectMeta"
      )
      yield* expectDecodeError(
        configmaps,
        { ...cm("a"), metadata: { name: "a", labels: { x: true } } },
        "ConfigMap",
        "bool into Go struct field ObjectMeta.metadata.labels of type string"
      )
      const deployments = "/apis/apps/v1/namespaces/default/deployments"
      const deployment = (spec: unknown) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "d" },
        spec
      })
      yield* expectDecodeError(
        deployments,
        deployment({ replicas: "3" }),
        "Deployment",
        "string into Go struct field DeploymentSpec.spec.replicas of type int32"
      )
      yield* expectDecodeError(
        deployments,
        deployment({ replicas: 1.5 }),
        "Deployment",
        "number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"
      )
      yield* expectDecodeError(
        "/api/v1/namespaces/default/pods",
        { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: { name: "c" } } },
        "Pod",
        "object into Go struct field PodSpec.spec.containers of type []v1.Container"
      )
      // Values with their own decoders (Quantity, IntOrString) take numbers; null fits anything.
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "ok", labels: null },
        spec: {
          containers: [{
            name: "c",
            image: "nginx",
            resources: { limits: { cpu: 1, memory: "1Gi" } },
            ports: [{ containerPort: 80 }],
            livenessProbe: { httpGet: { port: 8080 } }
          }]
        }
      }
      expect((yield* post("/api/v1/namespaces/default/pods", pod)).status).toBe(201)
      expect((yield* get(`${configmaps}/a`)).status).toBe(404)
    }).pipe(withFake()))
})
