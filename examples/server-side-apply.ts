/**
 * Server-side apply: each field manager declares the fields it cares about; the server merges, records who owns
 * what (managedFields), and answers a Conflict when one manager would overwrite another's field, unless it forces.
 *
 * client-go: `clientset.CoreV1().ConfigMaps(ns).Apply(ctx, applyConfig, metav1.ApplyOptions{FieldManager: "ci",
 * Force: true})`, and `errors.IsConflict(err)` for the conflict.
 *
 *   npm run example examples/server-side-apply.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 *   (on a cluster it applies and then deletes configmap/checkout-settings-example)
 */
import type { ConfigMap } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as Effect from "effect/Effect"
import { isMain, runExample, say, table } from "./support.js"

const name = "checkout-settings-example"

const owners = (cm: ConfigMap) =>
  (cm.metadata?.managedFields ?? []).map((f) => {
    const data = (f.fieldsV1 as { readonly "f:data"?: Record<string, unknown> } | undefined)?.["f:data"] ?? {}
    return [f.manager ?? "", f.operation ?? "", Object.keys(data).map((k) => k.replace(/^f:/, "")).join(", ")]
  })

export const program = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  const configMaps = cs.coreV1.configMaps(cs.restClient.config.namespace)

  // 1. The CI pipeline declares the settings it manages.
  yield* configMaps.apply(
    { metadata: { name }, data: { currency: "EUR", "checkout.timeout": "30s" } },
    { fieldManager: "ci-pipeline" }
  )
  yield* say(`ci-pipeline applied configmap/${name}`)

  // 2. An operator's hotfix wants another timeout: the field belongs to ci-pipeline, so the server says Conflict.
  const hotfix = { metadata: { name }, data: { "checkout.timeout": "60s" } }
  const conflict = yield* configMaps.apply(hotfix, { fieldManager: "hotfix" }).pipe(
    Effect.as("applied?!"),
    Effect.catchTag("Conflict", (e) =>
      Effect.succeed(
        `Conflict: ${(e.status.details?.causes ?? []).map((c) => `${c.field} (${c.message})`).join("; ")}`
      ))
  )
  yield* say(`hotfix without force -> ${conflict}`)

  // 3. With force the hotfix takes the field over.
  const forced = yield* configMaps.apply(hotfix, { fieldManager: "hotfix", force: true })
  yield* say(`hotfix with force    -> checkout.timeout=${forced.data?.["checkout.timeout"]}`)

  // 4. The pipeline applies again, now without the timeout: it gave the field up, so the hotfix value stays.
  const final = yield* configMaps.apply(
    { metadata: { name }, data: { currency: "EUR", "checkout.retries": "3" } },
    { fieldManager: "ci-pipeline" }
  )
  yield* say(`ci-pipeline re-applied; data is now ${JSON.stringify(final.data)}`)
  yield* say("field owners (managedFields):")
  yield* table(["manager", "operation", "data keys"], owners(final))

  yield* configMaps.delete(name)
})

if (isMain(import.meta.url)) runExample(program)
