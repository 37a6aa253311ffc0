/**
 * Base64 decoding with Go's `encoding/base64.StdEncoding` rules, which is what kubectl applies to `*-data` fields:
 * padding is required, CR and LF are skipped, and the error names the offending byte offset the same way.
 */

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const decodeMap = new Int16Array(256).fill(-1)
for (let i = 0; i < alphabet.length; i++) decodeMap[alphabet.charCodeAt(i)] = i

export type DecodeResult =
  | { readonly _tag: "Ok"; readonly bytes: Uint8Array }
  | { readonly _tag: "Corrupt"; readonly offset: number }

const isNewline = (c: number) => c === 10 || c === 13

export const decodeStd = (text: string): DecodeResult => {
  const src = Buffer.from(text, "utf8")
  const out: Array<number> = []
  let si = 0
  for (;;) {
    const dbuf = [0, 0, 0, 0]
    let dlen = 4
    let done = false
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { _tag: "Ok", bytes: Uint8Array.from(out) }
        return { _tag: "Corrupt", offset: si - j }
      }
      const c = src[si]!
      si++
      const v = decodeMap[c]!
      if (v >= 0) {
        dbuf[j] = v
        continue
      }
      if (isNewline(c)) {
        j--
        continue
      }
      if (c !== 61 /* = */) return { _tag: "Corrupt", offset: si - 1 }
      if (j === 0 || j === 1) return { _tag: "Corrupt", offset: si - 1 }
      if (j === 2) {
        while (si < src.length && isNewline(src[si]!)) si++
        if (si === src.length) return { _tag: "Corrupt", offset: src.length }
        if (src[si] !== 61) return { _tag: "Corrupt", offset: si - 1 }
        si++
      }
      while (si < src.length && isNewline(src[si]!)) si++
      if (si < src.length) return { _tag: "Corrupt", offset: si }
      dlen = j
      done = true
      break
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff]
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]!)
    if (done) return { _tag: "Ok", bytes: Uint8Array.from(out) }
  }
}
