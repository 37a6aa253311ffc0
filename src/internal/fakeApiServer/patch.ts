/**
 * The one seam between the fake and the patch engines (src/internal/patch): everything the handlers need to patch,
 * apply and record managed fields goes through {@link PatchEngine}.
 */
import type { ApiReply, Obj } from "./types.js"

export type PatchResult =
  | { readonly _tag: "Ok"; readonly value: Obj }
  | { readonly _tag: "Fail"; readonly reply: ApiReply }

export const ok = (value: Obj): PatchResult => ({ _tag: "Ok", value })
export const fail = (reply: ApiReply): PatchResult => ({ _tag: "Fail", reply })

export interface ApplyArgs {
  /** The live object, or undefined when apply creates it. */
  readonly live: Obj | undefined
  readonly config: Obj
  readonly manager: string
  readonly force: boolean
  readonly apiVersion: string
  readonly definition: string | undefined
  readonly time: string
  readonly subresource: string | undefined
}

export interface UpdateArgs {
  readonly live: Obj | undefined
  readonly next: Obj
  readonly manager: string
  readonly apiVersion: string
  readonly definition: string | undefined
  readonly time: string
  readonly subresource: string | undefined
}

export interface PatchEngine {
  readonly jsonPatch: (doc: Obj, patch: unknown) => PatchResult
  readonly mergePatch: (doc: Obj, patch: unknown) => PatchResult
  readonly strategicMerge: (doc: Obj, patch: unknown, definition: string | undefined) => PatchResult
  /** Server-side apply: the merged object with its managedFields, or a 409 Conflict reply. */
  readonly apply: (args: ApplyArgs) => PatchResult
  /** Records an Update operation of `manager` in `next.metadata.managedFields`. */
  readonly recordUpdate: (args: UpdateArgs) => Obj
}
