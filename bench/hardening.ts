// Inputs that used to hang or grow quadratically (issue 20), each against a baseline measured in the same run:
// - one watch event of 16 / 64 MB arriving in 64 KiB chunks, through Watch.decodeBytes and RestClient.lines,
//   against Buffer.concat + JSON.parse of the same bytes (the least any client must do);
// - a 50 MB kubeconfig, loaded and checked by effect-kube, against `kubectl config view --minify --raw -o json`
//   (kubectl v1.35 from node_modules/.cache, see scripts/kubectl.mjs) on the same file.
// Prints one line per measurement; bench/run.ts puts them in RESULTS.md. One sample each: these are minutes-scale
// regressions being guarded, not microseconds.
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as YAML from "yaml"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { parseWith } from "../src/internal/kubeconfig/load.js"
import * as RestClient from "../src/RestClient.js"
import * as Watch from "../src/Watch.js"

const chunkSize = 64 * 1024

const eventBytes = (megabytes: number): Uint8Array => {
  const payload = "x".repeat(megabytes * 1024 * 1024)
  return Buffer.from(
    JSON.stringify({ type: "ADDED", object: { kind: "ConfigMap", metadata: { name: "big" }, data: { a: payload } } }) +
      "\n"
  )
}

const chunksOf = (bytes: Uint8Array): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(bytes.subarray(i, i + chunkSize))
  return out
}

const time = async (f: () => Promise<unknown> | unknown): Promise<number> => {
  const start = performance.now()
  await f()
  return performance.now() - start
}

const ctx = { method: "GET", url: "https://bench/api/v1/configmaps?watch=true" }

const watchLine = async (megabytes: number) => {
  const chunks = chunksOf(eventBytes(megabytes))
  const raw = await time(() => {
    const joined = Buffer.concat(chunks)
    return JSON.parse(joined.toString("utf8"))
  })
  const decoded = await time(() =>
    Effect.runPromise(
      Stream.runCollect(Watch.decodeBytes(Stream.fromIterable(chunks), Schema.Unknown, ctx)).pipe(
        Effect.map(Chunk.size)
      )
    )
  )
  const lines = await time(() => Effect.runPromise(Stream.runCount(RestClient.lines(Stream.fromIterable(chunks)))))
  console.log(
    `watch event of ${megabytes} MB in 64 KiB chunks: Watch.decodeBytes ${decoded.toFixed(0)} ms, ` +
      `RestClient.lines ${lines.toFixed(0)} ms; raw concat + JSON.parse ${raw.toFixed(0)} ms ` +
      `(decodeBytes ${(decoded / raw).toFixed(2)}x raw)`
  )
}

const kubeconfigText = (entries: number): string => {
  const parts: Array<string> = ["apiVersion: v1\nkind: Config\nclusters:\n"]
  for (let i = 0; i < entries; i++) {
    parts.push(
      `- name: cluster-${i}\n  cluster:\n    server: https://10.0.${i % 250}.${i % 200}:6443\n` +
        `    certificate-authority-data: ${Buffer.alloc(1200, i % 256).toString("base64")}\n`
    )
  }
  parts.push("users:\n")
  for (let i = 0; i < entries; i++) parts.push(`- name: user-${i}\n  user:\n    token: tok-${i}-${"a".repeat(200)}\n`)
  parts.push("contexts:\n")
  for (let i = 0; i < entries; i++) {
    parts.push(`- name: ctx-${i}\n  context:\n    cluster: cluster-${i}\n    user: user-${i}\n    namespace: ns-${i}\n`)
  }
  parts.push("current-context: ctx-7\n")
  return parts.join("")
}

const largeKubeconfig = async () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-kube-bench-kc-"))
  try {
    const file = Path.join(dir, "config")
    const text = kubeconfigText(25_000)
    Fs.writeFileSync(file, text)
    const mb = (text.length / 1e6).toFixed(0)
    const ours = await time(() => {
      const result = parseWith(YAML, Fs.readFileSync(file, "utf8"), file)
      if (result._tag === "Left") throw new Error(result.left.message)
    })
    const kubectl = ensureKubectl()
    const theirs = await time(() =>
      new Promise<void>((resolve, reject) => {
        const child = ChildProcess.spawn(kubectl, ["config", "view", "--minify", "--raw", "-o", "json"], {
          env: { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: file },
          stdio: ["ignore", "ignore", "pipe"]
        })
        const timer = setTimeout(() => child.kill("SIGKILL"), 120_000)
        child.on("exit", (code) => {
          clearTimeout(timer)
          code === 0 ? resolve() : reject(new Error(`kubectl exited ${code}`))
        })
      })
    )
    console.log(
      `kubeconfig of ${mb} MB (25,000 clusters, users, contexts): effect-kube parse + check ${
        (ours / 1000).toFixed(1)
      } s; ` +
        `kubectl config view --minify --raw ${(theirs / 1000).toFixed(1)} s (${(ours / theirs).toFixed(2)}x kubectl)`
    )
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
}

const main = async () => {
  await watchLine(16)
  await watchLine(64)
  await largeKubeconfig()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
