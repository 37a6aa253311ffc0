/**
 * The root-ca-cert-publisher: every active namespace has a `kube-root-ca.crt` ConfigMap whose `ca.crt` is the CA
 * that signs the apiserver's serving certificate (what pods use to verify `kubernetes.default.svc`). The fake has
 * such a CA only once it listens over HTTPS, so before that, and for the in-process and plain-HTTP fakes, there is no
 * ConfigMap; a later CA (another HTTPS listen) replaces the content everywhere.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Controller } from "./controller.js"
import { keepInEveryNamespace } from "./namespaceObjects.js"

export const rootCaConfigMap = "kube-root-ca.crt"

export const rootCaPublisher: Controller = {
  name: "root-ca-certificate-publisher-controller",
  enabled: (simulation) => simulation.rootCaPublisher,
  run: (api) =>
    api.clusterCa.pipe(
      Stream.changes,
      Stream.flatMap(
        (ca) =>
          Option.isNone(ca) ? Stream.never : Stream.fromEffect(keepInEveryNamespace(api, {
            apiVersion: "v1",
            kind: "ConfigMap",
            name: rootCaConfigMap,
            content: { data: { "ca.crt": ca.value } },
            owned: ["data"]
          })),
        { switch: true }
      ),
      Stream.runDrain
    ) as Effect.Effect<void>
}
