/**
 * kubectl's `-v` request logging, in client-go's layout, so `effect-kube -v=9 get pods` and `kubectl -v=9 get pods`
 * can be compared line by line:
 *
 * - 6: `"Response" verb="GET" url="..." status="200 OK" milliseconds=3` per request;
 * - 7: also `"Request" verb=... url=... headers=<...>` before it (headers sorted, Authorization masked by scheme);
 * - 8: also the request body, the response headers and the response body cut at 10240 characters;
 * - 9: the request as a `curl` line instead, and the full response body.
 *
 * It wraps the HttpClient (below credentials, so Authorization is seen as sent); watches and streams have their
 * bodies left alone.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const reasons: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  410: "Gone",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** klog's header: `I1202 00:55:27.642602   10643 file.go:527] `. */
export const klogPrefix = (date: Date, source: string, severity = "I"): string => {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0")
  return `${severity}${pad(date.getMonth() + 1)}${pad(date.getDate())} ${pad(date.getHours())}:${
    pad(date.getMinutes())
  }:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000 ${String(process.pid).padStart(7)} ${source}] `
}

/** Go's canonical MIME header key: `content-type` → `Content-Type`. */
export const canonicalHeader = (name: string): string =>
  name.split("-").map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join("-")

const knownAuthSchemes = new Set(["bearer", "basic", "negotiate"])

/** client-go's maskValue: the scheme of a known Authorization kind stays, the credential never does. */
export const maskHeader = (name: string, value: string): string => {
  if (name.toLowerCase() !== "authorization" || value === "") return value
  const space = value.indexOf(" ")
  const scheme = space > 0 ? value.slice(0, space) : value
  if (!knownAuthSchemes.has(scheme.toLowerCase())) return "<masked>"
  return value.length > scheme.length + 1 ? `${scheme} <masked>` : scheme
}

/** A klog string value: Go's %q quoting. */
const quote = (text: string): string => JSON.stringify(text)

/**
 * One entry per header line, sorted by name: a header holding several values (Impersonate-Group, stored as a string
 * array, see src/internal/credentials/headers.ts) is several lines, as client-go prints each value of a Go header.
 */
const headerLines = (headers: Readonly<Record<string, string>>): ReadonlyArray<readonly [string, string]> =>
  Object.entries(headers)
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v as ReadonlyArray<string> : [v]).map((one) =>
        [canonicalHeader(k), maskHeader(k, one)] as const
      )
    )
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)

const headerBlock = (headers: Readonly<Record<string, string>>): string => {
  const lines = headerLines(headers).map(([k, v]) => `\t${k}: ${v}\n`)
  return lines.length === 0 ? `""` : `<\n${lines.join("")} >`
}

export const curlLine = (method: string, url: string, headers: Readonly<Record<string, string>>): string => {
  const parts = headerLines(headers).map(([k, v]) => ` -H ${quote(`${k}: ${v}`)}`)
  return `curl -v -X${method} ${parts.join("")} '${url}'`
}

const write = (line: string) => Effect.sync(() => void process.stderr.write(line.endsWith("\n") ? line : `${line}\n`))

const log = (source: string, text: string) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => write(`${klogPrefix(new Date(now), source)}${text}`))

const maxBody = 10240

const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  if (body._tag === "Uint8Array") return new TextDecoder().decode(body.body)
  return ""
}

const isStream = (url: string) => /[?&](watch=(true|1)|follow=true)/.test(url)

/** The HttpClient with kubectl's request log at `level` (nothing below 6). */
export const wrap = (client: HttpClient.HttpClient, level: number): HttpClient.HttpClient => {
  if (level < 6) return client
  return HttpClient.transform(client, (effect, request) =>
    Effect.gen(function*() {
      const url = request.url + (request.urlParams.length > 0
        ? `?${new URLSearchParams([...request.urlParams].map(([k, v]): [string, string] => [k, v]))}`
        : "")
      const method = request.method
      if (level >= 8) yield* log("helper.go:113", `"Request Body" body=${quote(bodyText(request))}`)
      if (level >= 9) {
        yield* log("round_trippers.go:527", `"Request" curlCommand=<\n\t${curlLine(method, url, request.headers)}\n >`)
      } else if (level >= 7) {
        yield* log(
          "round_trippers.go:527",
          `"Request" verb=${quote(method)} url=${quote(url)} headers=${headerBlock(request.headers)}`
        )
      }
      const start = yield* Clock.currentTimeMillis
      const result = yield* Effect.either(effect)
      const millis = (yield* Clock.currentTimeMillis) - start
      const status = result._tag === "Right"
        ? `${result.right.status} ${reasons[result.right.status] ?? ""}`.trim()
        : ""
      const where = level === 6 || level >= 9 ? ` verb=${quote(method)} url=${quote(url)}` : ""
      const headers = level >= 8
        ? ` headers=${result._tag === "Right" ? headerBlock(result.right.headers) : `""`}`
        : ""
      yield* log("round_trippers.go:632", `"Response"${where} status=${quote(status)}${headers} milliseconds=${millis}`)
      if (result._tag === "Left") return yield* Effect.fail(result.left)
      const response = result.right
      if (level < 8 || isStream(url)) return response
      // Buffer the body to log it, then hand an equivalent response on.
      const bytes = new Uint8Array(yield* response.arrayBuffer)
      const text = new TextDecoder().decode(bytes)
      const shown = level >= 9 || text.length <= maxBody
        ? text
        : `${text.slice(0, maxBody)} [truncated ${text.length - maxBody} chars]`
      yield* log("helper.go:113", `"Response Body" body=${quote(shown)}`)
      return HttpClientResponse.fromWeb(
        request,
        new Response(bytes.length === 0 && (response.status === 204 || response.status === 304) ? null : bytes, {
          status: response.status,
          headers: response.headers
        })
      )
    }))
}

/** Replaces the HttpClient in the context with the logging one. */
export const layer = (level: number): Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient> =>
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, (client) => wrap(client, level)))
