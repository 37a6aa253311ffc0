/**
 * Query parameters read the way the apiserver's parameter conversion reads them (apimachinery's
 * Convert_Slice_string_To_bool / _To_int64): the first value of a repeated parameter counts; a boolean is false
 * only when absent, `0` or `false` in any case (so `true`, `True`, `TRUE`, `1`, `t` are all true); integers are
 * base-10 int64 and anything else is a 400 with Go's strconv wording.
 */

export const flag = (q: URLSearchParams, name: string): boolean => {
  const v = q.get(name)
  if (v === null) return false
  return !(v === "0" || v.toLowerCase() === "false")
}

export type Integer =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Value"; readonly value: number }
  | { readonly _tag: "Invalid"; readonly message: string }

const int64 = /^[+-]?\d+$/

export const integer = (q: URLSearchParams, name: string): Integer => {
  const v = q.get(name)
  if (v === null) return { _tag: "Absent" }
  if (!int64.test(v)) {
    return { _tag: "Invalid", message: `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax` }
  }
  const n = BigInt(v)
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    return { _tag: "Invalid", message: `strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range` }
  }
  return { _tag: "Value", value: Number(n) }
}
