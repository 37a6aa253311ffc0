/**
 * The one implementation behind every typed resource client: turns each operation into a KubeRequest for the
 * RestClient, with the resource's Schema (loaded on first use), and narrows errors to the operation's declared
 * union.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ListMeta } from "../../generated/meta/v1.js"
import { InvalidRequest, isApiError, type Operation, operationErrorTags, StatusError } from "../../KubeError.js"
import * as KubeRequest from "../../KubeRequest.js"
import * as PodExec from "../../PodExec.js"
import * as PortForward from "../../PortForward.js"
import type { ResourceDef } from "../../Resource.js"
import type { RestClientError, Service as RestClientService } from "../../RestClient.js"
import { array, optional, struct } from "../generatedSchema.js"
import { lines } from "../restClient/lines.js"
import { loader, type Spec } from "./factory.js"

const loadMeta = loader(() => import("../../generated/meta/v1.js"))
const loadAutoscaling = loader(() => import("../../generated/autoscaling/v1.js"))
const loadAuthentication = loader(() => import("../../generated/authentication/v1.js"))

const preserve = { onExcessProperty: "preserve" } as const

interface ListOf {
  readonly apiVersion?: string
  readonly kind?: string
  readonly metadata?: ListMeta
  readonly items: ReadonlyArray<any>
}

interface Schemas {
  readonly item: Schema.Schema<any, any>
  readonly list: Schema.Schema<any, any>
}

const schemaCache = new WeakMap<Spec, Promise<Schemas>>()
// Once loaded, the schemas are handed out without awaiting a promise: an Effect.promise costs every request an
// asynchronous resumption of its fiber (measured: a few hundred microseconds of a small GET).
const loadedSchemas = new WeakMap<Spec, Effect.Effect<Schemas>>()
// The same, as plain values: an operation whose schema is loaded calls the RestClient without a flatMap step.
const loadedValues = new WeakMap<Spec, Schemas>()

const schemasOf = (spec: Spec): Effect.Effect<Schemas> =>
  loadedSchemas.get(spec) ?? Effect.promise(() => {
    let cached = schemaCache.get(spec)
    if (cached === undefined) {
      cached = Promise.all([spec.schema(), loadMeta()]).then(([item, meta]) => {
        // Built when a list first decodes, not with the item's schema: a program that only gets never pays it.
        const schemas: Schemas = {
          item,
          list: struct<ListOf>(`${spec.kind}List`, () => ({
            apiVersion: optional(Schema.String),
            kind: optional(Schema.String),
            metadata: optional(meta.ListMeta),
            items: array(item)
          }))
        }
        loadedSchemas.set(spec, Effect.succeed(schemas))
        loadedValues.set(spec, schemas)
        return schemas
      })
      schemaCache.set(spec, cached)
    }
    return cached
  })

const scaleSchema = Effect.promise(() => loadAutoscaling().then((m) => m.Scale as Schema.Schema<any, any>))
const tokenRequestSchema = Effect.promise(() =>
  loadAuthentication().then((m) => m.TokenRequest as Schema.Schema<any, any>)
)

// The declared tags of each operation (KubeError.operationErrorTags, which ResourceClient's error types follow).
const allowed = Object.fromEntries(
  Object.entries(operationErrorTags).map(([operation, tags]) => [operation, new Set<string>(tags)])
) as Record<string, ReadonlySet<string>> as { readonly [Op in Operation]: ReadonlySet<string> }

/**
 * An API error outside the operation's declared union becomes a StatusError with the same code and Status, so the
 * union the types promise is the union callers see.
 */
const narrow = (accepted: ReadonlySet<string>) => (error: RestClientError): RestClientError =>
  isApiError(error) && !accepted.has(error._tag)
    ? new StatusError({ method: error.method, url: error.url, code: error.code, status: error.status, body: "" })
    : error

const narrowEffect = <A, R>(effect: Effect.Effect<A, RestClientError, R>, accepted: ReadonlySet<string>) =>
  Effect.mapError(effect, narrow(accepted))

const narrowStream = <A, R>(stream: Stream.Stream<A, RestClientError, R>, accepted: ReadonlySet<string>) =>
  Stream.mapError(stream, narrow(accepted))

const metadataOf = (object: unknown): { readonly name?: unknown; readonly namespace?: unknown } => {
  if (typeof object !== "object" || object === null) return {}
  const metadata = (object as { readonly metadata?: unknown }).metadata
  return typeof metadata === "object" && metadata !== null ? metadata : {}
}

const logParams = (o: Record<string, unknown>) => {
  const sinceTime = o.sinceTime instanceof Date
    ? o.sinceTime.toISOString().replace(/\.\d{3}Z$/, "Z")
    : o.sinceTime as string | undefined
  return {
    container: (o.container as string | undefined) || undefined,
    follow: o.follow === true ? true : undefined,
    previous: o.previous === true ? true : undefined,
    sinceSeconds: o.sinceSeconds as number | undefined,
    sinceTime: sinceTime || undefined,
    timestamps: o.timestamps === true ? true : undefined,
    tailLines: o.tailLines as number | undefined,
    limitBytes: o.limitBytes as number | undefined,
    insecureSkipTLSVerifyBackend: o.insecureSkipTLSVerifyBackend === true ? true : undefined,
    stream: (o.stream as string | undefined) || undefined
  }
}

type Options = Record<string, any>

/**
 * Builds the client object for `spec` in `namespace` (undefined for cluster-scoped kinds, `""` for all namespaces).
 * Only the operations the spec's verbs and subresources allow are present.
 */
export const make = (rest: RestClientService, spec: Spec, namespace: string | undefined): Record<string, unknown> => {
  const apiVersion = spec.group === "" ? spec.version : `${spec.group}/${spec.version}`
  const clientNamespace = spec.namespaced ? namespace ?? "" : undefined

  const target = (ns: string | undefined, name?: string, subresource?: string): KubeRequest.Target => ({
    group: spec.group,
    version: spec.version,
    namespace: ns === "" ? undefined : ns,
    resource: spec.plural,
    name,
    subresource
  })

  const fail = (detail: string) =>
    Effect.fail(new InvalidRequest({ detail: `${spec.plural}.${apiVersion}: ${detail}` }))

  /** The namespace for an operation on a named object: the client's, else the object's own. */
  const namespaceFor = (op: string, object?: unknown): Effect.Effect<string | undefined, InvalidRequest> => {
    if (!spec.namespaced) return Effect.succeed(undefined)
    if (clientNamespace !== undefined && clientNamespace !== "") return Effect.succeed(clientNamespace)
    const own = metadataOf(object).namespace
    if (typeof own === "string" && own !== "") return Effect.succeed(own)
    return fail(`${op} needs a namespace: give one to the client or in metadata.namespace`)
  }

  const nameOf = (op: string, object: unknown): Effect.Effect<string, InvalidRequest> => {
    const name = metadataOf(object).name
    return typeof name === "string" && name !== "" ? Effect.succeed(name) : fail(`${op} needs metadata.name`)
  }

  const encode = (schema: Schema.Schema<any, any>, object: unknown, op: string) =>
    Effect.mapError(
      Schema.encodeUnknown(schema, preserve)(object),
      (error) =>
        new InvalidRequest({ detail: `${spec.plural}.${apiVersion}: cannot encode the ${op} body: ${error.message}` })
    )

  const item = Effect.map(Effect.suspend(() => schemasOf(spec)), (s) => s.item)
  const unknown = Effect.succeed(Schema.Unknown as Schema.Schema<any, any>)

  const execute = (
    request: KubeRequest.KubeRequest,
    schema: Effect.Effect<Schema.Schema<any, any>>,
    accepted: ReadonlySet<string>
  ) => {
    const ready = schema === item ? loadedValues.get(spec)?.item : schema === unknown ? Schema.Unknown : undefined
    return narrowEffect(
      ready !== undefined ? rest.execute(request, ready) : Effect.flatMap(schema, (s) => rest.execute(request, s)),
      accepted
    )
  }

  // The namespace of operations on named objects when it does not depend on the object (most clients).
  const fixedNamespace = !spec.namespaced
    ? { ns: undefined }
    : clientNamespace !== undefined && clientNamespace !== ""
    ? { ns: clientNamespace }
    : undefined

  // --- generic operations on the object or one of its subresources --------------------------------------------

  const getAt = (subresource: string | undefined, schema = item) => (name: string, options: Options = {}) => {
    const get = (ns: string | undefined) =>
      execute(KubeRequest.getOptions(KubeRequest.get(target(ns, name, subresource)), options), schema, allowed.get)
    return fixedNamespace !== undefined ? get(fixedNamespace.ns) : Effect.flatMap(namespaceFor("get"), get)
  }

  const updateAt = (subresource: string | undefined, op: string) => (object: unknown, options: Options = {}) =>
    Effect.gen(function*() {
      const ns = yield* namespaceFor(op, object)
      const name = yield* nameOf(op, object)
      const s = yield* item
      const body = yield* encode(s, object, op)
      return yield* execute(
        KubeRequest.updateOptions(KubeRequest.update(target(ns, name, subresource), body), options),
        Effect.succeed(s),
        allowed.update
      )
    })

  const patchAt = (subresource: string | undefined, schema = item) =>
  (
    name: string,
    type: KubeRequest.PatchType,
    body: unknown,
    options: Options = {}
  ) =>
    Effect.flatMap(namespaceFor("patch", undefined), (ns) =>
      execute(
        KubeRequest.patchOptions(KubeRequest.patch(target(ns, name, subresource), type, body), options),
        schema,
        allowed.patch
      ))

  const applyAt = (subresource: string | undefined) => (config: unknown, options: Options) =>
    Effect.gen(function*() {
      const ns = yield* namespaceFor("apply", config)
      const name = yield* nameOf("apply", config)
      const body = { apiVersion, kind: spec.kind, ...(config as object) }
      return yield* execute(
        KubeRequest.patchOptions(KubeRequest.patch(target(ns, name, subresource), "apply", body), options),
        item,
        allowed.patch
      )
    })

  const client: Record<string, unknown> = {}
  const verbs = new Set(spec.verbs)
  const subresources = new Set(spec.subresources)

  if (verbs.has("get")) client.get = getAt(undefined)

  if (verbs.has("list")) {
    client.list = (options: Options = {}) =>
      execute(
        KubeRequest.listOptions(KubeRequest.list(target(clientNamespace)), options),
        Effect.map(schemasOf(spec), (s) => s.list),
        allowed.list
      )
    client.listAll = (options: Options = {}) => {
      const { pageSize, ...listOptions } = options
      return narrowStream(
        Stream.unwrap(Effect.map(item, (s) =>
          rest.listAll(
            KubeRequest.listOptions(KubeRequest.list(target(clientNamespace)), listOptions),
            s,
            { pageSize }
          ))),
        allowed.list
      )
    }
  }

  if (verbs.has("watch")) {
    client.watch = (options: Options = {}) =>
      narrowStream(
        Stream.unwrap(Effect.map(item, (s) =>
          rest.watch(KubeRequest.listOptions(KubeRequest.watch(target(clientNamespace)), options), s))),
        allowed.list
      )
  }

  if (verbs.has("create")) {
    client.create = (object: unknown, options: Options = {}) =>
      Effect.gen(function*() {
        const ns = yield* namespaceFor("create", object)
        const s = yield* item
        const body = yield* encode(s, object, "create")
        return yield* execute(
          KubeRequest.createOptions(KubeRequest.create(target(ns), body), options),
          Effect.succeed(s),
          allowed.create
        )
      })
  }

  if (verbs.has("update")) client.update = updateAt(undefined, "update")

  if (verbs.has("patch")) {
    client.patch = patchAt(undefined)
    client.apply = applyAt(undefined)
  }

  if (verbs.has("delete")) {
    client.delete = (name: string, options?: Options) =>
      Effect.flatMap(namespaceFor("delete"), (ns) => {
        const request = KubeRequest.del(target(ns, name))
        return Effect.asVoid(
          execute(
            options === undefined ? request : KubeRequest.deleteOptions(request, options),
            unknown,
            allowed.delete
          )
        )
      })
  }

  if (verbs.has("deletecollection")) {
    client.deleteCollection = (options?: Options) => {
      let request = KubeRequest.deleteCollection(target(clientNamespace))
      if (options !== undefined) {
        request = KubeRequest.deleteOptions(KubeRequest.listOptions(request, options), options)
      }
      return Effect.asVoid(execute(request, unknown, allowed.deleteCollection))
    }
  }

  if (subresources.has("status")) {
    client.getStatus = getAt("status")
    client.updateStatus = updateAt("status", "updateStatus")
    client.patchStatus = patchAt("status")
    client.applyStatus = applyAt("status")
  }

  if (subresources.has("scale")) {
    client.getScale = getAt("scale", scaleSchema)
    client.updateScale = (name: string, scale: unknown, options: Options = {}) =>
      Effect.gen(function*() {
        const ns = yield* namespaceFor("updateScale")
        const s = yield* scaleSchema
        const body = yield* encode(s, scale, "updateScale")
        return yield* execute(
          KubeRequest.updateOptions(KubeRequest.update(target(ns, name, "scale"), body), options),
          Effect.succeed(s),
          allowed.update
        )
      })
    client.patchScale = patchAt("scale", scaleSchema)
  }

  if (subresources.has("log")) {
    const logRequest = (ns: string | undefined, name: string, options: Options) =>
      KubeRequest.setParams(KubeRequest.get(target(ns, name, "log")), logParams(options))
    client.log = (name: string, options: Options = {}) =>
      Stream.unwrap(Effect.map(
        namespaceFor("log"),
        (ns) => narrowStream(lines(rest.stream(logRequest(ns, name, options))), allowed.log)
      ))
    client.getLog = (name: string, options: Options = {}) =>
      Effect.flatMap(namespaceFor("getLog"), (ns) =>
        Effect.map(
          narrowEffect(rest.executeRaw(logRequest(ns, name, { ...options, follow: false })), allowed.log),
          (response) => response.text
        ))
  }

  if (subresources.has("exec")) {
    const pod = (op: string, name: string) => Effect.map(namespaceFor(op), (ns) => ({ namespace: ns ?? "", name }))
    client.exec = (name: string, options: Options) =>
      Effect.flatMap(pod("exec", name), (p) => PodExec.exec(p, options as any))
    client.execCollect = (name: string, options: Options) =>
      Effect.flatMap(pod("execCollect", name), (p) => PodExec.execCollect(p, options as any))
  }
  if (subresources.has("attach")) {
    client.attach = (name: string, options: Options = {}) =>
      Effect.flatMap(namespaceFor("attach"), (ns) => PodExec.attach({ namespace: ns ?? "", name }, options))
  }
  if (subresources.has("portforward")) {
    client.portForward = (name: string, ports: ReadonlyArray<number>) =>
      Effect.flatMap(namespaceFor("portForward"), (ns) => PortForward.portForward({ namespace: ns ?? "", name }, ports))
  }

  if (subresources.has("eviction")) {
    client.evict = (name: string, options: Options = {}) =>
      Effect.flatMap(namespaceFor("evict"), (ns) => {
        const eviction: Record<string, unknown> = {
          apiVersion: "policy/v1",
          kind: "Eviction",
          metadata: ns === undefined ? { name } : { name, namespace: ns }
        }
        if (options.deleteOptions !== undefined) {
          eviction.deleteOptions = KubeRequest.deleteOptionsBody(options.deleteOptions)
        }
        return Effect.asVoid(
          execute(KubeRequest.create(target(ns, name, "eviction"), eviction), unknown, allowed.evict)
        )
      })
  }

  if (subresources.has("binding")) {
    client.bind = (binding: unknown, options: Options = {}) =>
      Effect.gen(function*() {
        const ns = yield* namespaceFor("bind", binding)
        const name = yield* nameOf("bind", binding)
        const body = { apiVersion: "v1", kind: "Binding", ...(binding as object) }
        yield* execute(
          KubeRequest.createOptions(KubeRequest.create(target(ns, name, "binding"), body), options),
          unknown,
          allowed.create
        )
      })
  }

  if (subresources.has("ephemeralcontainers")) {
    client.updateEphemeralContainers = updateAt("ephemeralcontainers", "updateEphemeralContainers")
    client.patchEphemeralContainers = patchAt("ephemeralcontainers")
  }

  if (subresources.has("resize")) {
    client.updateResize = updateAt("resize", "updateResize")
    client.patchResize = patchAt("resize")
  }

  if (subresources.has("finalize")) client.finalize = updateAt("finalize", "finalize")

  if (subresources.has("approval")) client.updateApproval = updateAt("approval", "updateApproval")

  if (subresources.has("token")) {
    client.createToken = (name: string, request: unknown, options: Options = {}) =>
      Effect.flatMap(namespaceFor("createToken"), (ns) => {
        const body = { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", ...(request as object) }
        return execute(
          KubeRequest.createOptions(KubeRequest.create(target(ns, name, "token"), body), options),
          tokenRequestSchema,
          allowed.create
        )
      })
  }

  return client
}

const specCache = new WeakMap<ResourceDef<any, any>, Spec>()

/** The spec of a ResourceDef whose schema is at hand (a custom resource, or a generated def imported directly). */
export const specOf = (def: ResourceDef<any, any>): Spec => {
  let spec = specCache.get(def)
  if (spec === undefined) {
    const schema = Promise.resolve(def.schema)
    spec = {
      group: def.group,
      version: def.version,
      kind: def.kind,
      plural: def.plural,
      namespaced: def.namespaced,
      verbs: def.verbs,
      subresources: def.subresources,
      schema: () => schema
    }
    specCache.set(def, spec)
  }
  return spec
}

/** A client for a ResourceDef. */
export const fromDef = (rest: RestClientService, def: ResourceDef<any, any>, namespace: string | undefined) =>
  make(rest, specOf(def), namespace)
