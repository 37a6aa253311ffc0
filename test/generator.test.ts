import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { compareVersionPriority, preferredVersion } from "../scripts/generator/discoveryFacts.js"
import { fieldFacts, referenceLinks, referenceMinor } from "../scripts/generator/docs.js"
import { diffFiles } from "../scripts/generator/emit.js"
import { generateFromCrdFiles, generateFromSpecFile } from "../scripts/generator/index.js"
import { swaggerDefinitions } from "../scripts/generator/ir.js"
import { placeDefinitions } from "../scripts/generator/naming.js"
import { buildResources, parsePath } from "../scripts/generator/resources.js"
import { defaultSpecPath, readSpec, skipWithoutSpec } from "../scripts/specPath.js"
import { patchMeta } from "../src/generated/patchMeta.js"
import { resources } from "../src/generated/resources.js"
import type { ResourceInfo } from "../src/Resource.js"
import * as CronTabV1 from "./fixtures/crd/generated/stable/v1.js"
import * as CronTabV1beta1 from "./fixtures/crd/generated/stable/v1beta1.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const specFile = defaultSpecPath
const crdFile = Path.join(root, "test/fixtures/crd/crontab.yaml")

const find = (group: string, version: string, plural: string): ResourceInfo => {
  const r = resources.find((r) => r.group === group && r.version === version && r.plural === plural)
  if (r === undefined) throw new Error(`no ${group}/${version}/${plural}`)
  return r
}

const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

describe("resource table", () => {
  it("matches what discovery reports for core kinds", () => {
    const pods = find("", "v1", "pods")
    expect(pods).toStrictEqual({
      group: "",
      version: "v1",
      kind: "Pod",
      listKind: "PodList",
      plural: "pods",
      singular: "pod",
      namespaced: true,
      verbs: allVerbs,
      subresources: [
        "attach",
        "binding",
        "ephemeralcontainers",
        "eviction",
        "exec",
        "log",
        "portforward",
        "proxy",
        "resize",
        "status"
      ],
      shortNames: ["po"],
      categories: ["all"],
      preferred: true,
      definition: "io.k8s.api.core.v1.Pod"
    })
    expect(find("", "v1", "namespaces")).toMatchObject({
      namespaced: false,
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
      subresources: ["finalize", "status"],
      shortNames: ["ns"]
    })
    expect(find("", "v1", "bindings").verbs).toStrictEqual(["create"])
    expect(find("", "v1", "componentstatuses")).toMatchObject({ verbs: ["get", "list"], shortNames: ["cs"] })
    expect(find("authorization.k8s.io", "v1", "localsubjectaccessreviews")).toMatchObject({
      namespaced: true,
      verbs: ["create"]
    })
    // Subresources are not resources of their own.
    expect(resources.some((r) => r.plural === "eviction" || r.plural.includes("/"))).toBe(false)
  })

  it("carries short names, categories and preferred versions", () => {
    expect(find("apps", "v1", "deployments")).toMatchObject({
      shortNames: ["deploy"],
      categories: ["all"],
      subresources: ["scale", "status"]
    })
    expect(find("apiextensions.k8s.io", "v1", "customresourcedefinitions")).toMatchObject({
      shortNames: ["crd", "crds"],
      categories: ["api-extensions"]
    })
    expect(find("autoscaling", "v2", "horizontalpodautoscalers").preferred).toBe(true)
    expect(find("autoscaling", "v1", "horizontalpodautoscalers").preferred).toBe(false)
    expect(find("admissionregistration.k8s.io", "v1beta1", "mutatingadmissionpolicies").preferred).toBe(false)
    // A resource absent from the group's preferred version is preferred in its best version.
    expect(find("coordination.k8s.io", "v1beta1", "leasecandidates").preferred).toBe(true)
    expect(find("coordination.k8s.io", "v1alpha2", "leasecandidates").preferred).toBe(false)
    // Exactly one preferred entry per group/resource.
    const counts = new Map<string, number>()
    for (const r of resources) {
      if (r.preferred) counts.set(`${r.group}/${r.plural}`, (counts.get(`${r.group}/${r.plural}`) ?? 0) + 1)
    }
    const all = new Set(resources.map((r) => `${r.group}/${r.plural}`))
    expect([...all].filter((k) => counts.get(k) !== 1)).toStrictEqual([])
  })

  it("orders versions by Kubernetes priority", () => {
    const sorted = ["v1alpha1", "v2beta1", "v1", "v11alpha2", "v2", "v1beta2", "foo", "v1beta1"].sort(
      compareVersionPriority
    )
    expect(sorted).toStrictEqual(["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v11alpha2", "v1alpha1", "foo"])
    expect(preferredVersion("autoscaling", ["v1", "v2"])).toBe("v2")
  })

  it("parses resource paths", () => {
    expect(parsePath("/api/v1/namespaces/{namespace}/pods/{name}/log")).toMatchObject({
      group: "",
      plural: "pods",
      namespaced: true,
      subresource: "log"
    })
    expect(parsePath("/apis/apps/v1/watch/namespaces/{namespace}/deployments")).toMatchObject({
      group: "apps",
      plural: "deployments",
      watchPath: true,
      namespaced: true
    })
    expect(parsePath("/api/v1/namespaces/{name}/status")).toMatchObject({
      plural: "namespaces",
      namespaced: false,
      subresource: "status"
    })
    expect(parsePath("/apis/apps/v1/")).toBeUndefined()
  })

  it("derives resources from any Swagger 2.0 spec, with watch from the list's watch parameter", () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-gen-"))
    try {
      const gvk = { group: "stable.example.com", version: "v1", kind: "CronTab" }
      const op = (action: string, extra: object = {}) => ({
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk,
        ...extra
      })
      const spec = {
        swagger: "2.0",
        info: { title: "Test", version: "v0" },
        parameters: { "watch-x": { name: "watch", in: "query", type: "boolean" } },
        paths: {
          "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs": {
            get: op("list", {
              parameters: [{ $ref: "#/parameters/watch-x" }],
              responses: { "200": { schema: { $ref: "#/definitions/com.example.stable.v1.CronTabList" } } }
            }),
            post: op("post")
          },
          "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}": {
            get: op("get"),
            delete: op("delete")
          },
          "/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status": {
            get: op("get"),
            put: op("put")
          }
        },
        definitions: {
          "com.example.stable.v1.CronTab": {
            type: "object",
            "x-kubernetes-group-version-kind": [gvk],
            properties: {
              metadata: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
              spec: { type: "object", properties: {} },
              items: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" }
            }
          },
          "com.example.stable.v1.CronTabList": {
            type: "object",
            "x-kubernetes-group-version-kind": [{ ...gvk, kind: "CronTabList" }],
            required: ["items"],
            properties: { items: { type: "array", items: { $ref: "#/definitions/com.example.stable.v1.CronTab" } } }
          },
          "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
            type: "object",
            properties: { name: { type: "string" } }
          }
        }
      }
      const file = Path.join(dir, "openapi-v2.json")
      Fs.writeFileSync(file, JSON.stringify(spec))
      const files = generateFromSpecFile(file, { outDir: dir })
      expect([...files.keys()].sort()).toStrictEqual(["meta/v1.ts", "patchMeta.ts", "resources.ts", "stable/v1.ts"])
      for (const content of files.values()) {
        expect(
          content.startsWith("// Code generated by scripts/generate.ts from Test v0 (openapi-v2.json). DO NOT EDIT.")
        ).toBe(true)
      }
      expect(files.get("stable/v1.ts")).toContain(`import type { ResourceDef } from "effect-kube/Resource"`)
      expect(files.get("stable/v1.ts")).toContain("export const CronTabResource: ResourceDef<CronTab>")
      const built = buildResources(JSON.parse(Fs.readFileSync(file, "utf8")))
      expect(built).toStrictEqual([{
        group: "stable.example.com",
        version: "v1",
        kind: "CronTab",
        listKind: "CronTabList",
        plural: "crontabs",
        singular: "crontab",
        namespaced: true,
        verbs: ["create", "delete", "get", "list", "watch"],
        subresources: ["status"],
        shortNames: [],
        categories: [],
        preferred: true,
        definition: "com.example.stable.v1.CronTab"
      }])
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("places definitions by package, disambiguating groups that share a first label", () => {
    const placed = placeDefinitions([
      "io.k8s.api.networking.v1.Ingress",
      "io.x-k8s.networking.v1.Gateway",
      "io.k8s.apimachinery.pkg.api.resource.Quantity",
      "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
      "com.example.stable.v1.CronTab"
    ])
    expect(placed.get("io.k8s.api.networking.v1.Ingress")).toStrictEqual({ module: "networking/v1", ident: "Ingress" })
    expect(placed.get("io.x-k8s.networking.v1.Gateway")).toStrictEqual({
      module: "networking.x-k8s.io/v1",
      ident: "Gateway"
    })
    expect(placed.get("io.k8s.apimachinery.pkg.api.resource.Quantity")?.module).toBe("apimachinery")
    expect(placed.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString")?.module).toBe("apimachinery")
    expect(placed.get("com.example.stable.v1.CronTab")?.module).toBe("stable/v1")
  })
})

describe("patch metadata", () => {
  it("walks from Pod down to merge-keyed lists", () => {
    const pod = patchMeta["io.k8s.api.core.v1.Pod"]!
    const podSpec = patchMeta[pod["spec"]!.ref!]!
    expect(podSpec["containers"]).toMatchObject({
      ref: "io.k8s.api.core.v1.Container",
      type: "array",
      patchMergeKey: "name",
      patchStrategy: "merge",
      listType: "map",
      listMapKeys: ["name"]
    })
    expect(podSpec["volumes"]).toMatchObject({ patchStrategy: "merge,retainKeys", patchMergeKey: "name" })
    const containerMeta = patchMeta[podSpec["containers"]!.ref!]!
    expect(containerMeta["env"]).toMatchObject({ patchMergeKey: "name", ref: "io.k8s.api.core.v1.EnvVar" })
    expect(containerMeta["ports"]).toMatchObject({
      patchMergeKey: "containerPort",
      listMapKeys: ["containerPort", "protocol"]
    })
    const objectMeta = patchMeta[pod["metadata"]!.ref!]!
    expect(objectMeta["ownerReferences"]).toMatchObject({ patchMergeKey: "uid", patchStrategy: "merge" })
    expect(objectMeta["finalizers"]).toMatchObject({ patchStrategy: "merge", listType: "set" })
    // Deployment reaches the pod template.
    const deploySpec = patchMeta[patchMeta["io.k8s.api.apps.v1.Deployment"]!["spec"]!.ref!]!
    expect(patchMeta[deploySpec["template"]!.ref!]!["spec"]!.ref).toBe("io.k8s.api.core.v1.PodSpec")
    // Definition-level map types land on the fields that hold them.
    expect(deploySpec["selector"]).toMatchObject({ mapType: "atomic" })
  })

  it("leaves out definitions and fields with nothing to say", () => {
    expect(patchMeta["io.k8s.api.core.v1.ContainerPort"]).toBeUndefined()
    expect(patchMeta["io.k8s.api.core.v1.Container"]!["image"]).toBeUndefined()
  })
})

describe("CRD generator", () => {
  const valid = {
    apiVersion: "stable.example.com/v1",
    kind: "CronTab",
    metadata: { name: "nightly", namespace: "default", labels: { a: "b" } },
    spec: {
      cronSpec: "*/5 * * * *",
      image: "backup:1",
      replicas: 2,
      concurrencyPolicy: "Forbid",
      port: "http",
      limits: { cpu: 2, memory: "1Gi" },
      config: { anything: { goes: [1, "two"] } },
      template: { apiVersion: "v1", kind: "Pod", metadata: { name: "t" }, spec: { containers: [] } },
      deadline: null,
      containers: [{ name: "main", args: ["--x"], env: [{ name: "A", value: "1" }] }],
      futureField: true
    },
    status: { replicas: 2, conditions: [{ type: "Ready", status: "True" }] }
  }

  it("decodes a valid custom object and re-encodes it without loss", () => {
    const decoded = Schema.decodeUnknownSync(CronTabV1.CronTab)(valid)
    expect(decoded.spec.concurrencyPolicy).toBe("Forbid")
    expect(Schema.encodeSync(CronTabV1.CronTab)(decoded)).toStrictEqual(valid)
    expect(CronTabV1.CronTabResource).toMatchObject({
      group: "stable.example.com",
      version: "v1",
      kind: "CronTab",
      plural: "crontabs",
      namespaced: true,
      subresources: ["scale", "status"],
      shortNames: ["ct"],
      categories: ["all"],
      preferred: true
    })
    expect(CronTabV1beta1.CronTabResource.preferred).toBe(false)
    const list = Schema.decodeUnknownSync(CronTabV1.CronTabList)({
      apiVersion: "stable.example.com/v1",
      kind: "CronTabList",
      metadata: { resourceVersion: "1" },
      items: [valid]
    })
    expect(list.items).toHaveLength(1)
  })

  const issuePaths = (input: unknown) => {
    const result = Schema.decodeUnknownEither(CronTabV1.CronTab)(input)
    if (Either.isRight(result)) return []
    // A union (enum) reports one issue per member, all at the same path.
    return [...new Set(ParseResult.ArrayFormatter.formatErrorSync(result.left).map((i) => i.path.join(".")))]
  }

  it("rejects invalid objects with the path of the problem", () => {
    expect(issuePaths({ ...valid, spec: { ...valid.spec, concurrencyPolicy: "Sometimes" } })).toStrictEqual([
      "spec.concurrencyPolicy"
    ])
    expect(issuePaths({ ...valid, spec: { ...valid.spec, replicas: 11 } })).toStrictEqual(["spec.replicas"])
    expect(issuePaths({ ...valid, spec: { ...valid.spec, replicas: 1.5 } })).toStrictEqual(["spec.replicas"])
    expect(issuePaths({ ...valid, spec: { ...valid.spec, cronSpec: "every day" } })).toStrictEqual(["spec.cronSpec"])
    expect(issuePaths({ ...valid, spec: { ...valid.spec, containers: [{ args: [] }] } })).toStrictEqual([
      "spec.containers.0.name"
    ])
    expect(issuePaths({ ...valid, spec: { ...valid.spec, tags: ["a", "b", "c", "d", "e", "f"] } })).toStrictEqual([
      "spec.tags"
    ])
    expect(issuePaths({ ...valid, spec: { ...valid.spec, template: { metadata: { name: 1 } } } })).toStrictEqual([
      "spec.template.metadata.name"
    ])
    expect(issuePaths({ metadata: {} })).toStrictEqual(["spec"])
  })

  it("writes imports that resolve outside the repository through the package name", () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-crd-"))
    try {
      const files = generateFromCrdFiles([crdFile], { outDir: dir })
      expect([...files.keys()].sort()).toStrictEqual(["stable/v1.ts", "stable/v1beta1.ts"])
      const v1 = files.get("stable/v1.ts")!
      expect(v1).toContain(`import * as meta_v1 from "effect-kube/api/meta/v1"`)
      expect(v1).toContain(`import type { ResourceDef } from "effect-kube/Resource"`)
      expect(v1).not.toContain("v1alpha1")
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("reports a file that holds no CRD", () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-crd-"))
    try {
      const file = Path.join(dir, "cm.yaml")
      Fs.writeFileSync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
      expect(() => generateFromCrdFiles([file], { outDir: dir })).toThrow(/cm\.yaml: no CustomResourceDefinition found/)
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe.skipIf(skipWithoutSpec)("API reference links", () => {
  const spec = readSpec<any>({ definitions: {} })
  const definitions = swaggerDefinitions(spec)
  const link = referenceLinks(definitions, "1.36")
  const base = "https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.36/"

  it("takes the minor version from the spec file's name, and none from a name without one", () => {
    expect(referenceMinor("/x/swagger-v1.36.json")).toBe("1.36")
    expect(referenceMinor("/x/openapi.json")).toBeUndefined()
  })

  it("anchors each definition at its kind, version and group section", () => {
    expect(link("io.k8s.api.core.v1.PodSpec").url).toBe(`${base}#podspec-v1-core`)
    expect(link("io.k8s.api.apps.v1.Deployment")).toStrictEqual({
      url: `${base}#deployment-v1-apps`,
      label: "Deployment v1 apps"
    })
    // A group with dots, and a package whose Go name differs from its group (rbac -> rbac.authorization.k8s.io).
    expect(link("io.k8s.api.rbac.v1.PolicyRule").url).toBe(`${base}#policyrule-v1-rbac-authorization-k8s-io`)
    expect(link("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps").url).toBe(
      `${base}#jsonschemaprops-v1-apiextensions-k8s-io`
    )
    expect(link("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").url).toBe(`${base}#objectmeta-v1-meta`)
    // No section of its own: the page.
    expect(link("io.k8s.apimachinery.pkg.api.resource.Quantity").url).toBe(base)
  })

  it("states a field's format, list and patch semantics from the spec's facts", () => {
    const podSpec = spec.definitions["io.k8s.api.core.v1.PodSpec"]
    expect(fieldFacts(podSpec.properties.containers, true)).toStrictEqual([
      "required",
      "list type `map` keyed by `name`",
      "patch strategy `merge` on `name`"
    ])
    expect(fieldFacts(spec.definitions["io.k8s.api.core.v1.ContainerPort"].properties.containerPort, true))
      .toStrictEqual(["`int32`", "required"])
    expect(fieldFacts({ type: "string" }, false)).toStrictEqual([])
  })

  it("links every generated type and field of a group module, fields to the definition their value is", () => {
    const source = Fs.readFileSync(Path.join(root, "src/generated/core/v1.ts"), "utf8")
    const podSpec = source.slice(source.indexOf("export interface PodSpec {"))
    const block = podSpec.slice(0, podSpec.indexOf("\n}"))
    const containers = block.split("\n").findIndex((l) => l.includes("readonly containers:"))
    expect(block.split("\n")[containers - 1]).toContain(`{@link ${base}#container-v1-core | Container v1 core}`)
    const fields = block.split("\n").filter((l) => l.trimStart().startsWith("readonly "))
    const docs = block.split("\n").filter((l) => l.includes(`{@link ${base}`))
    expect(docs.length).toBe(fields.length)
    expect(source).toContain(`API reference: {@link ${base}#pod-v1-core | Pod v1 core}`)
  })
})

describe("freshness", () => {
  it.skipIf(skipWithoutSpec)("committed src/generated matches a fresh generation", () => {
    const outDir = Path.join(root, "src/generated")
    expect(diffFiles(outDir, generateFromSpecFile(specFile, { outDir }))).toStrictEqual([])
  })

  it("committed CRD fixture output matches a fresh generation", () => {
    const outDir = Path.join(root, "test/fixtures/crd/generated")
    expect(diffFiles(outDir, generateFromCrdFiles([crdFile], { outDir }))).toStrictEqual([])
  })

  it.skipIf(skipWithoutSpec)("no description prose leaks into generated files", () => {
    const files = generateFromSpecFile(specFile, { outDir: Path.join(root, "src/generated") })
    for (const [name, content] of files) {
      // Spec descriptions are sentences; generated doc comments only name definitions.
      expect(content.includes("Standard object's metadata"), name).toBe(false)
      expect(content.includes("More info: https"), name).toBe(false)
    }
  })
})
