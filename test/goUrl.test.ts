// goUrl's shortcuts (strings that need no escaping, paths that are already clean) must give what the full
// algorithms give. The references below are the plain byte-by-byte versions of Go's url.PathEscape-for-paths,
// url.QueryEscape and path.Clean.
import { describe, expect, it } from "@effect/vitest"
import { cleanPath, escapePath, joinPath, pathSegmentProblems, queryEscape } from "../src/internal/restClient/goUrl.js"

const unreserved = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f ||
  c === 0x2e || c === 0x7e

const referenceEscape = (s: string, path: boolean): string =>
  [...new TextEncoder().encode(s)].map((c) =>
    unreserved(c) || (path && "$&+,/:;=@".includes(String.fromCharCode(c)))
      ? String.fromCharCode(c)
      : !path && c === 0x20
      ? "+"
      : `%${c.toString(16).toUpperCase().padStart(2, "0")}`
  ).join("")

const referenceClean = (p: string): string => {
  if (p === "") return "."
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
  return rooted ? "/" + joined : joined === "" ? "." : joined
}

// A deterministic generator: every loop below is bounded.
const strings = (alphabet: ReadonlyArray<string>, count: number, maxLength: number): Array<string> => {
  let state = 12345
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  return Array.from(
    { length: count },
    () =>
      Array.from({ length: Math.floor(next() * (maxLength + 1)) }, () => alphabet[Math.floor(next() * alphabet.length)])
        .join("")
  )
}

describe("goUrl shortcuts agree with the full algorithms", () => {
  const alphabet = ["a", "Z", "0", "-", ".", "/", "~", "%", " ", "?", "#", "+", "=", "é", ":", "@", "_"]

  it("escapePath and queryEscape", () => {
    for (const s of strings(alphabet, 3000, 12)) {
      expect(escapePath(s)).toBe(referenceEscape(s, true))
      expect(queryEscape(s)).toBe(referenceEscape(s, false))
    }
    expect(escapePath("/api/v1/namespaces/a b/pods")).toBe("/api/v1/namespaces/a%20b/pods")
    expect(queryEscape("app=x,tier in (a)")).toBe("app%3Dx%2Ctier+in+%28a%29")
  })

  it("cleanPath and joinPath", () => {
    for (const p of strings(["a", "b", "/", ".", "/", "."], 3000, 10)) {
      expect(cleanPath(p)).toBe(referenceClean(p))
      expect(cleanPath("/" + p)).toBe(referenceClean("/" + p))
    }
    expect(joinPath("/prefix/", "/api", "", "v1")).toBe("/prefix/api/v1")
    expect(cleanPath("/api/v1/")).toBe("/api/v1")
    expect(cleanPath("/api/./v1/..")).toBe("/api")
  })

  it("pathSegmentProblems", () => {
    expect(pathSegmentProblems("pod-1")).toEqual([])
    expect(pathSegmentProblems("..")).toEqual(["may not be '..'"])
    expect(pathSegmentProblems("a/b%")).toEqual(["may not contain '/'", "may not contain '%'"])
  })
})
