// Equivalence of the chunk-at-a-time watch decoder (Watch.decodeBytes) with the line-based path,
// decodeLines(lines(body)): for random splits of NDJSON bodies (CRLF and LF, blank lines, multi-byte characters cut
// across chunks, a byte order mark, a last line without newline, an ERROR event, a line that is not JSON, an object
// that does not decode) both emit the same events and fail with the same error. Fixed seed, bounded count.
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { prng } from "../bench/data.js"
import { lines } from "../src/internal/restClient/lines.js"
import * as Watch from "../src/Watch.js"

const Item = Schema.Struct({ metadata: Schema.Struct({ name: Schema.String }) })
const ctx = { method: "GET", url: "http://127.0.0.1/api/v1/pods?watch=true" }

const event = (type: string, name: string) => JSON.stringify({ type, object: { metadata: { name } } })
const bodies: Array<string> = [
  [event("ADDED", "a"), event("MODIFIED", "é-ü-日本"), "", event("DELETED", "c")].join("\n") + "\n",
  "\ufeff" + [event("ADDED", "bom"), event("MODIFIED", "x")].join("\r\n") + "\r\n",
  [event("ADDED", "a"), "   ", event("ADDED", "no newline at end")].join("\n"),
  [
    event("ADDED", "a"),
    JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old" } }),
    event("ADDED", "never")
  ].join("\n") + "\n",
  [event("ADDED", "a"), "{not json", event("ADDED", "b")].join("\n") + "\n",
  [event("ADDED", "a"), JSON.stringify({ type: "ADDED", object: { metadata: { name: 1 } } })].join("\n") + "\n",
  [event("BOOKMARK", "ignored"), JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } })]
    .join("\n") + "\n"
]

const split = (bytes: Uint8Array, random: () => number): Array<Uint8Array> => {
  const parts: Array<Uint8Array> = []
  let at = 0
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 4 : 40))
    parts.push(bytes.slice(at, at + size))
    at += size
  }
  return parts
}

const summarize = (exit: Exit.Exit<Chunk.Chunk<unknown>, unknown>, partial: Array<unknown>) =>
  Exit.isSuccess(exit)
    ? { events: Chunk.toReadonlyArray(exit.value), error: undefined }
    : { events: partial, error: JSON.stringify(exit.cause).replace(/"stack":"[^"]*"/g, "") }

const run = (make: (body: Stream.Stream<Uint8Array>) => Stream.Stream<unknown, unknown>, parts: Array<Uint8Array>) => {
  const seen: Array<unknown> = []
  const exit = Effect.runSync(
    Effect.exit(Stream.runCollect(Stream.tap(make(Stream.fromIterable(parts)), (e) => Effect.sync(() => seen.push(e)))))
  )
  return summarize(exit, seen)
}

describe("Watch.decodeBytes agrees with decodeLines(lines(body))", () => {
  it.each(bodies.map((body, i) => [i, body] as const))("body %i, whole and in 300 random chunkings", (i, body) => {
    const random = prng(3 + i)
    const bytes = new TextEncoder().encode(body)
    const expected: Array<unknown> = []
    const actual: Array<unknown> = []
    for (let n = 0; n < 300; n++) {
      const parts = n === 0 ? [bytes] : split(bytes, random)
      actual.push(run((b) => Watch.decodeBytes(b, Item, ctx), parts))
      expected.push(run((b) => Watch.decodeLines(lines(b), Item, ctx), parts))
    }
    expect(actual).toEqual(expected)
  })

  it("is not vacuous: whole bodies give events, and an ERROR event or a bad line fails the stream", () => {
    const whole = (body: string) => run((b) => Watch.decodeBytes(b, Item, ctx), [new TextEncoder().encode(body)])
    const first = whole(bodies[0]!)
    expect(first.error).toBeUndefined()
    expect(first.events.map((e) => (e as { type: string }).type)).toEqual(["ADDED", "MODIFIED", "DELETED"])
    const expired = whole(bodies[3]!)
    expect(expired.events).toHaveLength(1)
    expect(expired.error).toBeDefined()
    expect(whole(bodies[4]!).error).toBeDefined()
  })
})
