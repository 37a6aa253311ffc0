/** Subresources of the fake apiserver: status and friends, scale, pod log, eviction, binding, token. */
import { labelSelectorToString } from "../selectors.js"
import { removeObject } from "./deletes.js"
import type { EngineState, ResourceRequest } from "./engineState.js"
import { isDryRun, isReply, keyOf, notFound, patchTypes } from "./engineState.js"
import { timestamp } from "./objects.js"
import { applyPatch, patchNamed } from "./patching.js"
import { flag, integer } from "./query.js"
import { get } from "./reads.js"
import { readPath, writePath } from "./registry.js"
import { issuer } from "./serviceAccountTokens.js"
import * as S from "./status.js"
import type { ApiReply, Obj } from "./types.js"
import { json, text } from "./types.js"
import { commitUpdate, parseBody, update } from "./writes.js"

export function serveSubresource(e: EngineState, r: ResourceRequest): ApiReply {
  const sub = r.subresource!
  const method = r.req.method
  switch (sub) {
    case "status":
    case "approval":
    case "ephemeralcontainers":
    case "resize":
    case "finalize":
      if (method === "GET") return get(e, r)
      if (method === "PUT") return update(e, r, sub === "status" || sub === "approval" ? "status" : undefined)
      if (method === "PATCH") return patchNamed(e, r, sub === "status" || sub === "approval" ? "status" : undefined)
      return S.methodNotAllowed()
    case "scale":
      return scale(e, r)
    case "log":
      return method === "GET" ? podLog(e, r) : S.methodNotAllowed()
    case "eviction":
      if (method !== "POST") return S.methodNotAllowed()
      return evict(e, r)
    case "binding":
      if (method !== "POST") return S.methodNotAllowed()
      return bind(e, r)
    case "token":
      if (method !== "POST") return S.methodNotAllowed()
      return token(e, r)
  }
  return S.badRequest("Upgrade request required")
}

export function scaleOf(r: ResourceRequest, obj: Obj): Obj {
  const spec = r.served.scale!
  const specReplicas = readPath(obj, spec.specReplicasPath)
  const statusReplicas = readPath(obj, spec.statusReplicasPath)
  let selector = ""
  if (spec.labelSelectorPath !== undefined) {
    const s = readPath(obj, spec.labelSelectorPath)
    selector = typeof s === "string" ? s : ""
  } else if (r.served.storageKey === "/replicationcontrollers") {
    selector = Object.entries((obj.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(
      ","
    )
  } else {
    selector = labelSelectorToString(obj.spec?.selector)
  }
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp
    },
    spec: { replicas: typeof specReplicas === "number" ? specReplicas : 0 },
    status: {
      replicas: typeof statusReplicas === "number" ? statusReplicas : 0,
      ...(selector !== "" ? { selector } : {})
    }
  }
}

export function scale(e: EngineState, r: ResourceRequest): ApiReply {
  const spec = r.served.scale
  if (spec === undefined) return S.resourceNotFound()
  const name = r.name!
  const live = e.store.get(r.served.storageKey, keyOf(r, name))
  if (live === undefined) return notFound(r, name)
  const current = scaleOf(r, live)
  let wanted: Obj
  switch (r.req.method) {
    case "GET":
      return json(200, current)
    case "PUT": {
      const parsed = parseBody(r)
      if (isReply(parsed)) return parsed
      wanted = parsed
      break
    }
    case "PATCH": {
      const contentType = (r.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
      if (contentType === patchTypes.apply) {
        return S.unsupportedMediaType([patchTypes.json, patchTypes.merge, patchTypes.strategic])
      }
      const result = applyPatch(
        e,
        { ...r, served: { ...r.served, custom: false } },
        current,
        "io.k8s.api.autoscaling.v1.Scale"
      )
      if (isReply(result)) return result
      if (result._tag === "Fail") return result.reply
      wanted = result.value
      break
    }
    default:
      return S.methodNotAllowed()
  }
  const rv = wanted.metadata?.resourceVersion
  if (rv !== undefined && rv !== "" && rv !== live.metadata.resourceVersion) {
    return S.staleConflict(r.served.info.plural, r.served.info.group, name)
  }
  const replicas = wanted.spec?.replicas
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    return S.invalid("Scale", "autoscaling", name, [{
      reason: "FieldValueInvalid",
      message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      field: "spec.replicas"
    }])
  }
  const next = writePath(live, spec.specReplicasPath, replicas)
  const reply = commitUpdate(
    e,
    { ...r, req: { ...r.req, headers: { ...r.req.headers, accept: "application/json" } } },
    live,
    next,
    "scale",
    true
  )
  if (reply._tag !== "Body" || reply.status !== 200) return reply
  const stored = e.store.get(r.served.storageKey, keyOf(r, name)) ?? next
  return json(200, scaleOf(r, isDryRun(r) ? next : stored))
}

export function podLog(e: EngineState, r: ResourceRequest): ApiReply {
  const name = r.name!
  const pod = e.store.get(r.served.storageKey, keyOf(r, name))
  if (pod === undefined) return notFound(r, name)
  const q = r.req.query
  const containers = [
    ...((pod.spec?.initContainers ?? []) as Array<Obj>),
    ...((pod.spec?.containers ?? []) as Array<Obj>)
  ].map((c) => String(c.name))
  const main = ((pod.spec?.containers ?? []) as Array<Obj>).map((c) => String(c.name))
  let container = q.get("container") ?? undefined
  if (container === undefined) {
    const defaulted = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"]
    if (typeof defaulted === "string") container = defaulted
    else if (main.length === 1) container = main[0]
    else if (main.length === 0) container = ""
    else {
      return S.badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(" ")}]`)
    }
  } else if (!containers.includes(container)) {
    return S.badRequest(`container ${container} is not valid for pod ${name}`)
  }
  const tail = integer(q, "tailLines")
  if (tail._tag === "Invalid") return S.badRequest(tail.message)
  const tailLines = tail._tag === "Value" ? Math.max(0, tail.value) : undefined
  const limit = integer(q, "limitBytes")
  if (limit._tag === "Invalid") return S.badRequest(limit.message)
  const limitBytes = limit._tag === "Value" ? Math.max(0, limit.value) : undefined
  const ns = String(pod.metadata.namespace)
  if (flag(q, "follow")) {
    return {
      _tag: "Stream",
      status: 200,
      contentType: "text/plain",
      stream: e.logs.follow(ns, name, container ?? "", { tailLines })
    }
  }
  return text(200, e.logs.read(ns, name, container ?? "", { tailLines, limitBytes }), "text/plain")
}

export function evict(e: EngineState, r: ResourceRequest): ApiReply {
  const name = r.name!
  const live = e.store.get(r.served.storageKey, keyOf(r, name))
  if (live === undefined) return notFound(r, name)
  if (!isDryRun(r)) removeObject(e, r.served, keyOf(r, name))
  return json(201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 })
}

export function bind(e: EngineState, r: ResourceRequest): ApiReply {
  const parsed = parseBody(r)
  if (isReply(parsed)) return parsed
  const name = r.name!
  const live = e.store.get(r.served.storageKey, keyOf(r, name))
  if (live === undefined) return notFound(r, name)
  const node = parsed.target?.name
  if (typeof node !== "string") return S.badRequest("binding target name is required")
  if (live.spec?.nodeName) {
    return S.conflict(
      "pods",
      "",
      name,
      `pod ${name} is already assigned to node ${JSON.stringify(live.spec.nodeName)}`
    )
  }
  const next = { ...live, spec: { ...live.spec, nodeName: node } }
  const reply = commitUpdate(e, r, live, next, "binding", true)
  return reply._tag === "Body" && reply.status === 200
    ? json(201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 })
    : reply
}

export function token(e: EngineState, r: ResourceRequest): ApiReply {
  const name = r.name!
  if (e.store.get(r.served.storageKey, keyOf(r, name)) === undefined) return notFound(r, name)
  const parsed = parseBody(r)
  const request = isReply(parsed) ? {} : parsed
  const seconds = Number(request.spec?.expirationSeconds ?? 3600)
  // The apiserver's bounds: at least 10 minutes, at most 2^32 seconds.
  if (!Number.isInteger(seconds) || seconds < 600 || seconds > 2 ** 32) {
    return S.invalid("TokenRequest", "authentication.k8s.io", name, [{
      reason: "FieldValueInvalid",
      field: "spec.expirationSeconds",
      message: `Invalid value: ${request.spec?.expirationSeconds}: ${
        seconds > 2 ** 32
          ? "may not specify a duration larger than 2^32 seconds"
          : "may not specify a duration less than 10 minutes"
      }`
    }])
  }
  const given: Array<string> = Array.isArray(request.spec?.audiences) ? request.spec.audiences : []
  // No audience asked for: the apiserver's own (its --api-audiences, the issuer by default).
  const audiences = given.length > 0 ? given : [issuer]
  const sa = e.store.get(r.served.storageKey, keyOf(r, name))
  const token = e.authorizer.signer.sign({
    namespace: r.namespace!,
    name,
    uid: sa?.metadata?.uid,
    audiences,
    issuedAt: Math.floor(r.now / 1000),
    expirationSeconds: seconds
  })
  e.authorizer.issued.set(token, {
    username: `system:serviceaccount:${r.namespace}:${name}`,
    uid: sa?.metadata?.uid,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${r.namespace}`, "system:authenticated"],
    audiences
  })
  return json(201, {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace: r.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: null },
    status: {
      token,
      expirationTimestamp: timestamp(Math.floor(r.now / 1000) * 1000 + seconds * 1000)
    }
  })
}
