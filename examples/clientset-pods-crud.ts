/**
 * The typed Clientset on pods: create, get, list by label, update, patch (JSON patch), delete, and the NotFound
 * that follows. Every value is a typed `Pod`; fields the types do not know survive get -> update.
 *
 * client-go: `clientset.CoreV1().Pods(ns).Create / Get / List / Update / Patch / Delete`
 *
 *   npm run example examples/clientset-pods-crud.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 *   (on a cluster it creates and then deletes pod/effect-kube-example-shell)
 */
import type { Pod } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as Effect from "effect/Effect"
import { formatLabels, isMain, runExample, say } from "./support.js"

const name = "effect-kube-example-shell"

const shell: Pod = {
  metadata: { name, labels: { app: "debug", "example.com/owner": "effect-kube" } },
  spec: {
    restartPolicy: "Never",
    containers: [{ name: "shell", image: "busybox:1.36", command: ["sleep", "3600"] }]
  }
}

export const program = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  const pods = cs.coreV1.pods(cs.restClient.config.namespace)

  const created = yield* pods.create(shell)
  yield* say(
    `created  pod/${created.metadata?.name} uid=${created.metadata?.uid} rv=${created.metadata?.resourceVersion}`
  )

  const got = yield* pods.get(name)
  yield* say(`got      pod/${got.metadata?.name} image=${got.spec?.containers[0]?.image}`)

  const debugPods = yield* pods.list({ labelSelector: "app=debug" })
  yield* say(
    `listed   ${debugPods.items.length} pod(s) with app=debug: ${
      debugPods.items.map((p) => p.metadata?.name).join(", ")
    }`
  )

  // Update replaces the whole object; the resourceVersion read above makes it fail with Conflict if someone else
  // wrote in between.
  const updated = yield* pods.update({
    ...got,
    metadata: { ...got.metadata, annotations: { ...got.metadata?.annotations, "example.com/reason": "debugging" } }
  })
  yield* say(
    `updated  annotations ${formatLabels(updated.metadata?.annotations)} rv=${updated.metadata?.resourceVersion}`
  )

  const patched = yield* pods.patch(name, "json", [
    { op: "add", path: "/metadata/labels/example.com~1ticket", value: "OPS-1234" }
  ])
  yield* say(`patched  labels ${formatLabels(patched.metadata?.labels)}`)

  yield* pods.delete(name, { gracePeriodSeconds: 0 })
  yield* say(`deleted  pod/${name}`)

  const after = yield* pods.get(name).pipe(
    Effect.as("still there"),
    Effect.catchTag("NotFound", () => Effect.succeed("NotFound, as expected"))
  )
  yield* say(`get      pod/${name}: ${after}`)
})

if (isMain(import.meta.url)) runExample(program)
