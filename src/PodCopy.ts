/**
 * Copying files and directories into and out of containers the way `kubectl cp` does: a tar stream over exec
 * (`tar -xmf - -C DIR` into the pod, `tar cf - PATH` out of it), so the container image needs `tar`. Archives are
 * read and written with the `tar` package.
 *
 * Copying out refuses archive members that would land outside the destination (`..`, absolute names outside the
 * requested path) and links, with {@link UnsafePath}; members before the refused one are already written.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { lazyModule } from "./internal/lazy.js"
import type { CopyOptions, CopyResult } from "./PodCopyModel.js"
import type { PodRef } from "./PodExec.js"
import * as errors from "./PodStreamError.js"
import type { DialError, WebSocketTransport } from "./WebSocketTransport.js"

// The implementation loads on first use: importing the package does not load the WebSocket code.
const internal = lazyModule(() => import("./internal/websocket/copy.js"))

/**
 * An archive member would have been written outside the destination, or is a link.
 *
 * @since 0.2.0
 * @category errors
 */
export const UnsafePath: typeof errors.UnsafePath = errors.UnsafePath

/**
 * @since 0.2.0
 * @category errors
 */
export type UnsafePath = errors.UnsafePath

/**
 * The copy failed: `tar` in the container failed (its stderr is the detail, e.g. `tar: /x: Cannot stat: No such
 * file or directory`), or a local file could not be read or written.
 *
 * @since 0.2.0
 * @category errors
 */
export const CopyError: typeof errors.CopyError = errors.CopyError

/**
 * @since 0.2.0
 * @category errors
 */
export type CopyError = errors.CopyError

export type { CopyOptions, CopyResult } from "./PodCopyModel.js"

/**
 * Copies a local file or directory into the container. The archive is built in memory.
 *
 * @since 0.2.0
 * @category operations
 */
export const copyTo: (
  pod: PodRef,
  options: CopyOptions
) => Effect.Effect<CopyResult, DialError | CopyError, WebSocketTransport> = (...args) =>
  Effect.flatMap(internal, (m) => m.copyTo(...args))

/**
 * Copies a file or directory out of the container to `localPath` (created when missing), streaming.
 *
 * @since 0.2.0
 * @category operations
 */
export const copyFrom: (
  pod: PodRef,
  options: CopyOptions
) => Effect.Effect<CopyResult, DialError | CopyError | UnsafePath, WebSocketTransport> = (...args) =>
  Effect.flatMap(internal, (m) => m.copyFrom(...args))
