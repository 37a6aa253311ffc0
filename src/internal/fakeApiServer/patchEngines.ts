/**
 * Binds {@link PatchEngine} to the patch engines in src/internal/patch and the generated patch metadata.
 */
import * as Either from "effect/Either"
import type { PatchMetaTable } from "../../PatchMeta.js"
import { applyJsonPatch } from "../patch/jsonPatch.js"
import { applyMergePatch } from "../patch/mergePatch.js"
import * as Ssa from "../patch/serverSideApply.js"
import { strategicMergePatch } from "../patch/strategicMerge.js"
import type { PatchEngine } from "./patch.js"
import { fail, ok } from "./patch.js"
import * as S from "./status.js"
import type { Obj } from "./types.js"
import { isObj } from "./types.js"

const failWith = (status: number, message: string) =>
  fail(
    status === 422
      ? S.failure(422, "Invalid", message)
      : status === 500
      ? S.failure(500, "InternalError", message)
      : S.badRequest(message)
  )

export const makePatchEngine = (meta: PatchMetaTable): PatchEngine => ({
  jsonPatch: (doc, patch) => {
    const result = applyJsonPatch(doc, patch)
    if (Either.isLeft(result)) return failWith(result.left.status, result.left.message)
    return isObj(result.right) ? ok(result.right) : failWith(422, "the patch did not produce an object")
  },
  mergePatch: (doc, patch) => {
    const result = applyMergePatch(doc, patch)
    if (Either.isLeft(result)) return failWith(result.left.status, result.left.message)
    return isObj(result.right) ? ok(result.right) : failWith(422, "the patch did not produce an object")
  },
  strategicMerge: (doc, patch, definition) => {
    const result = strategicMergePatch(doc, patch, { meta, rootDefinition: definition ?? "" })
    if (Either.isLeft(result)) return failWith(result.left.status, result.left.message)
    return isObj(result.right) ? ok(result.right) : failWith(422, "the patch did not produce an object")
  },
  apply: (args) => {
    const result = Ssa.apply({
      live: args.live,
      applied: args.config,
      manager: args.manager,
      force: args.force,
      rootDefinition: args.definition ?? "",
      meta,
      time: args.time,
      apiVersion: args.apiVersion,
      ...(args.subresource !== undefined ? { subresource: args.subresource } : {})
    })
    if (Either.isRight(result)) return ok(result.right.object)
    const error = result.left
    if (error._tag === "ApplyInvalid") return fail(S.failure(500, "InternalError", error.message))
    return fail(S.failure(409, "Conflict", error.message, {
      causes: error.conflicts.map((c) => ({ reason: "FieldManagerConflict", message: c.message, field: c.field }))
    }))
  },
  recordUpdate: (args) =>
    Ssa.recordUpdate({
      before: args.live,
      after: args.next,
      manager: args.manager,
      rootDefinition: args.definition ?? "",
      meta,
      time: args.time,
      apiVersion: args.apiVersion,
      ...(args.subresource !== undefined && args.subresource !== "binding" ? { subresource: args.subresource } : {})
    }).object as Obj
})
