/**
 * Paging large lists: `limit` + `continue` by hand, then `listAll`, a Stream that fetches the next page only when
 * the consumer gets there (client-go's pager). Every page comes from one consistent snapshot of the list.
 *
 * client-go: `List(ctx, metav1.ListOptions{Limit: 10, Continue: token})` and
 * `pager.New(...).EachListItem(ctx, opts, fn)`.
 *
 *   npm run example examples/paging.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 */
import type { ConfigMap } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import type * as FakeApiServer from "effect-kube/FakeApiServer"
import type * as ResourceClient from "effect-kube/ResourceClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { namespace, shop } from "./fixtures.js"
import { isMain, runExample, say, table } from "./support.js"

const pageSize = 10

export const program = Effect.gen(function*() {
  const cs = yield* Clientset.Clientset
  const configMaps = cs.coreV1.configMaps(cs.restClient.config.namespace)

  // By hand: ask for `limit` items, then pass the continue token back until there is none.
  const rows: Array<ReadonlyArray<string>> = []
  let token: string | undefined = undefined
  let page = 0
  do {
    const list: ResourceClient.ObjectList<ConfigMap> = yield* configMaps.list({ limit: pageSize, continue: token })
    page++
    token = list.metadata?.continue || undefined
    const names = list.items.map((c) => c.metadata?.name ?? "")
    rows.push([
      String(page),
      String(list.items.length),
      `${names[0]} .. ${names[names.length - 1]}`,
      String(list.metadata?.remainingItemCount ?? 0),
      token === undefined ? "<none>" : `${token.slice(0, 12)}...`
    ])
  } while (token !== undefined && page < 100)
  yield* table(["page", "items", "names", "remaining", "continue"], rows)

  // As a stream: pages are fetched as the stream is read; taking 12 items reads only two pages.
  const first12 = yield* configMaps.listAll({ pageSize }).pipe(Stream.take(12), Stream.runCollect)
  yield* say(`listAll + take(12): ${Chunk.size(first12)} items, last ${Chunk.unsafeLast(first12).metadata?.name}`)
  const total = yield* configMaps.listAll({ pageSize }).pipe(Stream.runCount)
  yield* say(`listAll: ${total} configmaps in ${Math.ceil(total / pageSize)} pages of ${pageSize}`)
})

/** The shop plus 25 report configmaps, so there is something to page through. */
export const fakeOptions: FakeApiServer.Options = {
  seed: [
    ...shop,
    ...Array.from({ length: 25 }, (_, i) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `report-2026-${String(i + 1).padStart(2, "0")}`, namespace },
      data: { rows: String((i + 1) * 1000) }
    }))
  ]
}

if (isMain(import.meta.url)) runExample(program, { fake: fakeOptions })
