/**
 * URL rendering that matches Go's net/url and path packages byte for byte, so requests equal what client-go sends.
 */
import * as Duration from "effect/Duration"

const hex = "0123456789ABCDEF"
const encoder = new TextEncoder()

// Most names and values need no escaping at all; they are returned as they are, without a byte walk.
const plainPath = /^[A-Za-z0-9\-_.~$&+,/:;=@]*$/
const plainQuery = /^[A-Za-z0-9\-_.~]*$/

const escapeWith = (s: string, keep: (c: number) => boolean, spacePlus: boolean): string => {
  let out = ""
  for (const byte of encoder.encode(s)) {
    if (keep(byte)) out += String.fromCharCode(byte)
    else if (spacePlus && byte === 0x20) out += "+"
    else out += "%" + hex[byte >> 4] + hex[byte & 15]
  }
  return out
}

const isUnreserved = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f ||
  c === 0x2e || c === 0x7e

// Go's shouldEscape(c, encodePath): sub-delims `$&+,;=`, `:`, `@` and `/` stay as they are.
const pathKeep = new Set([..."$&+,/:;=@"].map((c) => c.charCodeAt(0)))

/** Go `(*url.URL).EscapedPath` for a path with no RawPath. */
export const escapePath = (path: string): string =>
  plainPath.test(path) ? path : escapeWith(path, (c) => isUnreserved(c) || pathKeep.has(c), false)

/** Go `url.QueryEscape`. */
export const queryEscape = (s: string): string => plainQuery.test(s) ? s : escapeWith(s, isUnreserved, true)

/** Go `url.Values.Encode`: keys sorted, each key's values in insertion order. */
export const encodeQuery = (params: ReadonlyArray<readonly [string, string]>): string => {
  if (params.length === 0) return ""
  const keys: Array<string> = []
  const values = new Map<string, Array<string>>()
  for (const [k, v] of params) {
    let list = values.get(k)
    if (list === undefined) {
      list = []
      values.set(k, list)
      keys.push(k)
    }
    list.push(v)
  }
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const parts: Array<string> = []
  for (const k of keys) {
    for (const v of values.get(k)!) parts.push(`${queryEscape(k)}=${queryEscape(v)}`)
  }
  return parts.join("&")
}

const unclean = /\/\/|\/\.\.?(?:\/|$)|\/$/

/** Go `path.Clean`. */
export const cleanPath = (p: string): string => {
  if (p === "") return "."
  // Already clean: rooted, no empty, `.` or `..` segment, no trailing slash.
  if (p.length > 1 && p.charCodeAt(0) === 0x2f && !unclean.test(p)) return p
  const rooted = p.startsWith("/")
  const out: Array<string> = []
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop()
      else if (!rooted) out.push("..")
      continue
    }
    out.push(seg)
  }
  const joined = out.join("/")
  if (rooted) return "/" + joined
  return joined === "" ? "." : joined
}

/** Go `path.Join`: empty elements are ignored, the result is cleaned. */
export const joinPath = (...elems: ReadonlyArray<string>): string => {
  const nonEmpty = elems.filter((e) => e !== "")
  return nonEmpty.length === 0 ? "" : cleanPath(nonEmpty.join("/"))
}

const trimFloat = (n: number): string => {
  // Go prints the shortest exact decimal; durations here are at most nanosecond precision.
  const s = n.toFixed(9)
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s
}

/** Go `time.Duration.String()`: `5s`, `1m30s`, `1.5s`, `500ms`, `1h0m0s`. */
export const formatDuration = (duration: Duration.DurationInput): string => {
  const nanos = Duration.toNanos(Duration.decode(duration))
  let ns = nanos._tag === "Some" ? nanos.value : BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n
  if (ns === 0n) return "0s"
  const negative = ns < 0n
  if (negative) ns = -ns
  const sign = negative ? "-" : ""
  if (ns < 1_000n) return `${sign}${ns}ns`
  if (ns < 1_000_000n) return `${sign}${trimFloat(Number(ns) / 1e3)}µs`
  if (ns < 1_000_000_000n) return `${sign}${trimFloat(Number(ns) / 1e6)}ms`
  const hours = ns / 3_600_000_000_000n
  const rest = ns % 3_600_000_000_000n
  const minutes = rest / 60_000_000_000n
  const secs = trimFloat(Number(rest % 60_000_000_000n) / 1e9)
  if (hours > 0n) return `${sign}${hours}h${minutes}m${secs}s`
  if (minutes > 0n) return `${sign}${minutes}m${secs}s`
  return `${sign}${secs}s`
}

/** client-go's `IsValidPathSegmentName` messages. */
const noProblems: ReadonlyArray<string> = []

export const pathSegmentProblems = (name: string): ReadonlyArray<string> => {
  if (name === "." || name === "..") return [`may not be '${name}'`]
  if (!name.includes("/") && !name.includes("%")) return noProblems
  const problems: Array<string> = []
  if (name.includes("/")) problems.push("may not contain '/'")
  if (name.includes("%")) problems.push("may not contain '%'")
  return problems
}
