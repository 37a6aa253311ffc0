/**
 * Ready-made predicates for {@link Wait.until} (kubectl wait, kube-rs `conditions`): they read only the fields
 * they need, so they apply to typed objects and to Unstructured ones alike.
 *
 * @since 0.2.0
 */

/**
 * The shape of an object with status conditions, as far as these predicates look.
 *
 * @since 0.2.0
 * @category models
 */
export interface WithConditions {
  readonly status?:
    | { readonly conditions?: ReadonlyArray<{ readonly type?: unknown; readonly status?: unknown }> | undefined }
    | undefined
}

/**
 * True when the object has a condition `type` with `status` ("True" unless given), compared as kubectl wait does:
 * case-insensitively.
 *
 * @since 0.2.0
 * @category predicates
 */
export const hasCondition = (type: string, status: string = "True") => (object: unknown): boolean => {
  const conditions = (object as WithConditions | undefined)?.status?.conditions
  if (!Array.isArray(conditions)) return false
  const wantType = type.toLowerCase()
  const wantStatus = status.toLowerCase()
  return conditions.some((c) =>
    String(c?.type ?? "").toLowerCase() === wantType && String(c?.status ?? "").toLowerCase() === wantStatus
  )
}

/**
 * The Deployment's `Available` condition is True.
 *
 * @since 0.2.0
 * @category predicates
 */
export const deploymentAvailable: (object: unknown) => boolean = hasCondition("Available")

interface DeploymentLike {
  readonly metadata?: { readonly name?: string | undefined; readonly generation?: number | undefined } | undefined
  readonly spec?: { readonly replicas?: number | undefined } | undefined
  readonly status?:
    | {
      readonly observedGeneration?: number | undefined
      readonly replicas?: number | undefined
      readonly updatedReplicas?: number | undefined
      readonly availableReplicas?: number | undefined
      readonly conditions?:
        | ReadonlyArray<{ readonly type?: unknown; readonly reason?: unknown; readonly status?: unknown }>
        | undefined
    }
    | undefined
}

/**
 * Where a Deployment's rollout stands, with the message `kubectl rollout status` prints for it.
 *
 * @since 0.2.0
 * @category models
 */
export interface RolloutStatus {
  readonly _tag: "Done" | "Progressing" | "Failed"
  readonly message: string
}

/**
 * `kubectl rollout status`'s rules for a Deployment: the controller has observed the latest generation, every
 * replica is updated, no old replica is left, and every updated replica is available; a `Progressing` condition
 * with reason `ProgressDeadlineExceeded` is a failure.
 *
 * @since 0.2.0
 * @category predicates
 */
export const deploymentRolloutStatus = (object: unknown): RolloutStatus => {
  const d = object as DeploymentLike
  const name = d.metadata?.name ?? ""
  const status = d.status ?? {}
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { _tag: "Progressing", message: "Waiting for deployment spec update to be observed..." }
  }
  const progressing = status.conditions?.find((c) => c.type === "Progressing")
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { _tag: "Failed", message: `deployment "${name}" exceeded its progress deadline` }
  }
  const updated = status.updatedReplicas ?? 0
  const replicas = status.replicas ?? 0
  const available = status.availableReplicas ?? 0
  const wanted = d.spec?.replicas
  if (wanted !== undefined && updated < wanted) {
    return {
      _tag: "Progressing",
      message:
        `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`
    }
  }
  if (replicas > updated) {
    return {
      _tag: "Progressing",
      message: `Waiting for deployment "${name}" rollout to finish: ${
        replicas - updated
      } old replicas are pending termination...`
    }
  }
  if (available < updated) {
    return {
      _tag: "Progressing",
      message:
        `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`
    }
  }
  return { _tag: "Done", message: `deployment "${name}" successfully rolled out` }
}

/**
 * The rollout is complete by {@link deploymentRolloutStatus}'s rules.
 *
 * @since 0.2.0
 * @category predicates
 */
export const deploymentRolledOut = (object: unknown): boolean => deploymentRolloutStatus(object)._tag === "Done"

const phase = (object: unknown): unknown => (object as { status?: { phase?: unknown } } | undefined)?.status?.phase

/**
 * @since 0.2.0
 * @category predicates
 */
export const podRunning = (object: unknown): boolean => phase(object) === "Running"

/**
 * The pod's `Ready` condition is True.
 *
 * @since 0.2.0
 * @category predicates
 */
export const podReady: (object: unknown) => boolean = hasCondition("Ready")

/**
 * @since 0.2.0
 * @category predicates
 */
export const jobComplete: (object: unknown) => boolean = hasCondition("Complete")

/**
 * @since 0.2.0
 * @category predicates
 */
export const jobFailed: (object: unknown) => boolean = hasCondition("Failed")

/**
 * The CustomResourceDefinition's `Established` condition is True: its resource is served.
 *
 * @since 0.2.0
 * @category predicates
 */
export const crdEstablished: (object: unknown) => boolean = hasCondition("Established")

/**
 * @since 0.2.0
 * @category predicates
 */
export const namespaceActive = (object: unknown): boolean => phase(object) === "Active"
