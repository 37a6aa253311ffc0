/**
 * A small operator: a `Website` custom resource (image, replicas) that owns a Deployment and a Service. The
 * reconcile server-side-applies both (so an edit to either is taken back on the next pass), writes status
 * conditions and observedGeneration, records events, and uses a finalizer to clean up before the Website goes.
 * One replica leads at a time (LeaderElection), so the operator can run as a 3-replica Deployment.
 *
 * controller-runtime: `ctrl.NewControllerManagedBy(mgr).For(&Website{}).Owns(&appsv1.Deployment{}).Owns(&corev1.Service{})`
 * with `controllerutil.AddFinalizer`, `record.EventRecorder` and `LeaderElection: true`.
 *
 *   npm run example examples/operator.ts                     (on the fake: a scripted tour, then exit)
 *   npm run example examples/operator.ts --kubeconfig FILE   (on a cluster: registers the CRD, runs until Ctrl-C)
 */
import { DeploymentResource } from "effect-kube/api/apps/v1"
import { ServiceResource } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as Controller from "effect-kube/Controller"
import * as CustomResource from "effect-kube/CustomResource"
import * as EventRecorder from "effect-kube/EventRecorder"
import * as Finalizer from "effect-kube/Finalizer"
import * as LeaderElection from "effect-kube/LeaderElection"
import * as RestMapper from "effect-kube/RestMapper"
import * as SharedInformers from "effect-kube/SharedInformers"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { heading, isMain, parseFlags, runMain, say, stack } from "./support.js"

// ---------------------------------------------------------------------------------------------------------------
// the resource
// ---------------------------------------------------------------------------------------------------------------

export const WebsiteCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "websites.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "websites", singular: "website", kind: "Website", shortNames: ["web"] },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: {
              type: "object",
              required: ["image"],
              properties: { image: { type: "string" }, replicas: { type: "integer", minimum: 0 } }
            },
            status: { type: "object", "x-kubernetes-preserve-unknown-fields": true }
          }
        }
      }
    }]
  }
}

const Condition = Schema.Struct({
  type: Schema.String,
  status: Schema.String,
  reason: Schema.String,
  message: Schema.String,
  lastTransitionTime: Schema.String,
  observedGeneration: Schema.optional(Schema.Number)
})

export const Website = CustomResource.make({
  group: "example.com",
  version: "v1",
  kind: "Website",
  plural: "websites",
  namespaced: true,
  subresources: ["status"],
  schema: Schema.Struct({
    apiVersion: Schema.optional(Schema.String),
    kind: Schema.optional(Schema.String),
    metadata: Schema.Struct({
      name: Schema.String,
      namespace: Schema.optional(Schema.String),
      uid: Schema.optional(Schema.String),
      generation: Schema.optional(Schema.Number),
      resourceVersion: Schema.optional(Schema.String),
      deletionTimestamp: Schema.optional(Schema.NullOr(Schema.String)),
      finalizers: Schema.optional(Schema.Array(Schema.String))
    }),
    spec: Schema.Struct({ image: Schema.String, replicas: Schema.optional(Schema.Number) }),
    status: Schema.optional(Schema.Struct({
      observedGeneration: Schema.optional(Schema.Number),
      conditions: Schema.optional(Schema.Array(Condition))
    }))
  })
})

export type Website = typeof Website.schema.Type

export const finalizerName = "example.com/website-cleanup"
const fieldManager = "website-operator"

// ---------------------------------------------------------------------------------------------------------------
// the reconcile
// ---------------------------------------------------------------------------------------------------------------

const labelsFor = (site: Website) => ({
  "app.kubernetes.io/name": site.metadata.name,
  "app.kubernetes.io/managed-by": "website-operator"
})

/** Deployment and Service as this operator wants them: only the fields it owns. */
export const desired = (site: Website) => {
  const owner = Controller.controllerReference(site, Website)
  const labels = labelsFor(site)
  const metadata = { name: site.metadata.name, namespace: site.metadata.namespace, labels, ownerReferences: [owner] }
  return {
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: site.spec.replicas ?? 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "web", image: site.spec.image, ports: [{ containerPort: 80 }] }] }
        }
      }
    },
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: { selector: labels, ports: [{ port: 80, targetPort: 80 }] }
    }
  }
}

const reconcileApply = (site: Website) =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    const events = yield* EventRecorder.EventRecorder
    const ns = site.metadata.namespace ?? "default"
    const want = desired(site)
    // force: fields this operator owns are taken back from anyone who edited them
    const deployment = yield* cs.appsV1.deployments(ns).apply(want.deployment as never, { fieldManager, force: true })
    yield* cs.coreV1.services(ns).apply(want.service as never, { fieldManager, force: true })
    const generation = site.metadata.generation ?? 0
    const ready = site.status?.conditions?.find((c) => c.type === "Ready")
    if (site.status?.observedGeneration === generation && ready?.status === "True") return Controller.done
    const now = new Date(yield* Clock.currentTimeMillis).toISOString().replace(/\.\d+Z$/, "Z")
    yield* cs.custom(Website, ns).patchStatus(site.metadata.name, "merge", {
      status: {
        observedGeneration: generation,
        conditions: [{
          type: "Ready",
          status: "True",
          reason: "Reconciled",
          message: `Deployment ${deployment.metadata?.name} (${
            site.spec.replicas ?? 1
          } replicas of ${site.spec.image}) and its Service are applied`,
          lastTransitionTime: ready?.status === "True" ? ready.lastTransitionTime : now,
          observedGeneration: generation
        }]
      }
    } as never)
    yield* events.event(site, {
      type: "Normal",
      reason: "Reconciled",
      action: "Apply",
      note: `generation ${generation}: ${site.spec.image} x${site.spec.replicas ?? 1}`
    })
    return Controller.done
  })

const cleanup = (site: Website) =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    const events = yield* EventRecorder.EventRecorder
    const ns = site.metadata.namespace ?? "default"
    // A cluster's garbage collector would remove the dependents anyway; doing it here keeps the order explicit
    // (and works on the fake, which has no garbage collector).
    yield* cs.appsV1.deployments(ns).delete(site.metadata.name).pipe(Effect.catchTag("NotFound", () => Effect.void))
    yield* cs.coreV1.services(ns).delete(site.metadata.name).pipe(Effect.catchTag("NotFound", () => Effect.void))
    yield* events.event(site, {
      type: "Normal",
      reason: "CleanedUp",
      action: "Delete",
      note: "Deployment and Service removed"
    })
    return Controller.done
  })

export const reconcile = (site: Website) =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    return yield* Finalizer.apply(cs.custom(Website, site.metadata.namespace ?? "default"), finalizerName, site, {
      apply: reconcileApply,
      cleanup
    })
  })

/** The controller itself: runs until interrupted. */
export const operator = (namespace?: string) =>
  Controller.make({
    for: Website,
    owns: [DeploymentResource, ServiceResource],
    namespace,
    reconcileDeleted: false,
    concurrency: 2,
    // Under leader election in-flight reconciles must end well within leaseDuration - renewDeadline (5 s) of a loss.
    gracePeriod: "3 seconds",
    reconcile
  })

/** Registers the CRD if missing and waits (at most ~5 s) until it is Established. */
export const ensureCrd = Effect.gen(function*() {
  const crds = (yield* Clientset.Clientset).apiextensionsV1.customResourceDefinitions
  yield* crds.create(WebsiteCrd as never).pipe(Effect.catchTag("AlreadyExists", () => Effect.void))
  yield* crds.get(WebsiteCrd.metadata.name).pipe(
    Effect.filterOrFail(
      (crd) => crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") === true,
      () => new Error("CRD websites.example.com is not Established")
    ),
    Effect.retry({ schedule: Schedule.spaced("200 millis"), times: 25 })
  )
  yield* (yield* RestMapper.RestMapper).reset
})

/** What the operator runs with besides the clients: shared informers, an event recorder and a leader election. */
export const operatorLayer = (namespace: string) =>
  Layer.mergeAll(
    SharedInformers.layer,
    EventRecorder.layer({ reportingController: "example.com/website-operator" }),
    LeaderElection.layer({ name: "website-operator", namespace })
  )

// ---------------------------------------------------------------------------------------------------------------
// the tour on the fake
// ---------------------------------------------------------------------------------------------------------------

const waitFor = <A, E, R>(what: string, get: Effect.Effect<A, E, R>, ok: (a: A) => boolean) =>
  get.pipe(
    Effect.filterOrFail(ok, () => new Error(`timed out waiting for ${what}`)),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 250 })
  )

export const tour = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  const ns = cs.restClient.config.namespace
  yield* ensureCrd
  const running = yield* Effect.fork(LeaderElection.whileLeader(operator(ns)))
  const sites = cs.custom(Website, ns)
  const deployments = cs.appsV1.deployments(ns)

  yield* heading("create website/blog (nginx:1.27 x2)")
  yield* sites.create({ metadata: { name: "blog", namespace: ns }, spec: { image: "nginx:1.27", replicas: 2 } })
  const ready = yield* waitFor(
    "Ready",
    sites.get("blog"),
    (s) => s.status?.observedGeneration === s.metadata.generation
  )
  const dep = yield* deployments.get("blog")
  yield* say(`finalizers: ${ready.metadata.finalizers?.join(",")}`)
  yield* say(`deployment/blog replicas=${dep.spec?.replicas} image=${dep.spec?.template.spec?.containers[0]?.image}`)
  yield* say(
    `status: Ready=${ready.status?.conditions?.[0]?.status} observedGeneration=${ready.status?.observedGeneration}`
  )

  yield* heading("spec change: replicas 3")
  yield* sites.patch("blog", "merge", { spec: { replicas: 3 } })
  yield* waitFor("scale", deployments.get("blog"), (d) => d.spec?.replicas === 3)
  yield* say("deployment/blog replicas=3")

  yield* heading("drift: someone scales deployment/blog to 10")
  yield* deployments.patch("blog", "merge", { spec: { replicas: 10 } })
  yield* waitFor("repair", deployments.get("blog"), (d) => d.spec?.replicas === 3)
  yield* say("deployment/blog replicas=3 again")

  yield* heading("delete website/blog")
  yield* sites.delete("blog")
  yield* waitFor("gone", sites.list(), (l) => l.items.every((s) => s.metadata.name !== "blog"))
  const left = yield* deployments.list()
  yield* say(`website/blog gone; deployments left: ${left.items.filter((d) => d.metadata?.name === "blog").length}`)
  const events = (yield* cs.eventsV1.events(ns).list()).items.filter((e) => e.regarding?.name === "blog")
  for (const e of events) yield* say(`event ${e.reason}: ${e.note} (x${e.series?.count ?? 1})`)
  yield* Fiber.interrupt(running)
})

/** On a cluster: register the CRD and run until interrupted. */
export const serve = Effect.gen(function*() {
  yield* ensureCrd
  const ns = (yield* Clientset.Clientset).restClient.config.namespace
  yield* Effect.log(`website operator started; watching namespace ${ns}`)
  return yield* LeaderElection.whileLeader(operator(ns))
})

if (isMain(import.meta.url)) {
  const flags = parseFlags(process.argv.slice(2))
  const clients = stack(flags)
  const program = (flags.kubeconfig === undefined ? tour : serve).pipe(
    Effect.provide(Layer.unwrapEffect(
      Effect.map(Clientset.Clientset, (cs) => operatorLayer(cs.restClient.config.namespace))
    )),
    Effect.provide(clients)
  )
  runMain(program as Effect.Effect<void, unknown>)
}
