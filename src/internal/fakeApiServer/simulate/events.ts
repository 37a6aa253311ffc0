/**
 * Events as the simulated controllers' event recorders write them (core/v1, what `kubectl describe` and
 * `kubectl get events` read): one per occurrence, named `<object>.<hex time>`, with the reporting component as the
 * source. Recording is best effort, as the real broadcaster's is: a refused write (a Terminating namespace) is
 * dropped, never a controller failure.
 */
import * as Effect from "effect/Effect"
import { timestamp } from "../objects.js"
import type { Obj } from "../types.js"
import type { ClusterApi } from "./api.js"

export interface Occurrence {
  readonly type?: "Normal" | "Warning" | undefined
  readonly reason: string
  readonly message: string
  /** The reporting component (`deployment-controller`, `kubelet`, `default-scheduler`). */
  readonly component: string
  /** The node, for a kubelet's events. */
  readonly host?: string | undefined
  /** The part of the object it is about (a kubelet's `spec.containers{name}`). */
  readonly fieldPath?: string | undefined
}

let sequence = 0

export const recordEvent = (api: ClusterApi, involved: Obj, occurrence: Occurrence): Effect.Effect<void> =>
  Effect.flatMap(api.now, (now) => {
    const meta = involved.metadata ?? {}
    const time = timestamp(now)
    // The recorder's names are the object's name and the time in nanoseconds, in hex; a counter keeps them apart.
    const suffix = (BigInt(now) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)
    return api.create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${meta.name}.${suffix}`, namespace: meta.namespace ?? "default" },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        ...(occurrence.fieldPath !== undefined ? { fieldPath: occurrence.fieldPath } : {})
      },
      reason: occurrence.reason,
      message: occurrence.message,
      type: occurrence.type ?? "Normal",
      source: { component: occurrence.component, ...(occurrence.host !== undefined ? { host: occurrence.host } : {}) },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      reportingComponent: occurrence.component,
      reportingInstance: occurrence.host ?? ""
    })
  }).pipe(Effect.ignore)
