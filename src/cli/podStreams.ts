/** What exec, attach, logs, port-forward and cp share: the stack with WebSockets, and kubectl's container choice. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as KubeRequest from "../KubeRequest.js"
import { RestClient } from "../RestClient.js"
import { RestConfig } from "../RestConfig.js"
import * as WebSocketTransport from "../WebSocketTransport.js"
import { layer, type StackOptions } from "./stack.js"

export const streamLayer = (options: StackOptions) => Layer.provideMerge(WebSocketTransport.layer, layer(options))

interface PodShape {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> }
  readonly spec?: { readonly containers?: ReadonlyArray<{ readonly name: string }> }
}

/** The namespace flag, else the kubeconfig context's. */
export const namespaceOf = Effect.map(RestConfig, (c) => c.namespace)

/**
 * Reads the pod (so a missing one fails with kubectl's NotFound message) and picks the container as kubectl does:
 * the flag, else the `kubectl.kubernetes.io/default-container` annotation, else the first, saying so on stderr when
 * there was a choice.
 */
export const resolveContainer = (namespace: string, name: string, container: string | undefined) =>
  Effect.gen(function*() {
    const rest = yield* RestClient
    const pod = (yield* rest.execute(
      KubeRequest.get({ group: "", version: "v1", namespace, resource: "pods", name }),
      Schema.Unknown
    )) as PodShape
    if (container !== undefined && container !== "") return container
    const containers = (pod.spec?.containers ?? []).map((c) => c.name)
    const annotated = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"]
    const chosen = annotated !== undefined && containers.includes(annotated) ? annotated : containers[0]
    if (chosen !== undefined && containers.length > 1 && annotated === undefined) {
      yield* Console.error(`Defaulted container "${chosen}" out of: ${containers.join(", ")}`)
    }
    return chosen
  })
