/**
 * client-go's `workqueue` rate limiters as synchronous state machines over a caller-supplied clock reading, so the
 * queue can consult them inside one `Effect.sync` and tests can check their numbers exactly.
 */
import type { RateLimiter } from "../../WorkQueueModel.js"

/** `ItemExponentialFailureRateLimiter`: base * 2^failures, capped at max; one failure count per key. */
export const exponential = (baseMillis: number, maxMillis: number): RateLimiter => {
  const failures = new Map<string, number>()
  return {
    when: (key) => {
      const exp = failures.get(key) ?? 0
      failures.set(key, exp + 1)
      // 2^exp overflows to Infinity long after it passes any sane max; Math.min keeps the cap exact.
      const backoff = baseMillis * Math.pow(2, exp)
      return Number.isFinite(backoff) ? Math.min(backoff, maxMillis) : maxMillis
    },
    forget: (key) => {
      failures.delete(key)
    },
    numRequeues: (key) => failures.get(key) ?? 0
  }
}

/**
 * `BucketRateLimiter` over golang.org/x/time/rate's `Limiter.Reserve()`: the bucket refills at `qps`, holds at most
 * `burst`, and a reservation may drive it negative; the delay is how long until the debt is repaid.
 */
export const bucket = (qps: number, burst: number): RateLimiter => {
  let tokens = burst
  let last: number | undefined
  return {
    when: (_key, now) => {
      if (last === undefined) last = now
      if (now > last) {
        tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps)
        last = now
      }
      tokens -= 1
      return tokens >= 0 ? 0 : (-tokens / qps) * 1000
    },
    forget: () => {},
    numRequeues: () => 0
  }
}

/** `MaxOfRateLimiter`: every limiter is consulted (each keeps its own state), the longest delay wins. */
export const maxOf = (limiters: ReadonlyArray<RateLimiter>): RateLimiter => ({
  when: (key, now) => {
    let out = 0
    for (const l of limiters) out = Math.max(out, l.when(key, now))
    return out
  },
  forget: (key) => {
    for (const l of limiters) l.forget(key)
  },
  numRequeues: (key) => {
    let out = 0
    for (const l of limiters) out = Math.max(out, l.numRequeues(key))
    return out
  }
})
