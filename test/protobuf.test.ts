// The protobuf codec of the fake apiserver: every built-in kind round-trips JSON -> protobuf -> JSON over fixtures
// built from the OpenAPI schema (an independent source from the proto tables), plus the wire details clients see.
import { describe, expect, it } from "@effect/vitest"
import { readSpec, skipWithoutSpec } from "../scripts/specPath.js"
import { tables } from "../src/generated/protobufTables.js"
import { Codec, formatGoDuration, parseGoDuration } from "../src/internal/protobuf/codec.js"
import { Reader, Writer } from "../src/internal/protobuf/wire.js"

interface Schema {
  readonly $ref?: string
  readonly type?: string
  readonly format?: string
  readonly items?: Schema
  readonly properties?: Record<string, Schema>
  readonly additionalProperties?: Schema | boolean
  readonly allOf?: ReadonlyArray<Schema>
  readonly "x-kubernetes-group-version-kind"?: ReadonlyArray<{ group: string; version: string; kind: string }>
}

const spec = readSpec<{ definitions: Record<string, Schema> }>({ definitions: {} })
const codec = new Codec(tables)

const special: Record<string, (n: number) => unknown> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": (n) => (n % 2 === 0 ? 8080 : "http"),
  "io.k8s.apimachinery.pkg.api.resource.Quantity": () => "1536Mi",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": () => "2024-05-06T07:08:09Z",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": () => "2024-05-06T07:08:09.123456Z",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": () => ({ "f:metadata": { "f:labels": { ".": {} } } }),
  "io.k8s.apimachinery.pkg.runtime.RawExtension": () => ({ apiVersion: "v1", kind: "X", spec: { a: [1, "b"] } })
}

let counter = 0
/** A value for every property of a schema, once per definition on the current path (no infinite recursion). */
const sample = (schema: Schema, path: ReadonlyArray<string>, top: boolean): unknown => {
  counter++
  if (schema.allOf !== undefined && schema.allOf.length === 1) return sample(schema.allOf[0]!, path, top)
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace("#/definitions/", "")
    if (special[name] !== undefined) return special[name]!(counter)
    if (path.includes(name)) return undefined
    const def = spec.definitions[name]!
    const out: Record<string, unknown> = {}
    const typed = (def["x-kubernetes-group-version-kind"] ?? []).length > 0
    for (const [prop, s] of Object.entries(def.properties ?? {})) {
      // Nested objects of a kind carry no TypeMeta in protobuf (list items, embedded objects).
      if (typed && !top && (prop === "apiVersion" || prop === "kind")) continue
      const v = sample(s, [...path, name], false)
      if (v !== undefined) out[prop] = v
    }
    return out
  }
  switch (schema.type) {
    case "string":
      return schema.format === "byte" ? Buffer.from(`bytes-${counter}`).toString("base64") : `s${counter}`
    case "integer":
      return counter % 3 === 0 ? 0 : counter % 3 === 1 ? -counter : counter * 1000
    case "number":
      return counter + 0.5
    case "boolean":
      return counter % 2 === 0
    case "array": {
      const v = sample(schema.items ?? {}, path, false)
      return v === undefined ? [] : [v, sample(schema.items ?? {}, path, false)]
    }
    case "object":
      if (typeof schema.additionalProperties === "object") {
        const v = sample(schema.additionalProperties, path, false)
        return v === undefined ? {} : { b: v, a: sample(schema.additionalProperties, path, false) }
      }
      return {}
  }
  return undefined
}

const kinds = Object.entries(spec.definitions).flatMap(([name, def]) =>
  (def["x-kubernetes-group-version-kind"] ?? []).map((gvk) => ({ name, gvk }))
).filter(({ gvk }) => codec.messageOf(gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`, gvk.kind))

describe("protobuf codec", () => {
  it.skipIf(skipWithoutSpec)("every built-in kind round-trips JSON -> protobuf -> JSON to the same value", () => {
    expect(kinds.length).toBeGreaterThan(250)
    const failures: Array<string> = []
    for (const { gvk, name } of kinds) {
      const apiVersion = gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`
      const fixture = { ...(sample({ $ref: `#/definitions/${name}` }, [], true) as object), apiVersion, kind: gvk.kind }
      const encoded = codec.encodeObject(fixture)!
      const decoded = codec.decodeObject(encoded)
      try {
        expect(decoded).toStrictEqual(fixture)
      } catch {
        failures.push(`${apiVersion} ${gvk.kind}`)
      }
    }
    expect(failures).toStrictEqual([])
    // The fixtures reach deep: inlined embedded structs, int-or-string, quantities, bytes maps.
    const deployment = codec.decodeObject(
      codec.encodeObject({
        ...(sample({ $ref: "#/definitions/io.k8s.api.apps.v1.Deployment" }, [], true) as object),
        apiVersion: "apps/v1",
        kind: "Deployment"
      })!
    )
    const container = deployment.spec.template.spec.containers[0]
    expect(container.livenessProbe.httpGet.port).toBeDefined()
    expect(container.resources.limits.a).toBe("1536Mi")
    expect(container.env[0].valueFrom.configMapKeyRef.name).toMatch(/^s\d+$/)
  })

  it("custom resources and aggregated kinds have no protobuf form", () => {
    expect(codec.messageOf("stable.example.com/v1", "CronTab")).toBeUndefined()
    expect(codec.encodeObject({ apiVersion: "example.com/v1", kind: "Widget", spec: {} })).toBeUndefined()
    expect(codec.messageOf("apps/v1", "Deployment")).toBe("k8s.io.api.apps.v1.Deployment")
    expect(codec.messageOf("v1", "Secret")).toBe("k8s.io.api.core.v1.Secret")
  })

  it("writes the k8s\\0 magic and a runtime.Unknown envelope with the type", () => {
    const bytes = codec.encodeObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x" },
      data: { a: "b" }
    })!
    expect([...bytes.subarray(0, 4)]).toStrictEqual([0x6b, 0x38, 0x73, 0x00])
    const envelope = codec.unwrap(bytes)
    expect(envelope.apiVersion).toBe("v1")
    expect(envelope.kind).toBe("ConfigMap")
    expect(codec.decode("k8s.io.api.core.v1.ConfigMap", envelope.raw)).toStrictEqual({
      metadata: { name: "x" },
      data: { a: "b" }
    })
  })

  it("drops the empty strings and empty times Go writes for unset fields, keeps explicit numbers and booleans", () => {
    // What a Go client writes for ObjectMeta{Name: "x"} and a PodSpec with one bool pointer set to false.
    const meta = new Writer()
    meta.bytes(1, new TextEncoder().encode("x"))
    meta.bytes(2, new Uint8Array())
    meta.bytes(3, new Uint8Array())
    meta.tag(7, 0)
    meta.varint(0)
    meta.bytes(8, new Uint8Array())
    const spec = new Writer()
    spec.tag(21, 0)
    spec.varint(0)
    const pod = new Writer()
    pod.bytes(1, meta.finish())
    pod.bytes(2, spec.finish())
    expect(codec.decode("k8s.io.api.core.v1.Pod", pod.finish())).toStrictEqual({
      metadata: { name: "x", generation: 0 },
      spec: { automountServiceAccountToken: false }
    })
  })

  it("decoding errors use the Go decoder's wording", () => {
    expect(() => codec.unwrap(new TextEncoder().encode("{\"kind\":\"Pod\"}"))).toThrow(
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
    )
    expect(() => codec.unwrap(new Uint8Array())).toThrow("empty data")
    // Field 2 (spec) announced as 100 bytes long with 1 byte present.
    expect(() => codec.decode("k8s.io.api.apps.v1.Deployment", new Uint8Array([0x12, 100, 1]))).toThrow(
      "unexpected EOF"
    )
    // Field 1 (metadata) sent as a varint.
    expect(() => codec.decode("k8s.io.api.apps.v1.Deployment", new Uint8Array([0x08, 1]))).toThrow(
      "proto: wrong wireType = 0 for field Metadata"
    )
    expect(() => codec.decode("k8s.io.api.apps.v1.Deployment", new Uint8Array([0x00]))).toThrow(
      "proto: Deployment: illegal tag 0 (wire type 0)"
    )
  })

  it("varints: negative int32 sign-extends to ten bytes and reads back", () => {
    const w = new Writer()
    w.varint(-1)
    const bytes = w.finish()
    expect(bytes.length).toBe(10)
    expect(BigInt.asIntN(64, new Reader(bytes).varint())).toBe(-1n)
  })

  it("Go durations both ways", () => {
    expect(formatGoDuration(parseGoDuration("1h30m"))).toBe("1h30m0s")
    expect(formatGoDuration(parseGoDuration("1.5s"))).toBe("1.5s")
    expect(formatGoDuration(300_000_000n)).toBe("300ms")
    expect(formatGoDuration(0n)).toBe("0s")
  })

  it("watch frames: 4-byte big-endian length + WatchEvent{type, object.raw = enveloped object}", () => {
    const frame = codec.watchFrame("ADDED", { apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } })
    const length = new DataView(frame.buffer, frame.byteOffset).getUint32(0)
    expect(length).toBe(frame.length - 4)
    const event = codec.decode("k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent", frame.subarray(4))
    expect(event).toStrictEqual({
      type: "ADDED",
      object: { kind: "Namespace", apiVersion: "v1", metadata: { name: "n" } }
    })
  })
})
