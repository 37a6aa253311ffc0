/**
 * A queue from callbacks or fibers to one consuming stream, for the per-chunk hops of watches and informers.
 *
 * Effect's Mailbox does this too, but each of its waits is an `asyncInterrupt` with a canceler, which Effect wraps in
 * an uninterruptible region with exit handlers, and an offer wakes the taker through an extra scheduler task. On a
 * watch that is paid once per chunk, and chunks off a loopback socket are often one or two events. Here a waiting
 * side parks a plain resume: after an interruption that resume is spent, Effect ignores a call to it, and the
 * owner's finalizer (the stream's scope) detaches whatever fed the queue.
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"

export interface HandoffOptions {
  /** Items waiting above which `offerAllNow`'s Effect waits for the consumer (default: unbounded). */
  readonly capacity?: number | undefined
  /** Called each time the consumer takes what is waiting (to resume a paused source, say). */
  readonly onTake?: (() => void) | undefined
}

export class Handoff<A, E> {
  private items: Array<A> = []
  private end: Exit.Exit<void, E> | undefined = undefined
  private taker: (() => void) | undefined = undefined
  private offerer: (() => void) | undefined = undefined
  private readonly capacity: number
  private readonly onTake: (() => void) | undefined

  constructor(options: HandoffOptions = {}) {
    this.capacity = options.capacity ?? Number.POSITIVE_INFINITY
    this.onTake = options.onTake
  }

  /** Items offered and not yet taken. */
  get size(): number {
    return this.items.length
  }

  get isDone(): boolean {
    return this.end !== undefined
  }

  /** Appends without waiting; ignored once done. */
  unsafeOffer(item: A): void {
    if (this.end !== undefined) return
    this.items.push(item)
    this.wakeTaker()
  }

  /** Appends without waiting; ignored once done. */
  unsafeOfferAll(items: Iterable<A>): void {
    if (this.end !== undefined) return
    for (const item of items) this.items.push(item)
    this.wakeTaker()
  }

  /**
   * Appends now, and returns the wait while more than `capacity` items are waiting: the consumer holds the producer
   * back. The Effect does not hold `items` (see informer/watcher.ts's Sink).
   */
  offerAllNow(items: Iterable<A>): Effect.Effect<void> {
    this.unsafeOfferAll(items)
    return this.backpressure
  }

  private readonly backpressure: Effect.Effect<void> = Effect.suspend(() =>
    this.items.length <= this.capacity || this.end !== undefined ? Effect.void : this.drained
  )

  /** Ends the stream once what is waiting has been taken: with `exit`'s failure, or cleanly. The first end wins. */
  unsafeDone(exit: Exit.Exit<void, E>): void {
    if (this.end !== undefined) return
    this.end = exit
    this.wakeTaker()
    this.wakeOfferer()
  }

  /** The items in offer order, as chunks of everything waiting at each pull. For one consumer. */
  readonly stream: Stream.Stream<A, E> = Stream.fromChannel(Channel.suspend(() => this.loop))

  private readonly drained: Effect.Effect<void> = Effect.async<void>((resume) => {
    if (this.items.length <= this.capacity || this.end !== undefined) return resume(Effect.void)
    this.offerer = () => resume(Effect.void)
  })

  // Checked again on registration: the fiber may have yielded, and items arrived, since the loop looked.
  private readonly arrival: Effect.Effect<void> = Effect.async<void>((resume) => {
    if (this.items.length > 0 || this.end !== undefined) return resume(Effect.void)
    this.taker = () => resume(Effect.void)
  })

  private readonly loop: Channel.Channel<Chunk.Chunk<A>, unknown, E, unknown, void, unknown> = Channel.suspend(
    () => {
      if (this.items.length > 0) {
        const out = this.items
        this.items = []
        this.onTake?.()
        this.wakeOfferer()
        return Channel.zipRight(Channel.write(Chunk.unsafeFromArray(out)), this.loop)
      }
      if (this.end !== undefined) return Channel.fromEffect(this.end)
      return Channel.zipRight(Channel.fromEffect(this.arrival), this.loop)
    }
  )

  private wakeTaker(): void {
    const resume = this.taker
    this.taker = undefined
    resume?.()
  }

  private wakeOfferer(): void {
    const resume = this.offerer
    this.offerer = undefined
    resume?.()
  }
}
