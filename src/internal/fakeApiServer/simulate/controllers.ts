/** Every simulated controller, in start order. A new controller is a file in this directory plus one line here. */
import type { Controller } from "./controller.js"
import { garbageCollector } from "./garbageCollector.js"
import { namespaceController } from "./namespaces.js"

export const controllers: ReadonlyArray<Controller> = [
  garbageCollector,
  namespaceController
]
