/**
 * Reading kubeconfig files: parsing (YAML 1.1 like kubectl's go-yaml, JSON being a subset), schema decoding that keeps
 * unknown fields, the checks kubectl makes while loading (apiVersion/kind, duplicate names, base64 `*-data`), and the
 * loading rules that pick which files to read.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import type * as YAML from "yaml"
import * as S from "../../KubeconfigModel.js"
import * as lazyYaml from "../yaml.js"
import { decodeStd } from "./base64.js"
import { describeFsError, entryKey, KubeconfigError } from "./error.js"
import { makeFastYaml } from "./fastYaml.js"
import * as Model from "./model.js"

const decodeConfig = Schema.decodeUnknownEither(S.Config, { onExcessProperty: "preserve", errors: "first" })

const lineOf = (text: string, offset: number): number => {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

// Turns a schema path into the kubeconfig spelling, naming list items by their `name` where the document has one.
const formatPath = (doc: unknown, path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  let node: unknown = doc
  for (const segment of path) {
    if (typeof segment === "number") {
      const item: unknown = Array.isArray(node) ? node[segment] : undefined
      const name = typeof item === "object" && item !== null && "name" in item && typeof item.name === "string"
        ? item.name
        : undefined
      out += name === undefined ? `[${segment}]` : `[${JSON.stringify(name)}]`
      node = item
    } else {
      const key = String(segment)
      out += out === "" ? key : `.${key}`
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined
    }
  }
  return out
}

// Schema messages end with ", actual <value>"; the value may be a credential, so only the expectation is kept.
const expectation = (message: string): string =>
  message.replace(/, actual [\s\S]*$/, "").replace(/^Expected /, "expected ")

const checkDuplicates = (
  path: string,
  list: ReadonlyArray<{ readonly name: string }> | undefined,
  where: string
): Either.Either<void, KubeconfigError> => {
  const seen = new Set<string>()
  for (const { name } of list ?? []) {
    if (seen.has(name)) {
      return Either.left(
        new KubeconfigError({
          reason: "DuplicateName",
          file: path,
          key: where,
          detail: `duplicate name ${JSON.stringify(name)} in list`
        })
      )
    }
    seen.add(name)
  }
  return Either.void
}

const checkBase64 = (path: string, value: string | undefined, key: string): Either.Either<void, KubeconfigError> => {
  if (value === undefined) return Either.void
  const result = decodeStd(value)
  return result._tag === "Ok" ? Either.void : Either.left(
    new KubeconfigError({
      reason: "InvalidBase64",
      file: path,
      key,
      detail: `illegal base64 data at input byte ${result.offset}`
    })
  )
}

/**
 * The YAML 1.1 scalars of the go-yaml v2 that kubectl reads kubeconfigs with (checked against kubectl v1.35 in
 * test/Hardening.kubeconfig.test.ts), where the yaml package's 1.1 schema differs: `e1`, `E0`, `.` are strings (its
 * float pattern allows an empty mantissa, turning them into NaN), `1:20` stays a string (go-yaml has no base-60
 * numbers), dates stay strings (go-yaml keeps them as text for untyped values), and `0o17` is a number.
 */
export const goYamlTags = (tags: Array<YAML.Tags[number]>): Array<YAML.Tags[number]> => {
  const out: Array<YAML.Tags[number]> = []
  for (const tag of tags) {
    if (typeof tag !== "object" || !("tag" in tag)) {
      out.push(tag)
      continue
    }
    const t = tag as YAML.ScalarTag
    if (t.tag === "tag:yaml.org,2002:timestamp" || t.format === "TIME") continue
    if (t.tag === "tag:yaml.org,2002:float" && t.format === "EXP") {
      out.push({ ...t, test: /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/ })
    } else if (
      t.tag === "tag:yaml.org,2002:float" && t.format === undefined && String(t.test).includes("\\.[0-9_]*$")
    ) {
      out.push({ ...t, test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/ })
    } else {
      out.push(tag)
    }
  }
  out.push({
    tag: "tag:yaml.org,2002:int",
    default: true,
    test: /^[-+]?0o[0-7_]+$/,
    resolve: (source: string) => {
      const digits = source.replace(/^[-+]?0o/, "").replace(/_/g, "")
      return (source.startsWith("-") ? -1 : 1) * Number.parseInt(digits, 8)
    }
  } as YAML.ScalarTag)
  return out
}

const fastYaml = makeFastYaml()

/**
 * Parses and checks one kubeconfig document. `path` only labels errors and entries. Plain documents are read
 * without the `yaml` package; others load it on first need.
 */
export const parse = (text: string, path: string): Effect.Effect<Model.KubeconfigFile, KubeconfigError> => {
  const doc = fastYaml(text)
  return doc !== undefined ? check(doc, path) : Effect.flatMap(lazyYaml.load, (yaml) => parseWith(yaml, text, path))
}

/**
 * {@link parse} with the `yaml` package already at hand (synchronous).
 */
export const parseWith = (
  yaml: typeof YAML,
  text: string,
  path: string
): Either.Either<Model.KubeconfigFile, KubeconfigError> => {
  let doc: unknown
  try {
    doc = fastYaml(text) ?? yaml.parse(text, {
      version: "1.1",
      uniqueKeys: false,
      prettyErrors: false,
      merge: true,
      customTags: goYamlTags
    })
  } catch (error) {
    const pos = error instanceof yaml.YAMLError ? error.pos[0] : 0
    const detail = error instanceof yaml.YAMLError ? error.message : "malformed YAML"
    return Either.left(
      new KubeconfigError({ reason: "ParseError", file: path, detail: `yaml: line ${lineOf(text, pos)}: ${detail}` })
    )
  }
  return check(doc, path)
}

const check = (doc: unknown, path: string): Either.Either<Model.KubeconfigFile, KubeconfigError> => {
  if (doc === null || doc === undefined) return Either.right({ path, config: {} })
  if (typeof doc !== "object" || Array.isArray(doc)) {
    return Either.left(
      new KubeconfigError({ reason: "ParseError", file: path, detail: "the document is not a mapping" })
    )
  }
  const head = doc as Record<string, unknown>
  const apiVersion = typeof head.apiVersion === "string" ? head.apiVersion : ""
  const kind = typeof head.kind === "string" ? head.kind : ""
  if ((apiVersion !== "" && apiVersion !== "v1") || (kind !== "" && kind !== "Config")) {
    return Either.left(
      new KubeconfigError({
        reason: "ParseError",
        file: path,
        key: "apiVersion",
        detail: `no kind ${JSON.stringify(kind || "Config")} is registered for version ${
          JSON.stringify(apiVersion || "v1")
        }`
      })
    )
  }
  const decoded = decodeConfig(doc)
  if (Either.isLeft(decoded)) {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
    return Either.left(
      new KubeconfigError({
        reason: "ParseError",
        file: path,
        key: issue === undefined ? undefined : formatPath(doc, issue.path),
        detail: issue === undefined ? "invalid kubeconfig" : expectation(issue.message)
      })
    )
  }
  const config = decoded.right
  const checks: Array<() => Either.Either<void, KubeconfigError>> = [
    () => checkDuplicates(path, config.clusters, "clusters"),
    () => checkDuplicates(path, config.users, "users"),
    () => checkDuplicates(path, config.contexts, "contexts"),
    () => checkDuplicates(path, config.extensions, "extensions"),
    () => checkDuplicates(path, config.preferences?.extensions, "preferences.extensions")
  ]
  for (const { cluster, name } of config.clusters ?? []) {
    checks.push(() => checkDuplicates(path, cluster?.extensions, entryKey("clusters", name, "extensions")))
    checks.push(() =>
      checkBase64(path, cluster?.certificateAuthorityData, entryKey("clusters", name, "certificate-authority-data"))
    )
  }
  for (const { name, user } of config.users ?? []) {
    checks.push(() => checkDuplicates(path, user?.extensions, entryKey("users", name, "extensions")))
    checks.push(() =>
      checkBase64(path, user?.clientCertificateData, entryKey("users", name, "client-certificate-data"))
    )
    checks.push(() => checkBase64(path, user?.clientKeyData, entryKey("users", name, "client-key-data")))
  }
  for (const { context, name } of config.contexts ?? []) {
    checks.push(() => checkDuplicates(path, context?.extensions, entryKey("contexts", name, "extensions")))
  }
  for (const check of checks) {
    const result = check()
    if (Either.isLeft(result)) return Either.left(result.left)
  }
  return Either.right({ path, config: withExecDefaults(config) })
}

// kubectl's v1 defaulting: exec plugins of the older API versions default to interactiveMode IfAvailable; v1 must
// say what it wants.
const withExecDefaults = (config: S.Config): S.Config => {
  if (!(config.users ?? []).some((u) => u.user?.exec !== undefined && u.user.exec.interactiveMode === undefined)) {
    return config
  }
  return {
    ...config,
    users: (config.users ?? []).map((entry) => {
      const exec = entry.user?.exec
      if (exec === undefined || exec.interactiveMode !== undefined || entry.user === undefined) return entry
      const legacy = exec.apiVersion === "client.authentication.k8s.io/v1beta1" ||
        exec.apiVersion === "client.authentication.k8s.io/v1alpha1"
      return legacy ? { ...entry, user: { ...entry.user, exec: { ...exec, interactiveMode: "IfAvailable" } } } : entry
    })
  }
}

/**
 * Which files the loading rules read: an explicit path alone, else the `KUBECONFIG` list, else `~/.kube/config`.
 */
export interface LoadingPaths {
  readonly explicit?: string | undefined
  readonly files: ReadonlyArray<string>
}

const optionalEnv = (name: string): Effect.Effect<string | undefined> =>
  Config.option(Config.string(name)).pipe(
    Effect.map(Option.getOrUndefined),
    Effect.orElseSucceed(() => undefined)
  )

export const loadingPaths = (explicit?: string): Effect.Effect<LoadingPaths> =>
  Effect.gen(function*() {
    if (explicit !== undefined && explicit !== "") return { explicit, files: [explicit] }
    const env = yield* optionalEnv("KUBECONFIG")
    if (env !== undefined && env !== "") {
      const files: Array<string> = []
      for (const entry of env.split(NodePath.delimiter)) {
        if (entry !== "" && !files.includes(entry)) files.push(entry)
      }
      return { files }
    }
    const home = (yield* optionalEnv("HOME")) ?? NodeOs.homedir()
    return { files: [NodePath.join(home, ".kube", "config")] }
  })

/**
 * Reads the files the loading rules name and merges them. A missing explicit file is an error; missing files in the
 * `KUBECONFIG` list or the home default are skipped.
 */
export const load = (
  fs: FileSystem.FileSystem,
  paths: LoadingPaths
): Effect.Effect<Model.Kubeconfig, KubeconfigError> =>
  Effect.gen(function*() {
    const files: Array<Model.KubeconfigFile> = []
    for (const path of paths.files) {
      const exists = yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false))
      if (!exists) {
        if (path === paths.explicit) {
          return yield* new KubeconfigError({
            reason: "FileNotFound",
            detail: `stat ${path}: no such file or directory`
          })
        }
        continue
      }
      const text = yield* fs.readFileString(path).pipe(
        Effect.mapError((error) =>
          new KubeconfigError({ reason: "ReadError", file: path, detail: describeFsError("read", path, error) })
        )
      )
      files.push(yield* parse(text, path))
    }
    return Model.merge(files)
  })
