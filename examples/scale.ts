/**
 * Scaling through the `scale` subresource: the ScaleClient works for any scalable kind, resolved by group and
 * resource through discovery (Deployments, StatefulSets, ReplicaSets, custom resources with a scale subresource);
 * the typed Clientset has `getScale` / `updateScale` on the kinds that have one.
 *
 * client-go: `scale.New(...).Scales(ns).Get(ctx, schema.GroupResource{Group: "apps", Resource: "deployments"}, name)`
 * and `clientset.AppsV1().Deployments(ns).UpdateScale(ctx, name, scale, opts)`.
 *
 *   npm run example examples/scale.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 *   (on a cluster it scales deployment/web to 4 and back to its old size: pass --deployment NAME for another one)
 */
import * as Clientset from "effect-kube/Clientset"
import * as ScaleClient from "effect-kube/ScaleClient"
import * as Effect from "effect/Effect"
import { isMain, runExample, say } from "./support.js"

const deployments = { group: "apps", resource: "deployments" }

/** Sets `replicas` on a Deployment through the generic ScaleClient; returns the previous count. */
export const scaleDeployment = (name: string, replicas: number) =>
  Effect.gen(function*() {
    const scales = yield* ScaleClient.ScaleClient
    const ns = (yield* Clientset.Clientset).restClient.config.namespace
    const current = yield* scales.get(deployments, ns, name)
    // The read resourceVersion rides along: a concurrent scale makes this fail with Conflict instead of losing it.
    yield* scales.update(deployments, ns, { ...current, spec: { replicas } })
    return current.spec?.replicas ?? 0
  })

export const program = (name = "web", replicas = 4, restore = false) =>
  Effect.gen(function*() {
    const before = yield* scaleDeployment(name, replicas)
    yield* say(`ScaleClient:  deployment/${name} ${before} -> ${replicas} replicas`)

    const cs = yield* Clientset.Clientset
    const typed = cs.appsV1.deployments(cs.restClient.config.namespace)
    const scale = yield* typed.getScale(name)
    yield* say(
      `Clientset:    getScale says spec.replicas=${scale.spec?.replicas}, selector "${scale.status?.selector ?? ""}"`
    )
    const deployment = yield* typed.get(name)
    yield* say(`Clientset:    deployment/${name} spec.replicas=${deployment.spec?.replicas}`)

    // Scaling something that has no scale subresource is a typed error, found through discovery.
    const configMaps = yield* ScaleClient.ScaleClient.pipe(
      Effect.flatMap((s) => s.get({ group: "", resource: "configmaps" }, cs.restClient.config.namespace, "x")),
      Effect.as("scaled?"),
      Effect.catchTag("NoScaleSubresource", (e) => Effect.succeed(e.message))
    )
    yield* say(`ScaleClient:  configmaps -> ${configMaps}`)

    if (restore) {
      yield* scaleDeployment(name, before)
      yield* say(`restored deployment/${name} to ${before} replicas`)
    }
  })

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2)
  const i = argv.indexOf("--deployment")
  const onCluster = argv.some((a) => a.startsWith("--kubeconfig"))
  runExample(program(i >= 0 ? argv[i + 1] : "web", 4, onCluster))
}
