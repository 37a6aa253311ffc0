/**
 * The stacks Kube.ts and testing.ts offer, each built by one scoped effect instead of a graph of the modules' own
 * layers. Two reasons:
 * - Layers are memoised by reference within one build. A stack composed from constant layers (`RestClient.layer`,
 *   `NodeTransport.layer`, ...) shared them with every other stack in the same build: in a program talking to two
 *   clusters, the second cluster's services got the first cluster's clients (test/Kube.stacks.test.ts).
 * - A cold process pays Effect's layer machinery on its first build: about 40 ms for the dozen layers of the Node
 *   stack, before the first request, on every CLI run, CI step and serverless invocation; one effect costs a few.
 * The services, their order and what each stack exposes are those of the layer graphs it replaces.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Clientset from "../../Clientset.js"
import * as Credentials from "../../Credentials.js"
import * as DiscoveryClient from "../../DiscoveryClient.js"
import * as DynamicClient from "../../DynamicClient.js"
import * as NodeTransport from "../../NodeTransport.js"
import * as RateLimit from "../../RateLimit.js"
import * as RestClient from "../../RestClient.js"
import * as RestConfig from "../../RestConfig.js"
import * as RestMapper from "../../RestMapper.js"
import * as RetryPolicy from "../../RetryPolicy.js"
import * as ScaleClient from "../../ScaleClient.js"
import * as WebSocketTransport from "../../WebSocketTransport.js"

/** What of Kube.Tuning the client stacks read (the rest is applied to the RestConfig before). */
export interface StackTuning {
  readonly retry?: RetryPolicy.Options | "none" | undefined
  readonly tracing?: boolean | undefined
}

const retryPolicy = (tuning: StackTuning): RetryPolicy.Service =>
  tuning.retry === "none"
    ? RetryPolicy.none
    : tuning.retry === undefined
    ? RetryPolicy.defaults
    : RetryPolicy.make(tuning.retry)

/**
 * Every client on the HttpClient, RestConfig and Credentials in the context: one limiter from the RestConfig's qps
 * and burst and one retry policy, shared by all of them.
 */
// The services' types are inferred from the Context built below; Kube's layers state them (Kube.Clients), and the
// compiler holds the two together.
export const clients = (tuning: StackTuning) =>
  Effect.gen(function*() {
    const config = yield* RestConfig.RestConfig
    const rateLimit = yield* RateLimit.make({ qps: config.qps, burst: config.burst })
    const retry = retryPolicy(tuning)
    const rest = yield* RestClient.make.pipe(
      Effect.provideService(RateLimit.RateLimit, rateLimit),
      Effect.provideService(RetryPolicy.RetryPolicy, retry)
    )
    const discovery = yield* Effect.provideService(DiscoveryClient.make(), RestClient.RestClient, rest)
    const mapper = yield* Effect.provideService(RestMapper.make, DiscoveryClient.DiscoveryClient, discovery)
    const scale = yield* ScaleClient.make.pipe(
      Effect.provideService(RestMapper.RestMapper, mapper),
      Effect.provideService(RestClient.RestClient, rest)
    )
    return Context.make(RateLimit.RateLimit, rateLimit).pipe(
      Context.add(RetryPolicy.RetryPolicy, retry),
      Context.add(RestClient.RestClient, rest),
      Context.add(DiscoveryClient.DiscoveryClient, discovery),
      Context.add(RestMapper.RestMapper, mapper),
      Context.add(Clientset.Clientset, Clientset.fromRestClient(rest)),
      Context.add(DynamicClient.DynamicClient, DynamicClient.fromRestClient(rest)),
      Context.add(ScaleClient.ScaleClient, scale)
    )
  })

/**
 * The Node stack on the RestConfig in the context: Credentials, the Node transport (kept inside: the program's own
 * HttpClient, if it has one, is not replaced), every client, and the WebSocket transport.
 */
export const node = (tuning: StackTuning) =>
  Effect.gen(function*() {
    const config = yield* RestConfig.RestConfig
    const credentials = yield* Credentials.fromConfig(config)
    const http = yield* NodeTransport.make(config, {
      clientCertificate: credentials.clientCertificate,
      tracing: tuning.tracing
    })
    const webSockets = yield* WebSocketTransport.make(config, credentials)
    const services = yield* clients(tuning).pipe(
      Effect.provideService(HttpClient.HttpClient, http),
      Effect.provideService(Credentials.Credentials, credentials)
    )
    return services.pipe(
      Context.add(Credentials.Credentials, credentials),
      Context.add(WebSocketTransport.WebSocketTransport, webSockets)
    )
  })
