/**
 * Small helpers over plain JSON values shared by the patch engines. Every engine treats its inputs as immutable
 * JSON trees (`unknown`) and builds new trees, so callers may keep and reuse what they pass in.
 *
 * @since 0.1.0
 */

/**
 * A JSON object as the engines see it.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonObject = Record<string, unknown>

/**
 * True for plain JSON objects (not arrays, not null).
 *
 * @since 0.1.0
 * @category guards
 */
export const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Own-property lookup that ignores inherited members such as `constructor` or `__proto__`.
 *
 * @since 0.1.0
 * @category utils
 */
export const has = (o: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key)

/**
 * Sets a property without triggering the `__proto__` setter, so hostile keys stay plain data.
 *
 * @since 0.1.0
 * @category utils
 */
export const setKey = (o: JsonObject, key: string, value: unknown): void => {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Structural equality of JSON values; object key order does not matter, array order does.
 *
 * @since 0.1.0
 * @category utils
 */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (isObject(a)) {
    if (!isObject(b)) return false
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    for (const k of ka) if (!has(b, k) || !deepEqual(a[k], b[k])) return false
    return true
  }
  return false
}

/**
 * Deep copy of a JSON value.
 *
 * @since 0.1.0
 * @category utils
 */
export const clone = <A>(u: A): A => {
  if (Array.isArray(u)) return u.map(clone) as A
  if (isObject(u)) {
    const out: JsonObject = {}
    for (const k of Object.keys(u)) setKey(out, k, clone(u[k]))
    return out as A
  }
  return u
}

/**
 * JSON text with object keys sorted, so equal values always encode to the same string (used for list keys).
 *
 * @since 0.1.0
 * @category utils
 */
export const canonicalJson = (u: unknown): string => {
  if (Array.isArray(u)) return `[${u.map(canonicalJson).join(",")}]`
  if (isObject(u)) {
    return `{${
      Object.keys(u).sort(compareStrings).map((k) => `${JSON.stringify(k)}:${canonicalJson(u[k])}`).join(",")
    }}`
  }
  return JSON.stringify(u) ?? "null"
}

/**
 * Byte-order string comparison (what Go's `strings.Compare` does for ASCII), independent of locale.
 *
 * @since 0.1.0
 * @category utils
 */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const typeRank = (u: unknown): number =>
  u === null || u === undefined
    ? 0
    : typeof u === "boolean"
    ? 1
    : typeof u === "number"
    ? 2
    : typeof u === "string"
    ? 3
    : Array.isArray(u)
    ? 4
    : 5

/**
 * A total order over JSON values: by kind first, then by value (numbers numerically, strings by bytes).
 *
 * @since 0.1.0
 * @category utils
 */
export const compareJson = (a: unknown, b: unknown): number => {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  switch (ra) {
    case 1:
      return a === b ? 0 : a ? 1 : -1
    case 2:
      return (a as number) - (b as number)
    case 3:
      return compareStrings(a as string, b as string)
    case 4: {
      const xa = a as ReadonlyArray<unknown>
      const xb = b as ReadonlyArray<unknown>
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareJson(xa[i], xb[i])
        if (c !== 0) return c
      }
      return xa.length - xb.length
    }
    case 5:
      return compareStrings(canonicalJson(a), canonicalJson(b))
    default:
      return 0
  }
}

/**
 * Renders a value the way Go's `%v` prints decoded JSON (`map[a:1 b:[x y]]`), so error messages read like the
 * apiserver's.
 *
 * @since 0.1.0
 * @category utils
 */
export const goFormat = (u: unknown): string => {
  if (u === null || u === undefined) return "<nil>"
  if (Array.isArray(u)) return `[${u.map(goFormat).join(" ")}]`
  if (isObject(u)) return `map[${Object.keys(u).sort(compareStrings).map((k) => `${k}:${goFormat(u[k])}`).join(" ")}]`
  return String(u)
}
