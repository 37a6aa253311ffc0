// The baseline: node:http with a keep-alive agent and JSON.parse, no client library, no validation.
import * as Http from "node:http"
import { type Contender, promiseLanes, type Rate, type Target, withTimeout } from "../contender.js"

interface PodList {
  readonly metadata?: { readonly continue?: string }
  readonly items: ReadonlyArray<unknown>
}

export const make = async (target: Target): Promise<Contender> => {
  const url = new URL(target.server)
  const agent = new Http.Agent({ keepAlive: true })
  const options = (path: string): Http.RequestOptions => ({
    host: url.hostname,
    port: url.port,
    path,
    agent,
    headers: { accept: "application/json" }
  })

  const getJson = <A>(path: string): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      const req = Http.get(options(path), (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("error", reject)
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`))
          try {
            resolve(JSON.parse(text) as A)
          } catch (error) {
            reject(error)
          }
        })
      })
      req.on("error", reject)
    })

  const podsPath = (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`

  const list = async (namespace: string) => (await getJson<PodList>(podsPath(namespace))).items

  const listPaged = async (namespace: string, limit: number) => {
    const items: Array<unknown> = []
    let token: string | undefined
    for (let page = 0; page < 10_000; page++) {
      const query = `?limit=${limit}${token === undefined ? "" : `&continue=${encodeURIComponent(token)}`}`
      const list = await getJson<PodList>(podsPath(namespace) + query)
      for (const item of list.items) items.push(item)
      token = list.metadata?.continue
      if (token === undefined || token === "") break
    }
    return items
  }

  const gets = (namespace: string, names: ReadonlyArray<string>, concurrency: number, max: number, maxMs: number) =>
    promiseLanes(
      concurrency,
      max,
      maxMs,
      (i) => getJson(`${podsPath(namespace)}/${encodeURIComponent(names[i % names.length]!)}`)
    )

  const watch = (namespace: string, maxMs: number): Promise<Rate> => {
    let req: Http.ClientRequest | undefined
    const run = new Promise<Rate>((resolve, reject) => {
      const start = performance.now()
      let count = 0
      req = Http.get(options(`${podsPath(namespace)}?watch=true`), (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch: ${res.statusCode}`))
        res.setEncoding("utf8")
        let pending = ""
        res.on("data", (chunk: string) => {
          pending += chunk
          let from = 0
          let newline: number
          while ((newline = pending.indexOf("\n", from)) !== -1) {
            const line = pending.slice(from, newline)
            from = newline + 1
            if (line.trim() === "") continue
            const event = JSON.parse(line) as { type: string; object: unknown }
            if (event.type !== "ERROR") count++
          }
          pending = pending.slice(from)
        })
        res.on("error", reject)
        res.on("end", () => resolve({ count, ms: performance.now() - start }))
      })
      req.on("error", reject)
    })
    return withTimeout("raw watch", maxMs, run, () => req?.destroy())
  }

  // The baseline cache: the parsed list's items in a Map by namespace/name, as any hand-written cache keeps them.
  const informerSync = async (namespace: string) => {
    const cache = new Map<string, unknown>()
    for (const item of await list(namespace)) {
      const meta = (item as { metadata?: { namespace?: string; name?: string } }).metadata
      cache.set(`${meta?.namespace}/${meta?.name}`, item)
    }
    return [...cache.values()]
  }

  // The bench server, like any apiserver ignoring the media type, sends whole pods: keep their metadata only.
  const metadataInformerSync = async (namespace: string) => {
    const cache = new Map<string, unknown>()
    for (const item of await list(namespace)) {
      const metadata = (item as { metadata?: { namespace?: string; name?: string } }).metadata
      cache.set(`${metadata?.namespace}/${metadata?.name}`, {
        apiVersion: "meta.k8s.io/v1",
        kind: "PartialObjectMetadata",
        metadata
      })
    }
    return [...cache.values()]
  }

  // The baseline informer: the list into a Map, then the watch from its resourceVersion, each event parsed and
  // stored under its key.
  const informerWatch = async (namespace: string, count: number, maxMs: number): Promise<Rate> => {
    const listed = await getJson<PodList & { metadata?: { resourceVersion?: string } }>(podsPath(namespace))
    const cache = new Map<string, unknown>()
    const keyOf = (o: unknown) => {
      const meta = (o as { metadata?: { namespace?: string; name?: string } }).metadata
      return `${meta?.namespace}/${meta?.name}`
    }
    for (const item of listed.items) cache.set(keyOf(item), item)
    let req: Http.ClientRequest | undefined
    const run = new Promise<Rate>((resolve, reject) => {
      const start = performance.now()
      let seen = 0
      const path = `${podsPath(namespace)}?watch=true&resourceVersion=${listed.metadata?.resourceVersion ?? ""}`
      req = Http.get(options(path), (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch: ${res.statusCode}`))
        res.setEncoding("utf8")
        let pending = ""
        res.on("data", (chunk: string) => {
          pending += chunk
          let from = 0
          let newline: number
          while ((newline = pending.indexOf("\n", from)) !== -1) {
            const line = pending.slice(from, newline)
            from = newline + 1
            if (line.trim() === "") continue
            const event = JSON.parse(line) as { type: string; object: unknown }
            if (event.type === "ERROR" || event.type === "BOOKMARK") continue
            if (event.type === "DELETED") cache.delete(keyOf(event.object))
            else cache.set(keyOf(event.object), event.object)
            if (++seen === count) {
              resolve({ count: seen, ms: performance.now() - start })
              req?.destroy()
              return
            }
          }
          pending = pending.slice(from)
        })
        res.on("error", reject)
        res.on("end", () => reject(new Error(`raw informer watch ended after ${seen} events`)))
      })
      req.on("error", (error) => seen < count && reject(error))
    })
    return withTimeout("raw informer watch", maxMs, run, () => req?.destroy())
  }

  return {
    list,
    listPaged,
    gets,
    watch,
    informerSync,
    metadataInformerSync,
    informerWatch,
    close: async () => agent.destroy()
  }
}
