/**
 * Dialing the apiserver over WebSocket with everything an ordinary request carries: the RestConfig's TLS material
 * (or an exec plugin's client certificate), its proxy, the User-Agent, Authorization and impersonation headers from
 * Credentials; a 401 drops cached credentials and dials once more, as the RestClient does.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import type { CredentialsError, Service as CredentialsService } from "../../Credentials.js"
import * as KubeError from "../../KubeError.js"
import type { Service as RestConfigService } from "../../RestConfig.js"
import type * as TransportErrors from "../../TransportError.js"
import { fromCause } from "../restClient/transport.js"
import { type AgentMaterial, makeAgents } from "../transport/agent.js"
import { loadMaterial } from "../transport/client.js"
import { classifyTls } from "../transport/errors.js"

// Loaded on the first dial: a program that never opens a WebSocket does not pay for ws at start-up.
const wsModule = Effect.promise(() => import("ws"))
import { type Connection, open, type Opened, type RawSocket, type Refused } from "./connection.js"

export interface DialRequest {
  /** Path below the server URL, e.g. `/api/v1/namespaces/default/pods/web/exec`. */
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Offered subprotocols, preferred first. */
  readonly protocols: ReadonlyArray<string>
}

export type DialError = KubeError.ApiError | KubeError.TransportError | KubeError.InvalidRequest | CredentialsError

export type Dial = (request: DialRequest) => Effect.Effect<Connection, DialError, Scope.Scope>

const maxRefusalBody = 64 * 1024

const wsUrl = (server: string, request: DialRequest): string => {
  const url = new URL(server + request.path)
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:"
  for (const [k, v] of request.query) url.searchParams.append(k, v)
  return url.toString()
}

/** The display URL in errors, with the scheme the user configured. */
const displayUrl = (server: string, request: DialRequest): string => {
  const url = new URL(server + request.path)
  for (const [k, v] of request.query) url.searchParams.append(k, v)
  return url.toString()
}

/** Builds the dialer; TLS files are read once, as the HttpClient transport does. */
export const make = (
  config: RestConfigService,
  credentials: CredentialsService
): Effect.Effect<Dial, TransportErrors.TransportConfigError, FileSystem.FileSystem> =>
  Effect.map(loadMaterial(config), (material) => fromMaterial(config, credentials, material))

/** The dialer over TLS material already read (WebSocketTransport reads it at build and loads this module lazily). */
export const fromMaterial = (
  config: RestConfigService,
  credentials: CredentialsService,
  material: AgentMaterial
): Dial => {
  const dynamicCertificate = material.cert === undefined ? credentials.clientCertificate : undefined
  // One agent pair for the proxy case only: without a proxy the upgrade request carries the TLS options itself.
  const agents = material.proxy === undefined ? undefined : makeAgents(material)
  // A server URL that does not parse fails every dial typed (as every request of the RestClient does), not the
  // layer: a program that never dials must still start.
  const server = URL.canParse(config.server) ? new URL(config.server) : undefined
  const serverHost = server?.host ?? ""

  const headersFor = (request: DialRequest) =>
    Effect.map(
      credentials.authorize(HttpClientRequest.get(displayUrl(config.server, request))),
      (authorized) => {
        const out: Record<string, string | Array<string>> = { "user-agent": config.userAgent }
        for (const [k, v] of Object.entries(authorized.headers)) out[k] = v as string | Array<string>
        return out
      }
    )

  const attempt = (request: DialRequest) =>
    Effect.gen(function*() {
      const WS = yield* wsModule
      const headers = yield* headersFor(request)
      const certificate = dynamicCertificate === undefined ? Option.none() : yield* dynamicCertificate
      const tls = Option.match(certificate, {
        onNone: () => ({ cert: material.cert, key: material.key }),
        onSome: (c) => ({ cert: c.certificate, key: Redacted.value(c.key) })
      })
      const acquire = Effect.sync((): Opened => {
        let refused: Refused | undefined
        let error: unknown
        const options: Record<string, unknown> = {
          headers,
          rejectUnauthorized: material.rejectUnauthorized,
          perMessageDeflate: false,
          // The apiserver's frames are unbounded in principle; ws's 100 MiB default is a safe ceiling.
          maxPayload: 100 * 1024 * 1024
        }
        if (material.ca !== undefined) options.ca = material.ca
        if (tls.cert !== undefined) options.cert = tls.cert
        if (tls.key !== undefined) options.key = tls.key
        if (material.servername !== undefined) options.servername = material.servername
        if (agents !== undefined) {
          options.agent = server?.protocol === "https:" ? agents.https : agents.http
        }
        const raw = new WS.WebSocket(wsUrl(config.server, request), [...request.protocols], options)
        raw.on("unexpected-response", (req: Http.ClientRequest, res: Http.IncomingMessage) => {
          const chunks: Array<Buffer> = []
          let size = 0
          res.on("data", (chunk: Buffer) => {
            if (size < maxRefusalBody) chunks.push(chunk)
            size += chunk.length
          })
          res.on("end", () => {
            refused = {
              _tag: "Refused",
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8").slice(0, maxRefusalBody)
            }
            req.destroy()
            raw.terminate()
          })
          res.on("error", () => raw.terminate())
        })
        raw.on("error", (cause: unknown) => {
          if (error === undefined) error = cause
        })
        return {
          dom: raw as unknown as globalThis.WebSocket,
          raw: raw as unknown as RawSocket,
          refused: () => refused,
          error: () => error
        }
      })
      return yield* open(acquire)
    })

  const method = "GET"
  const dial: Dial = (request) => {
    if (server === undefined || (server.protocol !== "http:" && server.protocol !== "https:")) {
      return Effect.fail(
        new KubeError.InvalidRequest({
          detail: `the server URL ${JSON.stringify(config.server)} ${
            server === undefined ? "does not parse as a URL" : "must use http or https"
          }`
        })
      )
    }
    const url = displayUrl(config.server, request)
    const once = Effect.catchAll(attempt(request), (failure): Effect.Effect<never, DialError> => {
      if ("_tag" in failure && failure._tag === "CredentialsError") return Effect.fail(failure)
      if (failure._tag === "Refused") {
        return Effect.fail(KubeError.fromStatus({
          method,
          url,
          code: failure.status,
          status: statusOf(failure.status, failure.body),
          body: failure.body
        }))
      }
      const tls = classifyTls(failure.cause, serverHost)
      return Effect.fail(fromCause(method, url, tls ?? failure.cause))
    })
    return Effect.catchIf(
      once,
      (e): e is KubeError.Unauthorized => e._tag === "Unauthorized",
      (e) => Effect.flatMap(credentials.invalidate, (retry) => retry ? once : Effect.fail(e))
    )
  }
  return dial
}

const statusOf = (code: number, body: string): KubeError.Status => {
  try {
    const parsed = JSON.parse(body) as { kind?: unknown }
    if (typeof parsed === "object" && parsed !== null && parsed.kind === "Status") return parsed as KubeError.Status
  } catch {
    // not JSON: the generic Status below
  }
  return KubeError.genericStatus(code, body)
}
