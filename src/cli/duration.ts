import * as Duration from "effect/Duration"

/** Go's `time.ParseDuration` for the forms kubectl users type; a bare number means seconds, as kubectl does. */
export const parseGoDuration = (input: string): Duration.Duration | undefined => {
  if (/^\d+$/.test(input)) return Duration.seconds(Number(input))
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 1e-6 }
  let total = 0
  let rest = input
  if (rest === "") return undefined
  while (rest !== "") {
    const match = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest)
    if (match === null) return undefined
    total += Number(match[1]) * units[match[2]!]!
    rest = rest.slice(match[0].length)
  }
  return Duration.millis(total)
}
