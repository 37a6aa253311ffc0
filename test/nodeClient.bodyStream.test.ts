// The streamed response body of the node:http client (watches, logs, raw streams): every byte in order whatever
// the chunking, a slow consumer pausing the source instead of buffering it all, failures and early exits.
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { PassThrough } from "node:stream"
import { bodyStream } from "../src/internal/transport/nodeClient.js"

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

// Writes `data` in random pieces from the event loop, so the consumer runs in between.
const feed = (source: PassThrough, data: Uint8Array, seed: number, end: () => void) => {
  let at = 0
  let s = seed
  const step = () => {
    if (at >= data.length) return end()
    s = (s * 1103515245 + 12345) & 0x7fffffff
    const size = 1 + (s % 9000)
    source.write(data.subarray(at, at + size))
    at += size
    setImmediate(step)
  }
  setImmediate(step)
}

const joined = (chunks: Chunk.Chunk<Uint8Array>) => Buffer.concat(Chunk.toReadonlyArray(chunks))

describe("nodeClient bodyStream", () => {
  it.live("delivers every byte in order, in 20 random chunkings", () =>
    Effect.gen(function*() {
      for (let seed = 1; seed <= 20; seed++) {
        const data = bytes(200_000, seed)
        const source = new PassThrough()
        feed(source, data, seed, () => source.end())
        const out = yield* Stream.runCollect(bodyStream(source, (cause) => cause))
        expect(Buffer.compare(joined(out), Buffer.from(data))).toBe(0)
      }
    }))

  it.live("pauses the source while a slow consumer holds more than a megabyte back", () =>
    Effect.gen(function*() {
      const source = new PassThrough({ highWaterMark: 64 * 1024 })
      const data = bytes(8 * 1024 * 1024, 7)
      let written = 0
      let stalled = 0
      // Writes until the PassThrough refuses more (the consumer paused it), bounded in count.
      const pump = () => {
        for (let i = 0; i < 1000 && written < data.length; i++) {
          const ok = source.write(data.subarray(written, written + 16 * 1024))
          written += 16 * 1024
          if (!ok) {
            stalled++
            source.once("drain", pump)
            return
          }
        }
        if (written >= data.length) source.end()
        else setImmediate(pump)
      }
      pump()
      let peakPaused = 0
      const out = yield* bodyStream(source, (cause) => cause).pipe(
        Stream.tap(() =>
          Effect.sync(() => {
            if (source.isPaused()) peakPaused++
          }).pipe(Effect.zipLeft(Effect.sleep("1 millis")))
        ),
        Stream.runCollect
      )
      expect(Buffer.compare(joined(out), Buffer.from(data))).toBe(0)
      expect(peakPaused).toBeGreaterThan(0)
      expect(stalled).toBeGreaterThan(0)
    }))

  it.live("fails with the source's error after the bytes that came before it", () =>
    Effect.gen(function*() {
      const source = new PassThrough()
      const seen: Array<number> = []
      setImmediate(() => {
        source.write(Buffer.from("abc"))
        setImmediate(() => source.destroy(new Error("connection reset")))
      })
      const exit = yield* bodyStream(source, (cause) => `mapped: ${(cause as Error).message}`).pipe(
        Stream.runForEach((chunk) => Effect.sync(() => seen.push(...chunk))),
        Effect.exit
      )
      expect(Buffer.from(seen).toString()).toBe("abc")
      expect(exit).toEqual(Exit.fail("mapped: connection reset"))
    }))

  it.live("destroys an unfinished source when the consumer stops early, and ends at once on a read one", () =>
    Effect.gen(function*() {
      const source = new PassThrough()
      source.write(Buffer.from("first"))
      const first = yield* Stream.runHead(bodyStream(source, (cause) => cause))
      expect(first._tag).toBe("Some")
      expect(source.destroyed).toBe(true)
      const done = new PassThrough()
      done.end()
      yield* Stream.runDrain(bodyStream(done, (cause) => cause))
      expect(yield* Stream.runCollect(bodyStream(done, (cause) => cause))).toEqual(Chunk.empty())
    }))
})
