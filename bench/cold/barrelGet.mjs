// A program as the README writes it: `import { Clientset, Kube } from "effect-kube"` (the barrel of the shipped build
// run.ts puts in lib/), Kube.layerKubeconfig, coreV1.pods(ns).get once. Prints one JSON line of timings.
// argv: server kubeconfig namespace name buildDir
import { report } from "./report.mjs"

const start = performance.now()
const cpu0 = process.cpuUsage()
const [, kubeconfig, namespace, name, buildDir] = process.argv.slice(2)
const [Effect, { Clientset, Kube }] = await Promise.all([import("effect/Effect"), import(`${buildDir}/lib/index.js`)])
const imported = performance.now()
const pod = await Effect.runPromise(
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    return yield* cs.coreV1.pods(namespace).get(name)
  }).pipe(Effect.provide(Kube.layerKubeconfig({ path: kubeconfig }, { qps: -1 })))
)
const done = performance.now()
if (pod.metadata?.name !== name) throw new Error("unexpected pod")
report(start, cpu0, imported, done)
