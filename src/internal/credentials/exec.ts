import * as Command from "@effect/platform/Command"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { ClientCertificate } from "../../CredentialsModel.js"
import { defaults as defaultLimits, Limits } from "../../Limits.js"
import type { ExecConfig, Service as RestConfigService } from "../../RestConfig.js"
import * as Cache from "./cache.js"
import { CredentialsError } from "./error.js"

/** What one plugin run produced. At least one of the two is present. */
export interface ExecResult {
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly clientCertificate: Option.Option<ClientCertificate>
}

export const supportedApiVersions: ReadonlyArray<string> = [
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1"
]

const stderrExcerptLength = 1000

export interface ExecOptions {
  readonly exec: ExecConfig
  readonly restConfig: RestConfigService
  readonly executor: CommandExecutor.CommandExecutor
  readonly fs: FileSystem.FileSystem
  /** Whether the parent's stdin is a terminal; injectable so tests do not depend on how they were started. */
  readonly stdinIsTerminal: boolean
  /** How long one run may take; `Limits.execTimeout` where the credentials are made. */
  readonly timeout?: Duration.Duration | undefined
}

/**
 * The `KUBERNETES_EXEC_INFO` document. Field names and omissions follow the ExecCredential JSON of client-go:
 * `interactive` is always present, the cluster only with `provideClusterInfo`, and false / empty cluster fields are
 * left out.
 */
export const execInfo = (options: ExecOptions, interactive: boolean): Effect.Effect<string, CredentialsError> =>
  Effect.gen(function*() {
    const { exec, restConfig } = options
    const spec: Record<string, unknown> = { interactive }
    if (exec.provideClusterInfo) {
      const ca = yield* caData(options)
      const cluster: Record<string, unknown> = { server: restConfig.server }
      if (restConfig.tls.serverName) cluster["tls-server-name"] = restConfig.tls.serverName
      if (restConfig.tls.insecure) cluster["insecure-skip-tls-verify"] = true
      if (ca !== undefined) cluster["certificate-authority-data"] = Buffer.from(ca, "utf8").toString("base64")
      if (restConfig.proxyUrl) cluster["proxy-url"] = restConfig.proxyUrl
      if (restConfig.disableCompression) cluster["disable-compression"] = true
      if (exec.clusterConfig !== undefined) cluster["config"] = exec.clusterConfig
      spec["cluster"] = cluster
    }
    return JSON.stringify({ kind: "ExecCredential", apiVersion: exec.apiVersion, spec })
  })

const caData = (options: ExecOptions): Effect.Effect<string | undefined, CredentialsError> => {
  const { tls } = options.restConfig
  if (tls.caData !== undefined) return Effect.succeed(tls.caData)
  if (tls.caFile === undefined) return Effect.succeed(undefined)
  const path = tls.caFile
  return options.fs.readFileString(path).pipe(
    Effect.mapError((cause) =>
      new CredentialsError({
        reason: "ExecConfig",
        source: sourceOf(options.exec),
        detail: `cannot read certificate authority ${path} for the cluster info (${cause.message})`,
        cause
      })
    )
  )
}

const sourceOf = (exec: ExecConfig): string => `exec plugin ${JSON.stringify(exec.command)}`

/** client-go's interactive rules: Never never connects stdin; Always insists on a terminal. */
const interactivity = (options: ExecOptions): Effect.Effect<boolean, CredentialsError> => {
  switch (options.exec.interactiveMode) {
    case "Never":
      return Effect.succeed(false)
    case "IfAvailable":
      return Effect.succeed(options.stdinIsTerminal)
    case "Always":
      return options.stdinIsTerminal ? Effect.succeed(true) : Effect.fail(
        new CredentialsError({
          reason: "ExecInteractive",
          source: sourceOf(options.exec),
          detail: "interactiveMode is Always but standard input is not a terminal"
        })
      )
  }
}

const collect = <E>(stream: Stream.Stream<Uint8Array, E>): Effect.Effect<string, E> =>
  Stream.runCollect(Stream.decodeText(stream)).pipe(Effect.map((chunks) => Chunk.join(chunks, "")))

/** Runs the plugin once and parses its ExecCredential. */
export const run = (options: ExecOptions): Effect.Effect<Cache.Expiring<ExecResult>, CredentialsError> =>
  Effect.gen(function*() {
    const { exec } = options
    const source = sourceOf(exec)
    const fail = (reason: CredentialsError["reason"], detail: string, cause?: unknown) =>
      new CredentialsError(cause === undefined ? { reason, source, detail } : { reason, source, detail, cause })
    if (!supportedApiVersions.includes(exec.apiVersion)) {
      return yield* Effect.fail(fail(
        "ExecConfig",
        `apiVersion ${JSON.stringify(exec.apiVersion)} is not supported; use one of ${supportedApiVersions.join(", ")}`
      ))
    }
    const interactive = yield* interactivity(options)
    const info = yield* execInfo(options, interactive)
    const env: Record<string, string> = {}
    for (const { name, value } of exec.env) env[name] = value
    env["KUBERNETES_EXEC_INFO"] = info
    // No shell: the command and its arguments go to spawn as they are. An interactive plugin gets the terminal on
    // stdin and stderr (its prompts go there); otherwise stdin is closed at once and stderr is kept for errors.
    let command = Command.make(exec.command, ...exec.args).pipe(Command.env(env))
    command = interactive
      ? command.pipe(Command.stdin("inherit"), Command.stderr("inherit"))
      : command.pipe(Command.feed(""))

    const execTimeout = options.timeout ?? defaultLimits.execTimeout
    // The process's scope kills it when the timeout interrupts the run.
    const [stdout, stderr, exitCode] = yield* Effect.scoped(
      Effect.flatMap(options.executor.start(command), (process) =>
        Effect.all([
          collect(process.stdout),
          interactive ? Effect.succeed("") : collect(process.stderr),
          process.exitCode
        ], { concurrency: "unbounded" }))
    ).pipe(
      Effect.timeoutFail({
        duration: execTimeout,
        onTimeout: () =>
          fail("ExecTimeout", `did not finish within ${Duration.format(execTimeout)} (Limits.execTimeout); killed`)
      }),
      Effect.mapError((cause) =>
        cause._tag === "CredentialsError"
          ? cause
          : cause._tag === "SystemError" && cause.reason === "NotFound"
          ? fail(
            "ExecNotFound",
            `executable not found${exec.installHint ? `. ${exec.installHint.trim()}` : ""}`,
            cause
          )
          : fail("ExecFailed", `could not run the plugin (${cause.message})`, cause)
      )
    )
    if (exitCode !== 0) {
      const excerpt = stderr.trim().slice(-stderrExcerptLength)
      return yield* Effect.fail(fail("ExecFailed", `exited with code ${exitCode}${excerpt ? `: ${excerpt}` : ""}`))
    }
    return yield* parse(exec, stdout, fail)
  })

const parse = (
  exec: ExecConfig,
  stdout: string,
  fail: (reason: CredentialsError["reason"], detail: string, cause?: unknown) => CredentialsError
): Effect.Effect<Cache.Expiring<ExecResult>, CredentialsError> =>
  Effect.gen(function*() {
    // The output carries the credential, so no part of it goes into a message: only its size and field names.
    const json = yield* Effect.try({
      try: () => JSON.parse(stdout) as unknown,
      catch: () => fail("ExecInvalidOutput", `stdout is not valid JSON (${stdout.length} characters)`)
    })
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return yield* Effect.fail(fail("ExecInvalidOutput", "stdout is not a JSON object"))
    }
    const doc = json as Record<string, unknown>
    if (doc["apiVersion"] !== exec.apiVersion) {
      const got = typeof doc["apiVersion"] === "string" ? JSON.stringify(doc["apiVersion"]) : "none"
      return yield* Effect.fail(fail(
        "ExecApiVersionMismatch",
        `configured for apiVersion ${exec.apiVersion} but the plugin returned ${got}`
      ))
    }
    if (doc["kind"] !== "ExecCredential") {
      return yield* Effect.fail(fail("ExecInvalidOutput", "output kind is not ExecCredential"))
    }
    const status = doc["status"]
    if (typeof status !== "object" || status === null || Array.isArray(status)) {
      return yield* Effect.fail(fail("ExecMissingCredentials", "output has no status"))
    }
    const field = (name: string): Effect.Effect<string | undefined, CredentialsError> => {
      const value = (status as Record<string, unknown>)[name]
      if (value === undefined || value === null || value === "") return Effect.succeed(undefined)
      return typeof value === "string"
        ? Effect.succeed(value)
        : Effect.fail(fail("ExecInvalidOutput", `status.${name} is not a string`))
    }
    const token = yield* field("token")
    const cert = yield* field("clientCertificateData")
    const key = yield* field("clientKeyData")
    const expiration = yield* field("expirationTimestamp")
    if ((cert === undefined) !== (key === undefined)) {
      return yield* Effect.fail(fail(
        "ExecMissingCredentials",
        "status has only one of clientCertificateData and clientKeyData; both are needed"
      ))
    }
    if (token === undefined && cert === undefined) {
      return yield* Effect.fail(fail(
        "ExecMissingCredentials",
        "status has neither a token nor clientCertificateData/clientKeyData"
      ))
    }
    let expiresAt: number | undefined = undefined
    if (expiration !== undefined) {
      expiresAt = Date.parse(expiration)
      if (Number.isNaN(expiresAt)) {
        return yield* Effect.fail(fail(
          "ExecInvalidOutput",
          `status.expirationTimestamp ${JSON.stringify(expiration)} is not an RFC 3339 time`
        ))
      }
    }
    const value: ExecResult = {
      token: token === undefined ? Option.none() : Option.some(Redacted.make(token)),
      clientCertificate: cert === undefined || key === undefined
        ? Option.none()
        : Option.some({ certificate: cert, key: Redacted.make(key) })
    }
    return { value, expiresAt }
  })

export const make = (options: ExecOptions): Effect.Effect<Cache.ExpiringCache<ExecResult, CredentialsError>> =>
  Effect.flatMap(Limits, (limits) => {
    const timed = options.timeout === undefined ? { ...options, timeout: limits.execTimeout } : options
    return Cache.make(() => run(timed))
  })
