/**
 * The discovery client: a memory cache in front of an optional disk cache in front of the server.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type { APIResourceList, Service, Snapshot } from "../../DiscoveryModel.js"
import { VersionInfo } from "../../DiscoveryModel.js"
import * as KubeRequest from "../../KubeRequest.js"
import type { RestClientError, Service as RestClientService } from "../../RestClient.js"
import { decodeText } from "../restClient/decode.js"
import * as disk from "./diskCache.js"
import { fetchGroups, fetchGroupVersion, fetchResources } from "./fetch.js"

export interface MakeOptions {
  readonly aggregated: boolean
  readonly disk?: (disk.DiskCacheOptions & { readonly fs: FileSystem.FileSystem }) | undefined
}

/** client-go's `ServerPreferredResources`: per group resource, the group's preferred version when it serves it. */
export const preferredResources = (snapshot: Snapshot): ReadonlyArray<APIResourceList> => {
  const byGv = new Map(snapshot.resources.map((l) => [l.groupVersion, l]))
  const chosen = new Map<string, { readonly gv: string; readonly index: number }>()
  const lists: Array<{ readonly groupVersion: string; readonly source: APIResourceList }> = []
  for (const group of snapshot.groups) {
    for (const version of group.versions) {
      const list = byGv.get(version.groupVersion)
      if (list === undefined) continue
      lists.push({ groupVersion: version.groupVersion, source: list })
      list.resources.forEach((resource, index) => {
        if (resource.name.includes("/")) return
        const key = `${group.name}\u0000${resource.name}`
        if (chosen.has(key) && version.version !== group.preferredVersion?.version) return
        chosen.set(key, { gv: version.groupVersion, index })
      })
    }
  }
  const keep = new Map<string, Set<number>>()
  for (const { gv, index } of chosen.values()) {
    const set = keep.get(gv) ?? new Set<number>()
    set.add(index)
    keep.set(gv, set)
  }
  return lists.map(({ groupVersion, source }) => ({
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: source.resources.filter((_, i) => keep.get(groupVersion)?.has(i) === true)
  }))
}

const failedIn = (snapshot: Snapshot, lists: ReadonlyArray<APIResourceList>) => ({
  resources: lists,
  failed: snapshot.failed
})

export const make = (rest: RestClientService, options: MakeOptions): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const memory = yield* Ref.make(Option.none<Snapshot>())
    const fresh = yield* Ref.make(false)
    // After invalidate, the disk is bypassed until the server has been asked once.
    const bypassDisk = yield* Ref.make(false)
    const lock = yield* Effect.makeSemaphore(1)
    const diskOptions = options.disk

    const writeDisk = (snapshot: Snapshot) =>
      diskOptions === undefined ? Effect.void : Effect.gen(function*() {
        yield* disk.writeGroups(diskOptions.fs, diskOptions, snapshot.groups)
        yield* Effect.forEach(snapshot.resources, (list) => disk.writeResources(diskOptions.fs, diskOptions, list), {
          discard: true
        })
      })

    const fromServer = Effect.gen(function*() {
      const groups = yield* fetchGroups(rest, options)
      const snapshot: Snapshot = groups.aggregated ?? {
        groups: groups.groups,
        ...(yield* fetchResources(rest, groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))))
      }
      yield* writeDisk(snapshot)
      yield* Ref.set(fresh, true)
      return snapshot
    })

    // Groups from disk; each group version from disk or, when missing or expired, from the server.
    const fromDisk = (d: NonNullable<MakeOptions["disk"]>) =>
      Effect.gen(function*() {
        const groups = yield* disk.readGroups(d.fs, d)
        if (Option.isNone(groups)) return Option.none<Snapshot>()
        const resources: Array<APIResourceList> = []
        const missing: Array<string> = []
        for (const gv of groups.value.flatMap((g) => g.versions.map((v) => v.groupVersion))) {
          const cached = yield* disk.readResources(d.fs, d, gv)
          if (Option.isSome(cached)) resources.push(cached.value)
          else missing.push(gv)
        }
        const fetched = yield* fetchResources(rest, missing)
        yield* Effect.forEach(fetched.resources, (list) => disk.writeResources(d.fs, d, list), { discard: true })
        const order = new Map(
          groups.value.flatMap((g) => g.versions.map((v) => v.groupVersion)).map((gv, i) => [gv, i])
        )
        const all = [...resources, ...fetched.resources].sort(
          (a, b) => (order.get(a.groupVersion) ?? 0) - (order.get(b.groupVersion) ?? 0)
        )
        yield* Ref.set(fresh, missing.length > 0)
        return Option.some<Snapshot>({ groups: groups.value, resources: all, failed: fetched.failed })
      })

    const load: Effect.Effect<Snapshot, RestClientError> = lock.withPermits(1)(
      Effect.gen(function*() {
        const cached = yield* Ref.get(memory)
        if (Option.isSome(cached)) return cached.value
        const skipDisk = yield* Ref.get(bypassDisk)
        const onDisk = diskOptions === undefined || skipDisk ? Option.none<Snapshot>() : yield* fromDisk(diskOptions)
        const snapshot = Option.isSome(onDisk) ? onDisk.value : yield* fromServer
        yield* Ref.set(bypassDisk, false)
        yield* Ref.set(memory, Option.some(snapshot))
        return snapshot
      })
    )

    const invalidate = Effect.zipRight(Ref.set(memory, Option.none()), Ref.set(bypassDisk, true))

    const serverResourcesForGroupVersion = (groupVersion: string) =>
      Effect.flatMap(load, (snapshot) => {
        const found = snapshot.resources.find((l) => l.groupVersion === groupVersion)
        if (found !== undefined) return Effect.succeed(found)
        // Not known (yet): ask the server directly, and drop the snapshot if the group version exists after all.
        return Effect.tap(
          fetchGroupVersion(rest, groupVersion),
          () => snapshot.failed.some((f) => f.groupVersion === groupVersion) ? Effect.void : invalidate
        )
      })

    return {
      serverVersion: Effect.flatMap(
        rest.executeRaw(KubeRequest.raw("/version").pipe(KubeRequest.header("accept", "application/json"))),
        (response) => decodeText(VersionInfo, response.text, { method: "GET", url: `${rest.config.server}/version` })
      ),
      serverGroups: Effect.map(load, (s) => ({ groups: s.groups })),
      serverResourcesForGroupVersion,
      serverGroupsAndResources: load,
      serverPreferredResources: Effect.map(load, (s) => failedIn(s, preferredResources(s))),
      serverPreferredNamespacedResources: Effect.map(load, (s) =>
        failedIn(
          s,
          preferredResources(s).map((l) => ({ ...l, resources: l.resources.filter((r) => r.namespaced) }))
        )),
      invalidate,
      fresh: Ref.get(fresh)
    } satisfies Service
  })
