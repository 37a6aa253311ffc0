/**
 * Fault injection for resilience tests: each rule matches requests by method and path and applies to the next
 * `times` of them (forever when `times` is undefined).
 */
import type * as Duration from "effect/Duration"
import type { RequestMatch } from "../../FakeApiServerModel.js"
import type { ApiRequest } from "./types.js"

export type FaultAction =
  | {
    readonly _tag: "Fail"
    readonly status: number
    readonly reason: string
    readonly message?: string | undefined
    readonly retryAfterSeconds?: number | undefined
  }
  | { readonly _tag: "Latency"; readonly delay: Duration.Duration }
  | { readonly _tag: "CutWatch"; readonly afterEvents: number }
  | { readonly _tag: "Malformed" }

interface Rule {
  readonly match: RequestMatch
  readonly action: FaultAction
  remaining: number
}

const matches = (match: RequestMatch, req: ApiRequest): boolean => {
  if (match.method !== undefined && match.method.toUpperCase() !== req.method.toUpperCase()) return false
  if (match.path === undefined) return true
  if (typeof match.path === "string") return req.path === match.path || req.path.startsWith(match.path)
  const query = req.query.toString()
  return match.path.test(query === "" ? req.path : `${req.path}?${query}`)
}

export class Faults {
  private rules: Array<Rule> = []

  add(match: RequestMatch, action: FaultAction, times: number | undefined) {
    this.rules.push({ match, action, remaining: times ?? Number.POSITIVE_INFINITY })
  }

  clear() {
    this.rules = []
  }

  /** The actions that apply to this request, consuming one use of each matching rule. */
  take(req: ApiRequest): ReadonlyArray<FaultAction> {
    const out: Array<FaultAction> = []
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule.match, req)) continue
      // One failure-type action per request; latency stacks with anything.
      if (rule.action._tag !== "Latency" && out.some((a) => a._tag !== "Latency")) continue
      rule.remaining--
      out.push(rule.action)
    }
    this.rules = this.rules.filter((r) => r.remaining > 0)
    return out
  }
}
