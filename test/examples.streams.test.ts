// examples/exec.ts and examples/port-forward.ts run on the seeded fake and print what they promise.
import { describe, expect, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"

const exec = await import("../examples/exec.js")
const portForward = await import("../examples/port-forward.js")

const captured = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const current = yield* Effect.console
    const console: Console.Console = {
      ...current,
      log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(args.map(String).join(" ")))
    }
    yield* Console.withConsole(effect, console)
    return lines.join("\n")
  })

describe("streaming examples", () => {
  it.live("exec: collected output, a typed non-zero exit, stdin through a Sink", () =>
    Effect.gen(function*() {
      const text = yield* captured(exec.program())
      expect(text).toContain(`execCollect:  stdout "hello from web-7d9f8-2xkqp\\n", exit code 0`)
      expect(text).toContain(`sh -c 'exit 3' -> NonZeroExit, exit code 3`)
      expect(text).toContain(`exec -i cat:  "line 1\\nline 2\\n"`)
    }).pipe(Effect.provide(exec.fakeLayer)))

  it.live("port-forward: a duplex stream and a local TCP port", () =>
    Effect.gen(function*() {
      yield* portForward.scriptEcho()
      const text = yield* captured(portForward.program())
      expect(text).toContain(`portForward:  web-7d9f8-2xkqp:8080 answered "ping"`)
      expect(text).toContain(`listen:       a TCP client got "hello over TCP"`)
    }).pipe(Effect.provide(exec.fakeLayer)))
})
