/**
 * Bounds that keep the fake apiserver's memory finite whatever its clients send or fail to read, with the real
 * apiserver's values where it has one (`--max-request-body-bytes`, 3 MiB by default, answered with 413).
 */
import * as S from "./status.js"
import type { ApiReply } from "./types.js"

export interface FakeLimits {
  /** Largest request body accepted; a larger one is answered 413 RequestEntityTooLarge without being buffered. */
  readonly maxRequestBodyBytes: number
  /** How many entries the request log keeps (oldest dropped first). */
  readonly maxLoggedRequests: number
  /** How many characters of request bodies the request log keeps in total (oldest entries dropped first). */
  readonly maxLoggedBodyBytes: number
  /** How many bytes of serialized events may wait for one watcher before the server ends its watch. */
  readonly maxWatchBacklogBytes: number
}

export const defaultLimits: FakeLimits = {
  maxRequestBodyBytes: 3 * 1024 * 1024,
  maxLoggedRequests: 10_000,
  maxLoggedBodyBytes: 64 * 1024 * 1024,
  maxWatchBacklogBytes: 64 * 1024 * 1024
}

/** The real apiserver's reply to a body over its limit (apimachinery's NewRequestEntityTooLargeError). */
export const requestEntityTooLarge = (limit: number): ApiReply =>
  S.failure(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`)
