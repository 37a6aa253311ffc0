/**
 * Bytes to lines, for NDJSON watches and followed logs: chunk boundaries may fall anywhere, even inside a UTF-8
 * character.
 */
import * as Stream from "effect/Stream"

export const lines = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<string, E, R> =>
  bytes.pipe(Stream.decodeText(), Stream.splitLines)
