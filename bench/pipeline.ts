// The library's own per-request and per-event CPU, without sockets (not part of `npm run bench`): the RestClient,
// Clientset, watch and informer pipelines over an HttpClient that answers from memory, beside JSON.parse of the same
// bytes. The loopback benchmark's rows include node:http, the kernel and the server, whose cost and noise swamp a
// few microseconds; this isolates what runs above the transport.
//   node --import tsx bench/pipeline.ts get|watch     (an esbuild-transpiled copy is closer to the published dist/)
// Variants run interleaved, ROUNDS rounds (default 6, the first a warm-up); each line is the median and minimum
// CPU (user + system) per request or per event over the rounds. GETs: N per round (default 20,000); events:
// EVENT_ROUNDS passes over 1,000 pods (default 5). ONLY=text runs the variants whose label contains it.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clientset from "effect-kube/Clientset"
import * as Credentials from "effect-kube/Credentials"
import * as DynamicClient from "effect-kube/DynamicClient"
import * as HttpExchange from "effect-kube/HttpExchange"
import * as KubeRequest from "effect-kube/KubeRequest"
import * as RateLimit from "effect-kube/RateLimit"
import * as RestClient from "effect-kube/RestClient"
import * as RestConfig from "effect-kube/RestConfig"
import * as RetryPolicy from "effect-kube/RetryPolicy"
import type * as Watcher from "effect-kube/Watcher"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { syncedUpdates } from "./contenders/effectKube.js"
import { makePods } from "./data.js"

const mode = process.argv[2] === "watch" ? "watch" : "get"
const rounds = Math.min(50, Math.max(2, Number(process.env.ROUNDS ?? 6)))
const namespace = "pods-1k"
const pods = makePods(namespace, 1000, 1) as Array<{ metadata: { name: string } }>
const json = { "content-type": "application/json" }

// GETs: one pod, answered at once (the exchange a transport gives the RestClient).
const podBody = Buffer.from(JSON.stringify(pods[0]))
const answer: HttpExchange.Buffered = {
  status: 200,
  headers: { ...json, "content-length": String(podBody.length) },
  body: podBody
}

// Watches: EVENT_ROUNDS updates of every pod (a newer resourceVersion each), in 64 KiB chunks as socket reads give
// them, after a list of the same pods.
const eventRounds = Math.min(20, Math.max(1, Number(process.env.EVENT_ROUNDS ?? 5)))
const lines: Array<string> = []
for (let round = 0; round < eventRounds; round++) {
  pods.forEach((pod, i) => {
    const metadata = { ...pod.metadata, resourceVersion: String(200_001 + round * pods.length + i) }
    lines.push(`{"type":"MODIFIED","object":${JSON.stringify({ ...pod, metadata })}}\n`)
  })
}
const events = lines.length
const watchBody = Buffer.from(lines.join(""))
const chunks: Array<Buffer> = []
for (let at = 0; at < watchBody.length; at += 65_536) chunks.push(watchBody.subarray(at, at + 65_536))
const listBody = Buffer.from(
  `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"200000"},"items":[${
    pods.map((p) => JSON.stringify(p)).join(",")
  }]}`
)

const respond = (request: HttpClientRequest.HttpClientRequest) => {
  const watching = request.urlParams.some(([k, v]) => k === "watch" && v === "true") ||
    request.url.includes("watch=true")
  // A watch stays open after its events, as a server's does until its timeout.
  const body = watching
    ? new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk))
      }
    })
    : listBody
  return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { headers: json })))
}

const listAnswer: HttpExchange.Buffered = { status: 200, headers: json, body: listBody }
const client = HttpExchange.withExchange(
  HttpClient.make(respond),
  (request) => Effect.succeed(request.url.split("?")[0]!.endsWith("/pods") ? listAnswer : answer)
)
const config: RestConfig.Service = {
  server: "http://127.0.0.1:1",
  source: "bench/pipeline.ts",
  userAgent: "bench",
  tls: { insecure: false },
  qps: -1,
  burst: 10,
  disableCompression: false,
  auth: { _tag: "None" },
  namespace
}
const layer = Layer.mergeAll(Clientset.layer, DynamicClient.layer).pipe(
  Layer.provideMerge(RestClient.layer),
  Layer.provide(Layer.mergeAll(
    Layer.succeed(HttpClient.HttpClient, client),
    RestConfig.layer(config),
    Credentials.layerNone,
    RateLimit.layerUnlimited,
    RetryPolicy.layerDefault
  ))
)

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) =>
  `${o.metadata?.namespace}/${o.metadata?.name}`

// The hand-written baseline of an informer: split lines, JSON.parse, a Map by key.
const rawEvents = (cache: Map<string, unknown> | undefined) =>
  Effect.sync(() => {
    if (cache !== undefined) {
      for (const item of JSON.parse(listBody.toString()).items) cache.set(keyOf(item), item)
    }
    const decoder = new TextDecoder()
    let pending = ""
    let seen = 0
    for (const chunk of chunks) {
      pending += decoder.decode(chunk, { stream: true })
      let from = 0
      let newline: number
      while ((newline = pending.indexOf("\n", from)) !== -1) {
        const event = JSON.parse(pending.slice(from, newline))
        from = newline + 1
        cache?.set(keyOf(event.object), event.object)
        seen++
      }
      pending = pending.slice(from)
    }
    return seen
  })

const informerUpdates = <A, E>(source: Watcher.Source<A, E>) =>
  Effect.scoped(Effect.flatMap(syncedUpdates(source, events), Fiber.join))

const program = Effect.gen(function*() {
  const clientset = yield* Clientset.Clientset
  const rest = yield* RestClient.RestClient
  const dynamic = yield* DynamicClient.DynamicClient
  const name = pods[0]!.metadata.name
  const get = KubeRequest.get({ group: "", version: "v1", resource: "pods", namespace, name })
  const perGet = Math.min(200_000, Math.max(1000, Number(process.env.N ?? 20_000)))
  const repeat = (effect: Effect.Effect<unknown, unknown>) =>
    Effect.suspend(() => {
      let i = 0
      return Effect.as(Effect.whileLoop({ while: () => i < perGet, body: () => effect, step: () => i++ }), perGet)
    })
  const watchOf = KubeRequest.watch(KubeRequest.list({ group: "", version: "v1", resource: "pods", namespace }))
  const variants: Record<string, Effect.Effect<number, unknown>> = mode === "get"
    ? {
      "JSON.parse of the pod": repeat(Effect.sync(() => JSON.parse(podBody.toString("utf8")))),
      "RestClient.executeRaw (no parse)": repeat(rest.executeRaw(get)),
      "RestClient.execute, Schema.Unknown": repeat(rest.execute(get, Schema.Unknown)),
      "Clientset pods.get (typed)": repeat(clientset.coreV1.pods(namespace).get(name))
    }
    : {
      "raw watch: lines + JSON.parse": rawEvents(undefined),
      "raw informer: + Map by key, after the list": rawEvents(new Map()),
      "RestClient.watch, Schema.Unknown": Stream.runCount(Stream.take(rest.watch(watchOf, Schema.Unknown), events)),
      "Clientset pods.watch (typed)": Stream.runCount(Stream.take(clientset.coreV1.pods(namespace).watch(), events)),
      "Informer, DynamicClient": informerUpdates(
        dynamic.resource({ group: "", version: "v1", resource: "pods" }).namespace(namespace)
      ),
      "Informer, typed": informerUpdates(clientset.coreV1.pods(namespace))
    }
  // ONLY=text keeps the variants whose label contains it (for a profile of one).
  const only = process.env.ONLY
  const chosen = Object.entries(variants).filter(([label]) => only === undefined || label.includes(only))
  const samples = new Map<string, Array<number>>()
  for (let round = 0; round < rounds; round++) {
    for (const [label, effect] of chosen) {
      const before = process.cpuUsage()
      const count = yield* Effect.timeoutFail(effect, {
        duration: "120 seconds",
        onTimeout: () => new Error(`${label} did not finish within 120 s`)
      })
      const used = process.cpuUsage(before)
      if (mode === "watch" && count !== events) throw new Error(`${label}: ${count} of ${events} events`)
      if (round > 0) samples.set(label, [...(samples.get(label) ?? []), (used.user + used.system) / count])
    }
  }
  const unit = mode === "get" ? "µs CPU per request" : "µs CPU per event"
  console.log(`${mode === "get" ? `${perGet} GETs` : `${events} events`} a round, ${rounds - 1} rounds; ${unit}:`)
  for (const [label, values] of samples) {
    const sorted = [...values].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]!
    console.log(
      `  ${label.padEnd(44)} median ${median.toFixed(2).padStart(7)}  min ${sorted[0]!.toFixed(2).padStart(7)}`
    )
  }
})

await Effect.runPromise(Effect.provide(program, layer))
