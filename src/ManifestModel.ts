/**
 * What the manifest operations take and give back: parsed documents with their origin, per-object results and the
 * options of apply, delete and diff. Re-exported by `Manifest`; defined apart from it so the implementations under
 * `internal/` can use them without importing the module that wires them.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type { ManifestParseError, ObjectError } from "./ManifestError.js"
import type { Unstructured } from "./Unstructured.js"

/**
 * An object of a manifest with where it came from.
 *
 * @since 0.2.0
 * @category models
 */
export interface Located {
  readonly object: Unstructured
  readonly source: string
  readonly document: number
  readonly line: number
}

/**
 * One entry of `Manifest.parse`: an object, or the error of a document that is not one.
 *
 * @since 0.2.0
 * @category models
 */
export type ParsedDocument =
  | { readonly _tag: "Object"; readonly located: Located }
  | { readonly _tag: "Error"; readonly error: ManifestParseError }

/**
 * Which object a result is about. `resource` is set once the RestMapper has resolved the kind; `namespace` is the
 * namespace the request went to (undefined for cluster-scoped kinds).
 *
 * @since 0.2.0
 * @category models
 */
export interface ObjectRef {
  readonly group: string
  readonly version: string
  readonly kind: string
  /** The plural resource, once the mapper resolved the kind. */
  readonly resource: string | undefined
  readonly namespace: string | undefined
  readonly name: string
}

/**
 * @since 0.2.0
 * @category models
 */
export type ApplyAction = "created" | "configured" | "unchanged"

/**
 * One result of `Manifest.apply`. `index` is the object's position in the input (pruned objects come after the
 * input's last index).
 *
 * @since 0.2.0
 * @category models
 */
export type ApplyResult =
  | {
    readonly _tag: "Applied"
    readonly index: number
    readonly ref: ObjectRef
    readonly action: ApplyAction
    readonly object: Unstructured
  }
  | { readonly _tag: "Pruned"; readonly index: number; readonly ref: ObjectRef }
  | { readonly _tag: "Failed"; readonly index: number; readonly ref: ObjectRef; readonly error: ObjectError }

/**
 * Options of `Manifest.apply`.
 *
 * - `fieldManager`: defaults to `"effect-kube"`. `force`: take over fields owned by other managers.
 * - `namespace`: for namespaced objects without one (default: the RestConfig's namespace when the Context has
 *   one, else `"default"`); with `enforceNamespace`, a namespaced object naming another namespace fails with
 *   `NamespaceMismatch`. Cluster-scoped objects ignore it, and a namespace written on one is ignored too,
 *   as kubectl and the apiserver do.
 * - `dryRun: "server"`: the server runs everything and stores nothing.
 * - `stopOnError`: stop at the first failed object (its result is the last one).
 * - `crdTimeout`: how long a custom resource waits for its new definition (default 30 seconds).
 *
 * @since 0.2.0
 * @category models
 */
export interface ApplyOptions {
  readonly fieldManager?: string | undefined
  readonly force?: boolean | undefined
  readonly namespace?: string | undefined
  readonly enforceNamespace?: boolean | undefined
  readonly dryRun?: "server" | undefined
  readonly stopOnError?: boolean | undefined
  readonly prune?: PruneOptions | undefined
  readonly crdTimeout?: Duration.DurationInput | undefined
}

/**
 * Prune after apply: objects of `kinds` (kubectl's default allowlist unless given) matching `selector`, managed by
 * this field manager through Apply and absent from this run, are deleted. Namespaced kinds are searched in the
 * namespaces the run applied to.
 *
 * @since 0.2.0
 * @category models
 */
export interface PruneOptions {
  readonly selector: string
  readonly kinds?: ReadonlyArray<{ readonly group: string; readonly kind: string }> | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export type DeleteResult =
  | { readonly _tag: "Deleted"; readonly index: number; readonly ref: ObjectRef }
  | { readonly _tag: "Failed"; readonly index: number; readonly ref: ObjectRef; readonly error: ObjectError }

/**
 * Options of `Manifest.delete`: `propagationPolicy` defaults to `Background`, as kubectl's.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeleteOptions {
  readonly namespace?: string | undefined
  readonly enforceNamespace?: boolean | undefined
  readonly propagationPolicy?: "Orphan" | "Background" | "Foreground" | undefined
  readonly dryRun?: "server" | undefined
  readonly ignoreNotFound?: boolean | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export type DiffResult =
  | {
    readonly _tag: "Diff"
    readonly index: number
    readonly ref: ObjectRef
    readonly live: Unstructured | undefined
    readonly merged: Unstructured
    /** Unified diff of the two as YAML (managedFields left out); empty when they are equal. */
    readonly diff: string
  }
  | { readonly _tag: "Failed"; readonly index: number; readonly ref: ObjectRef; readonly error: ObjectError }

/**
 * @since 0.2.0
 * @category models
 */
export interface DiffOptions {
  readonly fieldManager?: string | undefined
  readonly force?: boolean | undefined
  readonly namespace?: string | undefined
  readonly enforceNamespace?: boolean | undefined
}

/**
 * The field manager server-side apply uses when none is given.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultFieldManager: string = "effect-kube"
