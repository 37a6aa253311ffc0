/**
 * The failures of reading, parsing and applying manifests. Re-exported by `Manifest`; defined apart from it so the
 * implementations under `internal/` can raise them without importing the module that wires them.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import type { RestClientError } from "./RestClient.js"
import type * as RestMapper from "./RestMapper.js"

/**
 * A document that is not YAML or JSON, or not an object with `apiVersion` and `kind`. Names the source, the
 * document (`document` is 0-based, the message counts from 1) and the line.
 *
 * @since 0.2.0
 * @category errors
 */
export class ManifestParseError extends Data.TaggedError("ManifestParseError")<{
  /** The file name, `-` for stdin, or the `source` given to `parse`. */
  readonly source: string
  /** 0-based index of the document in the stream. */
  readonly document: number
  /** 1-based line where the document (or the syntax error) is. */
  readonly line: number
  readonly detail: string
}> {
  override get message(): string {
    return `${this.source}: document ${this.document + 1} (line ${this.line}): ${this.detail}`
  }
}

/**
 * A manifest path that does not exist or cannot be read.
 *
 * @since 0.2.0
 * @category errors
 */
export class ManifestReadError extends Data.TaggedError("ManifestReadError")<{
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `cannot read ${this.path}: ${this.detail}`
  }
}

/**
 * A namespaced object names a namespace other than the one `enforceNamespace` insists on (kubectl's `-n`).
 *
 * @since 0.2.0
 * @category errors
 */
export class NamespaceMismatch extends Data.TaggedError("NamespaceMismatch")<{
  readonly objectNamespace: string
  readonly namespace: string
}> {
  override get message(): string {
    return `the namespace from the provided object "${this.objectNamespace}" does not match the namespace "${this.namespace}". You must pass '--namespace=${this.objectNamespace}' to perform this operation.`
  }
}

/**
 * An object without `metadata.name`.
 *
 * @since 0.2.0
 * @category errors
 */
export class MissingName extends Data.TaggedError("MissingName")<{ readonly kind: string }> {
  override get message(): string {
    return `resource name may not be empty (a ${this.kind} without metadata.name)`
  }
}

/**
 * A CustomResourceDefinition applied in this run was not Established within `crdTimeout`, so its custom resources
 * were not applied.
 *
 * @since 0.2.0
 * @category errors
 */
export class CrdNotEstablished extends Data.TaggedError("CrdNotEstablished")<{
  readonly name: string
  readonly waitedMillis: number
}> {
  override get message(): string {
    return `customresourcedefinition ${this.name} was not Established after ${this.waitedMillis}ms`
  }
}

/**
 * @since 0.2.0
 * @category errors
 */
export type ObjectError =
  | RestMapper.RestMapperError
  | RestClientError
  | NamespaceMismatch
  | MissingName
  | CrdNotEstablished
