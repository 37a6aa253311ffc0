/** Every simulated controller, in start order. A new controller is a file in this directory plus one line here. */
import type { Controller } from "./controller.js"
import { cronJobController } from "./cronJobs.js"
import { deploymentController } from "./deployments.js"
import { garbageCollector } from "./garbageCollector.js"
import { jobController } from "./jobs.js"
import { kubelet } from "./kubelet.js"
import { namespaceController } from "./namespaces.js"
import { nodeController } from "./nodes.js"
import { replicaSetController } from "./replicaSets.js"
import { scheduler } from "./scheduler.js"

export const controllers: ReadonlyArray<Controller> = [
  garbageCollector,
  namespaceController,
  nodeController,
  scheduler,
  kubelet,
  replicaSetController,
  deploymentController,
  jobController,
  cronJobController
]
