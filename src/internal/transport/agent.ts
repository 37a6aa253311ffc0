import * as Http from "node:http"
import * as Https from "node:https"
import * as Net from "node:net"
import type * as Stream from "node:stream"
import * as Tls from "node:tls"
import { ProxyError } from "../../TransportError.js"

/** TLS and proxy settings for one pair of agents. */
export interface AgentMaterial {
  readonly ca?: string | undefined
  readonly cert?: string | undefined
  readonly key?: string | undefined
  readonly rejectUnauthorized: boolean
  readonly servername?: string | undefined
  readonly proxy?: URL | undefined
}

type Callback = (error: Error | null, socket: Stream.Duplex) => void

export const displayProxy = (proxy: URL): string => `${proxy.protocol}//${proxy.host}`

const proxyAuthorization = (proxy: URL): string | undefined =>
  proxy.username === "" && proxy.password === ""
    ? undefined
    : "Basic " +
      Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`, "utf8")
        .toString("base64")

const proxyPort = (proxy: URL): number =>
  proxy.port !== "" ? Number(proxy.port) : proxy.protocol === "https:" ? 443 : 80

/** URL host names keep IPv6 brackets; socket options want them off. */
const bareHost = (host: string): string => host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host

const connectToProxy = (proxy: URL): Net.Socket => {
  const host = bareHost(proxy.hostname)
  return proxy.protocol === "https:"
    ? Tls.connect({ host, port: proxyPort(proxy), ...(Net.isIP(host) === 0 ? { servername: host } : {}) })
    : Net.connect({ host, port: proxyPort(proxy) })
}

const maxConnectResponse = 16 * 1024

/** Opens a CONNECT tunnel through the proxy and hands back the raw socket once the proxy answers 200. */
const tunnel = (
  proxy: URL,
  host: string,
  port: number,
  callback: (error: Error | null, socket?: Net.Socket) => void
) => {
  const bare = bareHost(host)
  const target = Net.isIPv6(bare) ? `[${bare}]:${port}` : `${bare}:${port}`
  const socket = connectToProxy(proxy)
  let buffered = Buffer.alloc(0)
  let done = false
  const finish = (error: Error | null) => {
    if (done) return
    done = true
    socket.off("data", onData)
    socket.off("error", onError)
    socket.off("end", onEnd)
    if (error !== null) {
      socket.destroy()
      callback(error)
    } else {
      socket.pause()
      callback(null, socket)
    }
  }
  const failure = (detail: string, extra: { status?: number; cause?: unknown } = {}) =>
    new ProxyError({ proxy: displayProxy(proxy), target, detail, ...extra })
  const onError = (cause: Error) => finish(failure(cause.message, { cause }))
  const onEnd = () => finish(failure("the proxy closed the connection before answering CONNECT"))
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    const end = buffered.indexOf("\r\n\r\n")
    if (end === -1) {
      if (buffered.length > maxConnectResponse) finish(failure("the proxy's answer to CONNECT is too long"))
      return
    }
    const statusLine = buffered.subarray(0, buffered.indexOf("\r\n")).toString("latin1")
    const status = Number(statusLine.split(" ")[1])
    finish(status === 200 ? null : failure(`the proxy answered CONNECT with "${statusLine}"`, { status }))
  }
  socket.on("data", onData)
  socket.on("error", onError)
  socket.on("end", onEnd)
  const auth = proxyAuthorization(proxy)
  socket.write(
    `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${
      auth === undefined ? "" : `Proxy-Authorization: ${auth}\r\n`
    }\r\n`
  )
}

/** HTTPS through an HTTP(S) proxy: CONNECT, then TLS to the target inside the tunnel. */
class TunnelingHttpsAgent extends Https.Agent {
  readonly proxy: URL
  constructor(options: Https.AgentOptions, proxy: URL) {
    super(options)
    this.proxy = proxy
  }
  override createConnection(options: Https.RequestOptions, callback?: Callback): Stream.Duplex | null | undefined {
    const host = options.host ?? options.hostname ?? "localhost"
    tunnel(this.proxy, host, Number(options.port ?? 443), (error, socket) => {
      if (error !== null || socket === undefined) return callback?.(error ?? new Error("no socket"), undefined!)
      // `options` already merges the agent's TLS material and the SNI name Node computed for the request.
      const { path: _path, ...tlsOptions } = options
      callback?.(null, Tls.connect({ ...(tlsOptions as Tls.ConnectionOptions), host: bareHost(host), socket }))
    })
    return undefined
  }
}

/**
 * Plain HTTP through a proxy: the request goes to the proxy with the absolute URL as its target (RFC 9112
 * absolute-form). The path is rewritten in `addRequest`, which Node calls before the request head is written.
 */
class ForwardingHttpAgent extends Http.Agent {
  readonly proxy: URL
  constructor(options: Http.AgentOptions, proxy: URL) {
    super(options)
    this.proxy = proxy
  }
  addRequest(request: Http.ClientRequest, options: Http.RequestOptions & Record<string, unknown>): void {
    const host = bareHost(String(options.host ?? options.hostname ?? "localhost"))
    const port = options.port ?? 80
    const authority = Net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`
    request.path = `http://${authority}${request.path}`
    const auth = proxyAuthorization(this.proxy)
    if (auth !== undefined) request.setHeader("Proxy-Authorization", auth)
    const proxyHost = bareHost(this.proxy.hostname)
    const proxied = { ...options, host: proxyHost, hostname: proxyHost, port: proxyPort(this.proxy) }
    const base = Http.Agent.prototype as unknown as {
      addRequest: (this: Http.Agent, request: Http.ClientRequest, options: unknown) => void
    }
    base.addRequest.call(this, request, proxied)
  }
  override createConnection(options: Http.ClientRequestArgs, _callback?: Callback): Stream.Duplex | null | undefined {
    // `addRequest` already pointed host and port at the proxy; an https proxy needs TLS to itself.
    return this.proxy.protocol === "https:"
      ? connectToProxy(this.proxy)
      : Net.createConnection(options as Net.NetConnectOpts)
  }
}

/**
 * The agents of one connection pool. Not @effect/platform-node's `HttpAgent`: its module loads undici, which a
 * program on node:http never uses.
 */
export interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

/**
 * Keep-alive agents for plain and TLS connections. Both carry the same material so a server URL on either scheme
 * behaves the same; the TLS options only matter for the https agent.
 */
export const makeAgents = (material: AgentMaterial): Agents => {
  const tls: Https.AgentOptions = {
    keepAlive: true,
    rejectUnauthorized: material.rejectUnauthorized,
    ...(material.ca !== undefined ? { ca: material.ca } : {}),
    ...(material.cert !== undefined ? { cert: material.cert } : {}),
    ...(material.key !== undefined ? { key: material.key } : {}),
    ...(material.servername !== undefined ? { servername: material.servername } : {})
  }
  if (material.proxy === undefined) {
    return { http: new Http.Agent({ keepAlive: true }), https: new Https.Agent(tls) }
  }
  return {
    http: new ForwardingHttpAgent({ keepAlive: true }, material.proxy),
    https: new TunnelingHttpsAgent(tls, material.proxy)
  }
}
