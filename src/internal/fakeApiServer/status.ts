/**
 * meta/v1 Status replies worded as the apiserver words them, so clients that match on reason, code, details or
 * message behave as they would against a real cluster.
 */
import type { ApiReply } from "./types.js"
import { json } from "./types.js"

export interface Cause {
  readonly reason: string
  readonly message: string
  readonly field?: string
}

export interface Details {
  readonly name?: string | undefined
  readonly group?: string | undefined
  readonly kind?: string | undefined
  readonly uid?: string | undefined
  readonly causes?: ReadonlyArray<Cause> | undefined
  readonly retryAfterSeconds?: number | undefined
}

const cleanDetails = (details: Details | undefined): Record<string, unknown> | undefined => {
  if (details === undefined) return undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(details)) {
    if (v !== undefined && v !== "") out[k] = v
  }
  return out
}

export const statusBody = (code: number, reason: string, message: string, details?: Details) => {
  const d = cleanDetails(details)
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(d !== undefined ? { details: d } : {}),
    code
  }
}

export const failure = (
  code: number,
  reason: string,
  message: string,
  details?: Details,
  headers?: Record<string, string>
): ApiReply => ({ ...json(code, statusBody(code, reason, message, details)), headers })

/** `pods`, `deployments.apps`: how the apiserver names a resource in messages. */
export const qualified = (plural: string, group: string) => group === "" ? plural : `${plural}.${group}`

export const notFound = (plural: string, group: string, name: string) =>
  failure(404, "NotFound", `${qualified(plural, group)} "${name}" not found`, { name, group, kind: plural })

export const alreadyExists = (plural: string, group: string, name: string) =>
  failure(409, "AlreadyExists", `${qualified(plural, group)} "${name}" already exists`, {
    name,
    group,
    kind: plural
  })

export const conflict = (plural: string, group: string, name: string, why: string) =>
  failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": ${why}`, {
    name,
    group,
    kind: plural
  })

export const staleConflict = (plural: string, group: string, name: string) =>
  conflict(
    plural,
    group,
    name,
    "the object has been modified; please apply your changes to the latest version and try again"
  )

export const invalid = (kind: string, group: string, name: string, causes: ReadonlyArray<Cause>) =>
  failure(
    422,
    "Invalid",
    `${kind}${group === "" ? "" : `.${group}`} "${name}" is invalid: ${
      causes.length === 1
        ? `${causes[0]!.field}: ${causes[0]!.message}`
        : `[${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}]`
    }`,
    { name, group, kind, causes }
  )

export const badRequest = (message: string) => failure(400, "BadRequest", message)

export const methodNotAllowed = () =>
  failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})

export const resourceNotFound = () => failure(404, "NotFound", "the server could not find the requested resource", {})

export const expired = (message: string) => failure(410, "Expired", message)

export const unsupportedMediaType = (accepted: ReadonlyArray<string>) =>
  failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
    {}
  )

export const success = (details?: Details) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Success",
  ...(details !== undefined ? { details: cleanDetails(details) } : {})
})
