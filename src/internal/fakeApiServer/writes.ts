/** Writes of the fake apiserver: body decoding and checks, create, update and the shared commit of a new state. */
import * as YAML from "yaml"
import { jobSelectorOnCreate, withDefaults } from "./defaults.js"
import { removeObject } from "./deletes.js"
import type { EngineState, ResourceRequest } from "./engineState.js"
import { CRD_KEY, isDryRun, isReply, keyOf, managerOf, notFound, NS_KEY } from "./engineState.js"
import { unknownFields } from "./fieldValidation.js"
import { acceptsBody, baseType, unsupportedBody } from "./mediaTypes.js"
import {
  apiVersionOf,
  deepEqual,
  defaultOnCreate,
  nameProblem,
  newUid,
  randomSuffix,
  specChanged,
  timestamp,
  view,
  withoutVolatileMeta
} from "./objects.js"
import { schemaDefinitions } from "./openapi.js"
import { decodeBody, isProtobufBody } from "./protobuf.js"
import { renderOne } from "./rendering.js"
import { awaitsKubelet } from "./simulate/gracefulDeletion.js"
import { awaitsFinalize, refuseInTerminating } from "./simulate/namespaceAdmission.js"
import * as S from "./status.js"
import { objectKey } from "./store.js"
import type { ApiReply, Obj } from "./types.js"
import { isObj } from "./types.js"
import { mismatchMessage, typeMismatch } from "./valueTypes.js"

export function parseBody(r: ResourceRequest): Obj | ApiReply {
  const body = r.req.body
  if (body === undefined || body.trim() === "") return S.badRequest("the request body is empty")
  if (isProtobufBody(r.req) && !r.served.custom) {
    const decoded = decodeBody(
      r.req.bytes ?? new Uint8Array(),
      apiVersionOf(r.served.info.group, r.served.info.version),
      r.served.info.kind
    )
    return decoded._tag === "Ok" ? decoded.value : S.badRequest(decoded.message)
  }
  // CBOR bodies would need the Go types; custom resources are JSON and YAML only, as on a real server.
  if (!acceptsBody(r.req.headers["content-type"], r.served.custom)) return unsupportedBody(r.served.custom)
  const contentType = baseType(r.req.headers["content-type"] ?? "application/json")
  try {
    const parsed: unknown = contentType === "application/yaml" ? YAML.parse(body) : JSON.parse(body)
    if (!isObj(parsed)) return S.badRequest("the request body must be a JSON object")
    return parsed
  } catch (cause) {
    return S.badRequest(
      `the body of the request could not be decoded: ${
        cause instanceof Error ? cause.message.split("\n")[0] : "invalid"
      }`
    )
  }
}

/** Checks apiVersion/kind of a body against the endpoint; fills them in when absent. */
export function checkTypeMeta(r: ResourceRequest, body: Obj, kind: string, apiVersion: string): Obj | ApiReply {
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    return S.badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersion})`
    )
  }
  if (body.kind !== undefined && body.kind !== kind) {
    return S.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${kind})`)
  }
  void r
  return { ...body, apiVersion, kind, metadata: isObj(body.metadata) ? body.metadata : {} }
}

export function checkNamespace(r: ResourceRequest, obj: Obj): Obj | ApiReply {
  if (!r.served.info.namespaced) {
    const { namespace: _ns, ...meta } = obj.metadata
    return { ...obj, metadata: meta }
  }
  const ns = obj.metadata.namespace
  if (ns !== undefined && ns !== "" && ns !== r.namespace) {
    return S.badRequest("the namespace of the provided object does not match the namespace sent on the request")
  }
  return { ...obj, metadata: { ...obj.metadata, namespace: r.namespace } }
}

export function namespaceMissing(e: EngineState, r: ResourceRequest): ApiReply | undefined {
  if (!r.served.info.namespaced) return undefined
  return e.store.get(NS_KEY, objectKey(undefined, r.namespace!)) === undefined
    ? S.notFound("namespaces", "", r.namespace!)
    : undefined
}

/** The request body as an object of the URL's kind, version and namespace, or the apiserver's refusal. */
export function checkedBody(r: ResourceRequest) {
  const parsed = parseBody(r)
  if (isReply(parsed)) return parsed
  const info = r.served.info
  const typed = checkTypeMeta(r, parsed, info.kind, apiVersionOf(info.group, info.version))
  if (isReply(typed)) return typed
  if (!r.served.custom && info.definition !== undefined) {
    const mismatch = typeMismatch(schemaDefinitions(), info.definition, parsed)
    if (mismatch !== undefined) {
      return S.badRequest(
        `${info.kind} in version ${JSON.stringify(info.version)} cannot be handled as a ${info.kind}: ${
          mismatchMessage(mismatch)
        }`
      )
    }
  }
  if (r.req.query.get("fieldValidation") === "Strict" && !r.served.custom && info.definition !== undefined) {
    const unknown = unknownFields(info.definition, parsed)
    if (unknown.length > 0) {
      return S.badRequest(
        `${info.kind} in version ${
          JSON.stringify(info.version)
        } cannot be handled as a ${info.kind}: strict decoding error: ${
          unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(", ")
        }`
      )
    }
  }
  return checkNamespace(r, typed)
}

export function create(e: EngineState, r: ResourceRequest): ApiReply {
  const placed = checkedBody(r)
  if (isReply(placed)) return placed
  return createObject(e, r, placed, 201)
}

export function createObject(
  e: EngineState,
  r: ResourceRequest,
  input: Obj,
  status: number,
  prepared?: (obj: Obj) => Obj
): ApiReply {
  const info = r.served.info
  // NamespaceLifecycle admission runs before the name is generated or validated.
  const terminating = refuseInTerminating(e, r, input)
  if (terminating !== undefined) return terminating
  let meta: Obj = { ...input.metadata }
  if (typeof meta.name !== "string" || meta.name === "") {
    if (typeof meta.generateName === "string" && meta.generateName !== "") {
      meta.name = meta.generateName + randomSuffix()
    } else {
      return S.invalid(info.kind, info.group, "", [{
        reason: "FieldValueRequired",
        message: "Required value: name or generateName is required",
        field: "metadata.name"
      }])
    }
  }
  const bad = nameProblem(r.served, meta.name)
  if (bad !== undefined) {
    return S.invalid(info.kind, info.group, meta.name, [{
      reason: "FieldValueInvalid",
      message: bad,
      field: "metadata.name"
    }])
  }
  const missingNs = namespaceMissing(e, r)
  if (missingNs !== undefined) return missingNs
  const key = keyOf(r, meta.name)
  if (e.store.get(r.served.storageKey, key) !== undefined) {
    return S.alreadyExists(info.plural, info.group, meta.name)
  }
  const time = timestamp(r.now)
  const { resourceVersion: _rv, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...kept } = meta
  meta = { ...kept, uid: newUid(), creationTimestamp: time, ...(isObj(input.spec) ? { generation: 1 } : {}) }
  // A create by apply builds its object from the applied configuration first, so the server's defaults and
  // status land on what is stored either way (a second identical apply is then a no-op, as on a real server).
  let obj: Obj = { ...input, metadata: meta }
  if (prepared !== undefined) obj = prepared(obj)
  obj = withDefaults(r.served, defaultOnCreate(r.served, obj, e.allocator))
  if (r.served.storageKey === "batch/jobs") obj = jobSelectorOnCreate(obj)
  if (r.served.storageKey === CRD_KEY) obj = withCrdStatus(obj, r.now)
  obj = prepared !== undefined
    ? obj
    : e.options.patch.recordUpdate({
      live: undefined,
      next: obj,
      manager: managerOf(r),
      apiVersion: apiVersionOf(info.group, info.version),
      definition: info.definition,
      time,
      subresource: undefined
    })
  if (isDryRun(r)) return renderOne(r, status, obj)
  const stored = e.store.put(
    r.served.storageKey,
    key,
    (rv) => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: rv } })
  )
  if (r.served.storageKey === CRD_KEY) e.refreshCrds()
  return renderOne(r, status, stored)
}

/**
 * Writes a new state of an existing object: status/spec split by subresource, generation, managed fields,
 * no-op detection, and removal once a deleting object has no finalizers left.
 */
export function commitUpdate(
  e: EngineState,
  r: ResourceRequest,
  stored: Obj,
  candidate: Obj,
  subresource: string | undefined,
  recordManagedFields: boolean
): ApiReply {
  const info = r.served.info
  // Compared and merged in the form the request's version shows (Events written through the other group differ).
  const live = view(stored, r.served)
  const hasStatus = info.subresources.includes("status")
  let next: Obj
  if (subresource === "status") {
    // The status endpoint changes status only.
    next = { ...live, status: candidate.status }
    if (candidate.status === undefined) delete next.status
  } else {
    next = withDefaults(r.served, { ...candidate })
    if (hasStatus) {
      if (live.status === undefined) delete next.status
      else next.status = live.status
    }
    next.metadata = {
      ...candidate.metadata,
      name: live.metadata.name,
      uid: live.metadata.uid,
      creationTimestamp: live.metadata.creationTimestamp,
      ...(live.metadata.namespace !== undefined ? { namespace: live.metadata.namespace } : {}),
      ...(live.metadata.deletionTimestamp !== undefined
        ? {
          deletionTimestamp: live.metadata.deletionTimestamp,
          deletionGracePeriodSeconds: live.metadata.deletionGracePeriodSeconds
        }
        : {})
    }
    if (next.metadata.deletionTimestamp === undefined) {
      delete next.metadata.deletionTimestamp
      delete next.metadata.deletionGracePeriodSeconds
    }
  }
  next.metadata = {
    ...next.metadata,
    resourceVersion: live.metadata.resourceVersion,
    ...(live.metadata.generation !== undefined
      ? { generation: live.metadata.generation + (specChanged(live, next) ? 1 : 0) }
      : {})
  }
  if (recordManagedFields) {
    next = e.options.patch.recordUpdate({
      live,
      next,
      manager: managerOf(r),
      apiVersion: apiVersionOf(info.group, info.version),
      definition: info.definition,
      time: timestamp(r.now),
      subresource
    })
  }
  // The apiserver skips no-op writes; an apply that only changes who owns what still counts.
  if (
    deepEqual(withoutVolatileMeta(next), withoutVolatileMeta(live)) &&
    (recordManagedFields ||
      deepEqual(withoutTimes(next.metadata.managedFields), withoutTimes(live.metadata.managedFields)))
  ) {
    return renderOne(r, 200, live)
  }
  if (isDryRun(r)) return renderOne(r, 200, next)
  const key = keyOf(r, live.metadata.name)
  const finalizers = (next.metadata.finalizers ?? []) as Array<string>
  if (
    next.metadata.deletionTimestamp !== undefined && finalizers.length === 0 && !awaitsFinalize(e, next) &&
    !awaitsKubelet(e, r.served.storageKey, next)
  ) {
    e.store.put(
      r.served.storageKey,
      key,
      (rv) => ({ ...next, metadata: { ...next.metadata, resourceVersion: rv } })
    )
    const removed = removeObject(e, r.served, key)
    return renderOne(r, 200, removed ?? next)
  }
  const written = e.store.put(
    r.served.storageKey,
    key,
    (rv) => ({ ...next, metadata: { ...next.metadata, resourceVersion: rv } })
  )
  if (r.served.storageKey === CRD_KEY) e.refreshCrds()
  return renderOne(r, 200, written)
}

export function update(e: EngineState, r: ResourceRequest, subresource: string | undefined): ApiReply {
  const placed = checkedBody(r)
  if (isReply(placed)) return placed
  const name = r.name!
  if (placed.metadata.name !== undefined && placed.metadata.name !== name) {
    return S.badRequest(
      `the name of the object (${placed.metadata.name}) does not match the name on the URL (${name})`
    )
  }
  const live = e.store.get(r.served.storageKey, keyOf(r, name))
  if (live === undefined) return notFound(r, name)
  const rv = placed.metadata.resourceVersion
  if (rv !== undefined && rv !== "" && rv !== live.metadata.resourceVersion) {
    return S.staleConflict(r.served.info.plural, r.served.info.group, name)
  }
  return commitUpdate(e, r, live, { ...placed, metadata: { ...placed.metadata, name } }, subresource, true)
}

const withoutTimes = (entries: unknown): unknown =>
  Array.isArray(entries) ? entries.map((e) => (isObj(e) ? { ...e, time: undefined } : e)) : entries

/** A created CRD is accepted and established at once: there is no controller to wait for. */
export const withCrdStatus = (crd: Obj, now: number): Obj => {
  const time = timestamp(now)
  const storage = ((crd.spec?.versions ?? []) as Array<Obj>).find((v) => v.storage === true)?.name
  return {
    ...crd,
    status: {
      conditions: [
        {
          type: "NamesAccepted",
          status: "True",
          lastTransitionTime: time,
          reason: "NoConflicts",
          message: "no conflicts found"
        },
        {
          type: "Established",
          status: "True",
          lastTransitionTime: time,
          reason: "InitialNamesAccepted",
          message: "the initial names have been accepted"
        }
      ],
      acceptedNames: crd.spec?.names ?? {},
      storedVersions: storage === undefined ? [] : [storage]
    }
  }
}
