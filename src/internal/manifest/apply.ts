/**
 * Apply, delete and diff of manifest objects through the RestMapper and the DynamicClient.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as YAML from "yaml"
import * as DynamicClient from "../../DynamicClient.js"
import * as KubeError from "../../KubeError.js"
import { CrdNotEstablished, MissingName, NamespaceMismatch, type ObjectError } from "../../ManifestError.js"
import {
  type ApplyAction,
  type ApplyOptions,
  type ApplyResult,
  defaultFieldManager,
  type DeleteOptions,
  type DeleteResult,
  type DiffOptions,
  type DiffResult,
  type ObjectRef,
  type PruneOptions
} from "../../ManifestModel.js"
import * as RestConfig from "../../RestConfig.js"
import * as RestMapper from "../../RestMapper.js"
import type { Unstructured } from "../../Unstructured.js"
import * as lazyYaml from "../yaml.js"
import { unifiedDiff } from "./diff.js"
import { applyOrder } from "./order.js"

export { defaultFieldManager }

// kubectl's default prune allowlist (apply --prune without --prune-allowlist).
export const defaultPruneKinds: ReadonlyArray<{ readonly group: string; readonly kind: string }> = [
  { group: "", kind: "ConfigMap" },
  { group: "", kind: "Endpoints" },
  { group: "", kind: "Namespace" },
  { group: "", kind: "PersistentVolumeClaim" },
  { group: "", kind: "PersistentVolume" },
  { group: "", kind: "Pod" },
  { group: "", kind: "ReplicationController" },
  { group: "", kind: "Secret" },
  { group: "", kind: "Service" },
  { group: "batch", kind: "Job" },
  { group: "batch", kind: "CronJob" },
  { group: "networking.k8s.io", kind: "Ingress" },
  { group: "apps", kind: "DaemonSet" },
  { group: "apps", kind: "Deployment" },
  { group: "apps", kind: "ReplicaSet" },
  { group: "apps", kind: "StatefulSet" }
]

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const metaString = (obj: Unstructured, key: string): string | undefined => {
  const value = obj.metadata?.[key]
  return typeof value === "string" && value !== "" ? value : undefined
}

const splitApiVersion = (apiVersion: string | undefined): { readonly group: string; readonly version: string } => {
  const text = apiVersion ?? ""
  const slash = text.indexOf("/")
  return slash < 0 ? { group: "", version: text } : { group: text.slice(0, slash), version: text.slice(slash + 1) }
}

/** The ref of an object as written, before the mapper has seen it. */
export const refOf = (obj: Unstructured): ObjectRef => ({
  ...splitApiVersion(obj.apiVersion),
  kind: obj.kind ?? "",
  resource: undefined,
  namespace: metaString(obj, "namespace"),
  name: metaString(obj, "name") ?? ""
})

interface Target {
  readonly ref: ObjectRef
  readonly mapping: RestMapper.RestMapping
  readonly client: DynamicClient.DynamicResourceClient
  readonly body: Unstructured
}

interface Context {
  readonly mapper: RestMapper.Service
  readonly dynamic: DynamicClient.Service
  readonly namespace: string
  readonly enforceNamespace: boolean
}

const context = (
  options: { readonly namespace?: string | undefined; readonly enforceNamespace?: boolean | undefined }
) =>
  Effect.gen(function*() {
    const mapper = yield* RestMapper.RestMapper
    const dynamic = yield* DynamicClient.DynamicClient
    const config = yield* Effect.serviceOption(RestConfig.RestConfig)
    const namespace = options.namespace ?? Option.match(config, { onNone: () => "default", onSome: (c) => c.namespace })
    return { mapper, dynamic, namespace, enforceNamespace: options.enforceNamespace === true } satisfies Context
  })

/** Maps the object and picks its namespace: the default only for namespaced kinds, as kubectl does. */
const target = (ctx: Context, obj: Unstructured): Effect.Effect<Target, ObjectError> =>
  Effect.gen(function*() {
    const ref = refOf(obj)
    if (ref.name === "") return yield* new MissingName({ kind: ref.kind })
    const mapping = yield* ctx.mapper.restMapping({ group: ref.group, kind: ref.kind }, ref.version)
    const base = ctx.dynamic.resource(mapping.resource)
    if (!mapping.namespaced) {
      // kubectl sends the object as written and the server ignores a namespace on a cluster-scoped kind.
      return {
        ref: { ...ref, resource: mapping.resource.resource, namespace: undefined },
        mapping,
        client: base,
        body: obj
      }
    }
    if (ctx.enforceNamespace && ref.namespace !== undefined && ref.namespace !== ctx.namespace) {
      return yield* new NamespaceMismatch({ objectNamespace: ref.namespace, namespace: ctx.namespace })
    }
    const namespace = ref.namespace ?? ctx.namespace
    const body = ref.namespace === namespace ? obj : { ...obj, metadata: { ...obj.metadata, namespace } }
    return {
      ref: { ...ref, resource: mapping.resource.resource, namespace },
      mapping,
      client: base.namespace(namespace),
      body
    }
  })

const getLive = (client: DynamicClient.DynamicResourceClient, name: string) =>
  client.get(name).pipe(
    Effect.map(Option.some),
    Effect.catchIf(KubeError.isNotFound, () => Effect.succeed(Option.none<Unstructured>()))
  )

// What a server-side dry run changes even when nothing differs.
const comparable = (obj: Unstructured): unknown => {
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...metadata } = obj.metadata ?? {}
  return { ...obj, metadata }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))

export const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key])
  return out
}

const crdKey = (group: string, kind: string) => `${group}/${kind}`

/** Polls the CRD until its Established condition is True, on the Effect clock (so TestClock drives it in tests). */
const waitEstablished = (ctx: Context, name: string, timeout: Duration.Duration) =>
  Effect.gen(function*() {
    const mapping = yield* ctx.mapper.restMapping({ group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" })
    const client = ctx.dynamic.resource(mapping.resource)
    const step = Duration.millis(100)
    const limit = Math.max(1, Math.ceil(Duration.toMillis(timeout) / Duration.toMillis(step)))
    for (let attempt = 0; attempt < limit; attempt++) {
      const crd = yield* client.get(name)
      const status = isRecord(crd.status) ? crd.status : {}
      const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : []
      if (conditions.some((c) => c.type === "Established" && c.status === "True")) {
        yield* ctx.mapper.reset
        return
      }
      yield* Effect.sleep(step)
    }
    return yield* new CrdNotEstablished({ name, waitedMillis: Duration.toMillis(timeout) })
  })

export const apply = (
  objects: ReadonlyArray<Unstructured>,
  options: ApplyOptions = {}
): Effect.Effect<ReadonlyArray<ApplyResult>, never, RestMapper.RestMapper | DynamicClient.DynamicClient> =>
  Effect.gen(function*() {
    const ctx = yield* context(options)
    const fieldManager = options.fieldManager ?? defaultFieldManager
    const dryRun = options.dryRun === "server" ? ["All"] : undefined
    const crdTimeout = Duration.decode(options.crdTimeout ?? Duration.seconds(30))
    // CRDs applied in this run, by the group/kind they define: their resources wait for Established.
    const pendingCrds = new Map<string, string>()
    const results: Array<ApplyResult> = []
    const applied: Array<{ readonly ref: ObjectRef; readonly mapping: RestMapper.RestMapping }> = []
    for (const index of applyOrder(objects, (o) => o.kind)) {
      const obj = objects[index]!
      const outcome = yield* Effect.either(Effect.gen(function*() {
        const ref = refOf(obj)
        const crd = pendingCrds.get(crdKey(ref.group, ref.kind))
        if (crd !== undefined) {
          yield* waitEstablished(ctx, crd, crdTimeout)
          pendingCrds.delete(crdKey(ref.group, ref.kind))
        }
        const t = yield* target(ctx, obj)
        const before = yield* getLive(t.client, t.ref.name)
        const after = yield* t.client.patch(t.ref.name, "apply", t.body, { fieldManager, force: options.force, dryRun })
        // "unchanged" when the object reads the same, as kubectl's empty patch: a write that only changed
        // managedFields (an apiserver records before-first-apply on the first apply over an object without
        // managedFields, such as a Namespace that was applied with nothing but its name) is no change to the user.
        const action: ApplyAction = Option.isNone(before)
          ? "created"
          : (dryRun === undefined &&
              metaString(before.value, "resourceVersion") === metaString(after, "resourceVersion")) ||
              sameJson(comparable(before.value), comparable(after))
          ? "unchanged"
          : "configured"
        if (t.mapping.groupVersionKind.kind === "CustomResourceDefinition" && dryRun === undefined) {
          const spec = isRecord(after.spec) ? after.spec : {}
          const names = isRecord(spec.names) ? spec.names : {}
          if (typeof spec.group === "string" && typeof names.kind === "string") {
            pendingCrds.set(crdKey(spec.group, names.kind), t.ref.name)
          }
        }
        applied.push({ ref: t.ref, mapping: t.mapping })
        return { _tag: "Applied", index, ref: t.ref, action, object: after } as const
      }))
      if (outcome._tag === "Right") results.push(outcome.right)
      else {
        results.push({ _tag: "Failed", index, ref: refOf(obj), error: outcome.left })
        if (options.stopOnError === true) break
      }
    }
    if (options.prune !== undefined && !(options.stopOnError === true && results.some((r) => r._tag === "Failed"))) {
      results.push(...(yield* prune(ctx, applied, options.prune, fieldManager, dryRun, objects.length)))
    }
    return results.sort((a, b) => a.index - b.index)
  })

/**
 * Objects of the prunable kinds that match the selector, are managed by this field manager through Apply, and were
 * not in this run: deleted. Namespaced kinds are searched in the namespaces this run visited.
 */
const prune = (
  ctx: Context,
  applied: ReadonlyArray<{ readonly ref: ObjectRef; readonly mapping: RestMapper.RestMapping }>,
  options: PruneOptions,
  fieldManager: string,
  dryRun: ReadonlyArray<string> | undefined,
  firstIndex: number
) =>
  Effect.gen(function*() {
    const keep = new Set(applied.map(({ ref }) => `${ref.group}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`))
    const namespaces = [...new Set(applied.flatMap(({ ref }) => ref.namespace === undefined ? [] : [ref.namespace]))]
    const out: Array<ApplyResult> = []
    let index = firstIndex
    for (const gk of options.kinds ?? defaultPruneKinds) {
      const mapping = yield* Effect.option(ctx.mapper.restMapping(gk))
      if (Option.isNone(mapping)) continue
      const m = mapping.value
      const base = ctx.dynamic.resource(m.resource)
      const clients = m.namespaced ? namespaces.map((ns) => base.namespace(ns)) : [base]
      for (const client of clients) {
        const items = yield* Stream.runCollect(client.listAll({ labelSelector: options.selector })).pipe(
          Effect.catchAll(() => Effect.succeed([] as Iterable<Unstructured>))
        )
        for (const item of items) {
          const ref: ObjectRef = {
            group: m.resource.group,
            version: m.resource.version,
            kind: m.groupVersionKind.kind,
            resource: m.resource.resource,
            namespace: m.namespaced ? metaString(item, "namespace") : undefined,
            name: metaString(item, "name") ?? ""
          }
          if (keep.has(`${ref.group}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`)) continue
          const managed = Array.isArray(item.metadata?.managedFields)
            ? (item.metadata.managedFields as Array<unknown>).filter(isRecord)
            : []
          if (!managed.some((f) => f.manager === fieldManager && f.operation === "Apply")) continue
          const deleted = yield* Effect.either(client.delete(ref.name, { propagationPolicy: "Background", dryRun }))
          out.push(
            deleted._tag === "Right"
              ? { _tag: "Pruned", index: index++, ref }
              : { _tag: "Failed", index: index++, ref, error: deleted.left }
          )
        }
      }
    }
    return out
  })

export const del = (
  objects: ReadonlyArray<Unstructured>,
  options: DeleteOptions = {}
): Effect.Effect<ReadonlyArray<DeleteResult>, never, RestMapper.RestMapper | DynamicClient.DynamicClient> =>
  Effect.gen(function*() {
    const ctx = yield* context(options)
    const results: Array<DeleteResult> = []
    const dryRun = options.dryRun === "server" ? ["All"] : undefined
    for (const index of [...applyOrder(objects, (o) => o.kind)].reverse()) {
      const obj = objects[index]!
      const outcome = yield* Effect.either(Effect.gen(function*() {
        const t = yield* target(ctx, obj)
        yield* t.client.delete(t.ref.name, {
          propagationPolicy: options.propagationPolicy ?? "Background",
          dryRun
        })
        return t.ref
      }))
      if (outcome._tag === "Right") results.push({ _tag: "Deleted", index, ref: outcome.right })
      else if (!(options.ignoreNotFound === true && KubeError.isNotFound(outcome.left))) {
        results.push({ _tag: "Failed", index, ref: refOf(obj), error: outcome.left })
      }
    }
    return results.sort((a, b) => a.index - b.index)
  })

// kubectl diff leaves managedFields out of both sides.
const forDiff = (yaml: typeof YAML, obj: Unstructured | undefined): string => {
  if (obj === undefined) return ""
  const { managedFields: _m, ...metadata } = obj.metadata ?? {}
  return yaml.stringify(sortKeys({ ...obj, metadata }), { indentSeq: false, lineWidth: 0 })
}

const diffLabel = (ref: ObjectRef): string =>
  [ref.group === "" ? ref.version : `${ref.group}.${ref.version}`, ref.kind, ref.namespace ?? "", ref.name]
    .filter((p) => p !== "").join(".")

export const diff = (
  objects: ReadonlyArray<Unstructured>,
  options: DiffOptions = {}
): Effect.Effect<ReadonlyArray<DiffResult>, never, RestMapper.RestMapper | DynamicClient.DynamicClient> =>
  Effect.gen(function*() {
    const ctx = yield* context(options)
    const fieldManager = options.fieldManager ?? defaultFieldManager
    const yaml = yield* lazyYaml.load
    return yield* Effect.forEach(objects, (obj, index) =>
      Effect.gen(function*() {
        const t = yield* target(ctx, obj)
        const live = yield* getLive(t.client, t.ref.name)
        const merged = yield* t.client.patch(t.ref.name, "apply", t.body, {
          fieldManager,
          force: options.force,
          dryRun: ["All"]
        })
        const liveValue = Option.getOrUndefined(live)
        const label = diffLabel(t.ref)
        return {
          _tag: "Diff",
          index,
          ref: t.ref,
          live: liveValue,
          merged,
          diff: unifiedDiff(forDiff(yaml, liveValue), forDiff(yaml, merged), `LIVE/${label}`, `MERGED/${label}`)
        } as DiffResult
      }).pipe(
        Effect.catchAll((error) => Effect.succeed<DiffResult>({ _tag: "Failed", index, ref: refOf(obj), error }))
      ))
  })
