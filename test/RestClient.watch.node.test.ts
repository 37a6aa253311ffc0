/**
 * A watch over the node transport and a real socket: against a loopback server writing its body in small pieces,
 * the same events and errors as `Watch.decodeBytes` of the whole body; a decode error or a reset ends the stream
 * after the events before it, and the connection is closed; a consumer that stops pulling stops the socket being
 * read (the transport pauses it), so the server is held back.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { prng } from "../bench/data.js"
import * as Kube from "../src/Kube.js"
import * as KubeRequest from "../src/KubeRequest.js"
import * as RestClient from "../src/RestClient.js"
import * as Watch from "../src/Watch.js"

const Item = Schema.Struct({ metadata: Schema.Struct({ name: Schema.String }) })
const event = (type: string, name: string) => JSON.stringify({ type, object: { metadata: { name } } })
const request = KubeRequest.watch({ version: "v1", resource: "configmaps", namespace: "ns" })

interface Served {
  /** Writes the body in pieces of 1 to 40 bytes, each in its own macrotask; `hold` leaves the response open. */
  readonly body?: string
  readonly hold?: boolean
  /** Destroys the socket after writing the body. */
  readonly reset?: boolean
  /** Writes `count` copies of `line` as fast as the socket takes them. */
  readonly flood?: { readonly line: string; readonly count: number }
}

/** A loopback server answering every request with `served`, and a kubeconfig for it; closed with the scope. */
const serve = (served: Served) =>
  Effect.acquireRelease(
    Effect.async<{ kubeconfig: string; closed: () => number; written: () => number; server: Http.Server }>(
      (resume) => {
        let closed = 0
        let written = 0
        const server = Http.createServer((req, res) => {
          req.socket.setNoDelay(true)
          res.on("close", () => closed++)
          res.writeHead(200, { "content-type": "application/json" })
          if (served.flood !== undefined) {
            const { count, line } = served.flood
            let i = 0
            const pump = () => {
              while (i < count) {
                i++
                written += line.length
                if (!res.write(line)) return void res.once("drain", pump)
              }
              res.end()
            }
            return pump()
          }
          const bytes = Buffer.from(served.body ?? "")
          const random = prng(7)
          let at = 0
          const step = () => {
            if (res.destroyed) return
            if (at >= bytes.length) {
              if (served.reset) return void req.socket.destroy()
              return served.hold ? undefined : void res.end()
            }
            const size = 1 + Math.floor(random() * 40)
            res.write(bytes.subarray(at, at + size))
            at += size
            setImmediate(step)
          }
          step()
        })
        server.listen(0, "127.0.0.1", () => {
          const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-watch-node-"))
          const kubeconfig = Path.join(dir, "kubeconfig")
          const port = (server.address() as AddressInfo).port
          Fs.writeFileSync(
            kubeconfig,
            [
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: c",
              "  cluster:",
              `    server: http://127.0.0.1:${port}`,
              "users:",
              "- name: u",
              "  user: {}",
              "contexts:",
              "- name: c",
              "  context:",
              "    cluster: c",
              "    user: u",
              "current-context: c",
              ""
            ].join("\n")
          )
          resume(Effect.succeed({ kubeconfig, closed: () => closed, written: () => written, server }))
        })
      }
    ),
    ({ kubeconfig, server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
        Fs.rmSync(Path.dirname(kubeconfig), { recursive: true, force: true })
      })
  )

/** The events received before the stream ended, and how it ended. */
const watchOver = (kubeconfig: string, take?: number) =>
  Effect.gen(function*() {
    const rest = yield* RestClient.RestClient
    const seen: Array<Watch.WatchEvent<unknown>> = []
    const stream = rest.watch(request, Item).pipe(Stream.tap((e) => Effect.sync(() => void seen.push(e))))
    const exit = yield* Effect.exit(Stream.runDrain(take === undefined ? stream : Stream.take(stream, take)))
    return { seen, exit }
  }).pipe(Effect.provide(Kube.layerKubeconfig({ path: kubeconfig }, { qps: -1, retry: "none" })))

const ctx = { method: "GET", url: "http://127.0.0.1/api/v1/namespaces/ns/configmaps?watch=true" }

/** What Watch.decodeBytes makes of the whole body, as a reference. */
const reference = (body: string) =>
  Effect.gen(function*() {
    const seen: Array<Watch.WatchEvent<unknown>> = []
    const exit = yield* Effect.exit(
      Stream.runDrain(
        Watch.decodeBytes(Stream.make(new TextEncoder().encode(body)), Item, ctx).pipe(
          Stream.tap((e) => Effect.sync(() => void seen.push(e)))
        )
      )
    )
    return { seen, exit }
  })

const tagOf = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isSuccess(exit) ? "success" : Exit.isFailure(exit) ? (exit.cause as any).error?._tag ?? "defect" : "?"

describe("RestClient.watch over the node transport", () => {
  it.scoped("events cut anywhere by the network, multi-byte characters and CRLF included, as decodeBytes gives", () =>
    Effect.gen(function*() {
      const body = "\ufeff" +
        [event("ADDED", "a"), event("MODIFIED", "é-ü-日本"), "", "   ", event("DELETED", "c")].join("\r\n") +
        "\n" + event("ADDED", "no newline at the end")
      const { kubeconfig } = yield* serve({ body })
      const got = yield* watchOver(kubeconfig)
      const want = yield* reference(body)
      expect(tagOf(got.exit)).toBe("success")
      expect(got.seen.map((e) => (e.object as any).metadata.name)).toEqual([
        "a",
        "é-ü-日本",
        "c",
        "no newline at the end"
      ])
      expect(got.seen).toEqual(want.seen)
    }))

  it.scoped("an ERROR event fails with its reason after the events before it, as decodeBytes gives", () =>
    Effect.gen(function*() {
      const body = [
        event("ADDED", "a"),
        JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old" } }),
        event("ADDED", "never")
      ].join("\n") + "\n"
      const { kubeconfig } = yield* serve({ body })
      const got = yield* watchOver(kubeconfig)
      const want = yield* reference(body)
      expect(got.seen.length).toBe(1)
      expect(got.seen).toEqual(want.seen)
      expect(tagOf(got.exit)).toBe("Expired")
      expect(tagOf(want.exit)).toBe("Expired")
    }))

  it.scopedLive("a line that is not JSON is a DecodeError after the events before it, and the connection is closed", () =>
    Effect.gen(function*() {
      const body = [event("ADDED", "a"), event("ADDED", "b"), "{not json", event("ADDED", "never")].join("\n") + "\n"
      const server = yield* serve({ body, hold: true })
      const got = yield* watchOver(server.kubeconfig)
      expect(got.seen.map((e) => (e.object as any).metadata.name)).toEqual(["a", "b"])
      expect(tagOf(got.exit)).toBe("DecodeError")
      expect(String((got.exit as any).cause.error.message)).toContain("invalid JSON")
      // The server held the response open: only the client can have closed it.
      for (let i = 0; i < 100 && server.closed() === 0; i++) yield* Effect.sleep("10 millis")
      expect(server.closed()).toBe(1)
    }))

  it.scoped("a connection reset in the middle of the body is a TransportError after the events before it", () =>
    Effect.gen(function*() {
      const body = [event("ADDED", "a"), event("ADDED", "b")].join("\n") + "\n" + `{"type":"ADDED","obj`
      const { kubeconfig } = yield* serve({ body, reset: true })
      const got = yield* watchOver(kubeconfig)
      expect(got.seen.map((e) => (e.object as any).metadata.name)).toEqual(["a", "b"])
      expect(tagOf(got.exit)).toBe("TransportError")
    }))

  it.scopedLive("a consumer that stops pulling stops the socket being read, so the server cannot write it all", () =>
    Effect.gen(function*() {
      const line = event("MODIFIED", "x".repeat(4000)) + "\n"
      const count = 16_000 // 64 MB
      const server = yield* serve({ flood: { line, count } })
      const rest = yield* Effect.provide(
        RestClient.RestClient,
        Kube.layerKubeconfig({ path: server.kubeconfig }, { qps: -1, retry: "none" })
      )
      const pull = yield* Stream.toPull(rest.watch(request, Item))
      const first = yield* pull
      expect(Chunk.size(first)).toBeGreaterThan(0)
      yield* Effect.sleep("500 millis")
      const held = server.written()
      // The client's buffer (1 MB) and the loopback socket's stop the server well short of the 64 MB.
      expect(held).toBeLessThan((line.length * count) / 2)
      // Pulling again lets it go on.
      let received = Chunk.size(first)
      for (let i = 0; i < 1_000 && received < 2_000; i++) received += Chunk.size(yield* pull)
      expect(server.written()).toBeGreaterThan(held)
    }).pipe(Effect.timeout("20 seconds")))
})
