/**
 * The failures of reading, parsing and applying manifests. Re-exported by `Manifest`.
 */
import * as Data from "effect/Data"

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

export class ManifestReadError extends Data.TaggedError("ManifestReadError")<{
  readonly path: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `cannot read ${this.path}: ${this.detail}`
  }
}

/** The object names a namespace other than the one enforced by the caller (kubectl's `--namespace`). */
export class NamespaceMismatch extends Data.TaggedError("NamespaceMismatch")<{
  readonly objectNamespace: string
  readonly namespace: string
}> {
  override get message(): string {
    return `the namespace from the provided object "${this.objectNamespace}" does not match the namespace "${this.namespace}". You must pass '--namespace=${this.objectNamespace}' to perform this operation.`
  }
}

/** The object has no `metadata.name` (generateName is not supported by apply). */
export class MissingName extends Data.TaggedError("MissingName")<{ readonly kind: string }> {
  override get message(): string {
    return `resource name may not be empty (a ${this.kind} without metadata.name)`
  }
}

/** A CustomResourceDefinition applied in the same run did not report Established in time. */
export class CrdNotEstablished extends Data.TaggedError("CrdNotEstablished")<{
  readonly name: string
  readonly waitedMillis: number
}> {
  override get message(): string {
    return `customresourcedefinition ${this.name} was not Established after ${this.waitedMillis}ms`
  }
}
