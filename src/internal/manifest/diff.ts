/**
 * A unified diff of two texts by lines (`diff -u` layout), from a longest-common-subsequence table: manifests are
 * small, so the quadratic table is fine and keeps the hunks exact.
 */
type Op = { readonly tag: " " | "-" | "+"; readonly line: string }

const ops = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): ReadonlyArray<Op> => {
  const n = a.length
  const m = b.length
  const table: Array<Uint32Array> = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!)
    }
  }
  const out: Array<Op> = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ tag: " ", line: a[i]! })
      i++
      j++
    } else if (i < n && (j >= m || table[i + 1]![j]! >= table[i]![j + 1]!)) {
      out.push({ tag: "-", line: a[i]! })
      i++
    } else {
      out.push({ tag: "+", line: b[j]! })
      j++
    }
  }
  return out
}

const splitLines = (text: string): ReadonlyArray<string> => text === "" ? [] : text.replace(/\n$/, "").split("\n")

/** `--- from` / `+++ to` and hunks with three lines of context; empty when the texts are equal. */
export const unifiedDiff = (from: string, to: string, fromLabel: string, toLabel: string, context = 3): string => {
  const a = splitLines(from)
  const b = splitLines(to)
  const all = ops(a, b)
  if (all.every((op) => op.tag === " ")) return ""
  const lines = [`--- ${fromLabel}`, `+++ ${toLabel}`]
  // Positions (in `all`) of changed ops, grouped into hunks whose context would overlap.
  const changed = all.flatMap((op, k) => op.tag === " " ? [] : [k])
  let h = 0
  while (h < changed.length) {
    let end = h
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * context) end++
    const start = Math.max(0, changed[h]! - context)
    const stop = Math.min(all.length, changed[end]! + context + 1)
    let aStart = 0
    let bStart = 0
    for (let k = 0; k < start; k++) {
      if (all[k]!.tag !== "+") aStart++
      if (all[k]!.tag !== "-") bStart++
    }
    const slice = all.slice(start, stop)
    const aLen = slice.filter((op) => op.tag !== "+").length
    const bLen = slice.filter((op) => op.tag !== "-").length
    lines.push(`@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`)
    for (const op of slice) lines.push(`${op.tag}${op.line}`)
    h = end + 1
  }
  return lines.join("\n") + "\n"
}
