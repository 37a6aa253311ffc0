// The queue behind streamed bodies, the informer's idle detector and its subscribers: order, chunking, how it
// ends, backpressure, and that an interrupted consumer leaves nothing that throws or hangs.
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { Handoff } from "../src/internal/handoff.js"

describe("Handoff", () => {
  it.effect("hands over items in order, each pull taking everything waiting, then ends after them", () =>
    Effect.gen(function*() {
      const handoff = new Handoff<number, string>()
      handoff.unsafeOfferAll([1, 2, 3])
      handoff.unsafeOffer(4)
      handoff.unsafeDone(Exit.void)
      handoff.unsafeOffer(5) // after the end: dropped
      const chunks = yield* Stream.runCollect(Stream.chunks(handoff.stream))
      expect(Chunk.toReadonlyArray(chunks).map(Chunk.toReadonlyArray)).toEqual([[1, 2, 3, 4]])
    }))

  it.effect("a consumer waiting for items is woken by each offer; a failure ends it after what was waiting", () =>
    Effect.gen(function*() {
      const handoff = new Handoff<string, string>()
      const seen: Array<string> = []
      const consumer = yield* Effect.fork(
        Stream.runForEach(handoff.stream, (item) => Effect.sync(() => seen.push(item))).pipe(Effect.flip)
      )
      yield* Effect.yieldNow()
      handoff.unsafeOffer("a")
      yield* Effect.yieldNow()
      expect(seen).toEqual(["a"])
      handoff.unsafeOfferAll(["b", "c"])
      handoff.unsafeDone(Exit.fail("broken"))
      handoff.unsafeDone(Exit.void) // the first end wins
      expect(yield* Fiber.join(consumer)).toBe("broken")
      expect(seen).toEqual(["a", "b", "c"])
    }))

  it.effect("offerAllNow appends at once, waits while more than capacity items wait, and goes on once the consumer takes them", () =>
    Effect.gen(function*() {
      let takes = 0
      const handoff = new Handoff<number, never>({ capacity: 2, onTake: () => takes++ })
      const wait = handoff.offerAllNow([1, 2, 3])
      // Appended by the call itself; the Effect is only the wait for the consumer.
      expect(handoff.size).toBe(3)
      const producer = yield* Effect.fork(wait)
      yield* Effect.yieldNow()
      expect(producer.unsafePoll()).toBeNull()
      expect(handoff.size).toBe(3)
      const consumer = yield* Effect.fork(Stream.runCollect(Stream.take(handoff.stream, 3)))
      yield* Fiber.join(producer)
      expect(Chunk.toReadonlyArray(yield* Fiber.join(consumer))).toEqual([1, 2, 3])
      expect(takes).toBe(1)
      // Within capacity, an offer does not wait at all.
      yield* handoff.offerAllNow([4])
      expect(handoff.size).toBe(1)
    }))

  it.effect("an interrupted consumer's spent wait is harmless: later offers and the end neither throw nor hang", () =>
    Effect.gen(function*() {
      const handoff = new Handoff<number, never>()
      const consumer = yield* Effect.fork(Stream.runDrain(handoff.stream))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(consumer)
      handoff.unsafeOffer(1)
      handoff.unsafeDone(Exit.void)
      expect(handoff.isDone).toBe(true)
      expect(Exit.isInterrupted(yield* Fiber.await(consumer))).toBe(true)
    }))

  it.effect("a waiting producer is released when the handoff ends", () =>
    Effect.gen(function*() {
      const handoff = new Handoff<number, never>({ capacity: 0 })
      const producer = yield* Effect.fork(handoff.offerAllNow([1]))
      yield* Effect.yieldNow()
      expect(producer.unsafePoll()).toBeNull()
      handoff.unsafeDone(Exit.void)
      expect(Exit.isSuccess(yield* Fiber.await(producer))).toBe(true)
    }))
})
