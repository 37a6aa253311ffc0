/**
 * The test entry point, `effect-kube/testing`: the in-memory apiserver and the whole client stack wired to it.
 * Production entry points (`effect-kube`, `effect-kube/Kube`) never load it, so a program's graph and bundle carry
 * no test server.
 *
 * @since 0.2.0
 */
import * as Layer from "effect/Layer"
import * as Credentials from "./Credentials.js"
import * as FakeApiServer from "./FakeApiServer.js"
import * as Kube from "./Kube.js"

export {
  /**
   * The in-memory apiserver: seeding, assertions, request logs, fault injection, loopback listening.
   *
   * @since 0.2.0
   */
  FakeApiServer
}

/**
 * Every client wired to a fresh in-memory apiserver, plus the `FakeApiServer` service for seeding and assertions:
 * the layer for tests and demos. No socket is opened.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFake = (
  options?: FakeApiServer.Options,
  tuning: Kube.Tuning = {}
): Layer.Layer<Kube.Clients | FakeApiServer.FakeApiServer, FakeApiServer.FakeApiServerError> =>
  Kube.layerClientsWith(tuning).pipe(
    Layer.provideMerge(Kube.tuneConfig(FakeApiServer.layer(options), tuning)),
    Layer.provide(Credentials.layerNone)
  )
