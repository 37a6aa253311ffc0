import { describe, expect, it } from "@effect/vitest"
import * as Path from "node:path"
import { parseFileSpec } from "../src/cli/cp.js"
import { parsePortSpec } from "../src/cli/portForward.js"
import { destinationOf } from "../src/internal/websocket/copy.js"
import { exitOf } from "../src/internal/websocket/exec.js"
import { UnsafePath } from "../src/PodStreamError.js"

describe("copy destinations", () => {
  const root = Path.resolve("/tmp/dest")
  it("maps members under the requested prefix into the destination", () => {
    expect(destinationOf("tmp/site/a/b.txt", "tmp/site", root)).toEqual({ path: Path.join(root, "a/b.txt") })
    expect(destinationOf("/tmp/site", "tmp/site", root)).toEqual({ path: root })
  })
  it("refuses climbing out, absolute escapes and members outside the prefix", () => {
    expect(destinationOf("tmp/site/../../x", "tmp/site", root)).toBeInstanceOf(UnsafePath)
    expect(destinationOf("etc/passwd", "tmp/site", root)).toBeInstanceOf(UnsafePath)
    expect(destinationOf("tmp/sitex/a", "tmp/site", root)).toBeInstanceOf(UnsafePath)
  })
})

describe("status channel", () => {
  it("success, a non-zero exit code, and any other failure as its typed error", () => {
    expect(exitOf(JSON.stringify({ metadata: {}, status: "Success" }), "/x")._tag).toBe("Success")
    const nonZero = exitOf(
      JSON.stringify({
        status: "Failure",
        reason: "NonZeroExitCode",
        message: "command terminated with non-zero exit code: exit code 2",
        details: { causes: [{ reason: "ExitCode", message: "2" }] }
      }),
      "/x"
    )
    expect(nonZero).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "NonZeroExit", exitCode: 2 } } })
    const internal = exitOf(
      JSON.stringify({ status: "Failure", reason: "InternalError", message: "container not running", code: 500 }),
      "/x"
    )
    expect(internal).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "InternalError" } } })
    expect(exitOf("not json", "/x")).toMatchObject({ cause: { error: { _tag: "StreamProtocolError" } } })
  })
})

describe("bin argument spellings", () => {
  it("port specs as kubectl reads them", () => {
    expect(parsePortSpec("8080")).toEqual({ local: 8080, remote: 8080 })
    expect(parsePortSpec("8080:80")).toEqual({ local: 8080, remote: 80 })
    expect(parsePortSpec(":80")).toEqual({ local: 0, remote: 80 })
    expect(parsePortSpec("x:80")).toEqual({ error: "error parsing local port 'x'" })
    expect(parsePortSpec("80:0")).toEqual({ error: "error parsing remote port '0'" })
  })
  it("file specs: [ns/]pod:path or local", () => {
    expect(parseFileSpec("web:/tmp/a")).toEqual({ pod: "web", path: "/tmp/a" })
    expect(parseFileSpec("shop/web:/tmp/a")).toEqual({ namespace: "shop", pod: "web", path: "/tmp/a" })
    expect(parseFileSpec("./local.txt")).toEqual({ local: "./local.txt" })
    expect(parseFileSpec("/abs/path")).toEqual({ local: "/abs/path" })
  })
})
