// The depth limit on decoded bodies (Limits.maxJsonDepth) is checked on the parsed value; these tests hold it to
// the text's bracket nesting, which is what the limit means, on random documents and at the limit's boundary.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { depthExceeds, parseJson } from "../src/internal/restClient/decode.js"

/** Bracket nesting of a JSON text outside strings: the reference the walk must agree with. */
const textDepth = (text: string): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === "\\") i++
      else if (c === "\"") inString = false
    } else if (c === "\"") {
      inString = true
    } else if (c === "{" || c === "[") {
      deepest = Math.max(deepest, ++depth)
    } else if (c === "}" || c === "]") {
      depth--
    }
  }
  return deepest
}

// A small seeded generator so a failure reproduces.
const prng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}

const randomValue = (next: () => number, budget: number): unknown => {
  const roll = next()
  if (budget <= 0 || roll < 0.3) {
    const leaves = [1, "x", "{[\\\"]}", null, true, "", "]]]"]
    return leaves[Math.floor(next() * leaves.length)]
  }
  const size = Math.floor(next() * 4)
  if (roll < 0.65) return Array.from({ length: size }, () => randomValue(next, budget - 1))
  const object: Record<string, unknown> = {}
  for (let i = 0; i < size; i++) object[`k${i}${i === 1 ? "{[" : ""}`] = randomValue(next, budget - 1)
  return object
}

describe("depthExceeds", () => {
  it("agrees with the text's bracket nesting for every limit, on 500 random documents", () => {
    const next = prng(7)
    let deep = 0
    for (let n = 0; n < 500; n++) {
      const text = JSON.stringify(randomValue(next, 12))
      const depth = textDepth(text)
      if (depth >= 6) deep++
      const value = JSON.parse(text)
      for (let max = 0; max <= depth + 1; max++) expect(depthExceeds(value, max)).toBe(depth > max)
    }
    // The generator does reach nested documents, so the loop above tests more than leaves.
    expect(deep).toBeGreaterThan(20)
  })

  it("parseJson refuses a body one level past the limit and accepts one at it", () => {
    const max = 50
    const ctx = { method: "GET", url: "https://k/api/v1/secrets", maxJsonDepth: max }
    const nested = (levels: number) => `{"kind":"Secret","data":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`
    const pad = (text: string) => text + " ".repeat(Math.max(0, 2 * max - text.length))
    const at = parseJson(pad(nested(max)), ctx)
    expect(Either.isRight(at)).toBe(true)
    const over = parseJson(pad(nested(max + 1)), ctx)
    expect(Either.isLeft(over) && over.left.message).toContain(`nested deeper than ${max} levels`)
  })

  it("walks a body far deeper than the stack would allow a recursive walk", () => {
    const levels = 200_000
    const value = JSON.parse("[".repeat(levels) + "]".repeat(levels))
    expect(depthExceeds(value, 10_000)).toBe(true)
    expect(depthExceeds(value, levels)).toBe(false)
  })
})
