/**
 * Kubernetes Events (events.k8s.io/v1) from a controller, as client-go's `tools/events` recorder writes them:
 *
 * - `recorder.event(regarding, { type, reason, action, note })` creates an Event in the regarding object's namespace
 *   (`default` for cluster-scoped objects), named `<object name>.<hex nanoseconds>`.
 * - A repeat of the same event (same regarding object, related object, type, reason, action and note) within six
 *   minutes of its last occurrence is folded into the existing Event's `series` (count and last observed time)
 *   instead of creating a new object; after six quiet minutes the next occurrence starts a new Event.
 * - Writes per regarding object are rate limited (a token bucket of 25, refilled one per five minutes, as client-go's
 *   event spam filter), so a crash-looping reconcile cannot flood the apiserver; repeats suppressed meanwhile are
 *   still counted and land in the series with the next write that is allowed.
 * - Recording never fails the caller: a rejected write is logged.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Clientset } from "./Clientset.js"
import type { Options, Service } from "./EventRecorderModel.js"
import { lazyModule } from "./internal/lazy.js"

// The implementation loads with the first recorder.
const internal = lazyModule(() => import("./internal/controller/eventRecorder.js"))

export type { EventOptions, Options, Service } from "./EventRecorderModel.js"

/**
 * @since 0.2.0
 * @category tags
 */
export class EventRecorder extends Context.Tag("effect-kube/EventRecorder")<EventRecorder, Service>() {}

/**
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, Clientset> =>
  Effect.flatMap(internal, (m) => m.make(options))

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<EventRecorder, never, Clientset> =>
  Layer.effect(EventRecorder, make(options))

/**
 * How long after its last occurrence a repeat still joins an Event's series (client-go's 6 minutes).
 *
 * @since 0.2.0
 * @category constants
 */
export const seriesWindowMillis = 6 * 60 * 1000
