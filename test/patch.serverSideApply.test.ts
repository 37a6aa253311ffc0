import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { decodeFieldsV1, encodeFieldsV1, FieldSet, pathToString } from "../src/internal/patch/fieldsV1.js"
import { apply, fieldSetOf, recordUpdate } from "../src/internal/patch/serverSideApply.js"
import type { ApplyInput, ManagedFieldsEntry } from "../src/internal/patch/serverSideApply.js"
import type { PatchMetaTable } from "../src/PatchMeta.js"

// A slice of the Kubernetes 1.36 spec's extensions, written out by hand (same names and markers as the spec).
const OM = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
const D = "io.k8s.api.apps.v1.Deployment"
const mapList = (ref: string, keys: ReadonlyArray<string>) => ({
  type: "array" as const,
  ref,
  listType: "map",
  listMapKeys: keys,
  patchMergeKey: keys[0]!,
  patchStrategy: "merge"
})
const meta: PatchMetaTable = {
  [OM]: {
    labels: { type: "object" },
    annotations: { type: "object" },
    finalizers: { type: "array", listType: "set", patchStrategy: "merge" },
    managedFields: { type: "array", ref: "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", listType: "atomic" }
  },
  [D]: { metadata: { ref: OM }, spec: { ref: "io.k8s.api.apps.v1.DeploymentSpec" } },
  "io.k8s.api.apps.v1.DeploymentSpec": {
    selector: { ref: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", mapType: "atomic" },
    strategy: { ref: "io.k8s.api.apps.v1.DeploymentStrategy", patchStrategy: "retainKeys" },
    template: { ref: "io.k8s.api.core.v1.PodTemplateSpec" }
  },
  "io.k8s.api.core.v1.PodTemplateSpec": { metadata: { ref: OM }, spec: { ref: "io.k8s.api.core.v1.PodSpec" } },
  "io.k8s.api.core.v1.PodSpec": {
    containers: mapList("io.k8s.api.core.v1.Container", ["name"]),
    tolerations: { type: "array", ref: "io.k8s.api.core.v1.Toleration", listType: "atomic" },
    nodeSelector: { type: "object", mapType: "atomic" }
  },
  "io.k8s.api.core.v1.Container": {
    args: { type: "array", listType: "atomic" },
    env: mapList("io.k8s.api.core.v1.EnvVar", ["name"]),
    ports: mapList("io.k8s.api.core.v1.ContainerPort", ["containerPort", "protocol"])
  }
}

interface DeploymentOptions {
  readonly replicas?: number
  readonly image?: string
  readonly labels?: Record<string, string>
  readonly containers?: ReadonlyArray<unknown>
  readonly podSpec?: Record<string, unknown>
  readonly metadata?: Record<string, unknown>
}
const deployment = (o: DeploymentOptions = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "nginx", ...(o.labels ? { labels: o.labels } : {}), ...o.metadata },
  spec: {
    ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: o.containers ?? [{ name: "nginx", image: o.image ?? "nginx:1.25" }], ...o.podSpec }
    }
  }
})

const T1 = "2024-05-01T10:00:00Z"
const T2 = "2024-05-01T11:00:00Z"
const T3 = "2024-05-01T12:00:00Z"

const run = (input: Omit<ApplyInput, "meta" | "rootDefinition">) => apply({ meta, rootDefinition: D, ...input })
const applied = (input: Omit<ApplyInput, "meta" | "rootDefinition">) => {
  const r = run(input)
  if (Either.isLeft(r)) throw new Error(`unexpected failure: ${r.left.message}`)
  return r.right
}
const conflict = (input: Omit<ApplyInput, "meta" | "rootDefinition">) => {
  const r = run(input)
  if (Either.isRight(r) || r.left._tag !== "ApplyConflict") throw new Error("expected a conflict")
  return r.left
}
const entry = (entries: ReadonlyArray<ManagedFieldsEntry>, manager: string, operation = "Apply") =>
  entries.find((e) => e.manager === manager && e.operation === operation)
const spec = (o: unknown) => (o as { spec: { replicas?: number; template: { spec: Record<string, unknown> } } }).spec

describe("server-side apply", () => {
  it("creates an object and records the applier's fields", () => {
    const result = applied({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl", time: T1 })
    expect(result.managedFields).toEqual([{
      manager: "kubectl",
      operation: "Apply",
      apiVersion: "apps/v1",
      time: T1,
      fieldsType: "FieldsV1",
      fieldsV1: {
        "f:spec": {
          "f:replicas": {},
          "f:selector": {},
          "f:template": {
            "f:metadata": { "f:labels": { "f:app": {} } },
            "f:spec": { "f:containers": { "k:{\"name\":\"nginx\"}": { ".": {}, "f:image": {}, "f:name": {} } } }
          }
        }
      }
    }])
    expect(result.object).toEqual({
      ...deployment({ replicas: 2 }),
      metadata: { name: "nginx", managedFields: result.managedFields }
    })
  })

  it("re-applies the manager's own changes without conflict and stamps the new time", () => {
    const first = applied({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl", time: T1 })
    const second = applied({
      live: first.object,
      applied: deployment({ replicas: 5, image: "nginx:1.26" }),
      manager: "kubectl",
      time: T2
    })
    expect(spec(second.object).replicas).toBe(5)
    expect(spec(second.object).template.spec["containers"]).toEqual([{ name: "nginx", image: "nginx:1.26" }])
    expect(second.managedFields.map((e) => [e.manager, e.time])).toEqual([["kubectl", T2]])
    // a no-op apply keeps the previous time
    const third = applied({
      live: second.object,
      applied: deployment({ replicas: 5, image: "nginx:1.26" }),
      manager: "kubectl",
      time: T3
    })
    expect(third.managedFields[0]!.time).toBe(T2)
    expect(third.object).toEqual(second.object)
  })

  it("reports conflicts with other managers in the apiserver's format", () => {
    const created = recordUpdate({
      before: undefined,
      after: deployment({ replicas: 1 }),
      manager: "kubectl-client-side-apply",
      rootDefinition: D,
      meta,
      time: T1
    })
    const one = conflict({ live: created.object, applied: deployment({ replicas: 3 }), manager: "kubectl", time: T2 })
    expect(one._tag).toBe("ApplyConflict")
    expect(one.message).toBe(
      `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`
    )
    expect(one.conflicts).toEqual([{
      manager: `"kubectl-client-side-apply" using apps/v1`,
      field: ".spec.replicas",
      message: `conflict with "kubectl-client-side-apply" using apps/v1`
    }])

    // the same values as live are shared, not conflicting
    const shared = applied({ live: created.object, applied: deployment({ replicas: 1 }), manager: "kubectl", time: T2 })
    expect(entry(shared.managedFields, "kubectl-client-side-apply", "Update")!.fieldsV1).toHaveProperty([
      "f:spec",
      "f:replicas"
    ])
    expect(entry(shared.managedFields, "kubectl")!.fieldsV1).toHaveProperty(["f:spec", "f:replicas"])

    // several fields and managers
    const byHpa = applied({
      live: shared.object,
      applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 1 } },
      manager: "hpa",
      time: T2
    })
    const many = conflict({
      live: byHpa.object,
      applied: deployment({ replicas: 4, image: "nginx:2" }),
      manager: "ci",
      time: T3
    })
    expect(many.message).toBe(
      "Apply failed with 5 conflicts: conflicts with \"hpa\":\n- .spec.replicas\n" +
        "conflicts with \"kubectl\":\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image\n" +
        "conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n" +
        "- .spec.template.spec.containers[name=\"nginx\"].image"
    )
    expect(many.conflicts).toHaveLength(5)
  })

  it("force takes ownership from the other managers", () => {
    const created = recordUpdate({
      before: undefined,
      after: deployment({ replicas: 1 }),
      manager: "kubectl-client-side-apply",
      rootDefinition: D,
      meta,
      time: T1
    })
    const forced = applied({
      live: created.object,
      applied: deployment({ replicas: 3 }),
      manager: "kubectl",
      force: true,
      time: T2
    })
    expect(spec(forced.object).replicas).toBe(3)
    expect(entry(forced.managedFields, "kubectl")!.fieldsV1).toHaveProperty(["f:spec", "f:replicas"])
    const other = entry(forced.managedFields, "kubectl-client-side-apply", "Update")!
    expect(other.fieldsV1).not.toHaveProperty(["f:spec", "f:replicas"])
    expect(other.fieldsV1).toHaveProperty(["f:spec", "f:selector"])
    expect(forced.managedFields.map((e) => e.operation)).toEqual(["Apply", "Update"])
  })

  it("removes fields the manager stops applying unless another manager owns them", () => {
    const first = applied({
      live: undefined,
      applied: deployment({
        labels: { app: "nginx", tier: "web" },
        containers: [{ name: "nginx", image: "nginx:1", args: ["-v"] }, { name: "sidecar", image: "envoy" }]
      }),
      manager: "kubectl",
      time: T1
    })
    // another manager also owns the tier label
    const withOther = applied({
      live: first.object,
      applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", labels: { tier: "web" } } },
      manager: "labeler",
      time: T1
    })
    const second = applied({
      live: withOther.object,
      applied: deployment({ labels: { app: "nginx" }, containers: [{ name: "nginx", image: "nginx:1" }] }),
      manager: "kubectl",
      time: T2
    })
    const obj = second.object as { metadata: { labels: unknown } }
    expect(obj.metadata.labels).toEqual({ app: "nginx", tier: "web" })
    expect(spec(second.object).template.spec["containers"]).toEqual([{ name: "nginx", image: "nginx:1" }])

    const third = applied({
      live: second.object,
      applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" } },
      manager: "labeler",
      time: T3
    })
    expect((third.object as { metadata: { labels: unknown } }).metadata.labels).toEqual({ app: "nginx" })
    expect(entry(third.managedFields, "labeler")).toBeUndefined()
  })

  it("merges listType=map lists by key: each manager keeps its own items", () => {
    const first = applied({ live: undefined, applied: deployment(), manager: "kubectl", time: T1 })
    const injected = applied({
      live: first.object,
      applied: deployment({ containers: [{ name: "proxy", image: "envoy", ports: [{ containerPort: 15001 }] }] }),
      manager: "injector",
      time: T2
    })
    expect(spec(injected.object).template.spec["containers"]).toEqual([
      { name: "nginx", image: "nginx:1.25" },
      { name: "proxy", image: "envoy", ports: [{ containerPort: 15001 }] }
    ])
    expect(entry(injected.managedFields, "injector")!.fieldsV1).toHaveProperty([
      "f:spec",
      "f:template",
      "f:spec",
      "f:containers",
      "k:{\"name\":\"proxy\"}",
      "f:ports",
      "k:{\"containerPort\":15001}",
      "f:containerPort"
    ])
    // kubectl re-applies without the proxy: the proxy stays, it belongs to the injector
    const again = applied({
      live: injected.object,
      applied: deployment({ image: "nginx:2" }),
      manager: "kubectl",
      time: T3
    })
    expect(spec(again.object).template.spec["containers"]).toEqual([
      { name: "nginx", image: "nginx:2" },
      { name: "proxy", image: "envoy", ports: [{ containerPort: 15001 }] }
    ])
  })

  it("merges listType=set lists by value", () => {
    const first = applied({
      live: undefined,
      applied: deployment({ metadata: { finalizers: ["a.example.com/x"] } }),
      manager: "one",
      time: T1
    })
    const second = applied({
      live: first.object,
      applied: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "nginx", finalizers: ["b.example.com/y"] }
      },
      manager: "two",
      time: T2
    })
    expect((second.object as { metadata: { finalizers: unknown } }).metadata.finalizers).toEqual([
      "a.example.com/x",
      "b.example.com/y"
    ])
    expect(entry(second.managedFields, "two")!.fieldsV1).toEqual({
      "f:metadata": { "f:finalizers": { "v:\"b.example.com/y\"": {} } }
    })
    const dropped = applied({
      live: second.object,
      applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" } },
      manager: "two",
      time: T3
    })
    expect((dropped.object as { metadata: { finalizers: unknown } }).metadata.finalizers).toEqual(["a.example.com/x"])
  })

  it("replaces atomic lists and atomic maps whole, and owns them as one field", () => {
    const first = applied({
      live: undefined,
      applied: deployment({
        podSpec: { tolerations: [{ key: "a" }, { key: "b" }], nodeSelector: { zone: "a", disk: "ssd" } }
      }),
      manager: "kubectl",
      time: T1
    })
    expect(entry(first.managedFields, "kubectl")!.fieldsV1).toHaveProperty([
      "f:spec",
      "f:template",
      "f:spec",
      "f:tolerations"
    ], {})
    expect(entry(first.managedFields, "kubectl")!.fieldsV1).toHaveProperty([
      "f:spec",
      "f:template",
      "f:spec",
      "f:nodeSelector"
    ], {})
    const second = applied({
      live: first.object,
      applied: deployment({ podSpec: { tolerations: [{ key: "c" }], nodeSelector: { zone: "b" } } }),
      manager: "kubectl",
      time: T2
    })
    expect(spec(second.object).template.spec["tolerations"]).toEqual([{ key: "c" }])
    expect(spec(second.object).template.spec["nodeSelector"]).toEqual({ zone: "b" })
    const other = conflict({
      live: second.object,
      applied: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        spec: { template: { spec: { tolerations: [{ key: "d" }] } } }
      },
      manager: "other",
      time: T3
    })
    expect(other.message).toBe(`Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.tolerations`)
  })

  it("records ordinary updates as Update entries that take fields from appliers", () => {
    const first = applied({ live: undefined, applied: deployment({ replicas: 2 }), manager: "kubectl", time: T1 })
    const edited = structuredClone(first.object) as ReturnType<typeof deployment>
    ;(edited.spec.template.spec.containers[0] as { image: string }).image = "nginx:edited"
    const edit = recordUpdate({
      before: first.object,
      after: edited,
      manager: "kubectl-edit",
      rootDefinition: D,
      meta,
      time: T2
    })
    expect(entry(edit.managedFields, "kubectl-edit", "Update")).toEqual({
      manager: "kubectl-edit",
      operation: "Update",
      apiVersion: "apps/v1",
      time: T2,
      fieldsType: "FieldsV1",
      fieldsV1: {
        "f:spec": { "f:template": { "f:spec": { "f:containers": { "k:{\"name\":\"nginx\"}": { "f:image": {} } } } } }
      }
    })
    expect(entry(edit.managedFields, "kubectl")!.fieldsV1).not.toHaveProperty([
      "f:spec",
      "f:template",
      "f:spec",
      "f:containers",
      "k:{\"name\":\"nginx\"}",
      "f:image"
    ])
    expect((edit.object as { metadata: { managedFields: unknown } }).metadata.managedFields).toEqual(edit.managedFields)
    const back = conflict({ live: edit.object, applied: deployment({ replicas: 2 }), manager: "kubectl", time: T3 })
    expect(back.message).toBe(
      `Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="nginx"].image`
    )
    // an update that changes nothing leaves managed fields alone
    const noop = recordUpdate({
      before: edit.object,
      after: edit.object,
      manager: "other",
      rootDefinition: D,
      meta,
      time: T3
    })
    expect(noop.managedFields).toEqual(edit.managedFields)
    // a request carrying managedFields: [{}] resets them
    const reset = recordUpdate({
      before: edit.object,
      after: { ...edit.object, metadata: { name: "nginx", managedFields: [{}] } },
      manager: "other",
      rootDefinition: D,
      meta,
      time: T3
    })
    expect(reset.managedFields).toEqual([])
    expect(reset.object).toEqual({ ...edit.object, metadata: { name: "nginx" } })
  })

  it("attributes fields of an untracked object to before-first-apply", () => {
    const r = conflict({
      live: deployment({ replicas: 1 }),
      applied: deployment({ replicas: 2 }),
      manager: "kubectl",
      time: T1
    })
    expect(r.message).toBe(
      `Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas`
    )
  })

  it("treats definitions the table does not know like structured-merge-diff's deduced schema", () => {
    const cr = (spec: unknown) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec })
    const first = apply({
      live: undefined,
      applied: cr({ size: 1, tags: ["a"], nested: { x: 1 } }),
      manager: "m",
      time: T1,
      meta,
      rootDefinition: "com.example.v1.Widget"
    })
    expect(Either.isRight(first) && first.right.managedFields[0]!.fieldsV1).toEqual({
      "f:spec": { ".": {}, "f:nested": { ".": {}, "f:x": {} }, "f:size": {}, "f:tags": {} }
    })
  })

  it("rejects map-list items without key fields", () => {
    const r = run({ live: undefined, applied: deployment({ containers: [{ image: "x" }] }), manager: "m", time: T1 })
    expect(Either.isLeft(r) && r.left._tag).toBe("ApplyInvalid")
    expect(Either.isLeft(r) && r.left.message).toContain(
      `.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name"`
    )
  })

  it("computes the field set an apply configuration claims", () => {
    const set = fieldSetOf(deployment({ replicas: 1 }), D, meta)
    expect(Either.isRight(set) && set.right.paths().map(pathToString)).toEqual([
      ".spec.replicas",
      ".spec.selector",
      ".spec.template.metadata.labels.app",
      ".spec.template.spec.containers[name=\"nginx\"]",
      ".spec.template.spec.containers[name=\"nginx\"].image",
      ".spec.template.spec.containers[name=\"nginx\"].name"
    ])
  })
})

describe("FieldsV1", () => {
  // Shaped like what a 1.30+ apiserver returns for a Deployment created by `kubectl create` and scaled by the HPA.
  const sample = {
    "f:metadata": {
      "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} },
      "f:labels": { ".": {}, "f:app": {}, "f:app.kubernetes.io/name": {} }
    },
    "f:spec": {
      "f:progressDeadlineSeconds": {},
      "f:replicas": {},
      "f:selector": {},
      "f:strategy": { "f:rollingUpdate": { ".": {}, "f:maxSurge": {}, "f:maxUnavailable": {} }, "f:type": {} },
      "f:template": {
        "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
        "f:spec": {
          "f:containers": {
            "k:{\"name\":\"nginx\"}": {
              ".": {},
              "f:env": { ".": {}, "k:{\"name\":\"MODE\"}": { ".": {}, "f:name": {}, "f:value": {} } },
              "f:image": {},
              "f:imagePullPolicy": {},
              "f:name": {},
              "f:ports": {
                ".": {},
                "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": { ".": {}, "f:containerPort": {}, "f:protocol": {} },
                "k:{\"containerPort\":443,\"protocol\":\"TCP\"}": { ".": {}, "f:containerPort": {}, "f:protocol": {} }
              },
              "f:resources": {}
            }
          },
          "f:dnsPolicy": {},
          "f:finalizers": { "v:\"a\"": {}, "v:\"b\"": {} },
          "f:restartPolicy": {}
        }
      }
    }
  }

  it("round-trips a realistic managedFields document, element order included", () => {
    const decoded = decodeFieldsV1(sample)
    if (Either.isLeft(decoded)) throw new Error(decoded.left.message)
    expect(JSON.stringify(encodeFieldsV1(decoded.right))).toBe(JSON.stringify(sample))
    const set = decoded.right
    expect(set.has(["f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"nginx\"}"])).toBe(true)
    expect(set.has(["f:spec", "f:template", "f:spec", "f:containers"])).toBe(false)
    expect(set.has(["f:spec", "f:replicas"])).toBe(true)
    const paths = set.paths().map(pathToString)
    expect(paths).toContain(".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"]")
    expect(paths).toContain(".spec.template.spec.finalizers[=\"a\"]")
    expect(paths.indexOf(".metadata.annotations")).toBeLessThan(
      paths.indexOf(".metadata.annotations.deployment.kubernetes.io/revision")
    )
    // the same set built path by path encodes identically
    expect(JSON.stringify(encodeFieldsV1(FieldSet.fromPaths(set.paths().reverse())))).toBe(JSON.stringify(sample))
  })

  it("orders keys numerically and normalises key spelling", () => {
    const decoded = decodeFieldsV1({
      "f:ports": {
        "k:{\"protocol\":\"TCP\",\"containerPort\":8080}": {},
        "k:{\"containerPort\":443,\"protocol\":\"TCP\"}": {}
      }
    })
    expect(Either.isRight(decoded) && encodeFieldsV1(decoded.right)).toEqual({
      "f:ports": {
        "k:{\"containerPort\":443,\"protocol\":\"TCP\"}": {},
        "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {}
      }
    })
    expect(Either.getOrThrow(decoded).has(["f:ports", "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}"])).toBe(true)
  })

  it("set operations", () => {
    const a = FieldSet.fromPaths([["f:a"], ["f:b", "f:c"], ["f:b", "f:d"]])
    const b = FieldSet.fromPaths([["f:b", "f:c"], ["f:e"]])
    expect(a.intersection(b).paths()).toEqual([["f:b", "f:c"]])
    expect(a.difference(b).paths()).toEqual([["f:a"], ["f:b", "f:d"]])
    expect(a.union(b).paths()).toHaveLength(4)
    expect(a.difference(a).isEmpty()).toBe(true)
    expect(a.union(b).equals(b.union(a))).toBe(true)
  })

  it("rejects malformed documents with the offending element", () => {
    const bad = decodeFieldsV1({ "f:spec": { "x:nope": {} } })
    expect(Either.isLeft(bad) && bad.left.message).toBe(
      `.spec: unknown path element "x:nope": expected a prefix f:, k:, v: or i:`
    )
    expect(Either.isLeft(decodeFieldsV1({ "k:notjson": {} }))).toBe(true)
    expect(Either.isLeft(decodeFieldsV1({ "f:a": 1 }))).toBe(true)
    expect(Either.isLeft(decodeFieldsV1([]))).toBe(true)
  })
})
