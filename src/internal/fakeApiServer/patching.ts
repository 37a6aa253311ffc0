/** Patch requests of the fake apiserver: JSON, merge and strategic merge patches, and server-side apply. */
import * as YAML from "yaml"
import { withDefaultedListKeys } from "./defaults.js"
import type { EngineState, ResourceRequest } from "./engineState.js"
import { isReply, keyOf, notFound, patchTypes } from "./engineState.js"
import { apiVersionOf, timestamp, view } from "./objects.js"
import type { PatchResult } from "./patch.js"
import { flag } from "./query.js"
import * as S from "./status.js"
import type { ApiReply, Obj } from "./types.js"
import { isObj } from "./types.js"
import { checkNamespace, commitUpdate, createObject } from "./writes.js"

export function applyPatch(
  e: EngineState,
  r: ResourceRequest,
  doc: Obj,
  definition: string | undefined
): PatchResult | ApiReply {
  const contentType = (r.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
  const body = r.req.body ?? ""
  const allowed: ReadonlyArray<string> = r.served.custom
    ? [patchTypes.json, patchTypes.merge]
    : [patchTypes.json, patchTypes.merge, patchTypes.strategic]
  // The type is checked before the body is read, as the apiserver does: a text/plain body is a 415, not a 400.
  if (!allowed.includes(contentType)) {
    return S.unsupportedMediaType(
      r.served.custom
        ? [patchTypes.json, patchTypes.merge, patchTypes.apply]
        : [patchTypes.json, patchTypes.merge, patchTypes.apply, patchTypes.strategic]
    )
  }
  let patch: unknown
  try {
    patch = JSON.parse(body)
  } catch (cause) {
    return S.badRequest(`error decoding patch: ${cause instanceof Error ? cause.message : "invalid JSON"}`)
  }
  switch (contentType) {
    case patchTypes.json:
      return e.options.patch.jsonPatch(doc, patch)
    case patchTypes.merge:
      return e.options.patch.mergePatch(doc, patch)
    case patchTypes.strategic:
      if (r.served.custom) return S.unsupportedMediaType([patchTypes.json, patchTypes.merge, patchTypes.apply])
      return e.options.patch.strategicMerge(doc, patch, definition)
  }
  return S.unsupportedMediaType(
    r.served.custom
      ? [patchTypes.json, patchTypes.merge, patchTypes.apply]
      : [patchTypes.json, patchTypes.merge, patchTypes.apply, patchTypes.strategic]
  )
}

export function patchNamed(e: EngineState, r: ResourceRequest, subresource: string | undefined): ApiReply {
  const contentType = (r.req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
  if (contentType === patchTypes.apply) return serverSideApply(e, r, subresource)
  const info = r.served.info
  const name = r.name!
  const live = e.store.get(r.served.storageKey, keyOf(r, name))
  if (live === undefined) return notFound(r, name)
  const result = applyPatch(e, r, view(live, r.served), info.definition)
  if (isReply(result)) return result
  if (result._tag === "Fail") return result.reply
  const patched = result.value
  if (!isObj(patched.metadata)) return S.badRequest("the patch removed metadata")
  const rv = patched.metadata.resourceVersion
  if (rv !== undefined && rv !== live.metadata.resourceVersion) return S.staleConflict(info.plural, info.group, name)
  if (patched.metadata.name !== name) {
    return S.badRequest(
      `the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`
    )
  }
  return commitUpdate(e, r, live, patched, subresource, true)
}

export function serverSideApply(e: EngineState, r: ResourceRequest, subresource: string | undefined): ApiReply {
  const info = r.served.info
  const manager = r.req.query.get("fieldManager")
  if (manager === null || manager === "") {
    return S.invalid("PatchOptions", "meta.k8s.io", "", [{
      reason: "FieldValueRequired",
      message: "Required value: is required for apply patch",
      field: "fieldManager"
    }])
  }
  let config: unknown
  try {
    config = YAML.parse(r.req.body ?? "")
  } catch (cause) {
    return S.badRequest(`error decoding YAML: ${cause instanceof Error ? cause.message.split("\n")[0] : "invalid"}`)
  }
  if (!isObj(config)) return S.badRequest("the apply configuration must be an object")
  const apiVersion = apiVersionOf(info.group, info.version)
  if (config.apiVersion !== apiVersion || config.kind !== info.kind) {
    return S.badRequest(
      `the API version in the data (${config.apiVersion}) does not match the expected API version (${apiVersion})`
    )
  }
  const name = r.name!
  const meta: Obj = isObj(config.metadata) ? config.metadata : {}
  if (meta.name !== undefined && meta.name !== name) {
    return S.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`)
  }
  const placed = checkNamespace(r, { ...config, metadata: { ...meta, name } })
  if (isReply(placed)) return placed
  const live = e.store.get(r.served.storageKey, keyOf(r, name))
  const force = flag(r.req.query, "force")
  const time = timestamp(r.now)
  if (live === undefined) {
    if (subresource !== undefined) return notFound(r, name)
    let failed: ApiReply | undefined
    const reply = createObject(e, r, placed, 201, (created) => {
      const applied = e.options.patch.apply({
        live: undefined,
        config: r.served.custom ? placed : withDefaultedListKeys(placed),
        manager,
        force,
        apiVersion,
        definition: info.definition,
        time,
        subresource
      })
      if (applied._tag === "Fail") {
        failed = applied.reply
        return created
      }
      return {
        ...applied.value,
        metadata: {
          ...applied.value.metadata,
          ...created.metadata,
          managedFields: applied.value.metadata?.managedFields
        }
      }
    })
    return failed ?? reply
  }
  const rv = placed.metadata.resourceVersion
  if (rv !== undefined && rv !== live.metadata.resourceVersion) return S.staleConflict(info.plural, info.group, name)
  const applied = e.options.patch.apply({
    live: view(live, r.served),
    config: r.served.custom ? placed : withDefaultedListKeys(placed),
    manager,
    force,
    apiVersion,
    definition: info.definition,
    time,
    subresource
  })
  if (applied._tag === "Fail") return applied.reply
  return commitUpdate(e, r, live, applied.value, subresource, false)
}
