/**
 * "Apply this YAML": manifests (multi-document YAML or JSON, `List` kinds) parsed into objects and applied,
 * deleted or diffed against a cluster, the way `kubectl apply --server-side -f`, `kubectl delete -f` and
 * `kubectl diff -f` do.
 *
 * ```ts
 * const objects = yield* Manifest.readFiles(["k8s/"], { recursive: true })
 * const results = yield* Manifest.apply(objects, { fieldManager: "ci" })
 * for (const r of results) console.log(Manifest.describe(r))   // deployment.apps/web created
 * ```
 *
 * Apply is server-side apply through the RestMapper and the DynamicClient. Objects are applied Namespaces and
 * CustomResourceDefinitions first, then by kind in helm's install order, and a custom resource whose definition
 * was applied in the same run waits until that definition is Established. Each object gets one result (its
 * action or its typed error); a failure does not stop the others unless `stopOnError` is set. Results come back
 * in the order of the input, whatever order they were applied in.
 *
 * @since 0.2.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import type * as DynamicClient from "./DynamicClient.js"
import { lazyModule } from "./internal/lazy.js"
import * as internalParse from "./internal/manifest/parse.js"
import * as lazyYaml from "./internal/yaml.js"
import * as ManifestError from "./ManifestError.js"
import * as ManifestModel from "./ManifestModel.js"
import type * as RestMapper from "./RestMapper.js"
import type { Unstructured } from "./Unstructured.js"

// Reading files and applying load on first use: importing the package does not load them.
const internalApply = lazyModule(() => import("./internal/manifest/apply.js"))
const internalFiles = lazyModule(() => import("./internal/manifest/files.js"))

/**
 * A document that is not YAML or JSON, or not an object with `apiVersion` and `kind`. Names the source, the
 * document (`document` is 0-based, the message counts from 1) and the line.
 *
 * @since 0.2.0
 * @category errors
 */
export const ManifestParseError = ManifestError.ManifestParseError

/**
 * @since 0.2.0
 * @category errors
 */
export type ManifestParseError = ManifestError.ManifestParseError

/**
 * A manifest path that does not exist or cannot be read.
 *
 * @since 0.2.0
 * @category errors
 */
export const ManifestReadError = ManifestError.ManifestReadError

/**
 * @since 0.2.0
 * @category errors
 */
export type ManifestReadError = ManifestError.ManifestReadError

/**
 * A namespaced object names a namespace other than the one `enforceNamespace` insists on (kubectl's `-n`).
 *
 * @since 0.2.0
 * @category errors
 */
export const NamespaceMismatch = ManifestError.NamespaceMismatch

/**
 * @since 0.2.0
 * @category errors
 */
export type NamespaceMismatch = ManifestError.NamespaceMismatch

/**
 * An object without `metadata.name`.
 *
 * @since 0.2.0
 * @category errors
 */
export const MissingName = ManifestError.MissingName

/**
 * @since 0.2.0
 * @category errors
 */
export type MissingName = ManifestError.MissingName

/**
 * A CustomResourceDefinition applied in this run was not Established within `crdTimeout`, so its custom resources
 * were not applied.
 *
 * @since 0.2.0
 * @category errors
 */
export const CrdNotEstablished = ManifestError.CrdNotEstablished

/**
 * @since 0.2.0
 * @category errors
 */
export type CrdNotEstablished = ManifestError.CrdNotEstablished

/**
 * What can go wrong for one object: its kind is unknown to the server (`NoKindMatch`), the request failed
 * (`NotFound`, `Conflict`, `Invalid`, ... or a transport error), or one of this module's checks.
 *
 * @since 0.2.0
 * @category errors
 */
export type ObjectError = ManifestError.ObjectError

/**
 * An object of a manifest with where it came from.
 *
 * @since 0.2.0
 * @category models
 */
export type Located = ManifestModel.Located

/**
 * One entry of {@link parseDocuments}: an object, or the error of a document that is not one.
 *
 * @since 0.2.0
 * @category models
 */
export type ParsedDocument = ManifestModel.ParsedDocument

/**
 * Which object a result is about. `resource` is set once the RestMapper has resolved the kind; `namespace` is the
 * namespace the request went to (undefined for cluster-scoped kinds).
 *
 * @since 0.2.0
 * @category models
 */
export type ObjectRef = ManifestModel.ObjectRef

/**
 * @since 0.2.0
 * @category models
 */
export type ApplyAction = ManifestModel.ApplyAction

/**
 * One result of {@link apply}. `index` is the object's position in the input (pruned objects come after the
 * input's last index).
 *
 * @since 0.2.0
 * @category models
 */
export type ApplyResult = ManifestModel.ApplyResult

/**
 * @since 0.2.0
 * @category models
 */
export type DeleteResult = ManifestModel.DeleteResult

/**
 * @since 0.2.0
 * @category models
 */
export type DiffResult = ManifestModel.DiffResult

/**
 * Prune after apply: objects of `kinds` (kubectl's default allowlist unless given) matching `selector`, managed by
 * this field manager through Apply and absent from this run, are deleted. Namespaced kinds are searched in the
 * namespaces the run applied to.
 *
 * @since 0.2.0
 * @category models
 */
export type PruneOptions = ManifestModel.PruneOptions

/**
 * Options of {@link apply}.
 *
 * - `fieldManager`: defaults to `"effect-kube"`. `force`: take over fields owned by other managers.
 * - `namespace`: for namespaced objects without one (default: the RestConfig's namespace when the Context has
 *   one, else `"default"`); with `enforceNamespace`, a namespaced object naming another namespace fails with
 *   {@link NamespaceMismatch}. Cluster-scoped objects ignore it, and a namespace written on one is ignored too,
 *   as kubectl and the apiserver do.
 * - `dryRun: "server"`: the server runs everything and stores nothing.
 * - `stopOnError`: stop at the first failed object (its result is the last one).
 * - `crdTimeout`: how long a custom resource waits for its new definition (default 30 seconds).
 *
 * @since 0.2.0
 * @category models
 */
export type ApplyOptions = ManifestModel.ApplyOptions

/**
 * Options of {@link delete_}: `propagationPolicy` defaults to `Background`, as kubectl's.
 *
 * @since 0.2.0
 * @category models
 */
export type DeleteOptions = ManifestModel.DeleteOptions

/**
 * @since 0.2.0
 * @category models
 */
export type DiffOptions = ManifestModel.DiffOptions

/**
 * The field manager used when none is given.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultFieldManager: string = ManifestModel.defaultFieldManager

/**
 * The objects of `text`, one entry per object or bad document. Empty documents are skipped and `List` kinds
 * expanded. A syntax error ends the list (it is the last entry); a document that is not an object with
 * `apiVersion` and `kind` is an entry of its own and the following documents still count.
 *
 * @since 0.2.0
 * @category conversions
 */
export const parseDocuments = (
  text: string,
  options: { readonly source?: string | undefined } = {}
): ReadonlyArray<ParsedDocument> => internalParse.parseDocuments(lazyYaml.sync(), text, options.source ?? "<manifest>")

/**
 * The objects of a multi-document YAML or JSON text, failing with the first bad document.
 *
 * @since 0.2.0
 * @category conversions
 */
export const parse = (
  text: string,
  options: { readonly source?: string | undefined } = {}
): Effect.Effect<ReadonlyArray<Unstructured>, ManifestParseError> =>
  Effect.map(lazyYaml.load, (yaml) => internalParse.parseDocuments(yaml, text, options.source ?? "<manifest>")).pipe(
    Effect.flatMap((documents) => {
      const out: Array<Unstructured> = []
      for (const entry of documents) {
        if (entry._tag === "Error") return Effect.fail(entry.error)
        out.push(entry.located.object)
      }
      return Effect.succeed(out)
    })
  )

/**
 * Every document of the files and directories given, as kubectl's `-f` reads them (see {@link readFiles}).
 *
 * @since 0.2.0
 * @category operations
 */
export const readDocuments: (
  paths: ReadonlyArray<string>,
  options?: { readonly recursive?: boolean | undefined }
) => Effect.Effect<ReadonlyArray<ParsedDocument>, ManifestReadError, FileSystem.FileSystem> = (...args) =>
  Effect.flatMap(internalFiles, (m) => m.readDocuments(...args))

/**
 * The objects of files and directories: a named file whatever its extension; in a directory its `.json`, `.yaml`
 * and `.yml` files in name order, subdirectories only with `recursive`.
 *
 * @since 0.2.0
 * @category operations
 */
export const readFiles = (
  paths: ReadonlyArray<string>,
  options: { readonly recursive?: boolean | undefined } = {}
): Effect.Effect<ReadonlyArray<Unstructured>, ManifestReadError | ManifestParseError, FileSystem.FileSystem> =>
  Effect.flatMap(readDocuments(paths, options), (documents) => {
    const out: Array<Unstructured> = []
    for (const entry of documents) {
      if (entry._tag === "Error") return Effect.fail(entry.error)
      out.push(entry.located.object)
    }
    return Effect.succeed(out)
  })

/**
 * Server-side applies the objects; see the module documentation for the order and {@link ApplyOptions}.
 *
 * @since 0.2.0
 * @category operations
 */
export const apply: (
  objects: ReadonlyArray<Unstructured>,
  options?: ApplyOptions
) => Effect.Effect<ReadonlyArray<ApplyResult>, never, RestMapper.RestMapper | DynamicClient.DynamicClient> = (
  ...args
) => Effect.flatMap(internalApply, (m) => m.apply(...args))

/**
 * Deletes the objects, in the reverse of the apply order (custom resources before their definitions, namespaces
 * last). Results come back in input order.
 *
 * @since 0.2.0
 * @category operations
 */
export const delete_: (
  objects: ReadonlyArray<Unstructured>,
  options?: DeleteOptions
) => Effect.Effect<ReadonlyArray<DeleteResult>, never, RestMapper.RestMapper | DynamicClient.DynamicClient> = (
  ...args
) => Effect.flatMap(internalApply, (m) => m.del(...args))

export {
  /**
   * @since 0.2.0
   * @category operations
   */
  delete_ as delete
}

/**
 * What applying would change: each object's live state against the server's dry-run apply of it, with a unified
 * diff of the two as YAML (managedFields left out).
 *
 * @since 0.2.0
 * @category operations
 */
export const diff: (
  objects: ReadonlyArray<Unstructured>,
  options?: DiffOptions
) => Effect.Effect<ReadonlyArray<DiffResult>, never, RestMapper.RestMapper | DynamicClient.DynamicClient> = (...args) =>
  Effect.flatMap(internalApply, (m) => m.diff(...args))

/**
 * kubectl's name of an object in output lines: `deployment.apps/web`, `namespace/demo`.
 *
 * @since 0.2.0
 * @category conversions
 */
export const displayName = (ref: ObjectRef): string =>
  `${ref.kind.toLowerCase()}${ref.group === "" ? "" : `.${ref.group}`}/${ref.name}`

/**
 * A result as kubectl prints it on success (`deployment.apps/web created`, `configmap/old pruned`,
 * `namespace "demo" deleted`), or the error's message for a failure.
 *
 * @since 0.2.0
 * @category conversions
 */
export const describe = (result: ApplyResult | DeleteResult): string => {
  switch (result._tag) {
    case "Applied":
      return `${displayName(result.ref)} ${result.action}`
    case "Pruned":
      return `${displayName(result.ref)} pruned`
    case "Deleted": {
      const slash = displayName(result.ref).lastIndexOf("/")
      const name = displayName(result.ref)
      return `${name.slice(0, slash)} "${result.ref.name}" deleted${
        result.ref.namespace === undefined ? "" : ` from ${result.ref.namespace} namespace`
      }`
    }
    case "Failed":
      return result.error.message
  }
}
