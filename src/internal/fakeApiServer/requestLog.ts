/**
 * The fake's request log, bounded in entries and in logged body characters: the oldest entries go first and are
 * counted, so a test can tell a short log from a trimmed one.
 */

import type { RequestLogEntry } from "../../FakeApiServerModel.js"

export class RequestLog {
  private entries: Array<RequestLogEntry> = []
  private head = 0
  private bodyChars = 0
  /** Entries dropped to stay within the bounds since the last clear. */
  dropped = 0

  constructor(readonly maxEntries: number, readonly maxBodyChars: number) {}

  get size(): number {
    return this.entries.length - this.head
  }

  add(entry: RequestLogEntry): void {
    if (this.maxEntries <= 0) {
      this.dropped++
      return
    }
    this.entries.push(entry)
    this.bodyChars += entry.body?.length ?? 0
    // The newest entry always stays (its body is already bounded by the request body limit).
    while (this.size > 1 && (this.size > this.maxEntries || this.bodyChars > this.maxBodyChars)) {
      const old = this.entries[this.head]!
      this.entries[this.head++] = undefined as never
      this.bodyChars -= old.body?.length ?? 0
      this.dropped++
    }
    // Compact once the dropped prefix dominates, so dropping stays amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
  }

  snapshot(): ReadonlyArray<RequestLogEntry> {
    return this.entries.slice(this.head)
  }

  clear(): void {
    this.entries = []
    this.head = 0
    this.bodyChars = 0
    this.dropped = 0
  }
}
