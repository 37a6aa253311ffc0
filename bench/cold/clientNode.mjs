// Cold start of @kubernetes/client-node: load the kubeconfig, readNamespacedPod once. Prints one JSON line.
// argv: server kubeconfig namespace name
import { register } from "node:module"
const start = performance.now()
const [, kubeconfig, namespace, name] = process.argv.slice(2)
// client-node 2.0.1 imports undici 8, which throws under Node 20: see ../undiciHook.mjs.
register("../undiciHook.mjs", import.meta.url)
const k8s = await import("@kubernetes/client-node")
const imported = performance.now()
const kc = new k8s.KubeConfig()
kc.loadFromFile(kubeconfig)
const pod = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedPod({ namespace, name })
const done = performance.now()
if (pod.metadata?.name !== name) throw new Error("unexpected pod")
console.log(JSON.stringify({ importMs: imported - start, firstRequestMs: done - imported, sinceProcessStart: done }))
process.exit(0)
