import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { isKnownDefinition, strategicMergePatch } from "../src/internal/patch/strategicMerge.js"
import type { PatchMetaTable } from "../src/PatchMeta.js"

// A slice of the Kubernetes 1.36 spec's extensions, written out by hand (same names and markers as the spec).
const OM = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
const LS = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"
const meta: PatchMetaTable = {
  [OM]: {
    labels: { type: "object" },
    annotations: { type: "object" },
    finalizers: { type: "array", listType: "set", patchStrategy: "merge" },
    ownerReferences: {
      type: "array",
      ref: "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
      listType: "map",
      listMapKeys: ["uid"],
      patchMergeKey: "uid",
      patchStrategy: "merge"
    }
  },
  "io.k8s.api.core.v1.ConfigMap": { metadata: { ref: OM }, data: { type: "object" } },
  "io.k8s.api.core.v1.Pod": { metadata: { ref: OM }, spec: { ref: "io.k8s.api.core.v1.PodSpec" } },
  "io.k8s.api.apps.v1.Deployment": { metadata: { ref: OM }, spec: { ref: "io.k8s.api.apps.v1.DeploymentSpec" } },
  "io.k8s.api.apps.v1.DeploymentSpec": {
    selector: { ref: LS, mapType: "atomic" },
    strategy: { ref: "io.k8s.api.apps.v1.DeploymentStrategy", patchStrategy: "retainKeys" },
    template: { ref: "io.k8s.api.core.v1.PodTemplateSpec" }
  },
  "io.k8s.api.apps.v1.DeploymentStrategy": { rollingUpdate: { ref: "io.k8s.api.apps.v1.RollingUpdateDeployment" } },
  "io.k8s.api.core.v1.PodTemplateSpec": { metadata: { ref: OM }, spec: { ref: "io.k8s.api.core.v1.PodSpec" } },
  "io.k8s.api.core.v1.PodSpec": {
    containers: {
      type: "array",
      ref: "io.k8s.api.core.v1.Container",
      listType: "map",
      listMapKeys: ["name"],
      patchMergeKey: "name",
      patchStrategy: "merge"
    },
    initContainers: {
      type: "array",
      ref: "io.k8s.api.core.v1.Container",
      listType: "map",
      listMapKeys: ["name"],
      patchMergeKey: "name",
      patchStrategy: "merge"
    },
    volumes: {
      type: "array",
      ref: "io.k8s.api.core.v1.Volume",
      listType: "map",
      listMapKeys: ["name"],
      patchMergeKey: "name",
      patchStrategy: "merge,retainKeys"
    },
    tolerations: { type: "array", ref: "io.k8s.api.core.v1.Toleration", listType: "atomic" },
    nodeSelector: { type: "object", mapType: "atomic" }
  },
  "io.k8s.api.core.v1.Container": {
    args: { type: "array", listType: "atomic" },
    env: {
      type: "array",
      ref: "io.k8s.api.core.v1.EnvVar",
      listType: "map",
      listMapKeys: ["name"],
      patchMergeKey: "name",
      patchStrategy: "merge"
    },
    ports: {
      type: "array",
      ref: "io.k8s.api.core.v1.ContainerPort",
      listType: "map",
      listMapKeys: ["containerPort", "protocol"],
      patchMergeKey: "containerPort",
      patchStrategy: "merge"
    },
    resources: { ref: "io.k8s.api.core.v1.ResourceRequirements" }
  },
  "io.k8s.api.core.v1.ResourceRequirements": {
    limits: { type: "object", valuesRef: "io.k8s.apimachinery.pkg.api.resource.Quantity" },
    requests: { type: "object", valuesRef: "io.k8s.apimachinery.pkg.api.resource.Quantity" }
  },
  "io.k8s.api.policy.v1.PodDisruptionBudget": {
    metadata: { ref: OM },
    spec: { ref: "io.k8s.api.policy.v1.PodDisruptionBudgetSpec" }
  },
  "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": { selector: { ref: LS, patchStrategy: "replace" } }
}

const patch = (rootDefinition: string, original: unknown, p: unknown) =>
  strategicMergePatch(original, p, { meta, rootDefinition })
const ok = (rootDefinition: string, original: unknown, p: unknown): unknown => {
  const r = patch(rootDefinition, original, p)
  if (Either.isLeft(r)) throw new Error(`unexpected failure: ${r.left.message}`)
  return r.right
}
const fail = (rootDefinition: string, original: unknown, p: unknown) => {
  const r = patch(rootDefinition, original, p)
  if (Either.isRight(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.right)}`)
  return r.left
}

const POD = "io.k8s.api.core.v1.Pod"
const DEPLOY = "io.k8s.api.apps.v1.Deployment"
const CM = "io.k8s.api.core.v1.ConfigMap"
const pod = (spec: unknown, metadata: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", ...metadata },
  spec
})

// Every expectation below was checked against `kubectl patch --local` (kubectl v1.35, apimachinery strategicpatch).
describe("strategic merge patch", () => {
  it("merges containers by name and env by name; atomic args are replaced; null deletes", () => {
    const original = pod({
      containers: [
        {
          name: "a",
          image: "x",
          args: ["1", "2"],
          env: [{ name: "A", value: "1" }, { name: "B", value: "2" }]
        },
        { name: "b", image: "y" }
      ]
    })
    const result = ok(POD, original, {
      spec: {
        containers: [
          {
            name: "a",
            args: ["3"],
            env: [{ name: "B", value: null, valueFrom: { fieldRef: { fieldPath: "x" } } }, { name: "C", value: "3" }]
          },
          { name: "new", image: "n" }
        ]
      }
    })
    expect(result).toEqual(pod({
      containers: [
        {
          name: "a",
          image: "x",
          args: ["3"],
          env: [
            { name: "A", value: "1" },
            { name: "B", valueFrom: { fieldRef: { fieldPath: "x" } } },
            { name: "C", value: "3" }
          ]
        },
        { name: "new", image: "n" },
        { name: "b", image: "y" }
      ]
    }))
  })

  it("merges ports by containerPort, new items placed as apimachinery orders them", () => {
    const original = pod({
      containers: [{ name: "a", ports: [{ containerPort: 80, name: "http" }, { containerPort: 443 }] }]
    })
    const result = ok(POD, original, {
      spec: { containers: [{ name: "a", ports: [{ containerPort: 80, name: "web" }, { containerPort: 9090 }] }] }
    })
    expect(result).toEqual(
      pod({
        containers: [{
          name: "a",
          ports: [{ containerPort: 80, name: "web" }, { containerPort: 9090 }, { containerPort: 443 }]
        }]
      })
    )
  })

  it("reorders merged items to follow the patch, keeping server-only items where the live list had them", () => {
    const original = pod({
      containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }, { name: "c", image: "z" }]
    })
    const result = ok(POD, original, {
      spec: { containers: [{ name: "c", image: "zz" }, { name: "a", image: "xx" }] }
    })
    expect(result).toEqual(
      pod({ containers: [{ name: "b", image: "y" }, { name: "c", image: "zz" }, { name: "a", image: "xx" }] })
    )
  })

  it("$patch: delete removes a list item by merge key; delete items in a new list are dropped", () => {
    const original = pod({ containers: [{ name: "a", image: "1" }, { name: "b", image: "2" }] })
    const result = ok(POD, original, {
      spec: {
        containers: [{ name: "a", $patch: "delete" }],
        initContainers: [{ name: "i", image: "x" }, { name: "zz", $patch: "delete" }]
      }
    })
    expect(result).toEqual(
      pod({ containers: [{ name: "b", image: "2" }], initContainers: [{ name: "i", image: "x" }] })
    )
  })

  it("$patch: replace in a list replaces the whole list with the other items", () => {
    const original = pod({ containers: [{ name: "a", image: "1" }, { name: "b", image: "2" }] })
    const result = ok(POD, original, { spec: { containers: [{ name: "c", image: "3" }, { $patch: "replace" }] } })
    expect(result).toEqual(pod({ containers: [{ name: "c", image: "3" }] }))
  })

  it("$patch: replace in a map replaces the map; $patch: delete empties it", () => {
    const original = pod(
      { containers: [{ name: "a", resources: { limits: { cpu: "1" }, requests: { cpu: "1" } } }] },
      { labels: { a: "1" }, annotations: { x: "y" } }
    )
    const result = ok(POD, original, {
      metadata: { labels: { $patch: "replace", b: "2" }, annotations: { $patch: "delete" } },
      spec: { containers: [{ name: "a", resources: { $patch: "replace", limits: { memory: "1Gi" } } }] }
    })
    expect(result).toEqual(
      pod({ containers: [{ name: "a", resources: { limits: { memory: "1Gi" } } }] }, {
        labels: { b: "2" },
        annotations: {}
      })
    )
  })

  it("merges primitive lists with strategy merge as a union (finalizers)", () => {
    const cm = (finalizers: ReadonlyArray<string>) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", finalizers }
    })
    expect(ok(CM, cm(["a", "b"]), { metadata: { finalizers: ["b", "c"] } })).toEqual(cm(["a", "b", "c"]))
    // a new value that the live list lacks goes before server-only values, as apimachinery orders it
    expect(ok(CM, cm(["a", "b"]), { metadata: { finalizers: ["c", "a"] } })).toEqual(cm(["c", "a", "b"]))
    expect(
      ok(CM, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, { metadata: { finalizers: ["x"] } })
    )
      .toEqual(cm(["x"]))
  })

  it("$deleteFromPrimitiveList and $setElementOrder", () => {
    const cm = (finalizers: ReadonlyArray<string>) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", finalizers }
    })
    const result = ok(CM, cm(["a", "b", "c"]), {
      metadata: {
        "$setElementOrder/finalizers": ["c", "d", "a"],
        finalizers: ["d"],
        "$deleteFromPrimitiveList/finalizers": ["b"]
      }
    })
    expect(result).toEqual(cm(["c", "d", "a"]))

    const original = pod({
      containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }, { name: "c", image: "z" }]
    })
    expect(
      ok(POD, original, { spec: { "$setElementOrder/containers": [{ name: "c" }, { name: "b" }, { name: "a" }] } })
    )
      .toEqual(pod({ containers: [{ name: "c", image: "z" }, { name: "b", image: "y" }, { name: "a", image: "x" }] }))
    expect(
      ok(POD, original, {
        spec: { "$setElementOrder/containers": [{ name: "c" }, { name: "a" }], containers: [{ name: "a", image: "q" }] }
      })
    ).toEqual(pod({ containers: [{ name: "b", image: "y" }, { name: "c", image: "z" }, { name: "a", image: "q" }] }))
  })

  it("$retainKeys clears members the patch does not keep (retainKeys strategy and merge,retainKeys lists)", () => {
    const deploy = (spec: unknown) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec })
    expect(
      ok(DEPLOY, deploy({ strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } }), {
        spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } }
      })
    ).toEqual(deploy({ strategy: { type: "Recreate" } }))

    const original = pod({
      containers: [{ name: "a" }],
      volumes: [{ name: "v", emptyDir: {} }, { name: "w", secret: { secretName: "s" } }]
    })
    expect(
      ok(POD, original, {
        spec: { volumes: [{ name: "v", $retainKeys: ["name", "configMap"], configMap: { name: "cm" } }] }
      })
    ).toEqual(pod({
      containers: [{ name: "a" }],
      volumes: [{ name: "v", configMap: { name: "cm" } }, { name: "w", secret: { secretName: "s" } }]
    }))
  })

  it("replace strategy fields are replaced whole (PodDisruptionBudget selector)", () => {
    const pdb = (selector: unknown) => ({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "p" },
      spec: { minAvailable: 1, selector }
    })
    const original = pdb({ matchLabels: { a: "1" }, matchExpressions: [{ key: "x", operator: "Exists" }] })
    expect(
      ok("io.k8s.api.policy.v1.PodDisruptionBudget", original, { spec: { selector: { matchLabels: { b: "2" } } } })
    )
      .toEqual(pdb({ matchLabels: { b: "2" } }))
  })

  it("maps merge key by key and null deletes; lists without merge strategy are replaced", () => {
    const original = pod(
      { containers: [{ name: "a" }], tolerations: [{ key: "a" }], nodeSelector: { a: "1" } },
      { labels: { a: "1", b: "2" } }
    )
    expect(
      ok(POD, original, {
        metadata: { labels: { a: null, c: "3" } },
        spec: { tolerations: [{ key: "b" }], nodeSelector: { b: "2" } }
      })
    ).toEqual(
      pod({ containers: [{ name: "a" }], tolerations: [{ key: "b" }], nodeSelector: { a: "1", b: "2" } }, {
        labels: { b: "2", c: "3" }
      })
    )
  })

  it("rejects what apimachinery rejects, with its messages and status codes", () => {
    const original = pod({ containers: [{ name: "a" }] }, { labels: { a: "1" } })
    expect(fail(POD, original, { spec: { containers: [{ image: "b" }] } })).toMatchObject({
      message: "map: map[image:b] does not contain declared merge key: name",
      status: 500
    })
    expect(fail(POD, original, { metadata: { labels: { $patch: "merge", b: "2" } } })).toMatchObject({
      message: "unknown patch type: merge in map: map[$patch:merge b:2]",
      status: 500
    })
    expect(fail(POD, original, { spec: { containers: [{ $patch: "merge", name: "b" }] } }).message).toBe(
      "merging lists cannot yet be specified in the patch"
    )
    expect(fail(POD, original, { spec: { containers: [{ $patch: "delete" }] } }).message).toBe(
      "map: map[$patch:delete] does not contain declared merge key: name"
    )
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", spec: { strategy: { type: "RollingUpdate" } } }
    expect(fail(DEPLOY, deployment, { spec: { strategy: { $retainKeys: "type" } } })).toMatchObject({
      message: "invalid patch format of retainKeys",
      status: 400
    })
    expect(fail(DEPLOY, deployment, { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: {} } } }).status).toBe(
      400
    )
    expect(fail(POD, original, [1]).status).toBe(400)
  })

  it("does not modify its inputs", () => {
    const original = pod({ containers: [{ name: "a", env: [{ name: "A", value: "1" }] }] })
    const p = { spec: { containers: [{ name: "a", env: [{ name: "A", value: "2" }] }] } }
    const before = JSON.stringify([original, p])
    ok(POD, original, p)
    expect(JSON.stringify([original, p])).toBe(before)
  })

  it("falls back to JSON merge patch for unknown definitions (custom resources)", () => {
    const cr = { apiVersion: "example.com/v1", kind: "Widget", spec: { items: [{ name: "a" }], size: 1, old: true } }
    expect(isKnownDefinition(meta, "com.example.v1.Widget")).toBe(false)
    expect(isKnownDefinition(meta, POD)).toBe(true)
    expect(ok("com.example.v1.Widget", cr, { spec: { items: [{ name: "b" }], old: null } })).toEqual({
      apiVersion: "example.com/v1",
      kind: "Widget",
      spec: { items: [{ name: "b" }], size: 1 }
    })
  })
})
