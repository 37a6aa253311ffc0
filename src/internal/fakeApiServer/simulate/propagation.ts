/**
 * What the apiserver does on delete for the garbage collector: it resolves the propagation policy of the request
 * (DeleteOptions, else the finalizers the object already carries, else the kind's default) and records it as the
 * `orphan` or `foregroundDeletion` finalizer, which the garbage collector then acts on.
 */
import * as S from "../status.js"
import type { ApiReply, Obj } from "../types.js"

export type Policy = "Orphan" | "Background" | "Foreground"

export const orphanFinalizer = "orphan"
export const foregroundFinalizer = "foregroundDeletion"

// batch/v1 Jobs and v1 ReplicationControllers orphan by default, for compatibility with their first releases.
const orphanByDefault = new Set(["batch/v1/jobs", "/v1/replicationcontrollers"])

const policies: ReadonlyArray<string> = ["Foreground", "Background", "Orphan"]

/** The policy of a delete request, or the apiserver's refusal of its DeleteOptions. */
export const policyOf = (
  options: Obj,
  finalizers: ReadonlyArray<string>,
  resource: { readonly group: string; readonly version: string; readonly plural: string }
): Policy | ApiReply => {
  const propagation = options.propagationPolicy
  const orphanDependents = options.orphanDependents
  if (
    propagation !== undefined && propagation !== null && orphanDependents !== undefined && orphanDependents !== null
  ) {
    return S.invalid("DeleteOptions", "meta.k8s.io", "", [{
      reason: "FieldValueInvalid",
      field: "propagationPolicy",
      message: `Invalid value: ${
        JSON.stringify(propagation)
      }: orphanDependents and deletionPropagation cannot be both set`
    }])
  }
  if (propagation !== undefined && propagation !== null) {
    if (typeof propagation !== "string" || !policies.includes(propagation)) {
      return S.invalid("DeleteOptions", "meta.k8s.io", "", [{
        reason: "FieldValueNotSupported",
        field: "propagationPolicy",
        message: `Unsupported value: ${
          JSON.stringify(propagation)
        }: supported values: "Foreground", "Background", "Orphan", "nil"`
      }])
    }
    return propagation as Policy
  }
  if (typeof orphanDependents === "boolean") return orphanDependents ? "Orphan" : "Background"
  if (finalizers.includes(orphanFinalizer)) return "Orphan"
  if (finalizers.includes(foregroundFinalizer)) return "Foreground"
  return orphanByDefault.has(`${resource.group}/${resource.version}/${resource.plural}`) ? "Orphan" : "Background"
}

/** The object's finalizers once the policy is recorded: one of the two, or neither for Background. */
export const withPolicy = (finalizers: ReadonlyArray<string>, policy: Policy): ReadonlyArray<string> => {
  const wanted = policy === "Orphan" ? orphanFinalizer : policy === "Foreground" ? foregroundFinalizer : undefined
  const kept = finalizers.filter((f) => f === wanted || (f !== orphanFinalizer && f !== foregroundFinalizer))
  return wanted === undefined || kept.includes(wanted) ? kept : [...kept, wanted]
}
