/**
 * A watch that survives: when the connection ends (a server timeout, a load balancer cutting it) the stream
 * resumes from the last resourceVersion it saw, so no event is lost or repeated; when that resourceVersion is too
 * old (410 Expired / Gone: the server compacted its history) it lists again and watches from the fresh list.
 * That is the core of client-go's Reflector, in about thirty lines.
 *
 * client-go: `cache.NewReflector(...)` / `watchtools.NewRetryWatcher(resourceVersion, lw)`; `apierrors.IsResourceExpired`.
 *
 *   npm run example examples/watch-with-resume.ts     (fake only: it cuts watches on purpose)
 */
import type { ConfigMap } from "effect-kube/api/core/v1"
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import type * as Kube from "effect-kube/Kube"
import * as KubeError from "effect-kube/KubeError"
import type * as ResourceClient from "effect-kube/ResourceClient"
import type { WatchEvent } from "effect-kube/Watch"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { isMain, runOnFake, say } from "./support.js"

interface HasResourceVersion {
  readonly metadata?: { readonly resourceVersion?: string | undefined; readonly name?: string | undefined } | undefined
}

/** What the resumable watch reports: events, plus the moments it listed, resumed, or found its version expired. */
export type Update<A> =
  | { readonly _tag: "Listed"; readonly items: ReadonlyArray<A>; readonly resourceVersion: string }
  | { readonly _tag: "Event"; readonly type: "ADDED" | "MODIFIED" | "DELETED"; readonly object: A }
  | { readonly _tag: "Resuming"; readonly from: string }
  | { readonly _tag: "Expired"; readonly from: string }

const versionOf = <A extends HasResourceVersion>(event: WatchEvent<A>): string | undefined =>
  event.object.metadata?.resourceVersion

/**
 * Watches `client` forever from `resourceVersion` (or from a fresh list when none is given), resuming after cuts
 * and relisting after Expired/Gone. Bound it with `Stream.take`, `Stream.interruptAfter`, ...
 */
export const watchWithResume = <A extends HasResourceVersion>(
  client: ResourceClient.Lister<A> & ResourceClient.Watcher<A>,
  options: { readonly resourceVersion?: string | undefined; readonly retryDelay?: Duration.DurationInput } = {}
): Stream.Stream<Update<A>, ResourceClient.ListError> =>
  Stream.unwrap(Effect.gen(function*() {
    const last = yield* Ref.make(options.resourceVersion)
    const relist = Stream.fromEffect(
      Effect.map(client.list(), (list): Update<A> => ({
        _tag: "Listed",
        items: list.items,
        resourceVersion: list.metadata?.resourceVersion ?? ""
      }))
    ).pipe(Stream.tap((u) => u._tag === "Listed" ? Ref.set(last, u.resourceVersion) : Effect.void))

    const watchFrom = (from: string): Stream.Stream<Update<A>, ResourceClient.ListError> =>
      client.watch({ resourceVersion: from, allowWatchBookmarks: true }).pipe(
        Stream.tap((event) => Ref.set(last, versionOf(event) ?? from)),
        Stream.filterMap((event): Option.Option<Update<A>> =>
          event.type === "BOOKMARK"
            ? Option.none()
            : Option.some({ _tag: "Event", type: event.type, object: event.object })
        ),
        // The server ended the watch without error: say so, wait a moment, and the next round resumes.
        Stream.concat(
          Stream.fromEffect(Effect.map(Ref.get(last), (rv): Update<A> => ({ _tag: "Resuming", from: rv ?? from })))
        ),
        Stream.tap((u) =>
          u._tag === "Resuming" ? Effect.sleep(options.retryDelay ?? Duration.millis(50)) : Effect.void
        ),
        Stream.catchAll((error) =>
          KubeError.isGoneOrExpired(error)
            ? Stream.succeed<Update<A>>({ _tag: "Expired", from }).pipe(Stream.tap(() => Ref.set(last, undefined)))
            : Stream.fail(error)
        )
      )

    const round = Stream.unwrap(Effect.map(Ref.get(last), (from) => from === undefined ? relist : watchFrom(from)))
    return Stream.forever(round)
  }))

const show = (u: Update<ConfigMap>) => {
  switch (u._tag) {
    case "Listed":
      return say(`LISTED    ${u.items.length} configmaps at resourceVersion ${u.resourceVersion}`)
    case "Event":
      return say(`${u.type.padEnd(10)}configmap/${u.object.metadata?.name} rv=${u.object.metadata?.resourceVersion}`)
    case "Resuming":
      return say(`(watch connection closed; resuming from resourceVersion ${u.from})`)
    case "Expired":
      return say(`(resourceVersion ${u.from} is too old: 410 Expired; listing again)`)
  }
}

const isEventFor = (name: string) => (u: Update<ConfigMap>) => u._tag === "Event" && u.object.metadata?.name === name

export const program = Effect.gen(function*() {
  const fake = yield* FakeApiServer.FakeApiServer
  const cs = yield* Clientset.Clientset
  const configMaps = cs.coreV1.configMaps(cs.restClient.config.namespace)
  const list = yield* configMaps.list()
  const start = list.metadata?.resourceVersion ?? ""
  yield* say(`1. watch from resourceVersion ${start}; the fake cuts the connection after 2 events`)
  yield* fake.cutWatch({ match: { path: /configmaps\?.*watch=true/ }, times: 1, afterEvents: 2 })

  const writer = yield* Effect.fork(Effect.forEach(["flag-1", "flag-2", "flag-3", "flag-4"], (name) =>
    Effect.zipRight(
      Effect.sleep(Duration.millis(30)),
      configMaps.create({ metadata: { name }, data: { enabled: "true" } })
    ), { discard: true }))
  const seen = yield* watchWithResume(configMaps, { resourceVersion: start }).pipe(
    Stream.takeUntil(isEventFor("flag-4")),
    Stream.interruptAfter(Duration.seconds(5)),
    Stream.tap(show),
    Stream.runCollect
  )
  yield* Fiber.join(writer)
  const lastSeen = [...seen].flatMap((u) => u._tag === "Event" ? [u.object.metadata?.resourceVersion ?? ""] : []).pop()!

  yield* say("")
  yield* say(`2. disconnected at resourceVersion ${lastSeen} while 15 writes go by (the fake keeps 10 events)`)
  for (let i = 1; i <= 15; i++) yield* configMaps.patch("flag-1", "merge", { data: { revision: String(i) } })
  yield* watchWithResume(configMaps, { resourceVersion: lastSeen }).pipe(
    Stream.tap(show),
    // Once listed again, one more change: the new watch (from the list's resourceVersion) delivers it.
    Stream.tap((u) => u._tag === "Listed" ? configMaps.create({ metadata: { name: "flag-5" } }) : Effect.void),
    Stream.takeUntil(isEventFor("flag-5")),
    Stream.interruptAfter(Duration.seconds(5)),
    Stream.runDrain
  )
})

/** A short history, so a resourceVersion expires after a few writes. */
export const fakeOptions: FakeApiServer.Options = { historySize: 10 }

/** The burst of writes would otherwise wait on the default client-side limit (5 qps). */
export const tuning: Kube.Tuning = { qps: 100, burst: 100 }

if (isMain(import.meta.url)) runOnFake(program, { fake: fakeOptions, tuning })
