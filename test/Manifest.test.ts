import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Manifest from "../src/Manifest.js"
import * as Testing from "../src/testing.js"

const mixed = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: demo}
spec: {size: 1}
---
# an empty document
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
---
apiVersion: v1
kind: Nope
metadata: {name: x}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: demo}
rules: []
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
---
apiVersion: v1
kind: Namespace
metadata: {name: demo}
`

// No client-side rate limit: it would sleep on the TestClock.
const fakeLayer = Testing.layerFake(undefined, { qps: -1 })

const objects = (text: string) => Effect.runSync(Manifest.parse(text, { source: "test.yaml" }))

const stored = (ref: FakeApiServer.ObjectRef) =>
  Effect.flatMap(FakeApiServer.FakeApiServer, (fake) => fake.get(ref)).pipe(
    Effect.map(Option.getOrUndefined)
  ) as Effect.Effect<any, FakeApiServer.FakeApiServerError, FakeApiServer.FakeApiServer>

describe("Manifest.parse", () => {
  it("reads multi-document YAML, JSON and List kinds, skipping empty documents", () => {
    const text = `---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
---
---
{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
`
    expect(objects(text).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ConfigMap/a",
      "ConfigMap/b",
      "Secret/s"
    ])
    expect(objects("")).toEqual([])
  })

  it("names the source, document and line of a bad document", () => {
    const error = Effect.runSync(Effect.flip(Manifest.parse(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n\napiVersion: v1\nmetadata: {name: b}\n",
      { source: "cm.yaml" }
    )))
    expect(error).toBeInstanceOf(Manifest.ManifestParseError)
    expect({ source: error.source, document: error.document, line: error.line }).toEqual({
      source: "cm.yaml",
      document: 1,
      line: 6
    })
    expect(error.message).toBe(
      `cm.yaml: document 2 (line 6): Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"b"}}'`
    )
    const syntax = Effect.runSync(
      Effect.flip(Manifest.parse("kind: A\napiVersion: v1\n---\nb: [x\n---\nc: 2\n", { source: "s.yaml" }))
    )
    expect(syntax.document).toBe(1)
    expect(syntax.line).toBe(5)
    expect(syntax.message).toMatch(/^s\.yaml: document 2 \(line 5\): Flow sequence/)
  })

  it("parseDocuments keeps going after a document without kind and stops at a syntax error", () => {
    const entries = Manifest.parseDocuments(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nmetadata: {name: b}\n---\nx: [\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
      { source: "f" }
    )
    expect(entries.map((e) => e._tag)).toEqual(["Object", "Error", "Error"])
  })
})

describe("Manifest.apply", () => {
  it.effect("applies mixed kinds in dependency order, one result per object in input order", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const input = objects(mixed)
      const results = yield* Manifest.apply(input, { fieldManager: "test" })
      expect(results.map((r) => r._tag === "Failed" ? `failed: ${r.error._tag}` : Manifest.describe(r))).toEqual([
        "deployment.apps/web created",
        "widget.example.com/w1 created",
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created",
        "failed: NoKindMatch",
        "clusterrole.rbac.authorization.k8s.io/reader created",
        "configmap/cfg created",
        "namespace/demo created"
      ])
      // Namespaces and CRDs went first: the widget's request came after the CRD's.
      const paths = (yield* fake.requests).filter((r) => r.method === "PATCH").map((r) => r.url.split("?")[0])
      expect(paths[0]).toBe("/api/v1/namespaces/demo")
      expect(paths[1]).toBe("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
      expect(paths.indexOf("/apis/example.com/v1/namespaces/demo/widgets/w1")).toBeGreaterThan(1)
      // The default namespace for namespaced kinds only.
      expect((yield* stored({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "cfg" })).data).toEqual({
        a: "1"
      })
      const role = yield* stored({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "reader" })
      expect(role.metadata.namespace).toBeUndefined()
      const widget = yield* stored({ apiVersion: "example.com/v1", kind: "Widget", namespace: "demo", name: "w1" })
      expect(widget.spec).toEqual({ size: 1 })
      expect(widget.metadata.managedFields[0]).toMatchObject({ manager: "test", operation: "Apply" })

      // Again: nothing changes, the Namespace included (applied with only its name it has no managedFields, so
      // the server writes a before-first-apply entry: a write, but no change); then one change.
      const again = yield* Manifest.apply(input.filter((o) => o.kind !== "Nope"), { fieldManager: "test" })
      expect(again.map((r) => r._tag === "Applied" ? r.action : r._tag)).toEqual(Array(6).fill("unchanged"))
      const ns = yield* stored({ apiVersion: "v1", kind: "Namespace", name: "demo" })
      expect(ns.metadata.managedFields.map((f: any) => `${f.manager}/${f.operation}`)).toEqual([
        "before-first-apply/Update"
      ])
      const changed = objects(mixed.replace(`data: {a: "1"}`, `data: {a: "2"}`)).filter((o) => o.kind === "ConfigMap")
      const dry = yield* Manifest.apply(changed, { fieldManager: "test", dryRun: "server" })
      expect(dry.map(Manifest.describe)).toEqual(["configmap/cfg configured"])
      expect((yield* stored({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "cfg" })).data.a).toBe(
        "1"
      )
      const real = yield* Manifest.apply(changed, { fieldManager: "test" })
      expect(real.map(Manifest.describe)).toEqual(["configmap/cfg configured"])
      expect((yield* stored({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "cfg" })).data.a).toBe(
        "2"
      )
    }).pipe(Effect.provide(fakeLayer)))

  it.effect("enforced namespace, conflicts with another manager, force, and stopOnError", () =>
    Effect.gen(function*() {
      const cm = (data: Record<string, string>, namespace?: string) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "shared", ...(namespace === undefined ? {} : { namespace }) },
        data
      })
      const mismatch = yield* Manifest.apply([cm({ a: "1" }, "other")], {
        namespace: "default",
        enforceNamespace: true
      })
      expect(mismatch[0]!._tag === "Failed" && mismatch[0]!.error.message).toBe(
        `the namespace from the provided object "other" does not match the namespace "default". You must pass '--namespace=other' to perform this operation.`
      )
      yield* Manifest.apply([cm({ a: "1" })], { fieldManager: "one" })
      const conflict = yield* Manifest.apply([cm({ a: "2" }), {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "later" }
      }], {
        fieldManager: "two",
        stopOnError: true
      })
      expect(conflict.map((r) => r._tag === "Failed" ? r.error._tag : r._tag)).toEqual(["Conflict"])
      const forced = yield* Manifest.apply([cm({ a: "2" })], { fieldManager: "two", force: true })
      expect(forced.map(Manifest.describe)).toEqual(["configmap/shared configured"])
      const noName = yield* Manifest.apply([{ apiVersion: "v1", kind: "ConfigMap", metadata: {} }])
      expect(noName[0]!._tag === "Failed" && noName[0]!.error._tag).toBe("MissingName")
    }).pipe(Effect.provide(fakeLayer)))

  it.effect("prune deletes what this manager applied before and no longer lists", () =>
    Effect.gen(function*() {
      const cm = (name: string) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, labels: { app: "x" } }
      })
      const fake = yield* FakeApiServer.FakeApiServer
      yield* fake.seed({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "foreign", namespace: "default", labels: { app: "x" } }
      })
      yield* Manifest.apply([cm("a"), cm("b")], { fieldManager: "ci" })
      const results = yield* Manifest.apply([cm("a")], { fieldManager: "ci", prune: { selector: "app=x" } })
      expect(results.map(Manifest.describe)).toEqual(["configmap/a unchanged", "configmap/b pruned"])
      expect(yield* stored({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "b" })).toBeUndefined()
      expect(yield* stored({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "foreign" }))
        .toBeDefined()
    }).pipe(Effect.provide(fakeLayer)))
})

describe("Manifest.delete and diff", () => {
  it.effect("deletes in reverse order with the propagation policy; diff shows the server's dry run", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.FakeApiServer
      const input = objects(mixed).filter((o) => o.kind !== "Nope")
      yield* Manifest.apply(input)
      const changed = objects(mixed.replace("size: 1", "size: 2")).filter((o) => o.kind === "Widget")
      const diffs = yield* Manifest.diff(changed)
      expect(diffs[0]!._tag).toBe("Diff")
      const text = diffs[0]!._tag === "Diff" ? diffs[0]!.diff : ""
      expect(text).toMatch(/^--- LIVE\/example\.com\.v1\.Widget\.demo\.w1\n\+\+\+ MERGED\//)
      expect(text).toContain("\n-  generation: 1\n+  generation: 2\n")
      expect(text).toContain("\n spec:\n-  size: 1\n+  size: 2\n")
      const same = yield* Manifest.diff(input.filter((o) => o.kind === "ConfigMap"))
      expect(same[0]!._tag === "Diff" && same[0]!.diff).toBe("")

      yield* fake.clearRequests
      const deleted = yield* Manifest.delete(input, { propagationPolicy: "Foreground" })
      expect(deleted.map(Manifest.describe)).toEqual([
        `deployment.apps "web" deleted from demo namespace`,
        `widget.example.com "w1" deleted from demo namespace`,
        `customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted`,
        `clusterrole.rbac.authorization.k8s.io "reader" deleted`,
        `configmap "cfg" deleted from default namespace`,
        `namespace "demo" deleted`
      ])
      const deletes = (yield* fake.requests).filter((r) => r.method === "DELETE")
      expect(deletes.map((r) => r.url.split("/").at(-1))).toEqual([
        "w1",
        "web",
        "reader",
        "cfg",
        "widgets.example.com",
        "demo"
      ])
      expect(JSON.parse(deletes[0]!.body ?? "{}")).toMatchObject({ propagationPolicy: "Foreground" })
      const missing = yield* Manifest.delete(input.slice(0, 1))
      expect(missing[0]!._tag === "Failed" && missing[0]!.error._tag).toBe("NotFound")
      expect(yield* Manifest.delete(input.slice(0, 1), { ignoreNotFound: true })).toEqual([])
    }).pipe(Effect.provide(fakeLayer)))
})

describe("Manifest.readFiles", () => {
  it.effect("reads files and directories (recursive on request) through the FileSystem", () =>
    Effect.gen(function*() {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "manifest-read-"))
      try {
        const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`
        Fs.writeFileSync(Path.join(dir, "b.yaml"), cm("b"))
        Fs.writeFileSync(
          Path.join(dir, "a.json"),
          JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } })
        )
        Fs.writeFileSync(Path.join(dir, "notes.txt"), "not a manifest")
        Fs.mkdirSync(Path.join(dir, "sub"))
        Fs.writeFileSync(Path.join(dir, "sub", "c.yml"), cm("c"))
        const names = (objs: ReadonlyArray<{ readonly metadata?: any }>) => objs.map((o) => o.metadata.name)
        expect(names(yield* Manifest.readFiles([dir]))).toEqual(["a", "b"])
        expect(names(yield* Manifest.readFiles([dir], { recursive: true }))).toEqual(["a", "b", "c"])
        expect(names(
          yield* Manifest.readFiles([Path.join(dir, "notes.txt"), Path.join(dir, "b.yaml")]).pipe(
            Effect.catchTag("ManifestParseError", (e) => Effect.succeed([{ metadata: { name: e.source } }]))
          )
        )).toEqual([Path.join(dir, "notes.txt")])
        const missing = yield* Effect.flip(Manifest.readFiles([Path.join(dir, "nope")]))
        expect(missing.message).toContain(`the path "${Path.join(dir, "nope")}" does not exist`)
      } finally {
        Fs.rmSync(dir, { recursive: true, force: true })
      }
    }).pipe(Effect.provide(NodeContext.layer)))
})
