/**
 * Modules loaded on first use. The public modules of features a program may never touch (WebSockets, manifests,
 * controllers) keep their contracts static and import their implementation through one of these, so importing the
 * package does not load them.
 */
import * as Effect from "effect/Effect"

/** A memoised dynamic import as an effect: the module loads once, on the first run. */
export const lazyModule = <M>(load: () => Promise<M>): Effect.Effect<M> => {
  let module: M | undefined
  let pending: Promise<M> | undefined
  return Effect.suspend(() =>
    module !== undefined
      ? Effect.succeed(module)
      : Effect.promise(() => (pending ??= load().then((m) => (module = m))))
  )
}
