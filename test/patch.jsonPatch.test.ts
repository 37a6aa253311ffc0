import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { applyJsonPatch, escapePointerToken, parsePointer } from "../src/internal/patch/jsonPatch.js"
import { applyMergePatch, mergePatchValue } from "../src/internal/patch/mergePatch.js"

const ok = (doc: unknown, patch: unknown): unknown => {
  const r = applyJsonPatch(doc, patch)
  if (Either.isLeft(r)) throw new Error(`unexpected failure: ${r.left.message}`)
  return r.right
}
const fail = (doc: unknown, patch: unknown) => {
  const r = applyJsonPatch(doc, patch)
  if (Either.isRight(r)) throw new Error(`expected failure, got ${JSON.stringify(r.right)}`)
  return r.left
}

describe("JSON patch (RFC 6902)", () => {
  const doc = { metadata: { labels: { app: "x" } }, spec: { replicas: 1, ports: [80, 443] } }

  it.each([
    ["add member", [{ op: "add", path: "/metadata/labels/tier", value: "web" }], {
      metadata: { labels: { app: "x", tier: "web" } },
      spec: { replicas: 1, ports: [80, 443] }
    }],
    ["add replaces an existing member", [{ op: "add", path: "/spec/replicas", value: 3 }], {
      metadata: { labels: { app: "x" } },
      spec: { replicas: 3, ports: [80, 443] }
    }],
    ["add inserts into an array", [{ op: "add", path: "/spec/ports/1", value: 8080 }], {
      metadata: { labels: { app: "x" } },
      spec: { replicas: 1, ports: [80, 8080, 443] }
    }],
    ["add appends with -", [{ op: "add", path: "/spec/ports/-", value: 9090 }], {
      metadata: { labels: { app: "x" } },
      spec: { replicas: 1, ports: [80, 443, 9090] }
    }],
    ["add at index == length", [{ op: "add", path: "/spec/ports/2", value: 1 }], {
      metadata: { labels: { app: "x" } },
      spec: { replicas: 1, ports: [80, 443, 1] }
    }],
    ["remove", [{ op: "remove", path: "/spec/ports/0" }, { op: "remove", path: "/metadata/labels/app" }], {
      metadata: { labels: {} },
      spec: { replicas: 1, ports: [443] }
    }],
    ["replace", [{ op: "replace", path: "/spec/ports", value: [1] }], {
      metadata: { labels: { app: "x" } },
      spec: { replicas: 1, ports: [1] }
    }],
    ["move", [{ op: "move", from: "/spec/replicas", path: "/metadata/replicas" }], {
      metadata: { labels: { app: "x" }, replicas: 1 },
      spec: { ports: [80, 443] }
    }],
    ["copy", [{ op: "copy", from: "/spec/ports", path: "/spec/old" }], {
      metadata: { labels: { app: "x" } },
      spec: { replicas: 1, ports: [80, 443], old: [80, 443] }
    }],
    ["test then replace", [{ op: "test", path: "/spec/replicas", value: 1 }, {
      op: "replace",
      path: "/spec/replicas",
      value: 2
    }], { metadata: { labels: { app: "x" } }, spec: { replicas: 2, ports: [80, 443] } }],
    ["replace the whole document", [{ op: "replace", path: "", value: { a: 1 } }], { a: 1 }]
  ])("%s", (_name, patch, expected) => {
    expect(ok(doc, patch)).toEqual(expected)
  })

  it("escapes ~0 and ~1 in pointers", () => {
    const d = { metadata: { annotations: { "example.com/a~b": "1" } } }
    const path = `/metadata/annotations/${escapePointerToken("example.com/a~b")}`
    expect(path).toBe("/metadata/annotations/example.com~1a~0b")
    expect(parsePointer(path)).toEqual(Either.right(["metadata", "annotations", "example.com/a~b"]))
    expect(ok(d, [{ op: "replace", path, value: "2" }])).toEqual({
      metadata: { annotations: { "example.com/a~b": "2" } }
    })
    expect(ok(d, [{ op: "remove", path }])).toEqual({ metadata: { annotations: {} } })
    expect(fail(d, [{ op: "remove", path: "/metadata/a~2" }]).status).toBe(422)
  })

  it("reports failures in the apiserver's words, with 422 for operations that do not apply", () => {
    expect(fail(doc, [{ op: "test", path: "/spec/replicas", value: 2 }])).toMatchObject({
      message: "testing value /spec/replicas failed: test failed",
      status: 422,
      operation: 0
    })
    expect(fail(doc, [{ op: "remove", path: "/metadata/labels/nope" }]).message).toBe(
      "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value"
    )
    expect(fail(doc, [{ op: "add", path: "/status/x", value: 1 }]).message).toBe(
      `add operation does not apply: doc is missing path: "/status/x": missing value`
    )
    expect(fail(doc, [{ op: "replace", path: "/spec/nope", value: 1 }]).message).toBe(
      "replace operation does not apply: doc is missing key: /spec/nope: missing value"
    )
    expect(fail(doc, [{ op: "add", path: "/spec/ports/3", value: 1 }]).message).toBe(
      "error in add for path: '/spec/ports/3': Unable to access invalid index: 3: invalid index referenced"
    )
    expect(fail(doc, [{ op: "remove", path: "/spec/ports/2" }]).message).toContain("invalid index referenced")
    expect(fail(doc, [{ op: "add", path: "/spec/ports/-1", value: 1 }]).message).toContain("not a proper array index")
    expect(fail(doc, [{ op: "move", from: "/nope", path: "/x" }]).message).toBe(
      "move operation does not apply: doc is missing from path: /nope: missing value"
    )
    expect(fail(doc, [{ op: "move", from: "/spec", path: "/spec/inner" }]).status).toBe(422)
    expect(fail(doc, [{ op: "frobnicate", path: "/x" }]).message).toBe("Unexpected kind: frobnicate")
    expect(fail(doc, [{ op: "add", path: "/x" }]).status).toBe(422)
    expect(fail(doc, { op: "add" }).status).toBe(400)
  })

  it("is atomic: a late failure leaves no trace and inputs are never modified", () => {
    const input = structuredClone(doc)
    const patch = [{ op: "add", path: "/spec/replicas", value: 5 }, { op: "test", path: "/spec/replicas", value: 1 }]
    expect(fail(input, patch).operation).toBe(1)
    expect(input).toEqual(doc)
    const value = { nested: [1] }
    const out = ok(input, [{ op: "add", path: "/v", value }, { op: "add", path: "/v/nested/-", value: 2 }])
    expect(value).toEqual({ nested: [1] })
    expect(out).toMatchObject({ v: { nested: [1, 2] } })
    expect(input).toEqual(doc)
  })
})

describe("JSON merge patch (RFC 7386)", () => {
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }]
  ])("%j + %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(Either.right(expected))
  })

  it("follows RFC 7386 for non-object patches and the apiserver for top-level ones", () => {
    expect(mergePatchValue({ a: 1 }, ["c"])).toEqual(["c"])
    expect(mergePatchValue("x", { a: 1 })).toEqual({ a: 1 })
    const r = applyMergePatch({ a: 1 }, [1])
    expect(Either.isLeft(r) && r.left).toMatchObject({
      _tag: "MergePatchError",
      status: 400,
      message: "Invalid JSON Patch"
    })
  })
})
