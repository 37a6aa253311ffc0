// Equivalence check for the chunk-at-a-time watch decoder (Watch.decodeBytes, changed for the benchmark's watch
// throughput): for random splits of NDJSON bodies (CRLF and LF, blank lines, multi-byte characters cut across
// chunks, a byte order mark, a last line without newline, an ERROR event, a line that is not JSON), it must emit
// the same events and fail with the same error as the line-based path, decodeLines(lines(body)).
// `node --conditions=source --import tsx bench/checkWatchDecode.ts`; exits 1 on a mismatch.
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { isDeepStrictEqual } from "node:util"
import { lines } from "../src/internal/restClient/lines.js"
import * as Watch from "../src/Watch.js"
import { prng } from "./data.js"

const Item = Schema.Struct({ metadata: Schema.Struct({ name: Schema.String }) })
const ctx = { method: "GET", url: "http://127.0.0.1/api/v1/pods?watch=true" }
const random = prng(3)

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

const split = (bytes: Uint8Array): Array<Uint8Array> => {
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
    ? { events: Chunk.toReadonlyArray(exit.value) }
    : { events: partial, error: JSON.stringify(exit.cause).replace(/"stack":"[^"]*"/g, "") }

const run = (make: (body: Stream.Stream<Uint8Array>) => Stream.Stream<unknown, unknown>, parts: Array<Uint8Array>) => {
  const seen: Array<unknown> = []
  const exit = Effect.runSync(
    Effect.exit(Stream.runCollect(Stream.tap(make(Stream.fromIterable(parts)), (e) => Effect.sync(() => seen.push(e)))))
  )
  return summarize(exit, seen)
}

let cases = 0
let failures = 0
for (const body of bodies) {
  const bytes = new TextEncoder().encode(body)
  for (let i = 0; i < 300; i++) {
    const parts = i === 0 ? [bytes] : split(bytes)
    const fast = run((b) => Watch.decodeBytes(b, Item, ctx), parts)
    const slow = run((b) => Watch.decodeLines(lines(b), Item, ctx), parts)
    cases++
    if (!isDeepStrictEqual(fast, slow)) {
      failures++
      if (failures <= 3) console.error("MISMATCH", JSON.stringify(body).slice(0, 120), { fast, slow })
    }
  }
}
console.log(`watch decode check: ${cases} chunkings of ${bodies.length} bodies, ${failures} mismatches`)
if (failures > 0) process.exitCode = 1
