/**
 * Informers through a loopback TCP proxy in front of a listening fake apiserver: connections reset mid-watch, and
 * connections that go silent without closing (a half-open TCP connection: the proxy swallows the server's bytes).
 * The informer resumes after a reset, abandons a silent watch after its idle limit, and its store ends equal to the
 * server's list.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as net from "node:net"
import * as Clientset from "../src/Clientset.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Informer from "../src/Informer.js"
import * as Kube from "../src/Kube.js"
import * as RestConfig from "../src/RestConfig.js"

interface Proxy {
  readonly port: number
  /** Connections seen so far. */
  readonly accepted: () => number
  /** Resets every open connection (RST to the client). */
  readonly resetAll: () => void
  /** Open connections stop delivering the server's bytes but stay open. */
  readonly stallAll: () => void
}

const proxy = (target: number) =>
  Effect.acquireRelease(
    Effect.async<Proxy & { readonly server: net.Server }>((resume) => {
      const live = new Set<{ client: net.Socket; upstream: net.Socket; stalled: boolean }>()
      let accepted = 0
      const server = net.createServer((client) => {
        accepted++
        const upstream = net.connect(target, "127.0.0.1")
        const conn = { client, upstream, stalled: false }
        live.add(conn)
        client.on("data", (d) => upstream.write(d))
        upstream.on("data", (d) => {
          if (!conn.stalled) client.write(d)
        })
        const end = () => {
          live.delete(conn)
          client.destroy()
          upstream.destroy()
        }
        client.on("close", end).on("error", end)
        upstream.on("close", end).on("error", end)
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          server,
          port: (server.address() as net.AddressInfo).port,
          accepted: () => accepted,
          resetAll: () => {
            for (const c of [...live]) c.client.resetAndDestroy()
          },
          stallAll: () => {
            for (const c of live) c.stalled = true
          }
        })))
    }),
    (p) =>
      Effect.async<void>((resume) => {
        p.resetAll()
        p.server.close(() => resume(Effect.void))
      })
  )

const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" } })

describe("Informer through a faulty TCP proxy", () => {
  it.live("resumes after connection resets and abandons silent connections", () =>
    Effect.gen(function*() {
      const fake = yield* FakeApiServer.make({ bookmarkInterval: "1 hour" })
      const listening = yield* fake.listen()
      const p = yield* proxy(listening.port)
      const config = { ...listening.restConfig, server: `http://127.0.0.1:${p.port}` }
      const clients = yield* Layer.build(
        Kube.layerFromConfig({ qps: -1, retry: "none" }).pipe(
          Layer.provide(Layer.succeed(RestConfig.RestConfig, config)),
          Layer.provide(NodeContext.layer)
        )
      )
      const cs = yield* Effect.provide(Clientset.Clientset, clients)
      yield* fake.seed(cm("a"), cm("b"))
      const informer = yield* Informer.make(cs.coreV1.configMaps("default"), {
        backoff: Schedule.spaced("20 millis"),
        idleTimeout: "1500 millis"
      })
      yield* informer.waitForSync

      const converged = Effect.gen(function*() {
        for (let attempt = 0; attempt < 400; attempt++) {
          const want = ((yield* fake.list({ apiVersion: "v1", kind: "ConfigMap", namespace: "default" })) as Array<any>)
            .map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()
          const got = (yield* informer.store.list()).map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`)
            .sort()
          if (got.join() === want.join()) return got
          yield* Effect.sleep("10 millis")
        }
        return yield* Effect.die("the store did not converge")
      })

      // A reset mid-watch: resumed, nothing lost.
      p.resetAll()
      yield* fake.seed(cm("c"))
      yield* fake.remove({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "a" })
      expect(yield* converged).toHaveLength(2)
      const afterReset = p.accepted()
      expect(afterReset).toBeGreaterThanOrEqual(2)

      // A silent connection: no reset, no FIN, nothing delivered. Only the idle limit gets the informer out.
      p.stallAll()
      yield* fake.seed(cm("d"), cm("e"))
      yield* Effect.sleep("500 millis")
      expect((yield* informer.store.keys).includes("default/d")).toBe(false)
      const names = yield* converged
      expect(names.map((n) => n.split("@")[0])).toEqual(["b", "c", "d", "e"])
      expect(p.accepted()).toBeGreaterThan(afterReset)
    }).pipe(Effect.scoped), 30_000)
})
