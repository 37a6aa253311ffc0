/**
 * Custom resources: register a CustomResourceDefinition, wait until it is Established, then read and write its
 * objects with the DynamicClient (plain JSON, every field kept) and convert them to typed values with a Schema.
 * The same kind then gets a typed client from `CustomResource.make`, with no code generation.
 *
 * client-go: `apiextensionsclientset...CustomResourceDefinitions().Create`, `dynamic.NewForConfig(cfg).Resource(gvr)
 * .Namespace(ns).Create / List / Patch / Delete` and `runtime.DefaultUnstructuredConverter.FromUnstructured`.
 *
 *   npm run example examples/dynamic-client-crd.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 *   (on a cluster it registers crontabs.stable.example.com if missing, and removes what it created)
 */
import * as Clientset from "effect-kube/Clientset"
import * as CustomResource from "effect-kube/CustomResource"
import * as DynamicClient from "effect-kube/DynamicClient"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import * as RestMapper from "effect-kube/RestMapper"
import * as Unstructured from "effect-kube/Unstructured"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { cronTabCrd, shop } from "./fixtures.js"
import { isMain, runExample, say, table } from "./support.js"

/** What this program reads from a CronTab. Fields the Schema does not name are kept, not dropped. */
export const CronTabSchema = Schema.Struct({
  metadata: Schema.Struct({ name: Schema.String, namespace: Schema.optional(Schema.String) }),
  spec: Schema.Struct({
    cronSpec: Schema.String,
    image: Schema.String,
    suspend: Schema.optionalWith(Schema.Boolean, { default: () => false })
  })
})

/** The same kind as a ResourceDef: `clientset.custom(CronTab, ns)` gives a typed client with get/list/patch/... */
export const CronTab = CustomResource.make({
  group: "stable.example.com",
  version: "v1",
  kind: "CronTab",
  plural: "crontabs",
  namespaced: true,
  subresources: ["status"],
  shortNames: ["ct"],
  schema: CronTabSchema
})

class NotEstablished extends Schema.TaggedError<NotEstablished>()("NotEstablished", { name: Schema.String }) {}

/** Creates the CRD unless it exists; true when this call created it. Then waits (at most ~5 s) for Established. */
const ensureCrd = Effect.gen(function*() {
  const crds = (yield* Clientset.Clientset).apiextensionsV1.customResourceDefinitions
  const created = yield* crds.create(cronTabCrd).pipe(
    Effect.as(true),
    Effect.catchTag("AlreadyExists", () => Effect.succeed(false))
  )
  yield* crds.get(cronTabCrd.metadata.name).pipe(
    Effect.flatMap((crd) =>
      crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")
        ? Effect.void
        : Effect.fail(new NotEstablished({ name: cronTabCrd.metadata.name }))
    ),
    Effect.retry({ schedule: Schedule.spaced("200 millis"), times: 25, while: (e) => e._tag === "NotEstablished" })
  )
  // Discovery was cached before the CRD existed; forget it so the new kind resolves.
  yield* (yield* RestMapper.RestMapper).reset
  return created
})

export const program = Effect.gen(function*() {
  const createdCrd = yield* ensureCrd
  yield* say(`crd/${cronTabCrd.metadata.name} ${createdCrd ? "created" : "already present"}, Established`)
  const mapping = yield* (yield* RestMapper.RestMapper).resolve("ct")
  yield* say(`"ct" resolves to ${mapping.resource.resource}.${mapping.resource.version}.${mapping.resource.group}`)

  const dynamic = yield* DynamicClient.DynamicClient
  const cs = yield* Clientset.Clientset
  const ns = cs.restClient.config.namespace
  const crontabs = dynamic.resource(mapping.resource).namespace(ns)

  const names = ["report-example", "cleanup-example"]
  for (const [i, name] of names.entries()) {
    yield* crontabs.create({
      apiVersion: "stable.example.com/v1",
      kind: "CronTab",
      metadata: { name, labels: { "example.com/owner": "effect-kube" } },
      // timeZone is in the CRD but not in the Schema above: the DynamicClient keeps it, and so does decoding.
      spec: { cronSpec: `${i * 15} 3 * * *`, image: `example.com/jobs/${name}:1.0`, timeZone: "Europe/Paris" }
    })
  }
  yield* say(`created ${names.length} crontabs with the DynamicClient`)

  const list = yield* crontabs.list({ labelSelector: "example.com/owner=effect-kube" })
  const typed = yield* Effect.forEach(list.items, Unstructured.decode(CronTabSchema))
  yield* table(
    ["name", "schedule", "image", "suspended", "timezone (not in the Schema)"],
    typed.map((t, i) => [
      t.metadata.name,
      t.spec.cronSpec,
      t.spec.image,
      String(t.spec.suspend),
      Unstructured.nestedString(list.items[i]!, "spec", "timeZone").pipe(
        Either.map(Option.getOrElse(() => "")),
        Either.getOrElse(() => "")
      )
    ])
  )

  // The typed client for the same objects.
  const typedClient = cs.custom(CronTab, ns)
  const suspended = yield* typedClient.patch("report-example", "merge", { spec: { suspend: true } })
  yield* say(`typed client: patched crontab/${suspended.metadata.name} suspend=${suspended.spec.suspend}`)
  const again = yield* crontabs.get("report-example")
  const suspend = yield* Unstructured.nestedBool(again, "spec", "suspend")
  yield* say(`dynamic get sees spec.suspend=${Option.getOrElse(suspend, () => false)}`)

  for (const name of names) yield* crontabs.delete(name)
  if (createdCrd) yield* cs.apiextensionsV1.customResourceDefinitions.delete(cronTabCrd.metadata.name)
  yield* say(`cleaned up: ${names.length} crontabs${createdCrd ? " and the CRD" : ""} deleted`)
})

/** The fake starts with the shop but without the CronTab CRD, so the program registers it. */
export const fakeSeed: ReadonlyArray<unknown> = shop.filter((o) => {
  const kind = (o as { readonly kind?: string }).kind
  return kind !== "CustomResourceDefinition" && kind !== "CronTab"
})

export const fakeOptions: FakeApiServer.Options = { seed: fakeSeed }

if (isMain(import.meta.url)) runExample(program, { fake: fakeOptions })
