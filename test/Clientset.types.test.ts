/**
 * Type-level guarantees of the clientset, checked by `tsc` (npm run check): every `@ts-expect-error` line must be
 * an error and every `expectTypeOf` must hold. The functions are never called; the runtime test only makes sure
 * the file is collected.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { describe, expect, expectTypeOf, it } from "vitest"
import * as Clientset from "../src/Clientset.js"
import * as CustomResource from "../src/CustomResource.js"
import type * as apps_v1 from "../src/generated/apps/v1.js"
import type * as autoscaling_v1 from "../src/generated/autoscaling/v1.js"
import type * as core_v1 from "../src/generated/core/v1.js"
import type * as KubeError from "../src/KubeError.js"
import * as ResourceClient from "../src/ResourceClient.js"
import type { RestClient } from "../src/RestClient.js"
import type { WatchEvent } from "../src/Watch.js"

const errorsAndRequirements = (cs: Clientset.Service) => {
  const pods = cs.coreV1.pods("default")
  const get = pods.get("nginx")
  expectTypeOf(get).toEqualTypeOf<Effect.Effect<core_v1.Pod, ResourceClient.GetError>>()
  // get's error channel includes NotFound, so catchTag("NotFound") compiles and removes it.
  expectTypeOf<KubeError.NotFound>().toMatchTypeOf<Effect.Effect.Error<typeof get>>()
  const handled = get.pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)))
  expectTypeOf<Effect.Effect.Error<typeof handled>>().toEqualTypeOf<
    Exclude<ResourceClient.GetError, KubeError.NotFound>
  >()
  // @ts-expect-error get never fails with AlreadyExists
  get.pipe(Effect.catchTag("AlreadyExists", () => Effect.succeed(undefined)))

  expectTypeOf<KubeError.AlreadyExists>().toMatchTypeOf<Effect.Effect.Error<ReturnType<typeof pods.create>>>()
  expectTypeOf<KubeError.Conflict>().toMatchTypeOf<Effect.Effect.Error<ReturnType<typeof pods.update>>>()
  expectTypeOf<KubeError.Expired>().toMatchTypeOf<Effect.Effect.Error<ReturnType<typeof pods.list>>>()

  // Operations need nothing from the context: the RestClient is captured.
  expectTypeOf<Effect.Effect.Context<typeof get>>().toEqualTypeOf<never>()
  expectTypeOf(pods.watch()).toEqualTypeOf<Stream.Stream<WatchEvent<core_v1.Pod>, ResourceClient.WatchError>>()
  expectTypeOf(pods.listAll()).toEqualTypeOf<Stream.Stream<core_v1.Pod, ResourceClient.ListError>>()
  expectTypeOf(pods.log("nginx")).toEqualTypeOf<Stream.Stream<string, ResourceClient.LogError>>()

  expectTypeOf(Clientset.layer).toEqualTypeOf<Layer.Layer<Clientset.Clientset, never, RestClient>>()
}

const subresourcesFollowTheSpec = (cs: Clientset.Service) => {
  expectTypeOf(cs.coreV1.pods("ns").updateStatus).toBeFunction()
  // @ts-expect-error ConfigMaps have no status subresource
  cs.coreV1.configMaps("ns").updateStatus
  // @ts-expect-error nor a scale subresource
  cs.coreV1.configMaps("ns").getScale

  expectTypeOf(cs.appsV1.deployments("ns").getScale("web")).toEqualTypeOf<
    Effect.Effect<autoscaling_v1.Scale, ResourceClient.GetError>
  >()
  // @ts-expect-error Jobs have status but no scale
  cs.batchV1.jobs("ns").getScale
  // @ts-expect-error only pods have logs
  cs.appsV1.deployments("ns").log

  // Create-only and read-only kinds have only those verbs.
  expectTypeOf(cs.authenticationV1.tokenReviews.create).toBeFunction()
  // @ts-expect-error TokenReviews cannot be read back
  cs.authenticationV1.tokenReviews.get
  // @ts-expect-error ComponentStatuses cannot be created
  cs.coreV1.componentStatuses.create
  // @ts-expect-error Namespaces have no deletecollection
  cs.coreV1.namespaces.deleteCollection
  expectTypeOf(cs.coreV1.namespaces.finalize).toBeFunction()
  expectTypeOf(cs.coreV1.serviceAccounts("ns").createToken).toBeFunction()

  // Namespaced kinds take a namespace, cluster-scoped ones do not.
  // @ts-expect-error pods need a namespace
  cs.coreV1.pods()
  // @ts-expect-error nodes take none
  cs.coreV1.nodes("ns")
  expectTypeOf(cs.coreV1.nodes.get("n1")).toEqualTypeOf<Effect.Effect<core_v1.Node, ResourceClient.GetError>>()
  expectTypeOf(cs.networkingV1.ingresses("ns").get).returns.toEqualTypeOf<
    Effect.Effect<import("../src/generated/networking/v1.js").Ingress, ResourceClient.GetError>
  >()
  expectTypeOf(cs.apiextensionsV1.customResourceDefinitions.updateStatus).toBeFunction()
}

const patchBodies = (cs: Clientset.Service) => {
  const deployments = cs.appsV1.deployments("ns")
  deployments.patch("web", "json", [{ op: "replace", path: "/spec/replicas", value: 3 }])
  deployments.patch("web", "merge", { metadata: { labels: { app: null } } })
  deployments.patch("web", "strategic", { spec: { template: { spec: { containers: [{ name: "app", image: "x" }] } } } })
  deployments.patch("web", "strategic", { spec: { $retainKeys: ["replicas"] } })
  deployments.patch("web", "apply", { metadata: { name: "web" } }, { fieldManager: "me", force: true })
  // @ts-expect-error a JSON patch is a list of operations
  deployments.patch("web", "json", { spec: { replicas: 3 } })
  // @ts-expect-error replicas is a number
  deployments.patch("web", "merge", { spec: { replicas: "three" } })
  // @ts-expect-error apply needs a field manager
  deployments.patch("web", "apply", { metadata: { name: "web" } })
  // @ts-expect-error apply configurations name themselves
  deployments.apply({ spec: { replicas: 1 } }, { fieldManager: "me" })
  expectTypeOf(deployments.apply({ metadata: { name: "web" } }, { fieldManager: "me" })).toEqualTypeOf<
    Effect.Effect<apps_v1.Deployment, ResourceClient.PatchError>
  >()
}

const customResources = (cs: Clientset.Service) => {
  const Spec = Schema.Struct({
    metadata: Schema.Struct({ name: Schema.String }),
    spec: Schema.Struct({ n: Schema.Number })
  })
  const WithStatus = CustomResource.make({
    group: "example.com",
    version: "v1",
    kind: "Thing",
    plural: "things",
    namespaced: true,
    subresources: ["status"],
    schema: Spec
  })
  const Plain = CustomResource.make({
    group: "example.com",
    version: "v1",
    kind: "Cluster",
    plural: "clusters",
    namespaced: false,
    schema: Spec
  })
  const things = cs.custom(WithStatus, "ns")
  expectTypeOf(things.get("a")).toEqualTypeOf<Effect.Effect<typeof Spec.Type, ResourceClient.GetError>>()
  expectTypeOf(things.updateStatus).toBeFunction()
  // @ts-expect-error no scale declared
  things.getScale
  // @ts-expect-error namespaced: a namespace is required
  cs.custom(WithStatus)
  const clusters = cs.custom(Plain)
  // @ts-expect-error no status declared
  clusters.updateStatus
  // @ts-expect-error cluster-scoped: no namespace
  cs.custom(Plain, "ns")
  expectTypeOf(ResourceClient.make(WithStatus, "ns")).toEqualTypeOf<
    Effect.Effect<ResourceClient.ClientFor<typeof WithStatus>, never, RestClient>
  >()
}

describe("Clientset types", () => {
  it("are checked by tsc", () => {
    expect([errorsAndRequirements, subresourcesFollowTheSpec, patchBodies, customResources]).toHaveLength(4)
  })
})
