/**
 * Warning response headers and the handler service they go to (the RestClient calls it for each one).
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/**
 * One `Warning` response header (RFC 7234: `299 - "text"`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Warning {
  readonly code: number
  readonly agent: string
  readonly text: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WarningHandlerService {
  readonly handle: (warning: Warning, request: { readonly method: string; readonly url: string }) => Effect.Effect<void>
}

/**
 * Where `Warning` headers go. The default logs each distinct warning text once per process at warning level, like
 * kubectl's `Warning: ...` lines. Provide your own with `Layer.succeed(WarningHandler, ...)`, or
 * collectWarnings in tests.
 *
 * @since 0.1.0
 * @category tags
 */
export class WarningHandler extends Context.Reference<WarningHandler>()("effect-kube/WarningHandler", {
  defaultValue: (): WarningHandlerService => logOnce(new Set())
}) {}

/**
 * A handler that logs each distinct warning once, remembering texts in `seen`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const logOnce = (seen: Set<string>): WarningHandlerService => ({
  handle: (warning) =>
    Effect.suspend(() => {
      if (seen.has(warning.text)) return Effect.void
      seen.add(warning.text)
      return Effect.logWarning(`Warning: ${warning.text}`)
    })
})

/**
 * A handler that drops warnings.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ignoreWarnings: WarningHandlerService = { handle: () => Effect.void }

/**
 * A handler that keeps every warning (duplicates included), and an effect reading them back.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collectWarnings: Effect.Effect<{
  readonly handler: WarningHandlerService
  readonly warnings: Effect.Effect<ReadonlyArray<Warning>>
}> = Effect.sync(() => {
  const all: Array<Warning> = []
  return {
    handler: { handle: (warning) => Effect.sync(() => void all.push(warning)) },
    warnings: Effect.sync(() => [...all])
  }
})
