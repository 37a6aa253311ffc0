// Latency of the in-process FakeApiServer holding 10,000 objects while 50 watchers consume events: the median of
// a single GET (the target is well under 1 ms), of a PATCH fanned out to the watchers, and of a selective paged
// list. Prints one line per measurement; the lead wires this into `npm run bench`.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as FakeApiServer from "../src/FakeApiServer.js"

const objects = 10_000
const watchers = Number(process.env.WATCHERS ?? 50)
const samples = 2_000
const base = "http://fake-apiserver.local/api/v1/namespaces/default/configmaps"

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const timed = <A, E, R>(n: number, f: (i: number) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const times: Array<number> = []
    for (let i = 0; i < n; i++) {
      const start = performance.now()
      yield* f(i)
      times.push(performance.now() - start)
    }
    return median(times)
  })

const program = Effect.gen(function*() {
  const fake = yield* FakeApiServer.FakeApiServer
  const client = yield* HttpClient.HttpClient
  yield* fake.seed(
    ...Array.from({ length: objects }, (_, i) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `cm-${i}`, namespace: "default", labels: { n: String(i % 10) } },
      data: { value: String(i) }
    }))
  )
  const rv = yield* fake.resourceVersion
  for (let i = 0; i < watchers; i++) {
    const selector = i % 2 === 0 ? "&labelSelector=n%3D1" : ""
    yield* client.get(`${base}?watch=true&resourceVersion=${rv}${selector}`).pipe(
      Effect.flatMap((response) => Stream.runDrain(response.stream)),
      Effect.forkScoped
    )
  }
  const get = (i: number) => Effect.flatMap(client.get(`${base}/cm-${i % objects}`), (r) => r.json)
  yield* timed(200, get)
  const getMedian = yield* timed(samples, (i) => get(i * 7919))
  console.log(`fakeApiServer get (${objects} objects, ${watchers} watchers): median ${getMedian.toFixed(3)} ms`)
  const patchMedian = yield* timed(500, (i) =>
    client.execute(
      HttpClientRequest.patch(`${base}/cm-${i}`).pipe(
        HttpClientRequest.bodyText(JSON.stringify({ data: { touched: String(i) } }), "application/merge-patch+json")
      )
    ).pipe(Effect.flatMap((r) => r.json)))
  console.log(`fakeApiServer patch fanned out to ${watchers} watchers: median ${patchMedian.toFixed(3)} ms`)
  const listMedian = yield* timed(
    50,
    () => Effect.flatMap(client.get(`${base}?limit=500&labelSelector=n%3D3`), (r) => r.json)
  )
  console.log(`fakeApiServer list limit=500 with a label selector: median ${listMedian.toFixed(3)} ms`)
})

Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(FakeApiServer.layer()))).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
