/**
 * Bytes to lines, for NDJSON watches and followed logs: chunk boundaries may fall anywhere, even inside a UTF-8
 * character. Lines end at `\n` or `\r\n` (a lone `\r` stays in the line), as with `Stream.splitLines`; a partial
 * last line is emitted at the end, and before a failure.
 *
 * The pieces of an unfinished line are kept in a list and joined once when its end arrives, so a line spread over
 * many chunks costs time linear in its length (appending each chunk to the partial line made a 64 MB line take
 * minutes).
 */
import * as Stream from "effect/Stream"

export const lines = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<string, E, R> =>
  Stream.suspend(() => {
    const decoder = new TextDecoder()
    let parts: Array<string> = []
    const take = (last: string): string => {
      parts.push(last)
      const line = parts.length === 1 ? last : parts.join("")
      parts = []
      return line
    }
    const split = (text: string, out: Array<string>) => {
      let start = 0
      let newline = text.indexOf("\n")
      while (newline !== -1) {
        const line = take(text.slice(start, newline))
        out.push(line.endsWith("\r") ? line.slice(0, -1) : line)
        start = newline + 1
        newline = text.indexOf("\n", start)
      }
      if (start < text.length) parts.push(text.slice(start))
    }
    const flush = Stream.suspend(() => {
      const out: Array<string> = []
      split(decoder.decode(), out)
      if (parts.length > 0) out.push(take(""))
      return Stream.fromIterable(out)
    })
    const body = Stream.mapConcat(bytes, (chunk) => {
      const out: Array<string> = []
      split(decoder.decode(chunk, { stream: true }), out)
      return out
    })
    return Stream.concat(
      Stream.catchAllCause(body, (cause) => Stream.concat(flush, Stream.failCause(cause))),
      flush
    )
  })
