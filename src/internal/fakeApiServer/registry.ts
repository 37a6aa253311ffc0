/**
 * The resources the fake serves: the built-in table plus whatever CustomResourceDefinitions currently declare.
 * Versions of one group/resource share storage (`storageKey`), as in the apiserver, and so do core/v1 and
 * events.k8s.io/v1 Events (conversion.ts).
 */
import type { ResourceInfo } from "../../Resource.js"
import { sharedStorage } from "./conversion.js"
import type { Obj } from "./types.js"

export interface PrinterColumn {
  readonly name: string
  readonly type: string
  readonly jsonPath: string
  readonly description?: string | undefined
  readonly priority?: number | undefined
  readonly format?: string | undefined
}

export interface ScaleSpec {
  readonly specReplicasPath: string
  readonly statusReplicasPath: string
  readonly labelSelectorPath?: string | undefined
}

export interface Served {
  readonly info: ResourceInfo
  readonly storageKey: string
  readonly custom: boolean
  readonly scale?: ScaleSpec | undefined
  readonly printerColumns?: ReadonlyArray<PrinterColumn> | undefined
  readonly selectableFields?: ReadonlyArray<string> | undefined
  /** A custom resource's openAPIV3Schema, for the OpenAPI documents. */
  readonly schema?: Obj | undefined
}

const builtinScale: Record<string, ScaleSpec> = {
  "apps/deployments": { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
  "apps/replicasets": { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
  "apps/statefulsets": { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
  "/replicationcontrollers": { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first, then non-kube names alphabetically. */
export const compareVersions = (a: string, b: string): number => {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v)
    if (m === null) return undefined
    return { major: Number(m[1]), stage: m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0, minor: Number(m[3] ?? 0) }
  }
  const pa = parse(a)
  const pb = parse(b)
  if (pa === undefined && pb === undefined) return a < b ? -1 : a > b ? 1 : 0
  if (pa === undefined) return 1
  if (pb === undefined) return -1
  if (pa.stage !== pb.stage) return pb.stage - pa.stage
  if (pa.major !== pb.major) return pb.major - pa.major
  return pb.minor - pa.minor
}

export interface GroupEntry {
  readonly name: string
  /** Versions in preference order (preferred first). */
  readonly versions: ReadonlyArray<string>
}

export class Registry {
  private builtins: Map<string, Served> = new Map()
  private customs: Map<string, Served> = new Map()
  private byKey: Map<string, Served> = new Map()
  private byKind: Map<string, Served> = new Map()
  private groupList: ReadonlyArray<GroupEntry> = []

  constructor(table: ReadonlyArray<ResourceInfo>) {
    for (const info of table) {
      const own = `${info.group}/${info.plural}`
      const storageKey = sharedStorage[own] ?? own
      this.builtins.set(gvrKey(info.group, info.version, info.plural), {
        info,
        storageKey,
        custom: false,
        scale: info.subresources.includes("scale") ? builtinScale[storageKey] : undefined
      })
    }
    this.rebuild()
  }

  private rebuild() {
    this.byKey = new Map([...this.builtins, ...this.customs])
    this.byKind = new Map()
    const groups = new Map<string, Map<string, boolean>>()
    for (const served of this.byKey.values()) {
      const { group, kind, version, preferred } = served.info
      const gvk = `${group}/${version}/${kind}`
      const existing = this.byKind.get(gvk)
      // Several resources can share a kind (e.g. Scale); the one whose kind is its own (not a subresource) wins.
      if (existing === undefined) this.byKind.set(gvk, served)
      let versions = groups.get(group)
      if (versions === undefined) groups.set(group, versions = new Map())
      versions.set(version, (versions.get(version) ?? false) || preferred)
    }
    const list: Array<GroupEntry> = []
    for (const [name, versions] of groups) {
      const sorted = [...versions.keys()].sort(compareVersions)
      const preferred = sorted.find((v) => versions.get(v) === true) ?? sorted[0]!
      list.push({ name, versions: [preferred, ...sorted.filter((v) => v !== preferred)] })
    }
    // The core group first, then the built-in order, then custom groups.
    this.groupList = list.sort((a, b) => (a.name === "" ? -1 : b.name === "" ? 1 : 0))
  }

  lookup(group: string, version: string, plural: string): Served | undefined {
    return this.byKey.get(gvrKey(group, version, plural))
  }

  byGroupVersionKind(group: string, version: string, kind: string): Served | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`)
  }

  /** Any version of a group's kind, preferring the preferred version. */
  byGroupKind(group: string, kind: string): Served | undefined {
    const entry = this.groupList.find((g) => g.name === group)
    if (entry === undefined) return undefined
    for (const v of entry.versions) {
      const served = this.byKind.get(`${group}/${v}/${kind}`)
      if (served !== undefined) return served
    }
    return undefined
  }

  groups(): ReadonlyArray<GroupEntry> {
    return this.groupList
  }

  resourcesIn(group: string, version: string): ReadonlyArray<Served> {
    const out: Array<Served> = []
    for (const served of this.byKey.values()) {
      if (served.info.group === group && served.info.version === version) out.push(served)
    }
    return out
  }

  /** Every served version of one stored resource. */
  versionsOf(storageKey: string): ReadonlyArray<Served> {
    return [...this.byKey.values()].filter((s) => s.storageKey === storageKey)
  }

  /** Replaces the custom resources with those the given CRDs serve. Returns storage keys no longer served. */
  setCustomResourceDefinitions(crds: Iterable<Obj>): ReadonlyArray<string> {
    const before = new Set([...this.customs.values()].map((s) => s.storageKey))
    this.customs = new Map()
    for (const crd of crds) {
      for (const served of servedFromCrd(crd)) {
        const key = gvrKey(served.info.group, served.info.version, served.info.plural)
        if (!this.builtins.has(key)) this.customs.set(key, served)
      }
    }
    this.rebuild()
    const after = new Set([...this.customs.values()].map((s) => s.storageKey))
    return [...before].filter((k) => !after.has(k))
  }
}

const gvrKey = (group: string, version: string, plural: string) => `${group}/${version}/${plural}`

const allVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]

/** What a CustomResourceDefinition serves, one entry per served version. */
export const servedFromCrd = (crd: Obj): ReadonlyArray<Served> => {
  const spec = crd.spec ?? {}
  const names = spec.names ?? {}
  const group = String(spec.group ?? "")
  const plural = String(names.plural ?? "")
  const kind = String(names.kind ?? "")
  if (group === "" || plural === "" || kind === "") return []
  const versions = ((spec.versions ?? []) as Array<Obj>).filter((v) => v.served !== false)
  const sorted = versions.map((v) => String(v.name)).sort(compareVersions)
  const preferred = sorted[0]
  return versions.map((v): Served => {
    const sub = v.subresources ?? {}
    const subresources: Array<string> = []
    if (sub.status !== undefined) subresources.push("status")
    if (sub.scale !== undefined) subresources.push("scale")
    return {
      info: {
        group,
        version: String(v.name),
        kind,
        listKind: String(names.listKind ?? `${kind}List`),
        plural,
        singular: String(names.singular ?? kind.toLowerCase()),
        namespaced: spec.scope !== "Cluster",
        verbs: allVerbs,
        subresources,
        shortNames: (names.shortNames ?? []) as Array<string>,
        categories: (names.categories ?? []) as Array<string>,
        preferred: v.name === preferred
      },
      storageKey: `${group}/${plural}`,
      custom: true,
      scale: sub.scale === undefined ? undefined : {
        specReplicasPath: String(sub.scale.specReplicasPath ?? ".spec.replicas"),
        statusReplicasPath: String(sub.scale.statusReplicasPath ?? ".status.replicas"),
        labelSelectorPath: sub.scale.labelSelectorPath
      },
      printerColumns: v.additionalPrinterColumns,
      schema: v.schema?.openAPIV3Schema,
      selectableFields: ((v.selectableFields ?? []) as Array<Obj>).map((f) => String(f.jsonPath))
    }
  })
}

/** Reads a simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`) from an object. */
export const readPath = (obj: unknown, jsonPath: string): unknown => {
  const trimmed = jsonPath.replace(/^\{?\.?/, "").replace(/\}$/, "")
  if (trimmed === "") return obj
  let cur: any = obj
  for (const part of trimmed.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)
    if (m === null) return undefined
    if (m[1] !== "") cur = cur?.[m[1]!]
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) cur = cur?.[Number(idx[1])]
  }
  return cur
}

/** Writes a simple dotted path, creating objects on the way; returns a new top-level object. */
export const writePath = (obj: Obj, jsonPath: string, value: unknown): Obj => {
  const keys = jsonPath.replace(/^\./, "").split(".")
  const out: Obj = { ...obj }
  let cur: Obj = out
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!
    const next = typeof cur[k] === "object" && cur[k] !== null ? { ...cur[k] } : {}
    cur[k] = next
    cur = next
  }
  cur[keys[keys.length - 1]!] = value
  return out
}
