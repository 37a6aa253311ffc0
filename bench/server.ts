// The static apiserver the contenders read from. It runs in its own process (forked by run.ts) so serving costs no
// CPU on the contenders' event loop, and it answers from bytes prepared once at start, so every contender receives
// exactly the same response bodies:
//   GET /api/v1/namespaces/{ns}/pods                     the whole list (ns: pods-1k or pods-10k)
//   GET /api/v1/namespaces/{ns}/pods?limit=N&continue=T  one page, with metadata.continue and remainingItemCount
//   GET /api/v1/namespaces/{ns}/pods/{name}              one pod
//   GET /api/v1/namespaces/{ns}/pods?watch=true          WATCH_EVENTS MODIFIED events (NDJSON, one write per
//                                                        event, as the apiserver flushes them), then the end;
//                                                        pods-1k's events (for informers) are updates: each
//                                                        carries a resourceVersion newer than the cached one
// It listens on 127.0.0.1 only and sends the port to the parent over IPC.
import * as Http from "node:http"
import { makePods } from "./data.js"

const watchEvents = Number(process.env.WATCH_EVENTS ?? 50_000)
const listResourceVersion = "200000"

interface Dataset {
  readonly items: ReadonlyArray<string>
  readonly byName: ReadonlyMap<string, Buffer>
  readonly full: Buffer
  readonly watchLines: ReadonlyArray<Buffer>
  readonly pages: Map<string, Buffer>
}

type WatchLines = "none" | "same" | "updates"

// "updates": five rounds over the pods, each event a new resourceVersion (informers drop an event whose
// resourceVersion equals the cached one); consecutive events of one pod differ also when the lines wrap around.
const updateLines = (pods: ReadonlyArray<Record<string, unknown>>): Array<Buffer> => {
  const lines: Array<Buffer> = []
  for (let round = 0; round < 5; round++) {
    pods.forEach((pod, i) => {
      const metadata = { ...(pod.metadata as object), resourceVersion: String(200_001 + round * pods.length + i) }
      lines.push(Buffer.from(`{"type":"MODIFIED","object":${JSON.stringify({ ...pod, metadata })}}\n`))
    })
  }
  return lines
}

const dataset = (namespace: string, count: number, seed: number, watch: WatchLines): Dataset => {
  const pods = makePods(namespace, count, seed)
  const items = pods.map((pod) => JSON.stringify(pod))
  const byName = new Map<string, Buffer>()
  pods.forEach((pod, i) => byName.set((pod.metadata as { name: string }).name, Buffer.from(items[i]!)))
  return {
    items,
    byName,
    full: listBody(items, 0, items.length),
    watchLines: watch === "same"
      ? items.map((item) => Buffer.from(`{"type":"MODIFIED","object":${item}}\n`))
      : watch === "updates"
      ? updateLines(pods as ReadonlyArray<Record<string, unknown>>)
      : [],
    pages: new Map()
  }
}

const token = (offset: number) =>
  Buffer.from(JSON.stringify({ rv: listResourceVersion, start: offset })).toString("base64url")

const listBody = (items: ReadonlyArray<string>, start: number, end: number): Buffer => {
  const meta: Record<string, unknown> = { resourceVersion: listResourceVersion }
  if (end < items.length) {
    meta.continue = token(end)
    meta.remainingItemCount = items.length - end
  }
  return Buffer.from(
    `{"kind":"PodList","apiVersion":"v1","metadata":${JSON.stringify(meta)},"items":[${
      items.slice(start, end).join(",")
    }]}`
  )
}

const datasets = new Map<string, Dataset>([
  ["pods-1k", dataset("pods-1k", 1_000, 1, "updates")],
  ["pods-10k", dataset("pods-10k", 10_000, 2, "same")]
])

const status = (res: Http.ServerResponse, code: number, reason: string, message: string) => {
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code
  })
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  res.end(body)
}

const versionBody = Buffer.from(
  JSON.stringify({ major: "1", minor: "36", gitVersion: "v1.36.0", platform: "linux/amd64" })
)

const send = (res: Http.ServerResponse, body: Buffer) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length })
  res.end(body)
}

const streamWatch = (req: Http.IncomingMessage, res: Http.ServerResponse, data: Dataset) => {
  res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" })
  let sent = 0
  let closed = false
  req.on("close", () => {
    closed = true
  })
  const pump = () => {
    while (!closed && sent < watchEvents) {
      const ok = res.write(data.watchLines[sent % data.watchLines.length]!)
      sent++
      if (!ok) return void res.once("drain", pump)
    }
    if (!closed) res.end()
  }
  pump()
}

// Node's default idle keep-alive timeout, 5 s. It was 60 s (so that connections outlived the pauses between a
// contender's samples), but Node then advertises `Keep-Alive: timeout=60`, and client-node 2.0.1, which opens a
// new connection for every request, kept each one for 59 s: past about 20,000 requests a GET sample failed with
// EMFILE. A real apiserver (Go's net/http) sends no such hint. A client now reconnects at most once a sample.
const server = Http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1")
  // What `effect-kube get --raw /version` and its raw baseline read in the cold start of the bin.
  if (req.method === "GET" && url.pathname === "/version") return send(res, versionBody)
  const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(url.pathname)
  const data = match === null ? undefined : datasets.get(match[1]!)
  if (req.method !== "GET" || match === null || data === undefined) {
    return status(res, 404, "NotFound", `${req.method} ${url.pathname} is not served by the bench server`)
  }
  const name = match[2]
  if (name !== undefined) {
    const pod = data.byName.get(name)
    return pod === undefined ? status(res, 404, "NotFound", `pods "${name}" not found`) : send(res, pod)
  }
  const watch = url.searchParams.get("watch")
  if (watch === "true" || watch === "1") {
    if (data.watchLines.length === 0) return status(res, 400, "BadRequest", "no watch data for this namespace")
    return streamWatch(req, res, data)
  }
  const limit = Number(url.searchParams.get("limit") ?? "0")
  if (!(limit > 0)) return send(res, data.full)
  const cont = url.searchParams.get("continue") ?? ""
  let start = 0
  if (cont !== "") {
    try {
      start = Number(JSON.parse(Buffer.from(cont, "base64url").toString("utf8")).start)
    } catch {
      return status(res, 400, "BadRequest", "invalid continue token")
    }
  }
  const key = `${start}:${limit}`
  let page = data.pages.get(key)
  if (page === undefined) {
    page = listBody(data.items, start, Math.min(start + limit, data.items.length))
    data.pages.set(key, page)
  }
  return send(res, page)
})

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  const names = Object.fromEntries(
    [...datasets].map(([ns, data]) => [ns, [...data.byName.keys()].slice(0, 1_000)])
  )
  const bytes = Object.fromEntries([...datasets].map(([ns, data]) => [ns, data.full.length]))
  process.send?.({ _tag: "listening", port, names, bytes, watchEvents })
})

// The parent going away must not leave this process behind.
process.on("disconnect", () => process.exit(0))
