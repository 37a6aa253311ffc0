/** Every simulated controller, in start order. A new controller is a file in this directory plus one line here. */
import type { Controller } from "./controller.js"
import { cronJobController } from "./cronJobs.js"
import { daemonSetController } from "./daemonSets.js"
import { deploymentController } from "./deployments.js"
import { endpointSliceController } from "./endpointSlices.js"
import { garbageCollector } from "./garbageCollector.js"
import { jobController } from "./jobs.js"
import { kubelet } from "./kubelet.js"
import { namespaceController } from "./namespaces.js"
import { nodeController } from "./nodes.js"
import { replicaSetController } from "./replicaSets.js"
import { rootCaPublisher } from "./rootCaPublisher.js"
import { scheduler } from "./scheduler.js"
import { serviceAccountController } from "./serviceAccounts.js"
import { statefulSetController } from "./statefulSets.js"

export const controllers: ReadonlyArray<Controller> = [
  garbageCollector,
  namespaceController,
  serviceAccountController,
  rootCaPublisher,
  nodeController,
  scheduler,
  kubelet,
  replicaSetController,
  deploymentController,
  statefulSetController,
  daemonSetController,
  endpointSliceController,
  jobController,
  cronJobController
]
