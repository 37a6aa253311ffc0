import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { Header } from "tar"
import * as Credentials from "../src/Credentials.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as PodCopy from "../src/PodCopy.js"
import * as RestConfig from "../src/RestConfig.js"
import * as WebSocketTransport from "../src/WebSocketTransport.js"

const transportFor = (config: RestConfig.Service) =>
  WebSocketTransport.layer.pipe(
    Layer.provide(Credentials.layer),
    Layer.provide(Layer.succeed(RestConfig.RestConfig, config)),
    Layer.provide(NodeContext.layer)
  )

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "default" },
  spec: { containers: [{ name: "main", image: "busybox" }] }
}
const web = { namespace: "default", name: "web" }

const tmp = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-cp-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const withFake = <A, E>(
  body: (fake: FakeApiServer.Service) => Effect.Effect<A, E, WebSocketTransport.WebSocketTransport | Scope.Scope>
) =>
  Effect.scoped(Effect.gen(function*() {
    const listening = yield* FakeApiServer.listen({ seed: [pod] })
    return yield* Effect.provide(body(listening.server), transportFor(listening.restConfig))
  }))

const member = (name: string, data: string) => {
  const header = new Header({ path: name, mode: 0o644, size: Buffer.byteLength(data), type: "File", mtime: new Date() })
  header.encode()
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512)
  body.write(data)
  return Buffer.concat([header.block!, body])
}

describe("PodCopy", () => {
  it.live("copies a directory tree in and back out through tar over exec", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const dir = yield* tmp
        const src = Path.join(dir, "site")
        Fs.mkdirSync(Path.join(src, "css"), { recursive: true })
        Fs.writeFileSync(Path.join(src, "index.html"), "<h1>hi</h1>\n")
        Fs.writeFileSync(Path.join(src, "css", "main.css"), "body{}\n")
        const up = yield* PodCopy.copyTo(web, { localPath: src, remotePath: "/tmp" })
        expect(up.files).toBe(2)
        const stored = yield* fake.readFile({ pod: "web" }, "/tmp/site/css/main.css")
        expect(Option.map(stored, (b) => Buffer.from(b).toString())).toEqual(Option.some("body{}\n"))
        // A destination that does not exist yet is the new name, as with cp.
        yield* PodCopy.copyTo(web, { localPath: Path.join(src, "index.html"), remotePath: "/tmp/renamed.html" })
        expect(Option.isSome(yield* fake.readFile({ pod: "web" }, "/tmp/renamed.html"))).toBe(true)

        const back = Path.join(dir, "back")
        const down = yield* PodCopy.copyFrom(web, { localPath: back, remotePath: "/tmp/site" })
        expect(down.files).toBe(2)
        expect(Fs.readFileSync(Path.join(back, "index.html"), "utf8")).toBe("<h1>hi</h1>\n")
        expect(Fs.readFileSync(Path.join(back, "css", "main.css"), "utf8")).toBe("body{}\n")

        const missing = yield* Effect.flip(PodCopy.copyFrom(web, { localPath: back, remotePath: "/nope" }))
        expect(missing._tag).toBe("CopyError")
        expect(missing.message).toContain("tar: /nope: Cannot stat: No such file or directory")
      })
    ))

  it.live("refuses archive members that escape the destination", () =>
    withFake((fake) =>
      Effect.gen(function*() {
        const dir = yield* tmp
        const dest = Path.join(dir, "dest")
        // A hostile container answering `tar cf -` with a member that climbs out.
        yield* fake.onExec({ pod: "web" }, (_request, io) =>
          Effect.as(
            io.stdout(Buffer.concat([
              member("tmp/x/ok.txt", "fine"),
              member("tmp/x/../../../escaped.txt", "evil"),
              Buffer.alloc(1024)
            ])),
            0
          ))
        const error = yield* Effect.flip(PodCopy.copyFrom(web, { localPath: dest, remotePath: "/tmp/x" }))
        expect(error._tag).toBe("UnsafePath")
        expect(error.message).toContain("would be written outside")
        expect(Fs.existsSync(Path.join(dir, "escaped.txt"))).toBe(false)
        expect(Fs.existsSync(Path.join(dest, "..", "escaped.txt"))).toBe(false)
        expect(Fs.readFileSync(Path.join(dest, "ok.txt"), "utf8")).toBe("fine")
      })
    ))
})
