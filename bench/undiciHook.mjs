// @kubernetes/client-node 2.0.1 depends on undici 8, which throws on import under Node 20 (it needs Node 22.19).
// This machine runs Node 20, and every contender must run on the same Node, so the client-node contender registers
// this resolve hook (node:module register) before importing client-node: client-node's own `undici` imports are
// redirected to undici 7 (installed under the npm alias `undici7`), whose API client-node 2.0.1 uses the same way.
// Nothing else is redirected.
export async function resolve(specifier, context, next) {
  if (
    (specifier === "undici" || specifier.startsWith("undici/")) &&
    context.parentURL?.includes("/@kubernetes/client-node/")
  ) {
    return next(specifier.replace(/^undici/, "undici7"), context)
  }
  return next(specifier, context)
}
