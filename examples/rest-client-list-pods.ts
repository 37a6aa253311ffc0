/**
 * The RestClient on its own: build a request, send it, decode the body with a Schema.
 *
 * client-go: `clientset.CoreV1().RESTClient().Get().Namespace(ns).Resource("pods").
 * VersionedParams(&metav1.ListOptions{LabelSelector: "app=web"}, scheme.ParameterCodec).Do(ctx).Into(&podList)`
 *
 *   npm run example examples/rest-client-list-pods.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 */
import { PodList } from "effect-kube/api/core/v1"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as RestClient from "effect-kube/RestClient"
import * as Effect from "effect/Effect"
import { formatLabels, isMain, runExample, say, table } from "./support.js"

/** Lists the pods of the configured namespace matching `labelSelector` (all of them when it is empty). */
export const listPods = (labelSelector: string) =>
  Effect.gen(function*() {
    const rest = yield* RestClient.RestClient
    // A KubeRequest is a plain immutable value: build it, look at it, send it later (or twice).
    const request = KubeRequest.list({ resource: "pods", namespace: rest.config.namespace }).pipe(
      KubeRequest.listOptions({ labelSelector })
    )
    yield* say(`GET ${KubeRequest.url(request, rest.config.server)}`)
    return yield* rest.execute(request, PodList)
  })

export const program = Effect.gen(function*() {
  for (const selector of ["app=web", "app in (api,worker)", ""]) {
    const pods = yield* listPods(selector)
    yield* table(
      ["name", "status", "labels"],
      pods.items.map((p) => [p.metadata?.name ?? "", p.status?.phase ?? "", formatLabels(p.metadata?.labels)])
    )
    yield* say(`${pods.items.length} pods match "${selector}" (list resourceVersion ${pods.metadata?.resourceVersion})`)
    yield* say("")
  }
})

if (isMain(import.meta.url)) runExample(program)
