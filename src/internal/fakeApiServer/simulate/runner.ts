/**
 * Runs the simulated cluster: each enabled controller is a fiber in the fake's scope, so closing the scope stops
 * the cluster and nothing outlives the fake.
 *
 * The contract a controller runs under, and why:
 * - It reads and writes only through {@link ClusterApi}. Writes go through the engine's handlers, so a controller
 *   cannot do what a real one could not (skip admission, finalizers, defaults, resourceVersions), and users'
 *   watches see its writes as they would see kube-controller-manager's.
 * - It is driven by `api.changes` (the store's events, after a replay of the current state), not by polling: in-
 *   process writes are synchronous, so event-driven controllers converge in a few fiber yields and tests need no
 *   real time at all.
 * - Every delay is an `Effect.sleep` on the fiber's Clock, never a timer of its own: under `TestClock` the whole
 *   cluster advances with `TestClock.adjust`, and in the shell command it runs on real time.
 * - It must tolerate refusals (NotFound, Conflict) as a real controller does, since users write concurrently;
 *   anything it cannot handle fails the fiber, which the runner logs and restarts after a second of the Clock.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { Engine } from "../engine.js"
import type { ClusterApi } from "./api.js"
import { make as makeApi } from "./api.js"
import type { Controller } from "./controller.js"
import { controllers as registered } from "./controllers.js"
import type { Simulation } from "./options.js"

const restartDelay = Duration.seconds(1)

const supervise = (controller: Controller, api: ClusterApi): Effect.Effect<never> =>
  Effect.forever(
    controller.run(api).pipe(
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.failCause(cause)
          : Effect.logWarning(`simulated ${controller.name} failed; restarting`, cause)
      ),
      Effect.zipRight(Effect.sleep(restartDelay))
    )
  ) as Effect.Effect<never>

/** Starts the enabled controllers in the current scope; they stop when it closes. */
export const start = (
  engine: Engine,
  simulation: Simulation,
  controllers: ReadonlyArray<Controller> = registered,
  clusterCa?: Stream.Stream<Option.Option<string>>
): Effect.Effect<ReadonlyArray<string>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const api = makeApi(engine, simulation, clusterCa)
    const started: Array<string> = []
    for (const controller of controllers) {
      if (!controller.enabled(simulation)) continue
      yield* Effect.forkScoped(supervise(controller, api))
      started.push(controller.name)
    }
    return started
  })
