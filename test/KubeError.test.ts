import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { kubectlMessage } from "../src/cli/failure.js"
import * as KubeError from "../src/KubeError.js"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RestClient from "../src/RestClient.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as MockServer from "./support/mockServer.js"

const status = (code: number, reason: string, message = "msg here", details?: KubeError.Status["details"]) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message,
  reason,
  code,
  ...(details === undefined ? {} : { details })
})

const failWith = (reply: MockServer.Reply) =>
  Effect.gen(function*() {
    const client = yield* RestClient.RestClient
    return yield* Effect.flip(
      client.execute(KubeRequest.get({ resource: "pods", namespace: "ns", name: "p" }), Schema.Unknown)
    )
  }).pipe(
    Effect.provide(MockServer.restClientLayer(MockServer.make(MockServer.script([reply])), { retry: RetryPolicy.none }))
  )

describe("KubeError mapping", () => {
  const byReason: ReadonlyArray<readonly [number, string, string]> = [
    [404, "NotFound", "NotFound"],
    [409, "AlreadyExists", "AlreadyExists"],
    [409, "Conflict", "Conflict"],
    [422, "Invalid", "Invalid"],
    [400, "BadRequest", "BadRequest"],
    [401, "Unauthorized", "Unauthorized"],
    [403, "Forbidden", "Forbidden"],
    [405, "MethodNotAllowed", "MethodNotAllowed"],
    [406, "NotAcceptable", "NotAcceptable"],
    [410, "Gone", "Gone"],
    [410, "Expired", "Expired"],
    [413, "RequestEntityTooLarge", "RequestEntityTooLarge"],
    [415, "UnsupportedMediaType", "UnsupportedMediaType"],
    [429, "TooManyRequests", "TooManyRequests"],
    [500, "ServerTimeout", "ServerTimeout"],
    [504, "Timeout", "Timeout"],
    [500, "InternalError", "InternalError"],
    [503, "ServiceUnavailable", "ServiceUnavailable"],
    // Unknown reasons fall back to the code, as client-go's IsNotFound does; unknown codes to StatusError.
    [404, "Weird", "NotFound"],
    [418, "", "StatusError"],
    [499, "Weird", "StatusError"]
  ]
  for (const [code, reason, tag] of byReason) {
    it.effect(`Status ${code} ${reason || "(no reason)"} -> ${tag}`, () =>
      Effect.gen(function*() {
        const error = yield* failWith({ status: code, json: status(code, reason) })
        expect(error._tag).toBe(tag)
        if (!KubeError.isApiError(error)) throw new Error("not an ApiError")
        expect(error.code).toBe(code)
        expect(error.method).toBe("GET")
        expect(error.url).toBe("https://k8s.test:6443/api/v1/namespaces/ns/pods/p")
        expect(error.status.message).toBe("msg here")
        expect(error.message).toBe("msg here (GET https://k8s.test:6443/api/v1/namespaces/ns/pods/p)")
      }))
  }

  it.effect("bodies that are not a Status get kubectl's generic messages", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [number, string, string]> = [
        [400, "BadRequest", "Error from server (BadRequest): the server rejected our request for an unknown reason"],
        [
          401,
          "Unauthorized",
          "error: You must be logged in to the server (the server has asked for the client to provide credentials)"
        ],
        [403, "Forbidden", "Error from server (Forbidden): oops body"],
        [404, "NotFound", "Error from server (NotFound): the server could not find the requested resource"],
        [409, "Conflict", "Error from server (Conflict): the server reported a conflict"],
        [
          410,
          "Gone",
          "Error from server: the server responded with the status code 410 but did not return more information"
        ],
        [
          429,
          "TooManyRequests",
          "Error from server (TooManyRequests): the server has received too many requests and has asked us to try again later"
        ],
        [
          500,
          "InternalError",
          "Error from server (InternalError): an error on the server (\"oops body\") has prevented the request from succeeding"
        ],
        [
          502,
          "InternalError",
          "Error from server (InternalError): an error on the server (\"oops body\") has prevented the request from succeeding"
        ],
        [
          503,
          "ServiceUnavailable",
          "Error from server (ServiceUnavailable): the server is currently unable to handle the request"
        ],
        [
          504,
          "Timeout",
          "Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request"
        ],
        [
          418,
          "StatusError",
          "Error from server: the server responded with the status code 418 but did not return more information"
        ]
      ]
      for (const [code, tag, printed] of cases) {
        const error = yield* failWith({ status: code, body: "oops body", headers: { "content-type": "text/plain" } })
        if (!KubeError.isApiError(error)) throw new Error("not an ApiError")
        expect([code, error._tag]).toEqual([code, tag])
        expect(kubectlMessage(error)).toBe(printed)
      }
    }))

  it.effect("Invalid keeps field causes and prints them as kubectl does", () =>
    Effect.gen(function*() {
      const one = yield* failWith({
        status: 422,
        json: status(422, "Invalid", "x", {
          name: "n",
          kind: "pods",
          causes: [{ reason: "FieldValueInvalid", message: "Invalid value: x", field: "spec.x" }]
        })
      })
      if (!KubeError.isInvalid(one)) throw new Error("expected Invalid")
      expect(one.causes).toEqual([{ reason: "FieldValueInvalid", message: "Invalid value: x", field: "spec.x" }])
      expect(kubectlMessage(one)).toBe(`The pods "n" is invalid: spec.x: Invalid value: x`)
      const two = yield* failWith({
        status: 422,
        json: status(422, "Invalid", "x", {
          name: "n",
          kind: "Pod",
          causes: [{ message: "Required value", field: "spec.a" }, { message: "Bad", field: "spec.b" }]
        })
      })
      if (!KubeError.isApiError(two)) throw new Error("expected ApiError")
      expect(kubectlMessage(two)).toBe(`The Pod "n" is invalid: \n* spec.a: Required value\n* spec.b: Bad`)
      const bare = yield* failWith({ status: 422, json: status(422, "Invalid") })
      if (!KubeError.isApiError(bare)) throw new Error("expected ApiError")
      expect(kubectlMessage(bare)).toBe("The request is invalid: msg here")
    }))

  it.effect("a reason kubectl does not know is printed verbatim", () =>
    Effect.gen(function*() {
      const error = yield* failWith({ status: 500, json: status(500, "Weird") })
      if (!KubeError.isApiError(error)) throw new Error("expected ApiError")
      expect(error._tag).toBe("InternalError")
      expect(kubectlMessage(error)).toBe("Error from server (Weird): msg here")
    }))

  it("guards mirror client-go's errors.IsX", () => {
    const fields = { method: "GET", url: "https://x/api", code: 404, status: {} }
    expect(KubeError.isNotFound(new KubeError.NotFound(fields))).toBe(true)
    expect(KubeError.isNotFound(new KubeError.Conflict({ ...fields, code: 409 }))).toBe(false)
    expect(KubeError.isConflict(new KubeError.Conflict({ ...fields, code: 409 }))).toBe(true)
    expect(KubeError.isAlreadyExists(new KubeError.AlreadyExists({ ...fields, code: 409 }))).toBe(true)
    expect(KubeError.isGone(new KubeError.Gone({ ...fields, code: 410 }))).toBe(true)
    expect(KubeError.isGoneOrExpired(new KubeError.Expired({ ...fields, code: 410 }))).toBe(true)
    expect(KubeError.isApiError(
      new KubeError.TransportError({
        method: "GET",
        url: "u",
        reason: "Other",
        sent: true,
        detail: "d"
      })
    )).toBe(false)
    expect(KubeError.isKubeError(new KubeError.InvalidRequest({ detail: "d" }))).toBe(true)
    expect(KubeError.isNotFound("NotFound")).toBe(false)
  })

  it("the reason table gives each class, guard, code lookup and retryability", () => {
    const fields = { method: "GET", url: "https://x/api", status: {} }
    const module = KubeError as unknown as Record<string, unknown>
    const fallbacks = new Map<number, string>()
    for (const [reason, spec] of Object.entries(KubeError.reasons)) {
      const Class = module[reason] as new(f: KubeError.ApiErrorFields) => KubeError.ApiError
      const error = new Class({ ...fields, code: spec.code })
      expect([reason, error._tag, error instanceof Class, error instanceof Error]).toEqual([reason, reason, true, true])
      // fromStatus picks the class by reason, whatever the code.
      const fromReason = KubeError.fromStatus({ ...fields, code: 599, status: { reason } })
      expect([reason, fromReason._tag, fromReason instanceof Class]).toEqual([reason, reason, true])
      if (spec.codeFallback) {
        expect(fallbacks.get(spec.code)).toBeUndefined()
        fallbacks.set(spec.code, reason)
      }
      expect([reason, KubeError.isRetryable(error)]).toEqual([reason, spec.retryable])
    }
    // Every code in the table has exactly one fallback reason, which an unknown reason with that code maps to.
    for (const spec of Object.values(KubeError.reasons)) expect(fallbacks.has(spec.code)).toBe(true)
    for (const [code, reason] of fallbacks) {
      expect([code, KubeError.fromStatus({ ...fields, code, status: { reason: "Weird" } })._tag]).toEqual([
        code,
        reason
      ])
    }
    expect(KubeError.fromStatus({ ...fields, code: 418, status: {}, body: "teapot" })).toMatchObject({
      _tag: "StatusError",
      body: "teapot"
    })
    // One guard per tag, true for its own class only.
    const samples = KubeError.apiErrorTags.map((tag) =>
      KubeError.fromStatus({
        ...fields,
        code: tag === "StatusError" ? 418 : KubeError.reasons[tag].code,
        status: {
          reason: tag === "StatusError" ? "" : tag
        }
      })
    )
    expect(samples.map((e) => e._tag)).toEqual(KubeError.apiErrorTags)
    for (const tag of KubeError.apiErrorTags) {
      const isTag = module[`is${tag}`] as (u: unknown) => boolean
      expect([tag, typeof isTag]).toEqual([tag, "function"])
      expect([tag, samples.filter(isTag).map((e) => e._tag)]).toEqual([tag, [tag]])
      expect(KubeError.isApiError(samples.find((e) => e._tag === tag))).toBe(true)
    }
    expect(KubeError.isInvalidRequest(new KubeError.InvalidRequest({ detail: "d" }))).toBe(true)
    expect(KubeError.isInvalidRequest(samples[0])).toBe(false)
    // Retry-After in the Status makes any reason retryable, as client-go's SuggestsClientDelay does.
    const throttled = new KubeError.Forbidden({ ...fields, code: 403, status: { details: { retryAfterSeconds: 2 } } })
    expect(KubeError.isRetryable(throttled)).toBe(true)
    expect(KubeError.isRetryable(new KubeError.InvalidRequest({ detail: "d" }))).toBe(false)
  })

  it.effect("the URL in errors never carries userinfo or headers", () =>
    Effect.gen(function*() {
      const mock = MockServer.make(MockServer.script([{ status: 404, json: status(404, "NotFound") }]))
      const error = yield* Effect.gen(function*() {
        const client = yield* RestClient.RestClient
        return yield* Effect.flip(client.executeRaw(KubeRequest.raw("/healthz")))
      }).pipe(
        Effect.provide(MockServer.restClientLayer(mock, {
          config: { server: "https://admin:hunter2@k8s.test:6443" },
          credentials: MockServer.staticCredentials({ token: "s3cret-token" }).service
        }))
      )
      expect(mock.requests[0]!.headers.authorization).toBe("Bearer s3cret-token")
      const dump = JSON.stringify(error) + String(error) + error.message
      expect(dump).not.toContain("hunter2")
      expect(dump).not.toContain("s3cret-token")
      expect(error.message).toContain("https://k8s.test:6443/healthz")
    }))
})
