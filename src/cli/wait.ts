/**
 * `effect-kube wait --for=condition=X[=value] | --for=delete | --for=jsonpath='{...}'[=value] RESOURCE/NAME ...
 * [--timeout=30s]`: kubectl wait on the library's Wait, with kubectl's lines (`deployment.apps/web condition met`,
 * `error: timed out waiting for the condition on deployments/web`) and exit codes (0 when every object met the
 * condition, 1 otherwise).
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Conditions from "../Conditions.js"
import * as DynamicClient from "../DynamicClient.js"
import * as RestClient from "../RestClient.js"
import * as RestMapper from "../RestMapper.js"
import * as Wait from "../Wait.js"
import type { Command } from "./command.js"
import { parseGoDuration } from "./duration.js"
import { describeFailure } from "./failure.js"
import * as JsonPath from "./jsonPath.js"
import { CliError, commandWith, commonFlags, layer, parseArgs, stackOptions } from "./stack.js"

const usage = `Wait for a specific condition on one or many resources.

Usage:
  effect-kube wait (RESOURCE/NAME | RESOURCE NAME...) --for=delete|condition=COND[=VALUE]|jsonpath='{PATH}'[=VALUE] [--timeout=30s] [flags]
`

const flags = [...commonFlags, { name: "for" }, { name: "timeout" }]

/** Whether an object meets the condition, or why the condition cannot be evaluated on it. */
type Verdict = boolean | { readonly error: string }

type Target =
  | { readonly _tag: "Delete" }
  | { readonly _tag: "Match"; readonly test: (object: unknown) => Verdict }

const jsonPathFormat = "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3"

/** kubectl's relaxed form: `{.a.b}`, `.a.b` and `a.b` all mean `{.a.b}`. */
const relaxed = (expression: string): string =>
  expression.startsWith("{") && expression.endsWith("}")
    ? expression
    : `{${expression.startsWith(".") ? "" : "."}${expression}}`

/** Splits `EXPRESSION[=VALUE]`; an expression in braces ends at its closing brace, so filters may hold `==`. */
const splitJsonPath = (rest: string): { readonly expression: string; readonly value: string | undefined } => {
  const end = rest.startsWith("{") ? rest.indexOf("}") + 1 : rest.indexOf("=")
  if (end <= 0) return { expression: rest, value: undefined }
  if (!rest.startsWith("{")) return { expression: rest.slice(0, end), value: rest.slice(end + 1) }
  const tail = rest.slice(end)
  return {
    expression: rest.slice(0, end),
    value: tail === "" ? undefined : tail.startsWith("=") ? tail.slice(1) : tail
  }
}

/**
 * kubectl's jsonpath wait: the full jsonpath grammar (filters, wildcards) with missing keys allowed; met when the
 * expression selects exactly one value (equal to the expected one, compared as Go prints it, if one is given).
 */
const jsonPathTarget = (rest: string): Target | { readonly error: string } => {
  const { expression, value } = splitJsonPath(rest)
  if (expression === "" || expression === "{}") return { error: jsonPathFormat }
  if (value !== undefined && value.includes("=") && !expression.startsWith("{")) return { error: jsonPathFormat }
  const expected = value === undefined ? undefined : value.replace(/^['"]+|['"]+$/g, "")
  if (expected === "") {
    return {
      error: "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"
    }
  }
  let template: JsonPath.Template
  try {
    template = JsonPath.parse(relaxed(expression))
  } catch (error) {
    return { error: error instanceof JsonPath.JsonPathError ? error.message : String(error) }
  }
  return {
    _tag: "Match",
    test: (object) => {
      let results: Array<Array<unknown>>
      try {
        results = JsonPath.findResults(template, object)
      } catch {
        return false
      }
      if (results.length === 0 || results[0]!.length === 0) return false
      if (results.length > 1) return { error: "given jsonpath expression matches more than one list" }
      if (results[0]!.length > 1) return { error: "given jsonpath expression matches more than one value" }
      if (expected === undefined) return true
      const v = results[0]![0]
      if (typeof v === "object" && v !== null) {
        return { error: "jsonpath leads to a nested object or list which is not supported" }
      }
      return JsonPath.goText(v) === expected
    }
  }
}

export const parseFor = (spec: string | undefined): Target | { readonly error: string } => {
  const value = spec ?? ""
  if (value.toLowerCase() === "delete") return { _tag: "Delete" }
  if (value.startsWith("condition=")) {
    const rest = value.slice("condition=".length)
    const eq = rest.indexOf("=")
    const type = eq === -1 ? rest : rest.slice(0, eq)
    const status = eq === -1 ? "True" : rest.slice(eq + 1)
    if (type === "") return { error: `unrecognized condition: "${value}"` }
    return { _tag: "Match", test: Conditions.hasCondition(type, status) }
  }
  if (value.startsWith("jsonpath=")) return jsonPathTarget(value.slice("jsonpath=".length))
  return { error: `unrecognized condition: "${value}"` }
}

/** `RESOURCE/NAME ...` or `RESOURCE NAME...`. */
const targets = (
  positional: ReadonlyArray<string>
): ReadonlyArray<readonly [string, string]> | { readonly error: string } => {
  if (positional.length === 0) return { error: "resource(s) were provided, but no name was specified" }
  if (positional.every((p) => p.includes("/"))) {
    return positional.map((p) => [p.slice(0, p.indexOf("/")), p.slice(p.indexOf("/") + 1)] as const)
  }
  const [kind, ...names] = positional
  if (names.length === 0 || kind!.includes("/")) {
    return { error: "resource(s) were provided, but no name was specified" }
  }
  return names.map((n) => [kind!, n] as const)
}

export const command: Command = commandWith("wait", (args, globals) =>
  Effect.gen(function*() {
    const parsed = parseArgs(args, flags)
    if ("error" in parsed) {
      yield* Console.error(`error: ${parsed.error}\nSee 'effect-kube wait --help' for usage.`)
      return 1
    }
    if (parsed.bools.get("help") === true) {
      yield* Console.log(usage)
      return 0
    }
    const target = parseFor(parsed.values.get("for"))
    if ("error" in target) {
      yield* Console.error(`error: ${target.error}`)
      return 1
    }
    const timeoutText = parsed.values.get("timeout") ?? "30s"
    const timeout = parseGoDuration(timeoutText)
    if (timeout === undefined) {
      yield* Console.error(
        `error: invalid argument "${timeoutText}" for "--timeout" flag: time: invalid duration "${timeoutText}"`
      )
      return 1
    }
    const objects = targets(parsed.positional)
    if ("error" in objects) {
      yield* Console.error(`error: ${objects.error}`)
      return 1
    }
    const options = stackOptions(globals)
    if ("error" in options) {
      yield* Console.error(`error: ${options.error}`)
      return 1
    }
    return yield* Effect.gen(function*() {
      const mapper = yield* RestMapper.RestMapper
      const rest = yield* RestClient.RestClient
      const dynamic = yield* DynamicClient.DynamicClient
      const failures: Array<string> = []
      for (const [kind, name] of objects) {
        const outcome = yield* Effect.gen(function*() {
          const mapping = yield* Effect.catchTags(mapper.resolve(kind), {
            NoResourceMatch: () => Effect.fail(CliError.unknownType(kind)),
            NoKindMatch: () => Effect.fail(CliError.unknownType(kind))
          })
          const base = dynamic.resource(mapping.resource)
          const client = mapping.namespaced ? base.namespace(rest.config.namespace) : base
          const kindName = mapping.groupVersionKind.kind.toLowerCase()
          const ref = `${mapping.resource.group === "" ? kindName : `${kindName}.${mapping.resource.group}`}/${name}`
          const timedOut = `timed out waiting for the condition on ${mapping.resource.resource}/${name}`
          if (target._tag === "Delete") {
            // kubectl reports nothing for an object that is already gone.
            const exists = yield* client.get(name).pipe(
              Effect.as(true),
              Effect.catchTag("NotFound", () => Effect.succeed(false))
            )
            if (!exists) return undefined
            return yield* Wait.deleted(client, name, { timeout }).pipe(
              Effect.as(`${ref} condition met`),
              Effect.catchTag("WaitTimeout", () => Effect.fail(timedOut))
            )
          }
          // The object must exist when the wait starts, as with kubectl.
          yield* client.get(name)
          let unusable: string | undefined
          const met = (object: unknown): boolean => {
            const verdict = target.test(object)
            if (typeof verdict === "boolean") return verdict
            unusable = verdict.error
            return true
          }
          yield* Wait.until(client, name, met, { timeout }).pipe(
            Effect.catchTag("WaitTimeout", () => Effect.fail(timedOut))
          )
          if (unusable !== undefined) return yield* Effect.fail(unusable)
          return `${ref} condition met`
        }).pipe(Effect.either)
        if (outcome._tag === "Right") {
          if (outcome.right !== undefined) yield* Console.log(outcome.right)
        } else {
          failures.push(typeof outcome.left === "string" ? outcome.left : describeFailure(outcome.left))
        }
      }
      // kubectl prints every failure, the last as the command's error.
      for (const [i, message] of failures.entries()) {
        const last = i === failures.length - 1
        yield* Console.error(
          last && !message.startsWith("error: ") && !message.startsWith("Error from server")
            ? `error: ${message}`
            : message
        )
      }
      return failures.length === 0 ? 0 : 1
    }).pipe(Effect.provide(layer(options)))
  }))
