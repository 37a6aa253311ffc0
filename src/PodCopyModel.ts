/**
 * Copy contracts: the options and result of copying files to and from a pod.
 * Re-exported by `PodCopy`; defined apart from it so the implementation under `internal/` can use them without
 * importing the module that wires it.
 *
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 * @category models
 */
export interface CopyOptions {
  readonly localPath: string
  /** Absolute path in the container. Into an existing directory the copy keeps its name, as with `cp`. */
  readonly remotePath: string
  /** Required when the pod has more than one container. */
  readonly container?: string | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface CopyResult {
  /** Regular files copied. */
  readonly files: number
  /** Size of the tar stream. */
  readonly bytes: number
}
