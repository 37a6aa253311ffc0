/**
 * The `resourceVersion` query parameter read as the apiserver's storage reads it (strconv.ParseUint, base 10,
 * 64 bits): `""` and `"0"` mean "any", anything but plain decimal digits is a 400 worded as the storage layer words
 * it (`resourceVersion: Invalid value: "1e3": strconv.ParseUint: parsing "1e3": invalid syntax`).
 */
import * as S from "./status.js"
import type { ApiReply } from "./types.js"

export type ResourceVersionParam =
  | { readonly _tag: "Any" }
  | { readonly _tag: "At"; readonly rv: number }

const maxUint64 = 18446744073709551615n

/** Go's %q for the common case; JSON's escapes agree with it for printable ASCII and the usual controls. */
const quoted = (s: string) => JSON.stringify(s)

const invalid = (value: string, why: string): ApiReply =>
  S.badRequest(
    `resourceVersion: Invalid value: ${quoted(value)}: strconv.ParseUint: parsing ${quoted(value)}: ${why}`
  )

export const parseResourceVersion = (value: string | null): ResourceVersionParam | ApiReply => {
  if (value === null || value === "" || value === "0") return { _tag: "Any" }
  if (!/^\d+$/.test(value)) return invalid(value, "invalid syntax")
  const n = BigInt(value)
  if (n > maxUint64) return invalid(value, "value out of range")
  return n === 0n ? { _tag: "Any" } : { _tag: "At", rv: Number(n) }
}
