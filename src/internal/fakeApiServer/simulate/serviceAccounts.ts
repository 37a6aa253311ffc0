/** The serviceaccount controller: every active namespace has a `default` ServiceAccount. */
import type { Controller } from "./controller.js"
import { keepInEveryNamespace } from "./namespaceObjects.js"

export const serviceAccountController: Controller = {
  name: "serviceaccount-controller",
  enabled: (simulation) => simulation.serviceAccounts,
  run: (api) =>
    keepInEveryNamespace(api, { apiVersion: "v1", kind: "ServiceAccount", name: "default", content: {}, owned: [] })
}
