// The fake apiserver's protobuf media type, in-process: bodies in, replies out when asked first, watch frames,
// DeleteOptions, and JSON-only custom resources.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpMethod from "@effect/platform/HttpMethod"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { tables } from "../src/generated/protobufTables.js"
import { Codec } from "../src/internal/protobuf/codec.js"
import { Writer } from "../src/internal/protobuf/wire.js"
import { crd, deployment, post } from "./fixtures/fake/client.js"

const codec = new Codec(tables)
const pb = "application/vnd.kubernetes.protobuf"
const base = "http://fake-apiserver.local"
const deployments = "/apis/apps/v1/namespaces/default/deployments"

const send = (method: HttpMethod.HttpMethod, path: string, options: { body?: Uint8Array; accept?: string } = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(`${base}${path}`)
    if (options.accept !== undefined) request = HttpClientRequest.setHeader(request, "accept", options.accept)
    if (options.body !== undefined) request = HttpClientRequest.bodyUint8Array(request, options.body, pb)
    const response = yield* client.execute(request)
    const bytes = new Uint8Array(yield* response.arrayBuffer)
    return { status: response.status, contentType: response.headers["content-type"], bytes }
  })

const text = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes))

describe("FakeApiServer protobuf", () => {
  it.effect("create and update bodies in protobuf; replies in protobuf when asked first, JSON otherwise", () =>
    Effect.gen(function*() {
      const body = codec.encodeObject({ ...deployment("web"), apiVersion: "apps/v1", kind: "Deployment" })!
      const created = yield* send("POST", deployments, { body, accept: `${pb}, application/json` })
      expect(created.status).toBe(201)
      expect(created.contentType).toBe(pb)
      const obj = codec.decodeObject(created.bytes)
      expect(obj).toMatchObject({ kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "web" } })
      expect(obj.spec.strategy.type).toBe("RollingUpdate")

      const asJson = yield* send("GET", `${deployments}/web`, { accept: `application/json, ${pb}` })
      expect(asJson.contentType).toBe("application/json")
      expect(text(asJson.bytes).metadata.uid).toBe(obj.metadata.uid)

      const changed = codec.encodeObject({ ...obj, spec: { ...obj.spec, replicas: 4 } })!
      const updated = yield* send("PUT", `${deployments}/web`, { body: changed, accept: pb })
      expect(updated.status).toBe(200)
      expect(codec.decodeObject(updated.bytes).spec.replicas).toBe(4)

      const list = yield* send("GET", deployments, { accept: `${pb}, application/json` })
      const decoded = codec.decodeObject(list.bytes)
      expect(decoded.kind).toBe("DeploymentList")
      expect(decoded.items.map((d: any) => d.metadata.name)).toStrictEqual(["web"])
      expect(decoded.metadata.resourceVersion).toMatch(/^\d+$/)
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("decode errors answer 400 worded as the apiserver words them", () =>
    Effect.gen(function*() {
      // A sound envelope around a Deployment message whose spec field claims 100 bytes and has 1.
      const typeMeta = new Writer()
      typeMeta.bytes(1, new TextEncoder().encode("apps/v1"))
      typeMeta.bytes(2, new TextEncoder().encode("Deployment"))
      const envelope = new Writer()
      envelope.raw(new Uint8Array([0x6b, 0x38, 0x73, 0x00]))
      envelope.bytes(1, typeMeta.finish())
      envelope.bytes(2, new Uint8Array([0x12, 100, 1]))
      const bad = yield* send("POST", deployments, { body: envelope.finish() })
      expect(bad.status).toBe(400)
      expect(text(bad.bytes).message).toBe(
        "Deployment in version \"v1\" cannot be handled as a Deployment: unexpected EOF"
      )
      const notProto = yield* send("POST", deployments, { body: new TextEncoder().encode("{\"kind\":\"Deployment\"}") })
      expect(text(notProto.bytes).message).toBe(
        "the object provided is unrecognized (must be of type Deployment): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({\"kind\":\"Deployment\"})"
      )
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("DeleteOptions in protobuf: preconditions are honoured", () =>
    Effect.gen(function*() {
      yield* post(deployments, deployment("web"))
      const options = (uid: string) =>
        codec.encodeObject({
          apiVersion: "v1",
          kind: "DeleteOptions",
          preconditions: { uid },
          propagationPolicy: "Background"
        })!
      const wrong = yield* send("DELETE", `${deployments}/web`, { body: options("nope") })
      expect(wrong.status).toBe(409)
      const live = text((yield* send("GET", `${deployments}/web`)).bytes)
      const gone = yield* send("DELETE", `${deployments}/web`, { body: options(live.metadata.uid) })
      expect(gone.status).toBe(200)
      expect((yield* send("GET", `${deployments}/web`)).status).toBe(404)
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.scoped("watch in protobuf: length-prefixed WatchEvent frames", () =>
    Effect.gen(function*() {
      yield* post(deployments, deployment("a"))
      yield* post(deployments, deployment("b"))
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.get(`${base}${deployments}?watch=1&timeoutSeconds=1`).pipe(
          HttpClientRequest.setHeader("accept", `${pb}, application/json`)
        )
      )
      expect(response.headers["content-type"]).toBe(`${pb};stream=watch`)
      const chunks = yield* response.stream.pipe(Stream.take(2), Stream.runCollect)
      let buf = Buffer.concat([...chunks])
      const events: Array<any> = []
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = buf.readUInt32BE(0)
        events.push(codec.decode("k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent", buf.subarray(4, 4 + n)))
        buf = buf.subarray(4 + n)
      }
      expect(events.map((e) => [e.type, e.object.kind, e.object.metadata.name])).toStrictEqual([
        ["ADDED", "Deployment", "a"],
        ["ADDED", "Deployment", "b"]
      ])
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("custom resources stay JSON: protobuf bodies are 415, protobuf-first Accept gets JSON", () =>
    Effect.gen(function*() {
      expect((yield* post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd())).status).toBe(201)
      const path = "/apis/example.com/v1/namespaces/default/widgets"
      const body = new Uint8Array([0x6b, 0x38, 0x73, 0x00])
      const refused = yield* send("POST", path, { body })
      expect(refused.status).toBe(415)
      expect(text(refused.bytes).message).toBe(
        "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"
      )
      const created = yield* post(path, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "c" } })
      expect(created.status).toBe(201)
      const read = yield* send("GET", `${path}/c`, { accept: `${pb}, application/json` })
      expect(read.contentType).toBe("application/json")
      expect(text(read.bytes).metadata.name).toBe("c")
    }).pipe(Effect.provide(FakeApiServer.layer())))
})
