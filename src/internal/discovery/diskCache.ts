/**
 * kubectl's discovery disk cache: `<root>/<host_port>/servergroups.json` and
 * `<root>/<host_port>/<group>/<version>/serverresources.json` (`v1/serverresources.json` for the core group), each
 * valid for a TTL measured from its modification time. Files are written with their mtime set from the Effect Clock,
 * so a TestClock drives expiry, and the files stay readable by kubectl (and kubectl's by us).
 *
 * Nothing read from the server becomes a path without checks: the host is collapsed like kubectl does and may not
 * climb out of the root, and group or version names that are not plain path segments are never cached.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Path from "node:path"
import type { APIGroup, APIResourceList } from "../../DiscoveryModel.js"
import * as meta from "../../generated/meta/v1.js"

/**
 * The cache directory for `server` under `root`, as kubectl names it (`https://a.b:6443` → `a.b_6443`): the scheme
 * dropped and every character but letters, digits, `_`, `/`, `.`, `(` and `)` replaced by `_`. Unlike kubectl, a
 * segment made only of dots becomes underscores, so the result always lies inside `root`.
 */
export const directoryFor = (root: string, server: string): string => {
  const schemeless = server.replace("https://", "").replace("http://", "")
  const safe = schemeless.replace(/[^(\w/.)]/g, "_")
  const segments = safe.split("/").filter((s) => s !== "").map((s) => /^\.+$/.test(s) ? s.replace(/\./g, "_") : s)
  const resolvedRoot = Path.resolve(root)
  const dir = Path.join(resolvedRoot, ...(segments.length === 0 ? ["_"] : segments))
  // Belt and braces: the join above cannot climb, but keep the invariant explicit.
  return dir.startsWith(resolvedRoot + Path.sep) ? dir : Path.join(resolvedRoot, "_")
}

/** A group or version usable as one directory name. */
const safeSegment = (s: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s) && !/^\.+$/.test(s)

/** The serverresources.json path of a group version, or undefined when its names are not safe path segments. */
export const resourcesFile = (dir: string, groupVersion: string): string | undefined => {
  const parts = groupVersion.split("/")
  if (parts.length > 2 || !parts.every(safeSegment)) return undefined
  return Path.join(dir, ...parts, "serverresources.json")
}

export const groupsFile = (dir: string): string => Path.join(dir, "servergroups.json")

export interface DiskCacheOptions {
  readonly dir: string
  readonly ttl: Duration.Duration
}

// Made on first read of a cache file: building the decoders (and the discovery schemas they force) at import cost
// every program that never reads the cache a few milliseconds of its cold start.
let groupsDecoder: ((u: unknown) => Option.Option<meta.APIGroupList>) | undefined
let resourcesDecoder: ((u: unknown) => Option.Option<meta.APIResourceList>) | undefined
const decodeGroups = (text: string) =>
  (groupsDecoder ??= Schema.decodeUnknownOption(Schema.parseJson(meta.APIGroupList)))(text)
const decodeResources = (text: string) =>
  (resourcesDecoder ??= Schema.decodeUnknownOption(Schema.parseJson(meta.APIResourceList)))(text)

/** The contents of `file` when it exists and is younger than the TTL by the Clock. */
const readFresh = (fs: FileSystem.FileSystem, file: string, ttl: Duration.Duration) =>
  Effect.gen(function*() {
    const info = yield* fs.stat(file)
    const now = yield* Clock.currentTimeMillis
    const mtime = Option.getOrElse(Option.map(info.mtime, (d) => d.getTime()), () => Number.NEGATIVE_INFINITY)
    if (now - mtime > Duration.toMillis(ttl)) return Option.none<string>()
    return Option.some(yield* fs.readFileString(file))
  }).pipe(Effect.orElseSucceed(() => Option.none<string>()))

export const readGroups = (
  fs: FileSystem.FileSystem,
  options: DiskCacheOptions
): Effect.Effect<Option.Option<ReadonlyArray<APIGroup>>> =>
  Effect.map(
    readFresh(fs, groupsFile(options.dir), options.ttl),
    (text) => Option.map(Option.flatMap(text, decodeGroups), (list) => list.groups)
  )

export const readResources = (
  fs: FileSystem.FileSystem,
  options: DiskCacheOptions,
  groupVersion: string
): Effect.Effect<Option.Option<APIResourceList>> => {
  const file = resourcesFile(options.dir, groupVersion)
  if (file === undefined) return Effect.succeed(Option.none())
  return Effect.map(
    readFresh(fs, file, options.ttl),
    (text) => Option.filter(Option.flatMap(text, decodeResources), (list) => list.groupVersion === groupVersion)
  )
}

/** Writes atomically (temp file and rename), owner-only, mtime from the Clock. Failures are ignored, as kubectl does. */
const writeFile = (fs: FileSystem.FileSystem, file: string, content: string) =>
  Effect.gen(function*() {
    yield* fs.makeDirectory(Path.dirname(file), { recursive: true, mode: 0o750 })
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    yield* fs.writeFileString(tmp, content, { mode: 0o600 })
    const now = new Date(yield* Clock.currentTimeMillis)
    yield* fs.utimes(tmp, now, now)
    yield* fs.rename(tmp, file)
  }).pipe(
    Effect.catchAll((error) => Effect.logDebug(`discovery cache: cannot write ${file}: ${error.message}`))
  )

export const writeGroups = (fs: FileSystem.FileSystem, options: DiskCacheOptions, groups: ReadonlyArray<APIGroup>) =>
  writeFile(fs, groupsFile(options.dir), JSON.stringify({ kind: "APIGroupList", apiVersion: "v1", groups }))

export const writeResources = (fs: FileSystem.FileSystem, options: DiskCacheOptions, list: APIResourceList) => {
  const file = resourcesFile(options.dir, list.groupVersion)
  return file === undefined ? Effect.void : writeFile(fs, file, JSON.stringify(list))
}
