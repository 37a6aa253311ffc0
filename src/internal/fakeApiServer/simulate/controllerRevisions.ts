/**
 * ControllerRevisions, the rollout history of StatefulSets and DaemonSets as their controllers keep it and
 * `kubectl rollout history/undo` reads it: one revision per distinct pod template, its `data` the strategic merge
 * patch that brings the template back (`{"spec":{"template":{..., "$patch":"replace"}}}`), numbered in
 * `revision`, named `<owner>-<hash>`, labelled with the template's labels (so the owner's selector finds them) and
 * controlled by the owner. History beyond `revisionHistoryLimit` that no pod uses is deleted, oldest first.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { deepEqual } from "../objects.js"
import type { Obj } from "../types.js"
import { isObj } from "../types.js"
import type { ClusterApi } from "./api.js"
import { controllerRef, isControlledBy } from "./podSets.js"
import { ignoreGone } from "./replicaSets.js"

export const revisionLabel = "controller-revision-hash"

/** The label `history.NewControllerRevision` puts on a StatefulSet's revisions. */
export const hashLabel = "controller.kubernetes.io/hash"

/** `getPatch`: the owner's template as the patch that restores it. */
export const revisionData = (owner: Obj): Obj => ({
  spec: { template: { ...(isObj(owner.spec?.template) ? owner.spec.template : {}), $patch: "replace" } }
})

/** The pod template a revision restores. */
export const templateOf = (revision: Obj): Obj => {
  const t: Obj = isObj(revision.data?.spec?.template) ? revision.data.spec.template : {}
  const { $patch: _p, ...template } = t
  return template
}

export const revisionNumber = (revision: Obj): number => (typeof revision.revision === "number" ? revision.revision : 0)

/** `ControllerRevisionName`: the owner's name (cut to 223 characters) and the hash. */
export const revisionName = (owner: string, hash: string) => `${owner.slice(0, 223)}-${hash}`

/** The revisions the owner controls, by revision number then name (`history.SortControllerRevisions`). */
export const ownedRevisions = (api: ClusterApi, owner: Obj) =>
  Effect.map(
    api.list({ apiVersion: "apps/v1", kind: "ControllerRevision", namespace: owner.metadata.namespace }),
    (all) =>
      all.filter((r) => isControlledBy(r, owner)).sort((a, b) =>
        revisionNumber(a) - revisionNumber(b) || String(a.metadata.name).localeCompare(String(b.metadata.name))
      )
  )

export const nextRevision = (revisions: ReadonlyArray<Obj>): number =>
  revisions.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1

export const newRevision = (
  owner: Obj,
  name: string,
  labels: Record<string, string>,
  revision: number
): Obj => ({
  apiVersion: "apps/v1",
  kind: "ControllerRevision",
  metadata: {
    name,
    namespace: owner.metadata.namespace,
    labels,
    ...(isObj(owner.metadata.annotations) ? { annotations: { ...owner.metadata.annotations } } : {}),
    ownerReferences: [controllerRef(owner)]
  },
  data: revisionData(owner),
  revision
})

/** Creates the revision; an existing one of that name comes back when it holds the same data, else a collision. */
export const createRevision = (api: ClusterApi, owner: Obj, revision: Obj) =>
  api.create(revision).pipe(
    Effect.map((r) => ({ _tag: "Created" as const, revision: r })),
    Effect.catchIf((e) => e.code === 409, () =>
      Effect.map(
        api.get({
          apiVersion: "apps/v1",
          kind: "ControllerRevision",
          namespace: owner.metadata.namespace,
          name: revision.metadata.name
        }),
        (found) =>
          Option.isSome(found) && isControlledBy(found.value, owner) && deepEqual(found.value.data, revision.data)
            ? { _tag: "Created" as const, revision: found.value }
            : { _tag: "Collision" as const }
      ))
  )

/** Moves an old revision to the front of the history (`UpdateControllerRevision`), as a rollback to it does. */
export const bumpRevision = (api: ClusterApi, revision: Obj, to: number) =>
  revisionNumber(revision) === to ? Effect.succeed(revision) : api.update({ ...revision, revision: to })

/** `truncateHistory` / `cleanupHistory`: the oldest revisions beyond the limit that nothing uses go. */
export const truncateHistory = (
  api: ClusterApi,
  owner: Obj,
  revisions: ReadonlyArray<Obj>,
  live: ReadonlySet<string>
) =>
  Effect.gen(function*() {
    const limit = typeof owner.spec?.revisionHistoryLimit === "number" ? owner.spec.revisionHistoryLimit : 10
    const history = revisions.filter((r) => !live.has(String(r.metadata.name)))
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      yield* ignoreGone(api.delete(
        { apiVersion: "apps/v1", kind: "ControllerRevision", namespace: r.metadata.namespace, name: r.metadata.name },
        { preconditions: { uid: r.metadata.uid } }
      ))
    }
  })
