/**
 * Waiting for an object to reach a state (kubectl wait, kube-rs `await_condition`, client-go `watchtools.UntilWithSync`):
 * a {@link Watcher} on the one object, so a dropped connection or a compacted history changes nothing for the
 * caller.
 *
 * ```ts
 * const deployments = clientset.appsV1.deployments("default")
 * const ready = yield* Wait.until(deployments, "web", Conditions.deploymentRolledOut, { timeout: "2 minutes" })
 * ```
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { watch } from "./internal/informer/watcher.js"
import type * as Watcher from "./Watcher.js"

/**
 * The wait ran out of time. `last` is the object as last seen (none when it did not exist).
 *
 * @since 0.2.0
 * @category errors
 */
export class WaitTimeout<A = unknown> extends Data.TaggedError("WaitTimeout")<{
  readonly name: string
  readonly timeout: Duration.Duration
  readonly last: Option.Option<A>
}> {
  override get message(): string {
    return `timed out after ${Duration.format(this.timeout)} waiting for ${JSON.stringify(this.name)}`
  }
}

/**
 * @since 0.2.0
 * @category options
 */
export interface Options extends Omit<Watcher.Options, "fieldSelector"> {
  /** No limit when unset. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The state of one object through a watcher: `Some` after each change, `None` when it is absent.
 *
 * @since 0.2.0
 * @category constructors
 */
export const states = <A, E>(
  source: Watcher.Source<A, E>,
  name: string,
  options: Omit<Watcher.Options, "fieldSelector"> = {}
): Stream.Stream<Option.Option<A>, Watcher.WatcherError> =>
  Stream.suspend(() => {
    let current: Option.Option<A> = Option.none()
    let listed: Option.Option<A> = Option.none()
    return watch(source, { ...options, fieldSelector: `metadata.name=${name}` }).pipe(
      Stream.filterMap((e): Option.Option<Option.Option<A>> => {
        switch (e._tag) {
          case "Init":
            listed = Option.none()
            return Option.none()
          case "InitApply":
            listed = Option.some(e.object)
            return Option.none()
          case "InitDone":
            current = listed
            return Option.some(current)
          case "Apply":
            current = Option.some(e.object)
            return Option.some(current)
          case "Delete":
            current = Option.none()
            return Option.some(current)
        }
      })
    )
  })

const waitFor = <A, E, B>(
  source: Watcher.Source<A, E>,
  name: string,
  done: (state: Option.Option<A>) => Option.Option<B>,
  options: Options
): Effect.Effect<B, Watcher.WatcherError | WaitTimeout<A>> =>
  Effect.suspend(() => {
    let last: Option.Option<A> = Option.none()
    const run = states(source, name, options).pipe(
      Stream.tap((s) => Effect.sync(() => last = s)),
      Stream.filterMap(done),
      Stream.runHead,
      // The watcher never ends on its own, so the head is always there.
      Effect.map(Option.getOrThrow)
    )
    if (options.timeout === undefined) return run
    const timeout = Duration.decode(options.timeout)
    return Effect.timeoutFail(run, {
      duration: timeout,
      onTimeout: () => new WaitTimeout<A>({ name, timeout, last })
    })
  })

/**
 * Resolves with the object once `predicate` holds for it (checked on its current state first, then on every
 * change); an absent object waits for its creation.
 *
 * @since 0.2.0
 * @category operations
 */
export const until = <A, E>(
  source: Watcher.Source<A, E>,
  name: string,
  predicate: (object: A) => boolean,
  options: Options = {}
): Effect.Effect<A, Watcher.WatcherError | WaitTimeout<A>> =>
  waitFor(source, name, (s) => Option.filter(s, predicate), options)

/**
 * Resolves once the object does not exist (at once when it never did).
 *
 * @since 0.2.0
 * @category operations
 */
export const deleted = <A, E>(
  source: Watcher.Source<A, E>,
  name: string,
  options: Options = {}
): Effect.Effect<void, Watcher.WatcherError | WaitTimeout<A>> =>
  waitFor(source, name, (s) => Option.isNone(s) ? Option.some(undefined) : Option.none(), options)
