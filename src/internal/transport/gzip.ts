import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Stream from "effect/Stream"
import { DecompressionStream } from "node:stream/web"

// Statuses whose responses never have a body; a web Response refuses one for them.
const bodiless = new Set([101, 103, 204, 205, 304])

/**
 * Node's http client neither asks for nor undoes compression, so the transport does both. The body is piped through
 * a streaming gunzip, so a watch that the server flushes event by event still arrives event by event. Responses the
 * server did not compress pass through untouched.
 */
export const gunzip = (response: HttpClientResponse.HttpClientResponse): HttpClientResponse.HttpClientResponse => {
  const encoding = response.headers["content-encoding"]
  if (encoding === undefined || encoding.trim().toLowerCase() !== "gzip") return response
  if (response.request.method === "HEAD" || bodiless.has(response.status)) return response
  const body = Stream.toReadableStream(response.stream).pipeThrough(new DecompressionStream("gzip"))
  const headers = new globalThis.Headers()
  for (const [name, value] of Object.entries(response.headers)) {
    if (name !== "content-encoding" && name !== "content-length") headers.append(name, value)
  }
  return HttpClientResponse.fromWeb(
    response.request,
    new globalThis.Response(body as unknown as ConstructorParameters<typeof globalThis.Response>[0], {
      status: response.status,
      headers
    })
  )
}
