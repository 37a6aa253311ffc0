// Cold start of effect-kube from JavaScript (run.ts puts the shipped build, scripts/bundle-lib.mjs, in a temporary
// directory): Kube.layerKubeconfig, Clientset coreV1.pods(ns).get once. Prints one JSON line.
// argv: server kubeconfig namespace name buildDir
const start = performance.now()
const [, kubeconfig, namespace, name, buildDir] = process.argv.slice(2)
const [Effect, Kube, Clientset] = await Promise.all([
  import("effect/Effect"),
  import(`${buildDir}/lib/Kube.js`),
  import(`${buildDir}/lib/Clientset.js`)
])
const imported = performance.now()
const pod = await Effect.runPromise(
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    return yield* cs.coreV1.pods(namespace).get(name)
  }).pipe(Effect.provide(Kube.layerKubeconfig({ path: kubeconfig }, { qps: -1 })))
)
const done = performance.now()
if (pod.metadata?.name !== name) throw new Error("unexpected pod")
console.log(JSON.stringify({ importMs: imported - start, firstRequestMs: done - imported, sinceProcessStart: done }))
process.exit(0)
