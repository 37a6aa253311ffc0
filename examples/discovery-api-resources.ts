/**
 * Discovery: the server version, its API groups and `kubectl api-resources` (each resource at its group's preferred
 * version), plus resolving kubectl-style names through the RestMapper. Group versions that could not be discovered
 * (an aggregated API that is down) are reported, not fatal.
 *
 * client-go: `discovery.ServerVersion()`, `ServerGroups()`, `ServerPreferredResources()`, and
 * `restmapper.NewDeferredDiscoveryRESTMapper(...).RESTMapping(...)`.
 *
 *   npm run example examples/discovery-api-resources.ts [--kubeconfig FILE] [--context NAME]
 */
import * as DiscoveryClient from "effect-kube/DiscoveryClient"
import * as RestMapper from "effect-kube/RestMapper"
import * as Effect from "effect/Effect"
import { isMain, runExample, say, table } from "./support.js"

/** The rows of `kubectl api-resources`: name, short names, apiVersion, namespaced, kind; sorted by group, then name. */
export const apiResources = Effect.gen(function*() {
  const discovery = yield* DiscoveryClient.DiscoveryClient
  const preferred = yield* discovery.serverPreferredResources
  const rows = preferred.resources.flatMap((list) => {
    const group = list.groupVersion.includes("/") ? list.groupVersion.split("/")[0]! : ""
    return list.resources
      .filter((r) => !r.name.includes("/")) // subresources (pods/log, deployments/scale) are not listed
      .map((r) => ({
        group,
        row: [r.name, (r.shortNames ?? []).join(","), list.groupVersion, String(r.namespaced), r.kind]
      }))
  })
  rows.sort((a, b) => a.group.localeCompare(b.group) || a.row[0]!.localeCompare(b.row[0]!))
  return { rows: rows.map((r) => r.row), failed: preferred.failed }
})

export const program = Effect.gen(function*() {
  const discovery = yield* DiscoveryClient.DiscoveryClient
  const version = yield* discovery.serverVersion
  const { groups } = yield* discovery.serverGroups
  yield* say(`server ${version.gitVersion} (${version.platform}), ${groups.length} API groups`)
  yield* say("")

  const { failed, rows } = yield* apiResources
  yield* table(["name", "shortnames", "apiversion", "namespaced", "kind"], rows)
  yield* say("")
  yield* say(`${rows.length} resources`)
  for (const f of failed) yield* say(`could not discover ${f.groupVersion}: ${f.error.message}`)

  const mapper = yield* RestMapper.RestMapper
  for (const arg of ["po", "deploy", "Deployment.v1.apps", "hpa", "nope"]) {
    const line = yield* mapper.resolve(arg).pipe(
      Effect.map((m) =>
        `${m.resource.resource}.${m.resource.version}.${m.resource.group || "core"}, kind ${m.groupVersionKind.kind}, ${
          m.namespaced ? "namespaced" : "cluster-scoped"
        }`
      ),
      Effect.catchTag("NoResourceMatch", (e) => Effect.succeed(`no match (${e.message})`))
    )
    yield* say(`resolve ${JSON.stringify(arg).padEnd(22)} -> ${line}`)
  }
})

if (isMain(import.meta.url)) runExample(program)
