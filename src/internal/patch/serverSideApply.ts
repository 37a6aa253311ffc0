/**
 * Server-side apply and managed-fields bookkeeping, modelled on structured-merge-diff as the apiserver runs it.
 *
 * - `apply` merges an applied configuration into the live object: the configuration's fields become owned by the
 *   applying manager (operation Apply); fields it owned before but no longer applies are removed unless another
 *   manager owns them; changing a field another manager owns is a conflict unless `force`, which moves ownership.
 * - `recordUpdate` does the bookkeeping for ordinary create / update / patch requests: the changed fields become
 *   owned by the manager (operation Update) and are taken from everyone else.
 *
 * Lists follow `x-kubernetes-list-type` (map: merged by the list-map keys, set: merged by value, atomic or
 * unknown: replaced whole); maps follow `x-kubernetes-map-type` (atomic: replaced whole). Positions the metadata
 * table does not describe behave like structured-merge-diff's deduced schema: objects are granular, arrays atomic.
 *
 * Known gaps: key fields missing from a list-map item are left out of its key instead of being defaulted (the
 * apiserver fills schema defaults such as `protocol: TCP` first); duplicate list-map items are not rejected;
 * status / spec reset for subresources and the last-applied-configuration annotation are the caller's business;
 * fields newly created by an update own their parent path only for maps and lists, not for nested objects that
 * the apiserver's Go zero values would have pre-populated.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import type { PatchMetaTable } from "../../PatchMeta.js"
import { decodeFieldsV1, encodeFieldsV1, FieldSet, keyElement, pathToString, valueElement } from "./fieldsV1.js"
import type { FieldsV1, Path, PathElement } from "./fieldsV1.js"
import { clone, compareStrings, deepEqual, has, isObject, setKey } from "./json.js"
import type { JsonObject } from "./json.js"
import { childShape, isKnownDefinition, unknownShape } from "./schema.js"
import type { Shape } from "./schema.js"

/**
 * One `metadata.managedFields` entry.
 *
 * @since 0.1.0
 * @category models
 */
export interface ManagedFieldsEntry {
  readonly manager: string
  readonly operation: "Apply" | "Update"
  readonly apiVersion: string
  readonly time?: string
  readonly fieldsType: "FieldsV1"
  readonly fieldsV1: FieldsV1
  readonly subresource?: string
}

/**
 * One conflicting field: its path as the apiserver prints it and the manager that owns it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplyConflictCause {
  /** Manager as printed by the apiserver, e.g. `"kubectl-client-side-apply" using apps/v1`. */
  readonly manager: string
  /** Path such as `.spec.replicas`. */
  readonly field: string
  /** The Status cause message, e.g. `conflict with "kubectl-edit" using v1`. */
  readonly message: string
}

/**
 * The apply would change fields owned by other managers. Maps to a 409 Conflict Status whose causes have type
 * `FieldManagerConflict`.
 *
 * @since 0.1.0
 * @category errors
 */
export class ApplyConflict extends Data.TaggedError("ApplyConflict")<{
  readonly message: string
  readonly conflicts: ReadonlyArray<ApplyConflictCause>
}> {}

/**
 * The applied configuration cannot be interpreted (not an object, or a list-map item without any key field).
 * The apiserver passes these through as 500 InternalError.
 *
 * @since 0.1.0
 * @category errors
 */
export class ApplyInvalid extends Data.TaggedError("ApplyInvalid")<{ readonly message: string }> {}

/**
 * Input of {@link apply}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplyInput {
  /** The stored object, or undefined when the apply creates it. */
  readonly live: unknown
  /** The applied configuration (the request body). */
  readonly applied: unknown
  readonly manager: string
  readonly force?: boolean
  /** Managed fields to start from; defaults to `live.metadata.managedFields`. */
  readonly managedFields?: ReadonlyArray<unknown>
  /** Definition name of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  readonly rootDefinition: string
  readonly meta: PatchMetaTable
  /** RFC 3339 time of the operation, recorded in the manager's entry. */
  readonly time: string
  /** Recorded in the entry; defaults to the applied configuration's apiVersion. */
  readonly apiVersion?: string
  readonly subresource?: string
}

/**
 * Input of {@link recordUpdate}.
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdateInput {
  /** The object before the request, or undefined for a create. */
  readonly before: unknown
  /** The object the request produced. */
  readonly after: unknown
  readonly manager: string
  /** Managed fields to start from; defaults to those the request carried, else `before`'s. */
  readonly managedFields?: ReadonlyArray<unknown>
  readonly rootDefinition: string
  readonly meta: PatchMetaTable
  readonly time: string
  /** Defaults to `after.apiVersion`. */
  readonly apiVersion?: string
  readonly subresource?: string
}

/**
 * The object to store (with `metadata.managedFields` already set) and its managed fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface ManagedResult {
  readonly object: JsonObject
  readonly managedFields: ReadonlyArray<ManagedFieldsEntry>
}

// ---------------------------------------------------------------------------------------------------------------
// managers

interface Manager {
  readonly id: string
  readonly manager: string
  readonly operation: "Apply" | "Update"
  readonly apiVersion: string
  readonly time: string | undefined
  readonly subresource: string | undefined
  readonly set: FieldSet
}

/** The identity structured-merge-diff keys managers by: Apply entries ignore the apiVersion, Update ones do not. */
const managerId = (
  manager: string,
  operation: "Apply" | "Update",
  apiVersion: string,
  subresource: string | undefined
): string =>
  JSON.stringify({
    manager,
    operation,
    ...(operation === "Update" ? { apiVersion } : {}),
    ...(subresource ? { subresource } : {})
  })

/** Name as the apiserver prints a manager in conflict messages. */
const printManager = (m: Manager): string => {
  const base = JSON.stringify(m.manager) + (m.subresource ? ` with subresource ${JSON.stringify(m.subresource)}` : "")
  return m.operation === "Update" ? `${base} using ${m.apiVersion}` : base
}

/** Entries that do not decode are dropped as a whole, as the apiserver resets managed fields it cannot read. */
const decodeManagers = (entries: unknown): Array<Manager> => {
  if (!Array.isArray(entries)) return []
  const out = new Map<string, Manager>()
  for (const e of entries) {
    if (!isObject(e) || typeof e["manager"] !== "string") return []
    const operation = e["operation"]
    if (operation !== "Apply" && operation !== "Update") return []
    if (e["fieldsType"] !== undefined && e["fieldsType"] !== "FieldsV1") return []
    const set = decodeFieldsV1(e["fieldsV1"] ?? {})
    if (Either.isLeft(set)) return []
    const apiVersion = typeof e["apiVersion"] === "string" ? e["apiVersion"] : ""
    const subresource = typeof e["subresource"] === "string" && e["subresource"] !== "" ? e["subresource"] : undefined
    const id = managerId(e["manager"], operation, apiVersion, subresource)
    const prev = out.get(id)
    out.set(id, {
      id,
      manager: e["manager"],
      operation,
      apiVersion,
      time: typeof e["time"] === "string" ? e["time"] : undefined,
      subresource,
      set: prev ? prev.set.union(set.right) : set.right
    })
  }
  return [...out.values()]
}

const seconds = (time: string | undefined): number => {
  if (time === undefined) return 0
  const ms = Date.parse(time)
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000)
}

/** The apiserver's stable order: Apply before Update, then by time, manager, apiVersion, subresource. */
const compareManagers = (a: Manager, b: Manager): number =>
  compareStrings(a.operation, b.operation) ||
  seconds(a.time) - seconds(b.time) ||
  compareStrings(a.manager, b.manager) ||
  compareStrings(a.apiVersion, b.apiVersion) ||
  compareStrings(a.subresource ?? "", b.subresource ?? "")

const encodeManagers = (managers: ReadonlyArray<Manager>): Array<ManagedFieldsEntry> =>
  managers.filter((m) => !m.set.isEmpty()).sort(compareManagers).map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: "FieldsV1" as const,
    fieldsV1: encodeFieldsV1(m.set),
    ...(m.subresource !== undefined ? { subresource: m.subresource } : {})
  }))

// ---------------------------------------------------------------------------------------------------------------
// walking objects with their shapes

/** Fields the apiserver never records ownership of. */
const stripMeta = (set: FieldSet): FieldSet => {
  const ignored: Array<Path> = [["f:apiVersion"], ["f:kind"], ["f:metadata"]]
  for (
    const f of [
      "name",
      "namespace",
      "creationTimestamp",
      "selfLink",
      "uid",
      "clusterName",
      "generation",
      "managedFields",
      "resourceVersion"
    ]
  ) ignored.push(["f:metadata", `f:${f}`])
  return set.difference(FieldSet.fromPaths(ignored))
}

const withoutManagedFields = (u: unknown): JsonObject | undefined => {
  if (!isObject(u)) return undefined
  const out = clone(u)
  const metadata = out["metadata"]
  if (isObject(metadata) && has(metadata, "managedFields")) delete metadata["managedFields"]
  return out
}

interface Entry {
  readonly pe: PathElement
  readonly value: unknown
  readonly shape: Shape
  /** A declared member of a struct (as opposed to a map entry or list item). */
  readonly isField: boolean
  readonly isItem: boolean
}

class InvalidConfig {
  constructor(readonly message: string) {}
}

const itemElement = (item: unknown, shape: Extract<Shape, { _tag: "List" }>): PathElement | InvalidConfig => {
  if (shape.listType === "map" && isObject(item)) {
    const key: JsonObject = {}
    for (const k of shape.listMapKeys) if (has(item, k) && item[k] !== null) setKey(key, k, item[k])
    if (Object.keys(key).length === 0 && shape.listMapKeys.length > 0) {
      return new InvalidConfig(
        `associative list with keys has an element that omits key field ${JSON.stringify(shape.listMapKeys[0])}`
      )
    }
    return keyElement(key)
  }
  return valueElement(item)
}

/** Members of a granular value; undefined for scalars and atomic values, which are owned as a whole. */
const entriesOf = (table: PatchMetaTable, value: unknown, shape: Shape): Array<Entry> | InvalidConfig | undefined => {
  if (isObject(value)) {
    if ((shape._tag === "Struct" || shape._tag === "Map") && shape.atomic) return undefined
    if (shape._tag === "List") return undefined
    return Object.keys(value).map((k) => ({
      pe: `f:${k}`,
      value: value[k],
      shape: childShape(table, shape, k),
      isField: shape._tag === "Struct",
      isItem: false
    }))
  }
  if (Array.isArray(value)) {
    if (shape._tag !== "List" || shape.listType === "atomic") return undefined
    const out: Array<Entry> = []
    for (let i = 0; i < value.length; i++) {
      const pe = itemElement(value[i], shape)
      if (pe instanceof InvalidConfig) return new InvalidConfig(`element ${i}: ${pe.message}`)
      out.push({ pe, value: value[i], shape: shape.items, isField: false, isItem: true })
    }
    return out
  }
  return undefined
}

const isEmptyObject = (u: unknown): boolean => isObject(u) && Object.keys(u).length === 0

/** The set of fields a value specifies (what an applier owns). */
const toFieldSet = (table: PatchMetaTable, value: unknown, shape: Shape): FieldSet | InvalidConfig => {
  const set = new FieldSet()
  const walk = (v: unknown, s: Shape, path: Path): InvalidConfig | undefined => {
    const entries = entriesOf(table, v, s)
    if (entries instanceof InvalidConfig) return new InvalidConfig(`${pathToString(path)}: ${entries.message}`)
    if (entries === undefined) {
      set.insert(path)
      return undefined
    }
    for (const e of entries) {
      const child = [...path, e.pe]
      const problem = walk(e.value, e.shape, child)
      if (problem) return problem
      if (e.isItem || !e.isField || e.value === null || isEmptyObject(e.value)) set.insert(child)
    }
    return undefined
  }
  const problem = walk(value, shape, [])
  return problem ?? set
}

const unsafeFieldSet = (table: PatchMetaTable, value: unknown, shape: Shape): FieldSet => {
  const set = toFieldSet(table, value, shape)
  return set instanceof InvalidConfig ? new FieldSet() : set
}

/** Entries by element, first occurrence winning (live objects may carry duplicates the schema forbids). */
const byElement = (entries: ReadonlyArray<Entry>): Map<PathElement, Entry> => {
  const m = new Map<PathElement, Entry>()
  for (const e of entries) if (!m.has(e.pe)) m.set(e.pe, e)
  return m
}

const mergeValues = (table: PatchMetaTable, lhs: unknown, rhs: unknown, shape: Shape): unknown => {
  if (lhs === undefined) return clone(rhs)
  if (isObject(lhs) && isObject(rhs)) {
    if ((shape._tag === "Struct" || shape._tag === "Map") && shape.atomic) return clone(rhs)
    if (shape._tag === "List") return clone(rhs)
    const out = clone(lhs)
    for (const k of Object.keys(rhs)) {
      if (rhs[k] === null) delete out[k]
      else setKey(out, k, mergeValues(table, has(out, k) ? out[k] : undefined, rhs[k], childShape(table, shape, k)))
    }
    return out
  }
  if (Array.isArray(lhs) && Array.isArray(rhs) && shape._tag === "List" && shape.listType !== "atomic") {
    return mergeLists(table, lhs, rhs, shape)
  }
  return clone(rhs)
}

/**
 * structured-merge-diff's list merge: live-only items stay where they were, applied items follow the applied
 * order, shared items are merged in place.
 */
const mergeLists = (
  table: PatchMetaTable,
  lhs: ReadonlyArray<unknown>,
  rhs: ReadonlyArray<unknown>,
  shape: Extract<Shape, { _tag: "List" }>
): Array<unknown> => {
  const pe = (item: unknown) => {
    const e = itemElement(item, shape)
    return e instanceof InvalidConfig ? valueElement(item) : e
  }
  const lpe = lhs.map(pe)
  const rpe = rhs.map(pe)
  const lIndex = new Map<PathElement, unknown>()
  lhs.forEach((item, i) => lIndex.has(lpe[i]!) || lIndex.set(lpe[i]!, item))
  const rSet = new Set(rpe)
  const shared = rpe.filter((p) => lIndex.has(p))
  let nextShared = 0
  const merged = new Set<PathElement>()
  const out: Array<unknown> = []
  const advance = (p: PathElement) => {
    if (shared[nextShared] === p) nextShared++
  }
  let l = 0
  let r = 0
  while (l < lhs.length || r < rhs.length) {
    if (l < lhs.length && r < rhs.length) {
      if (lpe[l] === rpe[r]) {
        if (!merged.has(rpe[r]!)) out.push(mergeValues(table, lhs[l], rhs[r], shape.items))
        merged.add(rpe[r]!)
        advance(rpe[r]!)
        l++
        r++
        continue
      }
      if (rSet.has(lpe[l]!) && shared[nextShared] !== undefined && shared[nextShared] !== lpe[l]) {
        l++
        continue
      }
    }
    if (l < lhs.length) {
      if (!rSet.has(lpe[l]!)) {
        out.push(clone(lhs[l]))
        l++
        continue
      }
      if (merged.has(lpe[l]!)) {
        l++
        continue
      }
    }
    if (r < rhs.length) {
      const p = rpe[r]!
      if (!merged.has(p)) out.push(mergeValues(table, lIndex.get(p), rhs[r], shape.items))
      merged.add(p)
      advance(p)
      r++
    }
  }
  return out
}

interface Comparison {
  readonly added: FieldSet
  readonly modified: FieldSet
  readonly removed: FieldSet
}

const compare = (table: PatchMetaTable, lhs: unknown, rhs: unknown, shape: Shape): Comparison => {
  const added = new FieldSet()
  const modified = new FieldSet()
  const removed = new FieldSet()
  // A newly created map, list or list item is owned as a whole too (the `.` entries the apiserver writes);
  // nested objects of a known definition are not.
  const ownsItself = (e: Entry) =>
    e.isItem || !e.isField || e.shape._tag !== "Struct" || e.value === null || isEmptyObject(e.value)
  const addNew = (v: unknown, s: Shape, path: Path) => {
    const entries = entriesOf(table, v, s)
    if (!Array.isArray(entries)) {
      added.insert(path)
      return
    }
    for (const e of entries) {
      const child = [...path, e.pe]
      addNew(e.value, e.shape, child)
      if (ownsItself(e)) added.insert(child)
    }
  }
  // Everything under a removed node, so no manager keeps owning any part of it.
  const addRemoved = (v: unknown, s: Shape, path: Path) => {
    removed.insert(path)
    const entries = entriesOf(table, v, s)
    if (Array.isArray(entries)) { for (const e of entries) addRemoved(e.value, e.shape, [...path, e.pe]) }
  }
  const walk = (l: unknown, r: unknown, s: Shape, path: Path) => {
    const le = entriesOf(table, l, s)
    const re = entriesOf(table, r, s)
    const sameKind = Array.isArray(l) === Array.isArray(r)
    if (
      Array.isArray(le) && Array.isArray(re) && sameKind && !(le.length === 0 && re.length === 0)
    ) {
      const lm = byElement(le)
      const rm = byElement(re)
      for (const [pe, e] of rm) {
        const child = [...path, pe]
        const old = lm.get(pe)
        if (old === undefined) {
          addNew(e.value, e.shape, child)
          if (ownsItself(e)) added.insert(child)
        } else {
          walk(old.value, e.value, e.shape, child)
        }
      }
      for (const [pe, e] of lm) {
        if (rm.has(pe)) continue
        addRemoved(e.value, e.shape, [...path, pe])
      }
      return
    }
    if (!deepEqual(l, r)) modified.insert(path)
  }
  walk(lhs, rhs, shape, [])
  return { added, modified, removed }
}

type Last = FieldSet | "all" | undefined

/**
 * Removes from `value` what `last` (the applier's previous set) has and `keep` (everything still owned) does not.
 * Containers emptied by the removal go too, unless something still owns them.
 */
const prune = (
  table: PatchMetaTable,
  value: unknown,
  shape: Shape,
  last: Last,
  keep: FieldSet | undefined
): unknown => {
  const entries = entriesOf(table, value, shape)
  if (!Array.isArray(entries) || last === undefined) return value
  const keepEntries: Array<{ readonly e: Entry; readonly value: unknown }> = []
  for (const e of entries) {
    const lastMember = last === "all" || last.members.has(e.pe)
    const lastChild: Last = last === "all" ? "all" : last.children.get(e.pe)
    const keepMember = keep?.members.has(e.pe) ?? false
    const keepChild = keep?.children.get(e.pe)
    if (!lastMember && lastChild === undefined) {
      keepEntries.push({ e, value: e.value })
    } else if (keepMember && keepChild === undefined) {
      keepEntries.push({ e, value: e.value })
    } else if (lastMember && !keepMember && keepChild === undefined) {
      continue
    } else {
      const next = prune(table, e.value, e.shape, lastMember ? "all" : lastChild, keepChild)
      const emptied = (isEmptyObject(next) || (Array.isArray(next) && next.length === 0)) &&
        !(isEmptyObject(e.value) || (Array.isArray(e.value) && e.value.length === 0))
      if (emptied && !keepMember) continue
      keepEntries.push({ e, value: next })
    }
  }
  if (Array.isArray(value)) return keepEntries.map((k) => k.value)
  const out: JsonObject = {}
  for (const k of keepEntries) setKey(out, k.e.pe.slice(2), k.value)
  return out
}

/** Kinds the table does not know get structured-merge-diff's deduced schema from the root down. */
const rootShape = (table: PatchMetaTable, rootDefinition: string): Shape =>
  isKnownDefinition(table, rootDefinition) ? { _tag: "Struct", def: rootDefinition, atomic: false } : unknownShape

const withManagedFields = (object: JsonObject, entries: ReadonlyArray<ManagedFieldsEntry>): JsonObject => {
  const out = clone(object)
  const metadata = isObject(out["metadata"]) ? out["metadata"] : {}
  if (entries.length > 0) setKey(metadata, "managedFields", clone(entries))
  else delete metadata["managedFields"]
  if (entries.length > 0 || isObject(out["metadata"])) setKey(out, "metadata", metadata)
  return out
}

const apiVersionOf = (u: unknown): string => (isObject(u) && typeof u["apiVersion"] === "string" ? u["apiVersion"] : "")

// ---------------------------------------------------------------------------------------------------------------
// operations

/**
 * Server-side apply of `applied` onto `live` by `manager`.
 *
 * @since 0.1.0
 * @category operations
 */
export const apply = (input: ApplyInput): Either.Either<ManagedResult, ApplyConflict | ApplyInvalid> => {
  const table = input.meta
  const shape = rootShape(input.meta, input.rootDefinition)
  const config = withoutManagedFields(input.applied)
  if (config === undefined) {
    return Either.left(new ApplyInvalid({ message: "the applied configuration must be a JSON object" }))
  }
  const live = input.live === undefined || input.live === null ? undefined : withoutManagedFields(input.live)
  const apiVersion = input.apiVersion ?? apiVersionOf(input.applied)
  const configSetOrError = toFieldSet(table, config, shape)
  if (configSetOrError instanceof InvalidConfig) {
    return Either.left(
      new ApplyInvalid({
        message: `failed to create typed patch object (${apiVersion}): ${configSetOrError.message}`
      })
    )
  }
  const configSet = stripMeta(configSetOrError)

  let managers = decodeManagers(
    input.managedFields ?? (isObject(input.live) && isObject(input.live["metadata"])
      ? input.live["metadata"]["managedFields"]
      : undefined)
  )
  if (live !== undefined && managers.length === 0) {
    // Objects written before any field tracking are attributed to a synthetic manager, so a first apply still
    // meets conflicts instead of silently taking every field.
    const set = stripMeta(unsafeFieldSet(table, live, shape))
    const liveVersion = apiVersionOf(live) || apiVersion
    managers = [{
      id: managerId("before-first-apply", "Update", liveVersion, undefined),
      manager: "before-first-apply",
      operation: "Update",
      apiVersion: liveVersion,
      time: undefined,
      subresource: undefined,
      set
    }]
  }
  const id = managerId(input.manager, "Apply", apiVersion, input.subresource)
  const previous = managers.find((m) => m.id === id)
  const others = managers.filter((m) => m.id !== id)

  const merged = live === undefined ? clone(config) : (mergeValues(table, live, config, shape) as JsonObject)
  const keep = others.reduce((acc, m) => acc.union(m.set), configSet)
  const pruned = previous === undefined
    ? merged
    : (prune(table, merged, shape, previous.set.difference(keep), keep) as JsonObject)

  const cmp = compare(table, live ?? {}, pruned, shape)
  const changed = stripMeta(cmp.modified.union(cmp.added))
  const removed = stripMeta(cmp.removed)
  const conflicts: Array<{ readonly manager: Manager; readonly set: FieldSet }> = []
  for (const m of others) {
    const overlap = m.set.intersection(changed)
    if (!overlap.isEmpty()) conflicts.push({ manager: m, set: overlap })
  }
  if (conflicts.length > 0 && input.force !== true) return Either.left(conflictError(conflicts))

  const unchanged = live !== undefined && deepEqual(live, pruned)
  const next: Array<Manager> = others.map((m) => ({ ...m, set: m.set.difference(changed).difference(removed) }))
  next.push({
    id,
    manager: input.manager,
    operation: "Apply",
    apiVersion,
    time: unchanged && previous !== undefined && previous.set.equals(configSet) ? previous.time : input.time,
    subresource: input.subresource,
    set: configSet
  })
  const managedFields = encodeManagers(next)
  return Either.right({ object: withManagedFields(pruned, managedFields), managedFields })
}

const conflictError = (
  conflicts: ReadonlyArray<{ readonly manager: Manager; readonly set: FieldSet }>
): ApplyConflict => {
  const sorted = [...conflicts].sort((a, b) => compareStrings(a.manager.id, b.manager.id))
  const causes: Array<ApplyConflictCause> = []
  for (const c of sorted) {
    const manager = printManager(c.manager)
    for (const p of c.set.paths()) {
      causes.push({ manager, field: pathToString(p), message: `conflict with ${manager}` })
    }
  }
  const message = causes.length === 1
    ? `Apply failed with 1 conflict: conflict with ${causes[0]!.manager}: ${causes[0]!.field}`
    : `Apply failed with ${causes.length} conflicts: ${
      sorted.map((c) => {
        const manager = printManager(c.manager)
        return [`conflicts with ${manager}:`, ...c.set.paths().map((p) => `- ${pathToString(p)}`)].join("\n")
      }).join("\n")
    }`
  return new ApplyConflict({ message, conflicts: causes })
}

const isResetRequest = (u: unknown): boolean =>
  Array.isArray(u) && u.length === 1 && isObject(u[0]) && Object.keys(u[0]).length === 0

/**
 * Managed-fields bookkeeping for a create, update or (non-apply) patch by `manager`: what changed between `before`
 * and `after` becomes the manager's (operation Update) and leaves every other manager. Never fails: updates take
 * ownership by force.
 *
 * A request that carries `managedFields: [{}]` resets them (the apiserver's documented way to clear them); a
 * request carrying its own non-empty, valid managed fields has them used as the starting point.
 *
 * @since 0.1.0
 * @category operations
 */
export const recordUpdate = (input: UpdateInput): ManagedResult => {
  const table = input.meta
  const shape = rootShape(input.meta, input.rootDefinition)
  const after = withoutManagedFields(input.after) ?? {}
  const before = input.before === undefined || input.before === null ? undefined : withoutManagedFields(input.before)
  const apiVersion = input.apiVersion ?? apiVersionOf(input.after)
  const requested = isObject(input.after) && isObject(input.after["metadata"])
    ? input.after["metadata"]["managedFields"]
    : undefined
  const beforeFields = isObject(input.before) && isObject(input.before["metadata"])
    ? input.before["metadata"]["managedFields"]
    : undefined
  let managers: Array<Manager>
  if (input.managedFields !== undefined) managers = decodeManagers(input.managedFields)
  else if (isResetRequest(requested)) managers = []
  else {
    const fromRequest = decodeManagers(requested)
    managers = fromRequest.length > 0 ? fromRequest : decodeManagers(beforeFields)
  }

  const cmp = compare(table, before ?? {}, after, shape)
  const changed = stripMeta(cmp.modified.union(cmp.added))
  const removed = stripMeta(cmp.removed)
  const id = managerId(input.manager, "Update", apiVersion, input.subresource)
  const previous = managers.find((m) => m.id === id)
  const next: Array<Manager> = managers.filter((m) => m.id !== id).map((m) => ({
    ...m,
    set: m.set.difference(changed).difference(removed)
  }))
  const mine = (previous?.set ?? new FieldSet()).difference(removed).union(changed)
  const touched = !changed.isEmpty() || !removed.isEmpty()
  next.push({
    id,
    manager: input.manager,
    operation: "Update",
    apiVersion,
    time: touched || previous === undefined ? input.time : previous.time,
    subresource: input.subresource,
    set: mine
  })
  const managedFields = encodeManagers(next)
  return { object: withManagedFields(after, managedFields), managedFields }
}

/**
 * The field set a value specifies under a kind's schema, as an applier would own it (metadata bookkeeping fields
 * excluded). Useful for inspecting what an apply configuration claims.
 *
 * @since 0.1.0
 * @category utils
 */
export const fieldSetOf = (
  value: unknown,
  rootDefinition: string,
  meta: PatchMetaTable
): Either.Either<FieldSet, ApplyInvalid> => {
  const set = toFieldSet(meta, value, rootShape(meta, rootDefinition))
  return set instanceof InvalidConfig
    ? Either.left(new ApplyInvalid({ message: set.message }))
    : Either.right(stripMeta(set))
}
