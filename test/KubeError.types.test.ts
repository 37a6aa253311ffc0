/**
 * The per-operation error contract: the error union each ResourceClient operation declares (a type) and the set the
 * implementation narrows to (`KubeError.operationErrorTags`, a value) must admit the same reasons. Both are checked
 * against the one list below: the types by `tsc` (npm run check), the values here at run time.
 */
import { describe, expect, expectTypeOf, it } from "vitest"
import * as KubeError from "../src/KubeError.js"
import type * as ResourceClient from "../src/ResourceClient.js"

const common = [
  "Unauthorized",
  "Forbidden",
  "BadRequest",
  "MethodNotAllowed",
  "NotAcceptable",
  "TooManyRequests",
  "ServerTimeout",
  "Timeout",
  "InternalError",
  "ServiceUnavailable",
  "StatusError"
] as const

const expected = {
  common,
  get: [...common, "NotFound"],
  list: [...common, "NotFound", "Gone", "Expired"],
  create: [...common, "NotFound", "AlreadyExists", "Conflict", "Invalid", "RequestEntityTooLarge"],
  update: [...common, "NotFound", "Conflict", "Invalid", "RequestEntityTooLarge"],
  patch: [...common, "NotFound", "Conflict", "Invalid", "RequestEntityTooLarge", "UnsupportedMediaType"],
  delete: [...common, "NotFound", "Conflict"],
  deleteCollection: [...common, "NotFound"],
  log: [...common, "NotFound"],
  evict: [...common, "NotFound", "Conflict", "Invalid"]
} as const

type Expected<Op extends keyof typeof expected> = (typeof expected)[Op][number]
// The API-error tags a declared union admits (the transport, decode, request and credential errors are common to all).
type ApiTags<E> = Extract<E, KubeError.ApiError>["_tag"]

describe("per-operation errors", () => {
  it("each operation's declared union admits exactly its reasons", () => {
    expectTypeOf<ApiTags<ResourceClient.CommonError>>().toEqualTypeOf<Expected<"common">>()
    expectTypeOf<ApiTags<ResourceClient.GetError>>().toEqualTypeOf<Expected<"get">>()
    expectTypeOf<ApiTags<ResourceClient.ListError>>().toEqualTypeOf<Expected<"list">>()
    expectTypeOf<ApiTags<ResourceClient.WatchError>>().toEqualTypeOf<Expected<"list">>()
    expectTypeOf<ApiTags<ResourceClient.CreateError>>().toEqualTypeOf<Expected<"create">>()
    expectTypeOf<ApiTags<ResourceClient.UpdateError>>().toEqualTypeOf<Expected<"update">>()
    expectTypeOf<ApiTags<ResourceClient.PatchError>>().toEqualTypeOf<Expected<"patch">>()
    expectTypeOf<ApiTags<ResourceClient.DeleteError>>().toEqualTypeOf<Expected<"delete">>()
    expectTypeOf<ApiTags<ResourceClient.DeleteCollectionError>>().toEqualTypeOf<Expected<"deleteCollection">>()
    expectTypeOf<ApiTags<ResourceClient.LogError>>().toEqualTypeOf<Expected<"log">>()
    expectTypeOf<ApiTags<ResourceClient.EvictError>>().toEqualTypeOf<Expected<"evict">>()
    // The non-API members every operation shares.
    expectTypeOf<Exclude<ResourceClient.GetError, KubeError.ApiError>["_tag"]>().toEqualTypeOf<
      "TransportError" | "DecodeError" | "InvalidRequest" | "CredentialsError"
    >()
    // The union members are the classes users catch, not look-alikes.
    expectTypeOf<Extract<ResourceClient.GetError, { _tag: "NotFound" }>>().toEqualTypeOf<KubeError.NotFound>()
    expectTypeOf<KubeError.ApiErrorOf<"Invalid">>().toEqualTypeOf<KubeError.Invalid>()
  })

  it("the run-time set of each operation is the set its type admits", () => {
    expect(Object.keys(KubeError.operationErrorTags).sort()).toEqual(Object.keys(expected).sort())
    for (const [operation, tags] of Object.entries(expected)) {
      const actual = KubeError.operationErrorTags[operation as KubeError.Operation]
      expect([operation, [...actual].sort()]).toEqual([operation, [...tags].sort()])
      expect(new Set(actual).size).toBe(actual.length)
      for (const tag of actual) expect(KubeError.apiErrorTags).toContain(tag)
    }
  })
})
