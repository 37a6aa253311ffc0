import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Clientset } from "../src/Clientset.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeApiServer from "../src/FakeApiServer.js"
import * as Kube from "../src/Kube.js"
import * as PodExec from "../src/PodExec.js"
import * as RestConfig from "../src/RestConfig.js"
import * as WebSocketTransport from "../src/WebSocketTransport.js"

const plugin = fileURLToPath(new URL("./fixtures/exec/plugin.mjs", import.meta.url))
fs.chmodSync(plugin, 0o755)

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "default" },
  spec: { containers: [{ name: "main", image: "busybox" }] }
}

const withExecPlugin = (config: RestConfig.Service, countFile: string): RestConfig.Service => ({
  ...config,
  auth: {
    _tag: "Exec",
    exec: {
      apiVersion: "client.authentication.k8s.io/v1",
      command: plugin,
      args: [],
      env: [{ name: "PLUGIN_TOKEN", value: "plugin-secret" }, { name: "PLUGIN_COUNT_FILE", value: countFile }],
      provideClusterInfo: false,
      interactiveMode: "Never"
    }
  }
})

/** The clientset and the WebSocket transport over one RestConfig, as an application wires them. */
const stack = (config: RestConfig.Service) =>
  Layer.merge(Kube.layerFromConfig({ retry: "none" }), WebSocketTransport.layer).pipe(
    Layer.provideMerge(Credentials.layer),
    Layer.provide(Layer.succeed(RestConfig.RestConfig, config)),
    Layer.provide(NodeContext.layer)
  )

describe("exec with an exec credential plugin over HTTPS", () => {
  it.live("a 401 on the upgrade runs the plugin again and the second token is accepted", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-exec-"))
      const countFile = path.join(dir, "count")
      // The plugin answers `plugin-secret-<run>`: only its second run carries the token the fake accepts.
      const listening = yield* FakeApiServer.listen({ https: true, token: "plugin-secret-2", seed: [pod] })
      const config = withExecPlugin(listening.restConfig, countFile)
      const result = yield* Effect.gen(function*() {
        const clientset = yield* Clientset
        const pods = clientset.coreV1.pods("default")
        const collected = yield* pods.execCollect("web", { command: ["echo", "via", "clientset"] })
        const session = yield* pods.exec("web", { command: ["sh", "-c", "exit 5"] })
        const exit = yield* Effect.flip(session.exit)
        return { collected, exit }
      }).pipe(Effect.scoped, Effect.provide(stack(config)))
      expect(result.collected).toEqual({ stdout: "via clientset\n", stderr: "", exitCode: 0 })
      expect(result.exit).toBeInstanceOf(PodExec.NonZeroExit)
      expect((result.exit as PodExec.NonZeroExit).exitCode).toBe(5)
      const seen = yield* listening.server.streamRequests
      expect(seen.map((r) => r.status)).toEqual([401, 101, 101])
      expect(fs.readFileSync(countFile, "utf8").split("\n").filter(Boolean)).toHaveLength(2)
      expect(JSON.stringify(seen)).not.toContain("plugin-secret")
      fs.rmSync(dir, { recursive: true, force: true })
    })))

  it.live("impersonation headers travel with the upgrade; attach echoes stdin", () =>
    Effect.scoped(Effect.gen(function*() {
      const listening = yield* FakeApiServer.listen({ seed: [pod] })
      const config: RestConfig.Service = {
        ...listening.restConfig,
        impersonate: { user: "jane", groups: ["dev", "ops"], extra: {} }
      }
      const out = yield* Effect.gen(function*() {
        const session = yield* PodExec.attach({ namespace: "default", name: "web" }, { stdin: true })
        yield* session.write("attached\n")
        yield* session.closeStdin
        const text = yield* Stream.runFold(session.stdout, "", (acc, c) => acc + new TextDecoder().decode(c))
        yield* session.exit
        return text
      }).pipe(Effect.scoped, Effect.provide(stack(config)))
      expect(out).toBe("attached\n")
      const seen = yield* listening.server.streamRequests
      expect(seen[0]!.url).toBe("/api/v1/namespaces/default/pods/web/attach?stdin=true&stdout=true&stderr=true")
      expect(seen[0]!.headers["impersonate-user"]).toBe("jane")
      expect(seen[0]!.headers["impersonate-group"]).toBe("dev, ops")
    })))

  it.live("a token file is read for the upgrade, and re-read after a 401", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-exec-token-"))
      const tokenFile = path.join(dir, "token")
      fs.writeFileSync(tokenFile, "rotated-old\n")
      const listening = yield* FakeApiServer.listen({ https: true, token: "rotated-new", seed: [pod] })
      const config: RestConfig.Service = {
        ...listening.restConfig,
        auth: { _tag: "TokenFile", path: tokenFile }
      }
      const program = Effect.gen(function*() {
        const first = yield* Effect.flip(PodExec.execCollect({ namespace: "default", name: "web" }, {
          command: ["true"]
        }))
        expect(first._tag).toBe("Unauthorized")
        // The file rotates, as a projected service-account token does; the 401 drops the cached value.
        fs.writeFileSync(tokenFile, "rotated-new\n")
        return yield* PodExec.execCollect({ namespace: "default", name: "web" }, { command: ["echo", "ok"] })
      })
      const out = yield* Effect.provide(program, stack(config))
      expect(out.stdout).toBe("ok\n")
      fs.rmSync(dir, { recursive: true, force: true })
    })))
})
