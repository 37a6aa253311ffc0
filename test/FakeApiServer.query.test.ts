// Query parameters read as the apiserver's parameter conversion reads them: booleans, integers, repeats.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { flag, integer } from "../src/internal/fakeApiServer/query.js"
import { configMap, get, patch, post, streamLines } from "./fixtures/fake/client.js"

const configmaps = "/api/v1/namespaces/default/configmaps"

describe("FakeApiServer query parameters", () => {
  it("booleans: false only when absent, 0 or false in any case; the first of repeated values counts", () => {
    const f = (query: string) => flag(new URLSearchParams(query), "watch")
    for (const yes of ["1", "t", "T", "TRUE", "true", "True"]) expect(f(`watch=${yes}`), yes).toBe(true)
    for (const no of ["0", "FALSE", "false", "False", "fAlSe"]) expect(f(`watch=${no}`), no).toBe(false)
    expect(f("")).toBe(false)
    expect(f("watch=true&watch=false")).toBe(true)
    expect(f("watch=0&watch=1")).toBe(false)
  })

  it("integers: base 10 int64 with Go's strconv errors", () => {
    const i = (query: string) => integer(new URLSearchParams(query), "limit")
    expect(i("limit=25")).toStrictEqual({ _tag: "Value", value: 25 })
    expect(i("limit=-3")).toStrictEqual({ _tag: "Value", value: -3 })
    expect(i("limit=7&limit=9")).toStrictEqual({ _tag: "Value", value: 7 })
    expect(i("")).toStrictEqual({ _tag: "Absent" })
    expect(i("limit=1.5")).toStrictEqual({
      _tag: "Invalid",
      message: "strconv.ParseInt: parsing \"1.5\": invalid syntax"
    })
    expect(i("limit=99999999999999999999")._tag).toBe("Invalid")
  })

  it.effect("watch=True streams (the Python client's spelling); watch=False lists; limit=abc is 400", () =>
    Effect.gen(function*() {
      yield* post(configmaps, configMap("a"))
      const events = yield* streamLines(`${configmaps}?watch=True`, 1)
      expect(events.map((e: any) => [e.type, e.object.metadata.name])).toStrictEqual([["ADDED", "a"]])
      const list = yield* get(`${configmaps}?watch=False`)
      expect(list.json.kind).toBe("ConfigMapList")
      const bad = yield* get(`${configmaps}?limit=abc`)
      expect(bad.status).toBe(400)
      expect(bad.json.message).toBe("strconv.ParseInt: parsing \"abc\": invalid syntax")
    }).pipe(Effect.provide(FakeApiServer.layer())))

  it.effect("force=True takes over conflicting fields in server-side apply", () =>
    Effect.gen(function*() {
      const apply = (manager: string, value: string, force: string) =>
        patch(
          `${configmaps}/c?fieldManager=${manager}${force}`,
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { k: value } },
          "application/apply-patch+yaml"
        )
      expect((yield* apply("one", "1", "")).status).toBe(201)
      expect((yield* apply("two", "2", "")).status).toBe(409)
      const forced = yield* apply("two", "2", "&force=True")
      expect(forced.status).toBe(200)
      expect(forced.json.data).toStrictEqual({ k: "2" })
    }).pipe(Effect.provide(FakeApiServer.layer())))
})
