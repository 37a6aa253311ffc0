/**
 * The `yaml` package on first use. A plain kubeconfig is read without it (internal/kubeconfig/fastYaml.ts) and a
 * program that never parses or prints a manifest never needs it, so no production module imports it statically: it
 * is about a tenth of a cold start.
 */
import * as Effect from "effect/Effect"
import { createRequire } from "node:module"
import type * as YAML from "yaml"

let loaded: typeof YAML | undefined

/**
 * Synchronous: `yaml` is CommonJS, so Node requires it from node_modules (what `Effect.runSync(Manifest.parse(...))`
 * and the synchronous `Manifest.parseDocuments` / `Kubeconfig.printYaml` need).
 */
export const sync = (): typeof YAML => loaded ??= createRequire(import.meta.url)("yaml") as typeof YAML

/**
 * For effects: synchronous where node_modules has the package; else (an application bundle without node_modules)
 * the dynamic import, which bundlers follow and put in the bundle.
 */
export const load: Effect.Effect<typeof YAML> = Effect.suspend(() => {
  if (loaded !== undefined) return Effect.succeed(loaded)
  try {
    return Effect.succeed(sync())
  } catch {
    return Effect.promise(async () => (loaded ??= await import("yaml")))
  }
})
