/**
 * The tour (`npm start`): the client-go walk-through on an in-memory apiserver, in a few seconds, nothing to set up.
 *
 *   npm start                                     the whole tour on the embedded fake apiserver
 *   npm start -- --kubeconfig ~/.kube/config      the read-only part against a real cluster
 *                [--context NAME] [--namespace NS]
 *
 * Sections: kubeconfig -> RestConfig, RestClient, Clientset CRUD, errors by tag, DynamicClient + Schema, discovery,
 * scale, watch. The read-only tour keeps config, RestClient, errors by tag, discovery and a short bounded watch.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as apps_v1 from "effect-kube/api/apps/v1"
import { PodList } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as DiscoveryClient from "effect-kube/DiscoveryClient"
import * as DynamicClient from "effect-kube/DynamicClient"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import * as Kubeconfig from "effect-kube/Kubeconfig"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as RestClient from "effect-kube/RestClient"
import * as RestConfig from "effect-kube/RestConfig"
import * as RestMapper from "effect-kube/RestMapper"
import * as RetryPolicy from "effect-kube/RetryPolicy"
import * as ScaleClient from "effect-kube/ScaleClient"
import * as Unstructured from "effect-kube/Unstructured"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { namespace as shopNamespace } from "./fixtures.js"
import { cluster, fake, type Flags, formatLabels, heading, isMain, parseFlags, runMain, say, table } from "./support.js"

// ---------------------------------------------------------------------------------------------------------------
// kubeconfig -> RestConfig
// ---------------------------------------------------------------------------------------------------------------

const authKind = (auth: RestConfig.AuthConfig): string => {
  switch (auth._tag) {
    case "None":
      return "none"
    // A Redacted prints as <redacted>: the value never reaches the output.
    case "Token":
      return `bearer token ${String(auth.token)}`
    case "TokenFile":
      return `bearer token from file ${auth.path}`
    case "Basic":
      return `basic auth as ${auth.username}`
    case "Exec":
      return `exec plugin ${auth.exec.command}`
    case "AuthProvider":
      return `auth provider ${auth.name}`
  }
}

const tlsKind = (config: RestConfig.Service): string => {
  if (!config.server.startsWith("https:")) return "plain HTTP"
  if (config.tls.insecure) return "TLS, server certificate NOT verified"
  const ca = config.tls.caData !== undefined ? "CA from kubeconfig data" : config.tls.caFile ?? "system roots"
  const cert = config.tls.certData !== undefined || config.tls.certFile !== undefined ? ", client certificate" : ""
  return `TLS (${ca}${cert})`
}

const showResolved = (config: RestConfig.Service) =>
  Effect.gen(function*() {
    yield* say(`server      ${config.server}`)
    yield* say(`namespace   ${config.namespace}`)
    yield* say(`auth        ${authKind(config.auth)}`)
    yield* say(`transport   ${tlsKind(config)}`)
    yield* say(`rate limit  ${config.qps} qps, burst ${config.burst}`)
  })

/** Lists the contexts of a kubeconfig and prints what the chosen one resolves to. */
const showConfig = (options: RestConfig.KubeconfigOptions) =>
  Effect.gen(function*() {
    const kubeconfig = yield* Kubeconfig.load({ path: options.path })
    const config = yield* RestConfig.loadKubeconfig(options)
    const current = options.context ?? kubeconfig.currentContext
    yield* say(`files: ${kubeconfig.files.join(", ")}`)
    yield* table(
      ["current", "name", "cluster", "user", "namespace"],
      kubeconfig.contexts.map((c) => [
        c.name === current ? "*" : "",
        c.name,
        c.value.cluster ?? "",
        c.value.user ?? "",
        c.value.namespace ?? ""
      ])
    )
    yield* Console.log("")
    yield* say(`context "${current}" resolves to:`)
    yield* showResolved(config)
    return config
  }).pipe(Effect.provide(NodeFileSystem.layer))

/** On the fake: writes the kubeconfig a user would have for it, and resolves it like any other. */
const configSection = Effect.gen(function*() {
  yield* heading("1. kubeconfig -> RestConfig")
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-demo-"))),
    (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
  )
  const path = Path.join(dir, "config")
  Fs.writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: fake",
      `  cluster: { server: "${FakeApiServer.inProcessUrl}" }`,
      "- name: prod",
      "  cluster: { server: \"https://k8s.example.com:6443\" }",
      "users:",
      "- name: developer",
      "  user: {}",
      "- name: deployer",
      "  user: { token: \"demo-token-never-printed\" }",
      "contexts:",
      "- name: shop",
      `  context: { cluster: fake, user: developer, namespace: ${shopNamespace} }`,
      "- name: prod",
      "  context: { cluster: prod, user: deployer, namespace: shop-prod }",
      "current-context: shop",
      ""
    ].join("\n"),
    { mode: 0o600 }
  )
  yield* showConfig({ path })
  yield* Console.log("")
  // Resolving a context reads files but never contacts the server, so the unreachable prod cluster is fine here.
  const prod = yield* RestConfig.loadKubeconfig({ path, context: "prod" }).pipe(Effect.provide(NodeFileSystem.layer))
  yield* say(`context "prod" (--context prod) resolves to:`)
  yield* showResolved(prod)
  yield* Console.log("")
  yield* say("(the tour goes on with context \"shop\": the fake, in-process, through the full client stack)")
}).pipe(Effect.scoped)

// ---------------------------------------------------------------------------------------------------------------
// RestClient
// ---------------------------------------------------------------------------------------------------------------

const listPodsSection = (n: number, limit: number | undefined) =>
  Effect.gen(function*() {
    yield* heading(`${n}. RestClient: list pods`)
    const rest = yield* RestClient.RestClient
    const request = KubeRequest.list({ resource: "pods", namespace: rest.config.namespace }).pipe(
      KubeRequest.listOptions({ limit })
    )
    const query = KubeRequest.query(request)
    yield* say(`GET ${KubeRequest.path(request)}${query === "" ? "" : `?${query}`}`)
    const pods = yield* rest.execute(request, PodList)
    yield* table(
      ["name", "status", "node", "ip", "labels"],
      pods.items.map((p) => [
        p.metadata?.name ?? "",
        p.status?.phase ?? "",
        p.spec?.nodeName || "<none>",
        p.status?.podIP ?? "<none>",
        formatLabels(p.metadata?.labels)
      ])
    )
    const more = pods.metadata?.remainingItemCount ?? (pods.metadata?.continue ? "more" : 0)
    yield* say(`${pods.items.length} pods${more ? ` (${more} more not shown)` : ""}`)
  })

// ---------------------------------------------------------------------------------------------------------------
// Clientset CRUD
// ---------------------------------------------------------------------------------------------------------------

const checkout: apps_v1.Deployment = {
  metadata: { name: "checkout", labels: { app: "checkout" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "checkout" } },
    template: {
      metadata: { labels: { app: "checkout" } },
      spec: { containers: [{ name: "checkout", image: "example.com/shop/checkout:1.0" }] }
    }
  }
}

const withImage = (d: apps_v1.Deployment, image: string): apps_v1.Deployment => ({
  ...d,
  spec: {
    ...d.spec!,
    template: {
      ...d.spec!.template,
      spec: { ...d.spec!.template.spec!, containers: d.spec!.template.spec!.containers.map((c) => ({ ...c, image })) }
    }
  }
})

const crudSection = Effect.gen(function*() {
  yield* heading("3. Clientset: CRUD on a Deployment and a Service")
  const cs = yield* Clientset.Clientset
  const ns = cs.restClient.config.namespace
  const deployments = cs.appsV1.deployments(ns)
  const services = cs.coreV1.services(ns)
  const rows: Array<ReadonlyArray<string>> = []
  const step = (verb: string, object: string, result: string) => Effect.sync(() => rows.push([verb, object, result]))
  const rv = (o: { readonly metadata?: { readonly resourceVersion?: string } }) =>
    `rv ${o.metadata?.resourceVersion ?? "?"}`

  const created = yield* deployments.create(checkout)
  yield* step("create", "deployment/checkout", `replicas ${created.spec?.replicas}, ${rv(created)}`)
  const got = yield* deployments.get("checkout")
  yield* step("get", "deployment/checkout", `uid ${got.metadata?.uid?.slice(0, 8)}..., ${rv(got)}`)
  // Read-modify-write, retried when someone else wrote in between (client-go's retry.RetryOnConflict).
  const updated = yield* RetryPolicy.retryOnConflict(
    Effect.flatMap(
      deployments.get("checkout"),
      (d) => deployments.update(withImage(d, "example.com/shop/checkout:1.1"))
    )
  )
  yield* step(
    "update",
    "deployment/checkout",
    `image ${updated.spec?.template.spec?.containers[0]?.image}, ${rv(updated)}`
  )
  const patched = yield* deployments.patch("checkout", "strategic", { metadata: { labels: { release: "canary" } } })
  yield* step("patch", "deployment/checkout", `labels ${formatLabels(patched.metadata?.labels)}`)

  const svc = yield* services.create({
    metadata: { name: "checkout" },
    spec: { selector: { app: "checkout" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] }
  })
  yield* step("create", "service/checkout", `port ${svc.spec?.ports?.[0]?.port}, ${rv(svc)}`)
  const gotSvc = yield* services.get("checkout")
  yield* step("get", "service/checkout", `type ${gotSvc.spec?.type ?? "ClusterIP"}, ${rv(gotSvc)}`)
  const updatedSvc = yield* services.update({
    ...gotSvc,
    metadata: { ...gotSvc.metadata, annotations: { "shop.example.com/owner": "payments" } }
  })
  yield* step("update", "service/checkout", `annotations ${formatLabels(updatedSvc.metadata?.annotations)}`)
  const patchedSvc = yield* services.patch("checkout", "merge", { spec: { ports: [{ name: "http", port: 8080 }] } })
  yield* step("patch", "service/checkout", `port ${patchedSvc.spec?.ports?.[0]?.port}, ${rv(patchedSvc)}`)

  yield* services.delete("checkout")
  yield* step("delete", "service/checkout", "deleted")
  yield* deployments.delete("checkout")
  yield* step("delete", "deployment/checkout", "deleted")
  yield* table(["verb", "object", "result"], rows)
})

// ---------------------------------------------------------------------------------------------------------------
// errors by tag
// ---------------------------------------------------------------------------------------------------------------

const errorsSection = (n: number, withAlreadyExists: boolean) =>
  Effect.gen(function*() {
    yield* heading(`${n}. Errors are values: catch NotFound by tag`)
    const cs = yield* Clientset.Clientset
    const pods = cs.coreV1.pods(cs.restClient.config.namespace)
    const outcome = yield* pods.get("checkout-0").pipe(
      Effect.map((pod) => `found ${pod.metadata?.name}`),
      Effect.catchTag("NotFound", (e) => Effect.succeed(`NotFound (${e.code}): ${e.status.message}`))
    )
    yield* say(`get pod/checkout-0      -> ${outcome}`)
    if (withAlreadyExists) {
      const again = yield* cs.coreV1.services(cs.restClient.config.namespace).create({
        metadata: { name: "web" },
        spec: { ports: [{ port: 80 }] }
      }).pipe(
        Effect.as("created"),
        Effect.catchTags({
          AlreadyExists: (e) => Effect.succeed(`AlreadyExists (${e.code}): ${e.status.message}`),
          Invalid: (e) => Effect.succeed(`Invalid: ${e.status.message}`)
        })
      )
      yield* say(`create service/web      -> ${again}`)
    }
  })

// ---------------------------------------------------------------------------------------------------------------
// DynamicClient + Schema
// ---------------------------------------------------------------------------------------------------------------

/** The part of a CronTab this program cares about; other fields are kept, not dropped. */
const CronTab = Schema.Struct({
  metadata: Schema.Struct({ name: Schema.String }),
  spec: Schema.Struct({
    cronSpec: Schema.String,
    image: Schema.String,
    suspend: Schema.optionalWith(Schema.Boolean, { default: () => false })
  })
})

const dynamicSection = Effect.gen(function*() {
  yield* heading("5. DynamicClient: custom resources, then typed through a Schema")
  const dynamic = yield* DynamicClient.DynamicClient
  const ns = (yield* RestConfig.RestConfig).namespace
  const crontabs = dynamic.resource({ group: "stable.example.com", version: "v1", resource: "crontabs" }).namespace(ns)
  const list = yield* crontabs.list()
  yield* say(`${list.items.length} crontabs.stable.example.com/v1 as Unstructured; decoded with Schema:`)
  const typed = yield* Effect.forEach(list.items, Unstructured.decode(CronTab))
  yield* table(
    ["name", "schedule", "image", "suspended"],
    typed.map((t) => [t.metadata.name, t.spec.cronSpec, t.spec.image, String(t.spec.suspend)])
  )
})

// ---------------------------------------------------------------------------------------------------------------
// discovery
// ---------------------------------------------------------------------------------------------------------------

const discoverySection = (n: number, kinds: ReadonlyArray<string>, resourceArgs: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    yield* heading(`${n}. Discovery: what the server serves`)
    const discovery = yield* DiscoveryClient.DiscoveryClient
    const version = yield* discovery.serverVersion
    const { groups } = yield* discovery.serverGroups
    yield* say(
      `server ${version.gitVersion}, ${groups.length} API groups (${
        groups.slice(0, 4).map((g) => g.name || "core").join(", ")
      }, ...)`
    )
    const preferred = yield* discovery.serverPreferredResources
    const rows: Array<ReadonlyArray<string>> = []
    for (const list of preferred.resources) {
      for (const r of list.resources) {
        if (!r.name.includes("/") && kinds.includes(r.kind)) {
          rows.push([r.name, (r.shortNames ?? []).join(","), list.groupVersion, String(r.namespaced), r.kind])
        }
      }
    }
    rows.sort((a, b) => kinds.indexOf(a[4]!) - kinds.indexOf(b[4]!))
    yield* table(["name", "shortnames", "apiversion", "namespaced", "kind"], rows)
    const total = preferred.resources.reduce((n, l) => n + l.resources.filter((r) => !r.name.includes("/")).length, 0)
    yield* say(`(${rows.length} of ${total} resources shown)`)
    const mapper = yield* RestMapper.RestMapper
    for (const arg of resourceArgs) {
      const mapping = yield* mapper.resolve(arg).pipe(
        Effect.map((m) =>
          `${m.resource.resource}.${m.resource.version}.${m.resource.group || "core"} (${m.groupVersionKind.kind})`
        ),
        Effect.catchTag("NoResourceMatch", () => Effect.succeed("not served here"))
      )
      yield* say(`RestMapper: "${arg}" -> ${mapping}`)
    }
  })

// ---------------------------------------------------------------------------------------------------------------
// scale
// ---------------------------------------------------------------------------------------------------------------

const scaleSection = Effect.gen(function*() {
  yield* heading("7. ScaleClient: scale deployment/web")
  const scales = yield* ScaleClient.ScaleClient
  const cs = yield* Clientset.Clientset
  const ns = cs.restClient.config.namespace
  const gr = { group: "apps", resource: "deployments" }
  const before = yield* scales.get(gr, ns, "web")
  const after = yield* scales.update(gr, ns, { ...before, spec: { replicas: 5 } })
  const deployment = yield* cs.appsV1.deployments(ns).get("web")
  yield* say(`scale/web: replicas ${before.spec?.replicas} -> ${after.spec?.replicas}`)
  yield* say(`deployment/web spec.replicas is now ${deployment.spec?.replicas}`)
})

// ---------------------------------------------------------------------------------------------------------------
// watch
// ---------------------------------------------------------------------------------------------------------------

const printEvent = (type: string, name: string, detail: string) => say(`${type.padEnd(10)}${name.padEnd(28)}${detail}`)

const watchSection = Effect.gen(function*() {
  yield* heading("8. Watch: events while changes happen")
  const cs = yield* Clientset.Clientset
  const configMaps = cs.coreV1.configMaps(cs.restClient.config.namespace)
  const { metadata } = yield* configMaps.list()
  yield* say(`watching configmaps from resourceVersion ${metadata?.resourceVersion}; changing them meanwhile`)
  const changes = yield* Effect.fork(Effect.gen(function*() {
    yield* Effect.sleep(Duration.millis(50))
    yield* configMaps.create({ metadata: { name: "feature-flags" }, data: { "checkout-v2": "false" } })
    yield* Effect.sleep(Duration.millis(50))
    yield* configMaps.patch("feature-flags", "merge", { data: { "checkout-v2": "true" } })
    yield* Effect.sleep(Duration.millis(50))
    yield* configMaps.delete("feature-flags")
  }))
  const events = yield* configMaps.watch({ resourceVersion: metadata?.resourceVersion }).pipe(
    Stream.take(3),
    Stream.interruptAfter(Duration.seconds(5)),
    Stream.tap((e) =>
      e.type === "BOOKMARK"
        ? Effect.void
        : printEvent(e.type, `configmap/${e.object.metadata?.name}`, `data ${JSON.stringify(e.object.data ?? {})}`)
    ),
    Stream.runCount
  )
  yield* Fiber.join(changes)
  yield* say(`${events} events, watch closed`)
})

/** On a real cluster: watch pods for a short while and print what happens (often nothing). */
const shortWatchSection = (n: number, watchFor: Duration.DurationInput) =>
  Effect.gen(function*() {
    yield* heading(`${n}. Watch: pods for ${Duration.format(Duration.decode(watchFor))}`)
    const cs = yield* Clientset.Clientset
    const pods = cs.coreV1.pods(cs.restClient.config.namespace)
    const { metadata } = yield* pods.list({ limit: 1 })
    const events = yield* pods.watch({ resourceVersion: metadata?.resourceVersion }).pipe(
      Stream.take(10),
      Stream.interruptAfter(watchFor),
      Stream.tap((e) =>
        e.type === "BOOKMARK"
          ? Effect.void
          : printEvent(e.type, `pod/${e.object.metadata?.name}`, `phase ${e.object.status?.phase ?? "?"}`)
      ),
      Stream.runCount
    )
    yield* say(events === 0 ? "no changes to pods meanwhile" : `${events} events`)
  })

// ---------------------------------------------------------------------------------------------------------------
// the tours
// ---------------------------------------------------------------------------------------------------------------

/** The whole tour; expects a stack on a fake seeded with the shop (see `./fixtures.ts`). */
export const fakeTour = Effect.gen(function*() {
  yield* Console.log("effect-kube tour: an in-memory apiserver, seeded with a small shop")
  yield* configSection
  yield* listPodsSection(2, undefined)
  yield* crudSection
  yield* errorsSection(4, true)
  yield* dynamicSection
  yield* discoverySection(6, ["Pod", "Service", "ConfigMap", "Deployment", "CronTab"], ["deploy", "ct"])
  yield* scaleSection
  yield* watchSection
  yield* Console.log("\ndone.")
})

/** The read-only tour of a real cluster: nothing is created, changed or deleted. */
export const clusterTour = (flags: Flags, options: { readonly watchFor?: Duration.DurationInput } = {}) =>
  Effect.gen(function*() {
    yield* Console.log("effect-kube tour (read-only) of the cluster in your kubeconfig")
    yield* heading("1. kubeconfig -> RestConfig")
    yield* showConfig({ path: flags.kubeconfig, context: flags.context, namespace: flags.namespace })
    yield* listPodsSection(2, 20)
    yield* errorsSection(3, false)
    yield* discoverySection(4, ["Pod", "Service", "ConfigMap", "Deployment", "Node", "Namespace"], ["deploy", "svc"])
    yield* shortWatchSection(5, options.watchFor ?? Duration.seconds(3))
    yield* Console.log("\ndone.")
  })

/** The program `npm start` runs: the fake tour, or the read-only tour when `--kubeconfig` is given. */
export const main = (argv: ReadonlyArray<string>): Effect.Effect<void, unknown> => {
  const flags = parseFlags(argv)
  return flags.kubeconfig === undefined
    ? Effect.provide(fakeTour, fake())
    : Effect.provide(clusterTour(flags), cluster(flags))
}

if (isMain(import.meta.url)) {
  runMain(main(process.argv.slice(2)))
}
