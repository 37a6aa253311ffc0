/**
 * Errors are typed values named after the Status reason. `catchTags` handles NotFound one way and other Status
 * errors (Forbidden, InternalError, ...) another; the error channel says which ones are left.
 *
 * client-go: `if errors.IsNotFound(err) { ... } else if statusError, ok := err.(*errors.StatusError); ok { ... }`
 *
 *   npm run example examples/get-pod-error-handling.ts [--kubeconfig FILE] [--context NAME] [--namespace NS]
 *   (on the fake it also injects a 403 and a 500 to show the other branches)
 */
import * as Clientset from "effect-kube/Clientset"
import * as FakeApiServer from "effect-kube/FakeApiServer"
import * as KubeError from "effect-kube/KubeError"
import * as Effect from "effect/Effect"
import { isMain, parseFlags, runExample, runOnFake, say } from "./support.js"

/** What happened to a `get`, as one line: every failure is handled, so the error channel is `never`. */
export const describePod = (name: string): Effect.Effect<string, never, Clientset.Clientset> =>
  Effect.gen(function*() {
    const cs = yield* Clientset.Clientset
    const pod = yield* cs.coreV1.pods(cs.restClient.config.namespace).get(name)
    return `found, phase ${pod.status?.phase ?? "unknown"}`
  }).pipe(
    Effect.catchTags({
      NotFound: (e) => Effect.succeed(`NotFound: ${e.status.message}`),
      Forbidden: (e) => Effect.succeed(`Forbidden: check your RBAC (${e.status.message})`),
      Unauthorized: () => Effect.succeed("Unauthorized: your credentials were rejected")
    }),
    // Whatever else the server said: a typed ApiError with its HTTP code and Status. Transport, decode and
    // credential failures are not Status errors and keep their own message.
    Effect.catchAll((e) =>
      Effect.succeed(
        KubeError.isApiError(e)
          ? `${e._tag} (HTTP ${e.code}): ${e.status.message}`
          : `${e._tag}: ${e.message}`
      )
    )
  )

const lookups = (names: ReadonlyArray<string>) =>
  Effect.forEach(
    names,
    (name) => Effect.flatMap(describePod(name), (line) => say(`get pod/${name.padEnd(18)} -> ${line}`)),
    {
      discard: true
    }
  )

/** A pod that exists and one that does not. */
export const program = lookups(["web-7d9f8-2xkqp", "web-0000-missing"])

/** Also the other branches, by telling the fake to answer the next gets with a 403 and a 500. */
export const programOnFake = Effect.gen(function*() {
  yield* program
  const fake = yield* FakeApiServer.FakeApiServer
  yield* fake.failNext({
    match: { method: "GET", path: "/api/v1/namespaces/shop/pods/" },
    times: 1,
    status: 403,
    reason: "Forbidden",
    message: "pods is forbidden: User \"dev\" cannot get resource \"pods\""
  })
  yield* lookups(["web-7d9f8-2xkqp"])
  yield* fake.failNext({
    match: { method: "GET", path: "/api/v1/namespaces/shop/pods/" },
    times: 1,
    status: 500,
    reason: "InternalError",
    message: "etcdserver: request timed out"
  })
  yield* lookups(["web-7d9f8-2xkqp"])
})

if (isMain(import.meta.url)) {
  if (parseFlags(process.argv.slice(2)).kubeconfig === undefined) runOnFake(programOnFake)
  else runExample(program)
}
