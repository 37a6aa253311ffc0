/**
 * The fake apiserver's contracts: its request log entries, fault matches, the simulated cluster's options, and the
 * handlers a test scripts pods with (exec, attach, port-forward, the container file system). Re-exported by
 * `FakeApiServer`; defined apart from it so the implementations under `internal/` can use them without importing the
 * module that wires them.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"

/**
 * One logged request. Header names are lower-case and the Authorization value is `<redacted>`.
 *
 * @since 0.2.0
 * @category models
 */
export interface RequestLogEntry {
  readonly method: string
  /** Path and query as sent. */
  readonly url: string
  /** Lower-case names; the Authorization value is replaced by "<redacted>". */
  readonly headers: Readonly<Record<string, string>>
  readonly status: number
  readonly body?: string | undefined
}

/**
 * Which requests a fault applies to: a method and a path prefix or RegExp (tested against path and query).
 *
 * @since 0.2.0
 * @category models
 */
export interface RequestMatch {
  /** HTTP method, case-insensitive. */
  readonly method?: string | undefined
  /** A path prefix (`/api/v1/namespaces/default/pods`) or a RegExp tested against path and query. */
  readonly path?: string | RegExp | undefined
}

/**
 * Per-controller switches and settings of the simulated cluster: the garbage collector (ownerReferences and
 * propagationPolicy), namespace lifecycle, workload controllers, nodes and pods. Every controller is on unless
 * switched off.
 *
 * @since 0.2.0
 * @category models
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
  /** A `default` ServiceAccount in every namespace, created again when deleted. Default true. */
  readonly serviceAccounts?: boolean | undefined
  /**
   * A `kube-root-ca.crt` ConfigMap in every namespace whose `ca.crt` is the CA of the fake's serving certificate.
   * Only a fake listening over HTTPS has one; the in-process and plain-HTTP fakes publish nothing. Default true.
   */
  readonly rootCaPublisher?: boolean | undefined
}

/**
 * Delays of the simulated cluster's steps, on the fake's clock.
 *
 * @since 0.2.0
 * @category models
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

/**
 * How a simulated pod behaves. `Ready` (the default for pods that restart Always) runs and becomes Ready;
 * `Succeed` (the default for the others) runs for the run time and exits 0; `Fail` exits 1 after the run time (a
 * container that restarts crash-loops); `CrashLoop` exits 1 after the run time and restarts with the kubelet's
 * back-off; `NeverReady` runs but never passes readiness; `ImagePullBackOff` never starts.

 * Chosen by `SimulateOptions.pods.behavior` or the pod's `simulate.effect-kube.io/behavior` annotation.
 *
 * @since 0.2.0
 * @category models
 */
export type PodBehavior = "Ready" | "NeverReady" | "CrashLoop" | "Fail" | "Succeed" | "ImagePullBackOff"

/**
 * One entry of a container's file system.
 *
 * @since 0.2.0
 * @category models
 */
export type ContainerFsNode =
  | { readonly type: "file"; readonly data: Uint8Array; readonly mode: number; readonly mtime: Date }
  | { readonly type: "dir"; readonly mode: number; readonly mtime: Date }

/**
 * One container's file system, in memory: what `tar` in the fake reads from and writes to (kubectl cp), and
 * what `cat FILE` and `test -d` see. The root always exists.
 *
 * @since 0.2.0
 * @category models
 */
export interface ContainerFs {
  readonly get: (path: string) => ContainerFsNode | undefined
  /** Creates the directory and its parents. */
  readonly mkdirp: (path: string, mtime?: Date) => void
  /** Creates or replaces a file, and its parent directories. */
  readonly writeFile: (path: string, data: Uint8Array | string, mode?: number, mtime?: Date) => void
  /** The path and everything below it, parents first. */
  readonly walk: (path: string) => Array<[string, ContainerFsNode]>
}

/**
 * What a client asked to run in a pod (`subresource: "attach"` has no command).
 *
 * @since 0.2.0
 * @category models
 */
export interface ExecRequest {
  readonly subresource: "exec" | "attach"
  readonly namespace: string
  readonly pod: string
  readonly container: string
  readonly command: ReadonlyArray<string>
  readonly stdin: boolean
  readonly tty: boolean
}

/**
 * A scripted command's side of the streams: stdin as a Stream (it ends when the client closes stdin), writers
 * for stdout and stderr, the resize messages, and the container's in-memory file system.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExecIo {
  /** Bytes the client sent; ends when the client closes stdin (v5) or the connection. Empty without stdin. */
  readonly stdin: Stream.Stream<Uint8Array>
  readonly stdout: (data: Uint8Array | string) => Effect.Effect<void>
  /** With a tty, written to stdout (a terminal has one output stream). */
  readonly stderr: (data: Uint8Array | string) => Effect.Effect<void>
  /** Terminal sizes the client sent on the resize channel. */
  readonly resizes: Stream.Stream<{ readonly width: number; readonly height: number }>
  /** The container's in-memory file system. */
  readonly fs: ContainerFs
}

/**
 * An exit code, or output and an exit code at once (`void` is 0).
 *
 * @since 0.2.0
 * @category models
 */
export type ExecResult =
  | number
  | void
  | {
    readonly stdout?: string | undefined
    readonly stderr?: string | undefined
    readonly exitCode?: number | undefined
  }

/**
 * What a pod does with an exec or attach. It runs until it returns (its exit code goes on the status channel)
 * or the client closes the connection (it is interrupted).
 *
 * @since 0.2.0
 * @category models
 */
export type ExecHandler = (request: ExecRequest, io: ExecIo) => Effect.Effect<ExecResult>

/**
 * One forwarded connection to a pod's port, from the pod's side.
 *
 * @since 0.2.0
 * @category models
 */
export interface PortForwardConnection {
  readonly namespace: string
  readonly pod: string
  readonly port: number
  /** Bytes from the client; ends when the client closes the connection. */
  readonly input: Stream.Stream<Uint8Array>
  readonly write: (data: Uint8Array | string) => Effect.Effect<void>
}

/**
 * What listens on a pod's port; it runs until it returns (the connection then closes) or the client
 * leaves.
 *
 * @since 0.2.0
 * @category models
 */
export type PortForwardHandler = (connection: PortForwardConnection) => Effect.Effect<void>
