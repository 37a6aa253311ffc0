/**
 * In-cluster configuration: inside a pod, the kubelet mounts a service-account token, the cluster CA and the pod's
 * namespace under /var/run/secrets/kubernetes.io/serviceaccount and sets KUBERNETES_SERVICE_HOST/PORT. The
 * `RestConfig.layerInCluster` layer turns that into a RestConfig (the token file is re-read as the kubelet rotates
 * it), and the rest of the stack is the same as with a kubeconfig.
 *
 * client-go: `rest.InClusterConfig()` then `kubernetes.NewForConfig(config)`.
 *
 *   npm run example examples/in-cluster-config.ts
 *
 * In a pod it uses the real mount. Anywhere else it stands up the fake apiserver over HTTPS, writes the three files a
 * pod would get into a temp dir standing in for the mount, points the service variables at the fake, and runs the
 * very same program.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import * as Kube from "effect-kube/Kube"
import * as RestConfig from "effect-kube/RestConfig"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fakeOptions, isMain, runMain, say } from "./support.js"

/** The whole stack on the in-cluster RestConfig; `directory` replaces the standard mount path. */
export const inClusterStack = (directory?: string) =>
  Kube.layerFromConfig().pipe(
    Layer.provideMerge(RestConfig.layerInCluster(directory === undefined ? {} : { directory })),
    Layer.provide(NodeContext.layer)
  )

/** What any in-cluster program does first: see who and where it is, then use the API. */
export const program = Effect.gen(function*() {
  const config = yield* RestConfig.RestConfig
  yield* say(`server     ${config.server}   (from KUBERNETES_SERVICE_HOST/PORT)`)
  yield* say(`namespace  ${config.namespace}   (from the mounted namespace file)`)
  yield* say(
    `auth       ${
      config.auth._tag === "TokenFile" ? `token file ${config.auth.path}, re-read as it rotates` : config.auth._tag
    }`
  )
  yield* say(`CA         ${config.tls.caFile ?? "system roots"}`)
  const cs = yield* Clientset.Clientset
  const pods = yield* cs.coreV1.pods(config.namespace).list()
  yield* say(`${pods.items.length} pods in ${config.namespace}: ${pods.items.map((p) => p.metadata?.name).join(", ")}`)
})

/** Off-cluster: the fake over HTTPS, and a temp dir with the files the kubelet would mount. */
export const onFake = Effect.gen(function*() {
  const server = yield* FakeApiServer.listen({ ...fakeOptions(), https: true })
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-serviceaccount-"))),
    (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
  )
  Fs.writeFileSync(Path.join(dir, "token"), Redacted.value(server.token), { mode: 0o600 })
  Fs.writeFileSync(Path.join(dir, "ca.crt"), server.caPem ?? "")
  Fs.writeFileSync(Path.join(dir, "namespace"), "shop")
  yield* say(`stand-in for /var/run/secrets/kubernetes.io/serviceaccount: ${dir} (token, ca.crt, namespace)`)
  // What the kubelet puts in a pod's environment, given to the program as configuration (process.env is untouched).
  const env = ConfigProvider.fromMap(
    new Map([["KUBERNETES_SERVICE_HOST", "127.0.0.1"], ["KUBERNETES_SERVICE_PORT", String(server.port)]])
  )
  yield* program.pipe(Effect.provide(inClusterStack(dir)), Effect.withConfigProvider(env))
}).pipe(Effect.scoped)

/** Whether this process runs in a pod (the service variables and the token are there). */
const inPod = () =>
  process.env.KUBERNETES_SERVICE_HOST !== undefined &&
  Fs.existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token")

if (isMain(import.meta.url)) {
  runMain(inPod() ? Effect.provide(program, inClusterStack()) : onFake)
}
