/**
 * The API simulated controllers talk to the fake through. Writes go through the engine's own handlers (admission,
 * defaults, finalizers, resourceVersions and watch events exactly as for an HTTP client); reads and change
 * notifications come straight from the store, which is what a controller's informer cache would hold anyway.
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type { Engine } from "../engine.js"
import { view } from "../objects.js"
import type { Served } from "../registry.js"
import { objectKey } from "../store.js"
import type { EventType } from "../store.js"
import type { ApiReply, Obj } from "../types.js"
import { isObj } from "../types.js"
import type { Simulation } from "./options.js"

export interface ObjectRef {
  readonly apiVersion: string
  readonly kind: string
  readonly namespace?: string | undefined
  readonly name: string
}

export interface KindRef {
  readonly apiVersion: string
  readonly kind: string
  /** All namespaces when unset. */
  readonly namespace?: string | undefined
}

/** One change of a stored object, as a watch would deliver it (the object in its served apiVersion and kind). */
export interface Change {
  readonly type: EventType
  readonly object: Obj
  /** The state before (MODIFIED, DELETED). */
  readonly previous: Obj | undefined
  readonly resource: Served
}

/** A refusal of the engine: the Status it answered with. */
export class SimulatedApiError extends Data.TaggedError("SimulatedApiError")<{
  readonly code: number
  readonly reason: string
  readonly message: string
  readonly request: string
}> {}

export type PatchType = "merge" | "strategic" | "json"

const patchContentType: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json"
}

/** Who the controllers are in managedFields and the request log of the engine. */
const userAgent = "kube-controller-manager/v1.36.0 (linux/amd64) simulated"

export interface ClusterApi {
  readonly simulation: Simulation
  /** The served resource of a kind (preferred version when that one is not served). */
  readonly resource: (apiVersion: string, kind: string) => Served | undefined
  /** One served version per stored resource (the preferred one): what discovery would show a controller. */
  readonly resources: () => ReadonlyArray<Served>
  readonly get: (ref: ObjectRef) => Effect.Effect<Option.Option<Obj>>
  /** Stored objects of a resource, in key order. */
  readonly list: (kind: KindRef) => Effect.Effect<ReadonlyArray<Obj>>
  /** Stored objects of a served resource (any kind the engine stores, CRDs' included). */
  readonly listResource: (resource: Served, namespace?: string) => Effect.Effect<ReadonlyArray<Obj>>
  readonly create: (obj: Obj) => Effect.Effect<Obj, SimulatedApiError>
  /** A PUT of the whole object; `subresource: "status"` writes status only, as the status endpoint does. */
  readonly update: (obj: Obj, options?: { readonly subresource?: string | undefined }) => Effect.Effect<
    Obj,
    SimulatedApiError
  >
  readonly patch: (
    ref: ObjectRef,
    patch: unknown,
    options?: { readonly type?: PatchType | undefined; readonly subresource?: string | undefined }
  ) => Effect.Effect<Obj, SimulatedApiError>
  /** A DELETE with DeleteOptions (propagationPolicy, preconditions, gracePeriodSeconds); the reply's body. */
  readonly delete: (ref: ObjectRef, options?: Obj) => Effect.Effect<Obj, SimulatedApiError>
  /**
   * Every change of every stored resource from now on, after the current state as ADDED events (as a watch without
   * a resourceVersion); the subscription happens when the stream starts and ends with it.
   */
  readonly changes: Stream.Stream<Change>
  /** The fake's time: the Clock of the controller's fiber (TestClock under `it.effect`). */
  readonly now: Effect.Effect<number>
  /** The CA of the fake's serving certificate: the current one (none before an HTTPS listen), then each new one. */
  readonly clusterCa: Stream.Stream<Option.Option<string>>
}

const apiVersionOf = (served: Served) =>
  served.info.group === "" ? served.info.version : `${served.info.group}/${served.info.version}`

const pathOf = (served: Served, namespace: string | undefined, name?: string, subresource?: string) => {
  const base = served.info.group === "" ? `/api/${served.info.version}` : `/apis/${apiVersionOf(served)}`
  const ns = served.info.namespaced && namespace !== undefined ? `/namespaces/${namespace}` : ""
  return `${base}${ns}/${served.info.plural}${name === undefined ? "" : `/${name}`}${
    subresource === undefined ? "" : `/${subresource}`
  }`
}

export const make = (
  engine: Engine,
  simulation: Simulation,
  clusterCa: Stream.Stream<Option.Option<string>> = Stream.make(Option.none())
): ClusterApi => {
  const resource = (apiVersion: string, kind: string) => engine.servedFor(apiVersion, kind)

  const preferredOf = (storageKey: string): Served | undefined => {
    const versions = engine.registry.versionsOf(storageKey)
    // A storage shared between groups (Events) is seen through its own group's version.
    const own = versions.filter((s) => `${s.info.group}/${s.info.plural}` === storageKey)
    const candidates = own.length > 0 ? own : versions
    return candidates.find((s) => s.info.preferred) ?? candidates[0]
  }

  const served = (apiVersion: string, kind: string, request: string) =>
    Effect.suspend(() => {
      const s = resource(apiVersion, kind)
      return s === undefined
        ? Effect.fail(
          new SimulatedApiError({
            code: 404,
            reason: "NotFound",
            message: `the server could not find the requested resource (${kind} in ${apiVersion})`,
            request
          })
        )
        : Effect.succeed(s)
    })

  const call = (
    s: Served,
    method: string,
    namespace: string | undefined,
    name: string | undefined,
    subresource: string | undefined,
    body: unknown,
    contentType = "application/json"
  ): Effect.Effect<Obj, SimulatedApiError> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const path = pathOf(s, namespace, name, subresource)
      const reply: ApiReply = engine.handle({
        served: s,
        namespace: s.info.namespaced ? namespace : undefined,
        name,
        subresource,
        legacyWatch: false,
        system: true,
        now,
        req: {
          method,
          path,
          query: new URLSearchParams(),
          headers: { "content-type": contentType, accept: "application/json", "user-agent": userAgent },
          body: body === undefined ? undefined : JSON.stringify(body)
        }
      })
      const parsed: unknown = reply._tag === "Body" && typeof reply.body === "string"
        ? JSON.parse(reply.body)
        : undefined
      if (reply.status >= 400 || !isObj(parsed)) {
        const status = isObj(parsed) ? parsed : {}
        return Effect.fail(
          new SimulatedApiError({
            code: reply.status,
            reason: String(status.reason ?? "Unknown"),
            message: String(status.message ?? `the engine answered ${reply.status}`),
            request: `${method} ${path}`
          })
        )
      }
      return Effect.succeed(parsed)
    })

  const namespaceOf = (s: Served, obj: Obj) =>
    s.info.namespaced ? String(obj.metadata?.namespace ?? "default") : undefined

  const scan = (s: Served, namespace: string | undefined): ReadonlyArray<Obj> => {
    const out: Array<Obj> = []
    for (
      const [, obj] of engine.store.scan(s.storageKey, { namespace: s.info.namespaced ? namespace : undefined }) ?? []
    ) {
      out.push(view(obj, s))
    }
    return out
  }

  const changes: Stream.Stream<Change> = Stream.unwrapScoped(Effect.gen(function*() {
    const queue = yield* Queue.unbounded<Change>()
    // Snapshot and subscription in one synchronous step, so no write falls between them.
    const unsubscribe = yield* Effect.sync(() => {
      for (const storageKey of engine.store.storageKeys()) {
        const s = preferredOf(storageKey)
        if (s === undefined) continue
        for (const obj of scan(s, undefined)) {
          queue.unsafeOffer({ type: "ADDED", object: obj, previous: undefined, resource: s })
        }
      }
      return engine.store.subscribeAll({
        deliver: (event) => {
          const s = preferredOf(event.storageKey)
          if (s === undefined) return
          queue.unsafeOffer({
            type: event.type,
            object: view(event.object, s),
            previous: event.prev === undefined ? undefined : view(event.prev, s),
            resource: s
          })
        }
      })
    })
    yield* Effect.addFinalizer(() => Effect.sync(unsubscribe))
    return Stream.fromQueue(queue)
  }))

  return {
    simulation,
    resource,
    resources: () => {
      const out: Array<Served> = []
      for (const storageKey of new Set(engine.store.storageKeys())) {
        const s = preferredOf(storageKey)
        if (s !== undefined) out.push(s)
      }
      return out
    },
    get: (ref) =>
      Effect.sync(() => {
        const s = resource(ref.apiVersion, ref.kind)
        if (s === undefined) return Option.none()
        const obj = engine.store.get(
          s.storageKey,
          objectKey(s.info.namespaced ? ref.namespace ?? "default" : undefined, ref.name)
        )
        return obj === undefined ? Option.none() : Option.some(view(obj, s))
      }),
    list: (kind) =>
      Effect.sync(() => {
        const s = resource(kind.apiVersion, kind.kind)
        return s === undefined ? [] : scan(s, kind.namespace)
      }),
    listResource: (s, namespace) => Effect.sync(() => scan(s, namespace)),
    create: (obj) =>
      Effect.flatMap(
        served(String(obj.apiVersion), String(obj.kind), `create ${obj.kind}`),
        (s) => call(s, "POST", namespaceOf(s, obj), undefined, undefined, obj)
      ),
    update: (obj, options) =>
      Effect.flatMap(
        served(String(obj.apiVersion), String(obj.kind), `update ${obj.kind}`),
        (s) => call(s, "PUT", namespaceOf(s, obj), String(obj.metadata?.name), options?.subresource, obj)
      ),
    patch: (ref, patch, options) =>
      Effect.flatMap(
        served(ref.apiVersion, ref.kind, `patch ${ref.kind}`),
        (s) =>
          call(
            s,
            "PATCH",
            ref.namespace ?? "default",
            ref.name,
            options?.subresource,
            patch,
            patchContentType[options?.type ?? "merge"]
          )
      ),
    delete: (ref, options) =>
      Effect.flatMap(
        served(ref.apiVersion, ref.kind, `delete ${ref.kind}`),
        (s) =>
          call(s, "DELETE", ref.namespace ?? "default", ref.name, undefined, {
            kind: "DeleteOptions",
            apiVersion: "v1",
            ...options
          })
      ),
    changes,
    now: Clock.currentTimeMillis,
    clusterCa
  }
}

export const refOf = (obj: Obj): ObjectRef => ({
  apiVersion: String(obj.apiVersion),
  kind: String(obj.kind),
  namespace: typeof obj.metadata?.namespace === "string" ? obj.metadata.namespace : undefined,
  name: String(obj.metadata?.name)
})
