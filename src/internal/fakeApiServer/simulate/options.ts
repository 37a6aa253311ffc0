/**
 * What a simulated cluster runs, as the user asks for it and as the runner resolves it. Each controller reads its
 * own switch and settings; a new controller adds its fields to `SimulateOptions` (the public `FakeApiServerModel`) and
 * its defaults in `resolve`.
 */
import * as Duration from "effect/Duration"
import type { PodBehavior, SimulateOptions } from "../../../FakeApiServerModel.js"

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
  readonly serviceAccounts: boolean
  readonly rootCaPublisher: boolean
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
    serviceAccounts: options.serviceAccounts ?? true,
    rootCaPublisher: options.rootCaPublisher ?? true,
    options
  }
}
