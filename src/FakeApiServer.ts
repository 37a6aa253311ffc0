/**
 * An in-memory Kubernetes API server for tests and demos. One engine, two faces:
 *
 * - {@link layer} answers requests in-process through an `HttpClient` (no socket) and provides a matching
 *   `RestConfig`, so everything above the transport runs as it would against a cluster.
 * - {@link listen} serves the same engine over HTTP or HTTPS on 127.0.0.1 and writes a kubeconfig for it, so real
 *   tools such as kubectl can talk to it.
 *
 * It behaves like an apiserver, not a stub: every built-in resource of the generated table plus
 * CustomResourceDefinitions, resourceVersions from one counter, selectors, paging with consistent continue
 * tokens, watches with resume and bookmarks, patches and server-side apply, finalizers, status and scale
 * subresources, discovery, Table output, pod logs, fault injection and a request log.
 *
 * Simplifications (documented so tests do not depend on them): deleting a namespace removes its objects at once;
 * pods are deleted at once whatever the grace period (no kubelet); ownerReferences are not garbage-collected;
 * propagationPolicy is accepted and ignored; versions of a resource share storage without conversion (except
 * core/v1 and events.k8s.io/v1 Events, one storage read through either API in that API's shape, as on a cluster).
 * With `simulate` ({@link SimulateOptions}) controllers run inside the fake and lift the first three: a garbage
 * collector, namespace lifecycle, workloads, nodes and pods, as kube-controller-manager and kubelets would.
 * Pods on simulated nodes are then deleted gracefully (Terminating until the simulated kubelet stops them).
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"
import * as Credentials from "./Credentials.js"
import type * as model from "./FakeApiServerModel.js"
import { patchMeta as generatedPatchMeta } from "./generated/patchMeta.js"
import { resources as generatedResources } from "./generated/resources.js"
import { serverTls } from "./internal/fakeApiServer/certs.js"
import { Engine } from "./internal/fakeApiServer/engine.js"
import { inProcessClient, nodeHandler } from "./internal/fakeApiServer/http.js"
import { kubeconfigYaml, writeAtomically } from "./internal/fakeApiServer/kubeconfig.js"
import type { FakeLimits } from "./internal/fakeApiServer/limits.js"
import { defaultLimits } from "./internal/fakeApiServer/limits.js"
import { view } from "./internal/fakeApiServer/objects.js"
import { makeOpenApi } from "./internal/fakeApiServer/openapi.js"
import { makePatchEngine } from "./internal/fakeApiServer/patchEngines.js"
import { Router } from "./internal/fakeApiServer/router.js"
import * as simulateOptions from "./internal/fakeApiServer/simulate/options.js"
import { start as startSimulation } from "./internal/fakeApiServer/simulate/runner.js"
import { objectKey } from "./internal/fakeApiServer/store.js"
import { serve as serveStreams, Streaming } from "./internal/fakeApiServer/streaming.js"
import { isObj } from "./internal/fakeApiServer/types.js"
import * as Manifest from "./Manifest.js"
import type { PatchMetaTable } from "./PatchMeta.js"
import type { ResourceInfo } from "./Resource.js"
import * as RestConfig from "./RestConfig.js"
import * as WebSocketTransport from "./WebSocketTransport.js"

/**
 * A failure of the fake itself (bad seed data, a port in use, no `openssl` for HTTPS), never an API error: those
 * are HTTP responses.
 *
 * @since 0.1.0
 * @category errors
 */
export class FakeApiServerError extends Data.TaggedError("FakeApiServerError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * One logged request. Header names are lower-case and the Authorization value is `<redacted>`.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestLogEntry = model.RequestLogEntry

/**
 * Which requests a fault applies to: a method and a path prefix or RegExp (tested against path and query).
 *
 * @since 0.1.0
 * @category models
 */
export type RequestMatch = model.RequestMatch

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The resources served besides CRDs; the generated Kubernetes 1.36 table by default. */
  readonly resources?: ReadonlyArray<ResourceInfo> | undefined
  readonly patchMeta?: PatchMetaTable | undefined
  /** How many events the watch/continue history keeps; older resourceVersions get 410 Expired. Default 1000. */
  readonly historySize?: number | undefined
  /** Interval of BOOKMARK events for watches that allow them. Default 1 minute. */
  readonly bookmarkInterval?: Duration.DurationInput | undefined
  /** Server-side watch timeout when the client sends none. Default 30 minutes. */
  readonly watchTimeout?: Duration.DurationInput | undefined
  /** Objects to store at start (status included, as given). */
  readonly seed?: ReadonlyArray<unknown> | undefined
  /** YAML documents to store at start (multi-document, `List` kinds expanded). */
  readonly seedYaml?: string | undefined
  /** The namespace of the provided RestConfig (and written kubeconfig). Default "default". */
  readonly namespace?: string | undefined
  /** Bearer token required from clients; `listen` makes a random one when unset, `layer` requires none. */
  readonly token?: string | undefined
  /**
   * Rate limit of the provided RestConfig; client-go defaults (5 / 10) when unset. Under `TestClock` pass a negative
   * qps: the limiter waits on the test's clock, so a test whose program spent the burst blocks its own requests.
   */
  readonly qps?: number | undefined
  readonly burst?: number | undefined
  /** A Swagger 2.0 document to serve at /openapi/v2 (kubectl uses v3, which the fake builds itself). */
  readonly openapiV2?: unknown
  /** How many requests the log keeps (oldest dropped first, counted by `droppedRequests`). Default 10,000. */
  readonly maxLoggedRequests?: number | undefined
  /**
   * Runs a simulated cluster inside the fake (off by default): controllers as fibers of the scope the fake is made
   * in, on the Effect Clock (so `TestClock` drives them). `true` runs every controller; an object switches them
   * one by one. See {@link SimulateOptions}.
   *
   * @since 0.2.0
   */
  readonly simulate?: boolean | SimulateOptions | undefined
  /**
   * How many characters of request bodies the log keeps in total (oldest entries dropped first). Default 64 MiB.
   * @since 0.2.0
   */
  readonly maxLoggedBodyBytes?: number | undefined
  /**
   * Largest request body accepted, as the apiserver's `--max-request-body-bytes`: a larger one is answered 413
   * `RequestEntityTooLarge` without being buffered. Default 3 MiB (the apiserver's default).
   * @since 0.2.0
   */
  readonly maxRequestBodyBytes?: number | undefined
  /**
   * Bytes of serialized events that may wait for a watcher that does not read; past it the server ends that
   * watch (as the apiserver drops an unresponsive watcher) and the client re-watches. Default 64 MiB.
   * @since 0.2.0
   */
  readonly maxWatchBacklogBytes?: number | undefined
  /**
   * Serve streaming lists (the WatchList feature: watches with `sendInitialEvents` / `resourceVersionMatch`).
   * Default true; false answers them 422 Invalid, as an apiserver without the feature gate does, so clients can be
   * tested on their fallback to list + watch.
   *
   * @since 0.2.0
   */
  readonly watchList?: boolean | undefined
}

/**
 * What the simulated cluster runs: the garbage collector (ownerReferences and propagationPolicy), namespace
 * lifecycle, workload controllers, nodes and pods, and each namespace's `default` ServiceAccount and (over HTTPS)
 * `kube-root-ca.crt` ConfigMap. Every controller is on unless switched off.
 *
 * @since 0.2.0
 * @category models
 */
export type SimulateOptions = model.SimulateOptions

/**
 * What a simulated pod does (`SimulateOptions.pods.behavior`, or the pod's `simulate.effect-kube.io/behavior`
 * annotation): become Ready, never pass readiness, crash-loop, fail, succeed (exit 0), or stay in ImagePullBackOff.
 * A pod's `simulate.effect-kube.io/run-seconds` annotation sets how long it runs before it exits (a Job's pods).
 *
 * @since 0.2.0
 * @category models
 */
export type PodBehavior = model.PodBehavior

/**
 * Delays of the simulated cluster's steps, on the fake's clock.
 *
 * @since 0.2.0
 * @category models
 */
export type SimulateTiming = model.SimulateTiming

/**
 * What {@link make} needs: a `Scope` for the simulated cluster's fibers when `simulate` may be on, nothing otherwise.
 *
 * @since 0.2.0
 * @category models
 */
export type MakeRequirements<O extends Options> = "simulate" extends keyof O
  ? [O["simulate"]] extends [false | undefined] ? never : Scope.Scope
  : never

/**
 * @since 0.1.0
 * @category models
 */
export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number | undefined
  /** Serve HTTPS with a self-signed CA (made with the `openssl` CLI, once per process). */
  readonly https?: boolean | undefined
  /** Also write the kubeconfig to this file (atomically, once the server accepts connections). */
  readonly kubeconfigPath?: string | undefined
}

/**
 * A running server: where it is and how to reach it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Listening {
  readonly url: string
  readonly port: number
  /** PEM of the CA that signed the server certificate (HTTPS only). */
  readonly caPem?: string | undefined
  readonly token: Redacted.Redacted<string>
  /** Kubeconfig YAML pointing at the server, with the CA data and a token user. */
  readonly kubeconfig: string
  readonly kubeconfigPath?: string | undefined
  readonly restConfig: RestConfig.Service
}

/**
 * Identifies stored objects for assertions: `{ apiVersion: "apps/v1", kind: "Deployment", namespace, name }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectRef {
  readonly apiVersion: string
  readonly kind: string
  readonly namespace?: string | undefined
  readonly name: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface KindRef {
  readonly apiVersion: string
  readonly kind: string
  /** Only objects of this namespace; all namespaces when unset. */
  readonly namespace?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LogTarget {
  readonly namespace: string
  readonly pod: string
  /** The container; logs set without one are what any container of the pod shows when it has none of its own. */
  readonly container?: string | undefined
}

/**
 * What a client asked to run in a pod (`subresource: "attach"` has no command).
 *
 * @since 0.2.0
 * @category models
 */
export type ExecRequest = model.ExecRequest

/**
 * A scripted command's side of the streams: stdin as a Stream (it ends when the client closes stdin), writers for
 * stdout and stderr, the resize messages, and the container's in-memory file system.
 *
 * @since 0.2.0
 * @category models
 */
export type ExecIo = model.ExecIo

/**
 * @since 0.2.0
 * @category models
 */
export type ExecResult = model.ExecResult

/**
 * What a pod does with an exec or attach. It runs until it returns (its exit code goes on the status channel) or
 * the client closes the connection (it is interrupted).
 *
 * @since 0.2.0
 * @category models
 */
export type ExecHandler = model.ExecHandler

/**
 * One forwarded connection to a pod's port, from the pod's side.
 *
 * @since 0.2.0
 * @category models
 */
export type PortForwardConnection = model.PortForwardConnection

/**
 * What listens on a pod's port; it runs until it returns (the connection then closes) or the client leaves.
 *
 * @since 0.2.0
 * @category models
 */
export type PortForwardHandler = model.PortForwardHandler

/**
 * A pod, or one container of it, for scripting streams and its file system.
 *
 * @since 0.2.0
 * @category models
 */
export interface ContainerRef {
  readonly namespace?: string | undefined
  readonly pod: string
  /** Unset: every container of the pod (the first one, for a file system). */
  readonly container?: string | undefined
}

/**
 * One WebSocket upgrade request the fake saw (exec, attach, portforward); Authorization is `<redacted>`.
 *
 * @since 0.2.0
 * @category models
 */
export interface StreamRequestEntry {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** 101 when upgraded, else the refusal's code. */
  readonly status: number
}

/**
 * Programmatic access to a fake: seeding, store reads for assertions, the request log, faults and pod logs.
 *
 * @since 0.1.0
 * @category models
 */
/**
 * An RBAC PolicyRule for {@link Service.authorize}; `namespaces` limits it as a RoleBinding would (all namespaces
 * and cluster scope when absent).
 *
 * @since 0.2.0
 * @category models
 */
export interface AuthorizationRule {
  readonly verbs: ReadonlyArray<string>
  readonly apiGroups?: ReadonlyArray<string> | undefined
  readonly resources?: ReadonlyArray<string> | undefined
  readonly resourceNames?: ReadonlyArray<string> | undefined
  readonly nonResourceURLs?: ReadonlyArray<string> | undefined
  readonly namespaces?: ReadonlyArray<string> | undefined
}

/**
 * A running fake apiserver: its URL, its objects and the fault and handler controls.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The base URL clients use in-process. */
  readonly url: string
  /** Stores objects (create or replace), filling uid, creationTimestamp and resourceVersion. */
  readonly seed: (...objects: ReadonlyArray<unknown>) => Effect.Effect<void, FakeApiServerError>
  /** Stores the objects of YAML documents; `List` kinds are expanded. */
  readonly seedYaml: (yaml: string) => Effect.Effect<void, FakeApiServerError>
  readonly get: (ref: ObjectRef) => Effect.Effect<Option.Option<unknown>, FakeApiServerError>
  readonly list: (ref: KindRef) => Effect.Effect<ReadonlyArray<unknown>, FakeApiServerError>
  /** Removes an object at once, as if its finalizers were gone (a DELETED event is sent). */
  readonly remove: (ref: ObjectRef) => Effect.Effect<boolean, FakeApiServerError>
  /** The current global resourceVersion. */
  readonly resourceVersion: Effect.Effect<string>
  /**
   * Compacts the history as etcd does: watches and continue tokens from resourceVersions before the current one
   * answer 410 Expired from now on.
   */
  readonly compact: Effect.Effect<void>
  readonly requests: Effect.Effect<ReadonlyArray<RequestLogEntry>>
  readonly clearRequests: Effect.Effect<void>
  /** Requests dropped from the log to keep it within its bounds since the last `clearRequests`. @since 0.2.0 */
  readonly droppedRequests: Effect.Effect<number>
  /** Answers the next `times` matching requests (every one when unset) with an error Status. */
  readonly failNext: (options: {
    readonly match?: RequestMatch | undefined
    readonly times?: number | undefined
    readonly status: number
    readonly reason: string
    readonly message?: string | undefined
    readonly retryAfterSeconds?: number | undefined
  }) => Effect.Effect<void>
  /** Delays matching requests. */
  readonly addLatency: (options: {
    readonly match?: RequestMatch | undefined
    readonly times?: number | undefined
    readonly delay: Duration.DurationInput
  }) => Effect.Effect<void>
  /** Ends matching watches after `afterEvents` events (the connection closes as if cut). */
  readonly cutWatch: (options: {
    readonly match?: RequestMatch | undefined
    readonly times?: number | undefined
    readonly afterEvents: number
  }) => Effect.Effect<void>
  /** Answers matching requests with 200 and a truncated JSON body. */
  readonly malformedNext: (options?: {
    readonly match?: RequestMatch | undefined
    readonly times?: number | undefined
  }) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  readonly setLogs: (target: LogTarget, lines: ReadonlyArray<string>) => Effect.Effect<void>
  /** Appends lines; `follow=true` readers receive them as they come. */
  readonly appendLogs: (target: LogTarget, lines: ReadonlyArray<string>) => Effect.Effect<void>
  /**
   * Limits what callers may do: with `rules` (RBAC PolicyRules, optionally per namespace) every resource request
   * is checked and refused with 403 Forbidden as the apiserver refuses it, and the review APIs
   * (SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview) answer from them. `rules: undefined`
   * allows everything again (the default). `user` is who SelfSubjectReview (`kubectl auth whoami`) says the caller is.
   *
   * @since 0.2.0
   */
  readonly authorize: (options: {
    readonly rules: ReadonlyArray<AuthorizationRule> | undefined
    readonly user?: { readonly username: string; readonly groups?: ReadonlyArray<string> | undefined } | undefined
  }) => Effect.Effect<void>
  /**
   * Scripts exec and attach for a pod (or one container). Unscripted containers understand `echo`, `cat`,
   * `sh -c 'exit N'`, `test`, `true`, `false` and `tar` (kubectl cp against their file system); any other command
   * fails like a missing binary (exit 127 with runc's message). Nothing runs on the host.
   * @since 0.2.0
   */
  readonly onExec: (target: ContainerRef, handler: ExecHandler) => Effect.Effect<void>
  /** Scripts what listens on a pod's port; unscripted ports refuse, as nothing listens there. @since 0.2.0 */
  readonly onPortForward: (
    target: ContainerRef,
    port: number,
    handler: PortForwardHandler
  ) => Effect.Effect<void>
  /** Writes a file into a container's in-memory file system (parents created). @since 0.2.0 */
  readonly writeFile: (target: ContainerRef, path: string, data: Uint8Array | string) => Effect.Effect<void>
  /** A file of a container's file system, if it is there. @since 0.2.0 */
  readonly readFile: (target: ContainerRef, path: string) => Effect.Effect<Option.Option<Uint8Array>>
  /** WebSocket upgrade requests seen by {@link listen}. @since 0.2.0 */
  readonly streamRequests: Effect.Effect<ReadonlyArray<StreamRequestEntry>>
  /** An HttpClient answering in-process. */
  readonly httpClient: HttpClient.HttpClient
  /** Serves this same engine over HTTP(S) on 127.0.0.1 until the scope closes. */
  readonly listen: (options?: ListenOptions) => Effect.Effect<Listening, FakeApiServerError, Scope.Scope>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class FakeApiServer extends Context.Tag("effect-kube/FakeApiServer")<FakeApiServer, Service>() {}

/**
 * The base URL of the in-process face.
 *
 * @since 0.1.0
 * @category constants
 */
export const inProcessUrl = "http://fake-apiserver.local"

// Seed YAML is read by Manifest's parser (List kinds expanded, empty documents skipped), failing at the first bad one.
const seedObjects = (yaml: string): Effect.Effect<ReadonlyArray<unknown>, FakeApiServerError> =>
  Effect.mapError(
    Manifest.parse(yaml, { source: "seed YAML" }),
    (error) => new FakeApiServerError({ message: `cannot parse seed YAML: ${error.message}`, cause: error })
  )

const restConfigFor = (
  server: string,
  options: Options,
  token: string | undefined,
  caPem: string | undefined
): RestConfig.Service => ({
  server,
  tls: { insecure: false, ...(caPem !== undefined ? { caData: caPem } : {}) },
  disableCompression: false,
  auth: token === undefined ? { _tag: "None" } : { _tag: "Token", token: Redacted.make(token) },
  namespace: options.namespace ?? "default",
  qps: options.qps ?? RestConfig.defaultQps,
  burst: options.burst ?? RestConfig.defaultBurst,
  userAgent: "effect-kube/0.1.0",
  source: "fake-apiserver"
})

/**
 * Builds a fake (not yet listening anywhere) and applies the seeds. With `simulate`, the simulated cluster's
 * controllers start after the seeds, as fibers of the current scope (which the type then requires).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const O extends Options = {}>(
  options?: O
): Effect.Effect<Service, FakeApiServerError, MakeRequirements<O>> =>
  makeService(options ?? {}) as Effect.Effect<Service, FakeApiServerError, MakeRequirements<O>>

const makeService = (options: Options): Effect.Effect<Service, FakeApiServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const simulation = simulateOptions.resolve(options.simulate)
    if (typeof simulation === "string") {
      return yield* new FakeApiServerError({ message: `invalid simulate option: ${simulation}` })
    }
    const limits: FakeLimits = {
      maxRequestBodyBytes: options.maxRequestBodyBytes ?? defaultLimits.maxRequestBodyBytes,
      maxLoggedRequests: options.maxLoggedRequests ?? defaultLimits.maxLoggedRequests,
      maxLoggedBodyBytes: options.maxLoggedBodyBytes ?? defaultLimits.maxLoggedBodyBytes,
      maxWatchBacklogBytes: options.maxWatchBacklogBytes ?? defaultLimits.maxWatchBacklogBytes
    }
    const engine = new Engine({
      maxWatchBacklogBytes: limits.maxWatchBacklogBytes,
      resources: options.resources ?? generatedResources,
      historySize: options.historySize ?? 1000,
      bookmarkInterval: Duration.decode(options.bookmarkInterval ?? Duration.minutes(1)),
      watchTimeout: Duration.decode(options.watchTimeout ?? Duration.minutes(30)),
      watchList: options.watchList ?? true,
      patch: makePatchEngine(options.patchMeta ?? generatedPatchMeta),
      simulation
    })
    let address = inProcessUrl
    // The CA of the serving certificate, which the simulated root-CA publisher copies into every namespace.
    const clusterCa = yield* SubscriptionRef.make(Option.none<string>())
    const router = new Router({
      engine,
      openapi: makeOpenApi(engine.registry, options.openapiV2),
      serverAddress: () => address.replace(/^https?:\/\//, ""),
      serverUrl: () => address,
      limits
    })

    const seed = (...objects: ReadonlyArray<unknown>) =>
      Effect.gen(function*() {
        const now = Date.now()
        // CRDs first, so custom resources in the same batch find their kind.
        const ordered = [
          ...objects.filter((o) => isObj(o) && o.kind === "CustomResourceDefinition"),
          ...objects.filter((o) => !(isObj(o) && o.kind === "CustomResourceDefinition"))
        ]
        for (const obj of ordered) {
          const problem = engine.seed(structuredClone(obj), now)
          if (problem !== undefined) return yield* new FakeApiServerError({ message: `cannot seed: ${problem}` })
        }
      })

    const servedFor = (apiVersion: string, kind: string) =>
      Effect.suspend(() => {
        const served = engine.servedFor(apiVersion, kind)
        return served === undefined
          ? Effect.fail(new FakeApiServerError({ message: `no resource serves ${kind} in ${apiVersion}` }))
          : Effect.succeed(served)
      })

    const logTarget = (target: LogTarget) => target.container ?? ""

    const podsServed = engine.servedFor("v1", "Pod")
    const streaming = new Streaming((namespace, name) =>
      podsServed === undefined ? undefined : engine.store.get(podsServed.storageKey, objectKey(namespace, name))
    )
    const podKey = (target: ContainerRef) => `${target.namespace ?? options.namespace ?? "default"}/${target.pod}`
    const containerFs = (target: ContainerRef) => {
      const namespace = target.namespace ?? options.namespace ?? "default"
      let container = target.container
      if (container === undefined) {
        const pod = streaming.getPod(namespace, target.pod)
        const containers = (pod?.spec as { containers?: Array<{ name?: string }> } | undefined)?.containers ?? []
        container = containers[0]?.name ?? ""
      }
      return streaming.fs(namespace, target.pod, container)
    }

    const service: Service = {
      url: inProcessUrl,
      seed,
      seedYaml: (yaml) => Effect.flatMap(seedObjects(yaml), (objects) => seed(...objects)),
      get: (ref) =>
        Effect.map(servedFor(ref.apiVersion, ref.kind), (served) => {
          const obj = engine.store.get(
            served.storageKey,
            objectKey(served.info.namespaced ? ref.namespace ?? "default" : undefined, ref.name)
          )
          return obj === undefined ? Option.none() : Option.some(view(obj, served))
        }),
      list: (ref) =>
        Effect.map(servedFor(ref.apiVersion, ref.kind), (served) => {
          const out: Array<unknown> = []
          const scan = engine.store.scan(served.storageKey, {
            namespace: served.info.namespaced ? ref.namespace : undefined
          })
          for (const [, obj] of scan ?? []) out.push(view(obj, served))
          return out
        }),
      remove: (ref) =>
        Effect.map(servedFor(ref.apiVersion, ref.kind), (served) =>
          engine.store.remove(
            served.storageKey,
            objectKey(served.info.namespaced ? ref.namespace ?? "default" : undefined, ref.name)
          ) !== undefined),
      resourceVersion: Effect.sync(() => String(engine.store.currentRv)),
      compact: Effect.sync(() => engine.store.compact()),
      requests: Effect.sync(() => router.requestLog.snapshot()),
      clearRequests: Effect.sync(() => router.requestLog.clear()),
      droppedRequests: Effect.sync(() => router.requestLog.dropped),
      failNext: (o) =>
        Effect.sync(() =>
          router.faults.add(o.match ?? {}, {
            _tag: "Fail",
            status: o.status,
            reason: o.reason,
            message: o.message,
            retryAfterSeconds: o.retryAfterSeconds
          }, o.times)
        ),
      addLatency: (o) =>
        Effect.sync(() =>
          router.faults.add(o.match ?? {}, { _tag: "Latency", delay: Duration.decode(o.delay) }, o.times)
        ),
      cutWatch: (o) =>
        Effect.sync(() => router.faults.add(o.match ?? {}, { _tag: "CutWatch", afterEvents: o.afterEvents }, o.times)),
      malformedNext: (o) => Effect.sync(() => router.faults.add(o?.match ?? {}, { _tag: "Malformed" }, o?.times ?? 1)),
      clearFaults: Effect.sync(() => router.faults.clear()),
      authorize: (o) =>
        Effect.sync(() => {
          engine.authorizer.rules = o.rules === undefined ? undefined : structuredClone(o.rules)
          if (o.user !== undefined) {
            engine.authorizer.user = {
              username: o.user.username,
              groups: [...(o.user.groups ?? []), "system:authenticated"]
            }
          }
        }),
      setLogs: (target, lines) =>
        Effect.sync(() => engine.logs.set(target.namespace, target.pod, logTarget(target), lines)),
      appendLogs: (target, lines) =>
        Effect.sync(() => engine.logs.append(target.namespace, target.pod, logTarget(target), lines)),
      onExec: (target, handler) =>
        Effect.sync(() => {
          const key = podKey(target)
          streaming.execHandlers.set(target.container === undefined ? key : `${key}/${target.container}`, handler)
        }),
      onPortForward: (target, port, handler) =>
        Effect.sync(() => {
          streaming.portHandlers.set(`${podKey(target)}/${port}`, handler)
        }),
      writeFile: (target, path, data) => Effect.sync(() => containerFs(target).writeFile(path, data)),
      readFile: (target, path) =>
        Effect.sync(() => {
          const node = containerFs(target).get(path)
          return node?.type === "file" ? Option.some(node.data) : Option.none()
        }),
      streamRequests: Effect.sync(() => [...streaming.log]),
      httpClient: inProcessClient(
        router,
        options.token === undefined ? undefined : { token: options.token, allowAnonymous: false }
      ),
      listen: (listenOptions = {}) =>
        Effect.gen(function*() {
          const tls = listenOptions.https === true
            ? yield* Effect.tryPromise({
              try: () => serverTls(),
              catch: (cause) =>
                new FakeApiServerError({
                  message: "cannot create TLS material for the fake apiserver (is the openssl CLI installed?)",
                  cause
                })
            })
            : undefined
          const token = options.token ?? Crypto.randomBytes(24).toString("base64url")
          if (tls !== undefined) yield* SubscriptionRef.set(clusterCa, Option.some(tls.caPem))
          const runtime = yield* Effect.runtime<never>()
          const handler = nodeHandler(router, { token, allowAnonymous: tls === undefined }, runtime)
          const server: Http.Server = tls === undefined
            ? Http.createServer(handler)
            : Https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler)
          serveStreams(server, streaming, { token, allowAnonymous: tls === undefined }, runtime)
          const port = yield* Effect.async<number, FakeApiServerError>((resume) => {
            const onError = (cause: Error) =>
              resume(Effect.fail(new FakeApiServerError({ message: `cannot listen: ${cause.message}`, cause })))
            server.once("error", onError)
            server.listen(listenOptions.port ?? 0, "127.0.0.1", () => {
              server.off("error", onError)
              resume(Effect.succeed((server.address() as Net.AddressInfo).port))
            })
          })
          yield* Effect.addFinalizer(() =>
            Effect.async<void>((resume) => {
              server.close(() => resume(Effect.void))
              server.closeAllConnections()
            })
          )
          const url = `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`
          address = url
          const kubeconfig = kubeconfigYaml({
            server: url,
            caPem: tls?.caPem,
            token,
            namespace: options.namespace ?? "default"
          })
          if (listenOptions.kubeconfigPath !== undefined) {
            const path = listenOptions.kubeconfigPath
            yield* Effect.tryPromise({
              try: () => writeAtomically(path, kubeconfig),
              catch: (cause) => new FakeApiServerError({ message: `cannot write kubeconfig ${path}`, cause })
            })
          }
          return {
            url,
            port,
            caPem: tls?.caPem,
            token: Redacted.make(token),
            kubeconfig,
            kubeconfigPath: listenOptions.kubeconfigPath,
            restConfig: restConfigFor(url, options, token, tls?.caPem)
          }
        })
    }
    if (options.seedYaml !== undefined) yield* service.seedYaml(options.seedYaml)
    if (options.seed !== undefined) yield* seed(...options.seed)
    if (simulation !== undefined) yield* startSimulation(engine, simulation, undefined, clusterCa.changes)
    return service
  })

/**
 * The in-process fake: the `FakeApiServer` service, an `HttpClient` answering from it, and a `RestConfig`
 * pointing at it (auth None unless a token is configured, source "fake-apiserver").
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<FakeApiServer | HttpClient.HttpClient | RestConfig.RestConfig, FakeApiServerError> =>
  Layer.scopedContext(
    Effect.map(makeService(options), (service) =>
      Context.make(FakeApiServer, service).pipe(
        Context.add(HttpClient.HttpClient, service.httpClient),
        Context.add(RestConfig.RestConfig, restConfigFor(inProcessUrl, options, options.token, undefined))
      ))
  )

/**
 * Starts a fake on 127.0.0.1 (HTTP, or HTTPS with a self-signed CA) until the scope closes. The result carries
 * the service for seeding and assertions.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listen = (
  options: Options & ListenOptions = {}
): Effect.Effect<Listening & { readonly server: Service }, FakeApiServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const server = yield* makeService(options)
    const listening = yield* server.listen(options)
    return { ...listening, server }
  })

/**
 * WebSockets (exec, attach, port-forward) for the fake in the context. The in-process `HttpClient` has no socket to
 * upgrade, so this layer serves the same engine on a 127.0.0.1 port (HTTP, the fake's token) for the life of the
 * layer and dials there: in-process tests get exec and port-forward against the same store, scripts and file
 * systems, through the real WebSocket client.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerWebSocketTransport: Layer.Layer<
  WebSocketTransport.WebSocketTransport,
  FakeApiServerError,
  FakeApiServer
> = Layer.scoped(
  WebSocketTransport.WebSocketTransport,
  Effect.gen(function*() {
    const fake = yield* FakeApiServer
    const listening = yield* fake.listen()
    const credentials = Credentials.make({ token: Effect.succeed(listening.token) })
    return yield* WebSocketTransport.make(listening.restConfig, credentials).pipe(
      Effect.provide(NodeFileSystem.layer),
      Effect.mapError((cause) => new FakeApiServerError({ message: cause.message, cause }))
    )
  })
)
