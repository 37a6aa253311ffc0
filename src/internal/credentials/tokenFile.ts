import type * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Cache from "./cache.js"
import { CredentialsError } from "./error.js"

/**
 * How long a token read from a file is used before the file is read again. Projected service account tokens are
 * refreshed by the kubelet well before they expire, so a minute keeps up with rotation without reading the file on
 * every request (client-go re-reads on a similar period).
 */
export const rereadPeriodMillis = 60_000

export const make = (options: {
  readonly fs: FileSystem.FileSystem
  readonly path: string
  readonly fallback?: Redacted.Redacted<string> | undefined
}): Effect.Effect<Cache.ExpiringCache<Redacted.Redacted<string>, CredentialsError>> => {
  const source = `token file ${options.path}`
  const read = options.fs.readFileString(options.path).pipe(
    Effect.mapError((cause) =>
      new CredentialsError({ reason: "TokenFile", source, detail: `cannot read the file (${cause.message})`, cause })
    ),
    Effect.flatMap((text) => {
      const token = text.trim()
      return token === ""
        ? Effect.fail(new CredentialsError({ reason: "TokenFile", source, detail: "the file is empty" }))
        : Effect.succeed(Redacted.make(token))
    })
  )
  return Cache.make(() =>
    Effect.zipWith(
      // An inline token in the same kubeconfig user is what client-go falls back to when the file cannot be read.
      options.fallback === undefined ? read : Effect.orElseSucceed(read, () => options.fallback!),
      Clock.currentTimeMillis,
      (value, now) => ({ value, expiresAt: now + rereadPeriodMillis })
    )
  )
}
