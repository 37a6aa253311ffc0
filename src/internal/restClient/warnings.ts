/**
 * Parsing of `Warning` response headers.
 */
import type { Warning } from "../../WarningHandler.js"

// RFC 7234 warn-value: code SP agent SP quoted-text [SP quoted-date], values separated by commas.
const warningPattern = /(\d{3}) (\S+) "((?:[^"\\]|\\.)*)"(?: "[^"]*")?/g

export const parseWarnings = (header: string): ReadonlyArray<Warning> => {
  const out: Array<Warning> = []
  for (const match of header.matchAll(warningPattern)) {
    out.push({ code: Number(match[1]), agent: match[2]!, text: match[3]!.replace(/\\(.)/g, "$1") })
  }
  return out
}
