/**
 * What a simulated cluster runs, as the user asks for it and as the runner resolves it. Each controller reads its
 * own switch and settings; a new controller adds its fields here and its defaults in `resolve`.
 */
import * as Duration from "effect/Duration"
import type { PodBehavior } from "./podLifecycle.js"

/**
 * Per-controller switches and settings of the simulated cluster. Every controller is on unless switched off.
 */
export interface SimulateOptions {
  /** ownerReferences honoured on delete (propagationPolicy Background, Foreground, Orphan). Default true. */
  readonly garbageCollector?: boolean | undefined
  /** Namespace deletion: Terminating, contents deleted, then the namespace; no new content meanwhile. Default true. */
  readonly namespaces?: boolean | undefined
  /** Workload controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob). Default true. */
  readonly workloads?: boolean | undefined
  /** Simulated nodes: how many (named `sim-node-0`, ...) or their names. Default 1. */
  readonly nodes?: number | ReadonlyArray<string> | undefined
  /**
   * How long the simulated steps take on the fake's clock (TestClock in tests). The defaults are small, so a pod
   * of the shell command is Ready within a second.
   */
  readonly timing?: SimulateTiming | undefined
  /**
   * The scheduler and kubelets of the simulated nodes (pods bound, run, made Ready). `behavior` is a test's hook
   * choosing what a pod does (undefined: the pod's `simulate.effect-kube.io/behavior` annotation, else Ready for
   * pods that restart Always and Succeed for the others). Default true.
   */
  readonly pods?: boolean | { readonly behavior?: ((pod: any) => PodBehavior | undefined) | undefined } | undefined
  /** EndpointSlices of Services with a selector, from their pods. Default true. */
  readonly endpoints?: boolean | undefined
}

/**
 * @since 0.2.0
 */
export interface SimulateTiming {
  /** From a pod bound to a node until its containers run. Default 200 ms. */
  readonly podStart?: Duration.DurationInput | undefined
  /** From running until Ready (readiness probes pass). Default 300 ms. */
  readonly podReady?: Duration.DurationInput | undefined
  /** How long a pod that finishes (a Job's) or fails runs before its containers exit. Default 500 ms. */
  readonly podRun?: Duration.DurationInput | undefined
  /**
   * From a pod's graceful delete until the kubelet has stopped it and removes it, when shorter than the pod's grace
   * period (a delete with `gracePeriodSeconds: 0` removes it at once). Default 200 ms.
   */
  readonly podTerminate?: Duration.DurationInput | undefined
  /**
   * The Job controller's back-off before it replaces a failed pod, doubled per failure up to 6 minutes (the
   * controller's own default is 10 s). Default 10 s.
   */
  readonly jobBackoff?: Duration.DurationInput | undefined
}

/** The options with every default filled in; `undefined` from {@link resolve} means nothing is simulated. */
export interface Simulation {
  readonly garbageCollector: boolean
  readonly namespaces: boolean
  readonly workloads: boolean
  readonly nodes: ReadonlyArray<string>
  readonly timing: {
    readonly podStart: Duration.Duration
    readonly podReady: Duration.Duration
    readonly podRun: Duration.Duration
    readonly podTerminate: Duration.Duration
    readonly jobBackoff: Duration.Duration
  }
  readonly pods: boolean
  readonly podBehavior: ((pod: any) => PodBehavior | undefined) | undefined
  readonly endpoints: boolean
  /** As given, for settings a controller reads itself. */
  readonly options: SimulateOptions
}

const nodeName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** The resolved options, or what is wrong with them (the field named). */
export const resolve = (input: boolean | SimulateOptions | undefined): Simulation | string | undefined => {
  if (input === undefined || input === false) return undefined
  const options: SimulateOptions = input === true ? {} : input
  const nodes = options.nodes ?? 1
  if (typeof nodes === "number" && (!Number.isInteger(nodes) || nodes < 0 || nodes > 1000)) {
    return `nodes must be an integer from 0 to 1000, got ${nodes}`
  }
  if (typeof nodes !== "number") {
    const bad = nodes.find((n) => typeof n !== "string" || n.length > 253 || !nodeName.test(n))
    if (bad !== undefined) return `nodes: ${JSON.stringify(bad)} is not a valid node name (a DNS subdomain)`
    if (new Set(nodes).size !== nodes.length) return "nodes: the node names must be unique"
  }
  return {
    garbageCollector: options.garbageCollector ?? true,
    namespaces: options.namespaces ?? true,
    workloads: options.workloads ?? true,
    nodes: typeof nodes === "number"
      ? Array.from({ length: nodes }, (_, i) => `sim-node-${i}`)
      : [...nodes],
    timing: {
      podStart: Duration.decode(options.timing?.podStart ?? Duration.millis(200)),
      podReady: Duration.decode(options.timing?.podReady ?? Duration.millis(300)),
      podRun: Duration.decode(options.timing?.podRun ?? Duration.millis(500)),
      podTerminate: Duration.decode(options.timing?.podTerminate ?? Duration.millis(200)),
      jobBackoff: Duration.decode(options.timing?.jobBackoff ?? Duration.seconds(10))
    },
    pods: options.pods !== false,
    podBehavior: typeof options.pods === "object" ? options.pods.behavior : undefined,
    endpoints: options.endpoints ?? true,
    options
  }
}
