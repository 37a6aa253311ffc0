/**
 * meta.k8s.io/v1 Table rendering with the default columns of the common kinds, so `kubectl get` prints what it
 * prints against a real cluster. Kinds without their own columns get NAME and AGE; custom resources use their
 * CRD's additionalPrinterColumns.
 */
import { labelSelectorToString } from "../selectors.js"
import { age, humanDuration } from "./objects.js"
import type { Served } from "./registry.js"
import { readPath } from "./registry.js"
import type { Obj } from "./types.js"

export interface ColumnDefinition {
  readonly name: string
  readonly type: string
  readonly format: string
  readonly description: string
  readonly priority: number
}

type Cell = string | number | boolean | null

interface Column {
  readonly def: ColumnDefinition
  readonly cell: (obj: Obj, now: number) => Cell
}

const col = (
  name: string,
  type: string,
  description: string,
  cell: (obj: Obj, now: number) => Cell,
  priority = 0,
  format = ""
): Column => ({ def: { name, type, format, description, priority }, cell })

const nameColumn = col("Name", "string", "Object name.", (o) => String(o.metadata?.name ?? ""), 0, "name")
const ageColumn = col("Age", "string", "Time since the object was created.", (o, now) => age(o, now))

const none = (s: unknown) => (s === undefined || s === null || s === "" ? "<none>" : String(s))

const podStatus = (pod: Obj): string => {
  if (pod.metadata?.deletionTimestamp !== undefined) return "Terminating"
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? "Unknown"
  for (const cs of (pod.status?.containerStatuses ?? []) as Array<Obj>) {
    const waiting = cs.state?.waiting?.reason
    const terminated = cs.state?.terminated?.reason
    if (typeof waiting === "string" && waiting !== "") reason = waiting
    else if (typeof terminated === "string" && terminated !== "") reason = terminated
  }
  return reason
}

const podColumns: ReadonlyArray<Column> = [
  nameColumn,
  col("Ready", "string", "Ready containers out of all containers.", (p) => {
    const total = ((p.spec?.containers ?? []) as Array<unknown>).length
    const ready = ((p.status?.containerStatuses ?? []) as Array<Obj>).filter((c) => c.ready === true).length
    return `${ready}/${total}`
  }),
  col("Status", "string", "Aggregated pod status.", podStatus),
  col("Restarts", "string", "Container restarts.", (p) =>
    String(
      ((p.status?.containerStatuses ?? []) as Array<Obj>).reduce(
        (n, c) => n + (typeof c.restartCount === "number" ? c.restartCount : 0),
        0
      )
    )),
  ageColumn,
  col("IP", "string", "Pod IP.", (p) => none(p.status?.podIP), 1),
  col("Node", "string", "Node the pod runs on.", (p) => none(p.spec?.nodeName), 1),
  col("Nominated Node", "string", "Node nominated by preemption.", (p) => none(p.status?.nominatedNodeName), 1),
  col("Readiness Gates", "string", "Readiness gates.", (p) => {
    const gates = (p.spec?.readinessGates ?? []) as Array<unknown>
    return gates.length === 0 ? "<none>" : `0/${gates.length}`
  }, 1)
]

const int = (v: unknown) => (typeof v === "number" ? v : 0)

const containersOf = (template: Obj | undefined) => (template?.spec?.containers ?? []) as Array<Obj>

const workloadWide = (o: Obj): ReadonlyArray<Column> => {
  void o
  return [
    col(
      "Containers",
      "string",
      "Container names.",
      (x) => containersOf(x.spec?.template).map((c) => c.name).join(","),
      1
    ),
    col(
      "Images",
      "string",
      "Container images.",
      (x) => containersOf(x.spec?.template).map((c) => c.image).join(","),
      1
    ),
    col("Selector", "string", "Label selector.", (x) => none(labelSelectorToString(x.spec?.selector)), 1)
  ]
}

const deploymentColumns: ReadonlyArray<Column> = [
  nameColumn,
  col(
    "Ready",
    "string",
    "Ready replicas out of desired.",
    (d) => `${int(d.status?.readyReplicas)}/${typeof d.spec?.replicas === "number" ? d.spec.replicas : 1}`
  ),
  col("Up-to-date", "integer", "Replicas updated to the latest template.", (d) => int(d.status?.updatedReplicas)),
  col("Available", "integer", "Available replicas.", (d) => int(d.status?.availableReplicas)),
  ageColumn,
  ...workloadWide({})
]

const replicaSetColumns: ReadonlyArray<Column> = [
  nameColumn,
  col("Desired", "integer", "Desired replicas.", (r) => (typeof r.spec?.replicas === "number" ? r.spec.replicas : 1)),
  col("Current", "integer", "Current replicas.", (r) => int(r.status?.replicas)),
  col("Ready", "integer", "Ready replicas.", (r) => int(r.status?.readyReplicas)),
  ageColumn,
  ...workloadWide({})
]

const statefulSetColumns: ReadonlyArray<Column> = [
  nameColumn,
  col(
    "Ready",
    "string",
    "Ready replicas out of desired.",
    (s) => `${int(s.status?.readyReplicas)}/${typeof s.spec?.replicas === "number" ? s.spec.replicas : 1}`
  ),
  ageColumn,
  col(
    "Containers",
    "string",
    "Container names.",
    (x) => containersOf(x.spec?.template).map((c) => c.name).join(","),
    1
  ),
  col("Images", "string", "Container images.", (x) => containersOf(x.spec?.template).map((c) => c.image).join(","), 1)
]

const servicePorts = (s: Obj): string => {
  const ports = (s.spec?.ports ?? []) as Array<Obj>
  if (ports.length === 0) return "<none>"
  return ports.map((p) =>
    p.nodePort !== undefined ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`
  ).join(",")
}

const externalIP = (s: Obj): string => {
  const type = s.spec?.type ?? "ClusterIP"
  const external = (s.spec?.externalIPs ?? []) as Array<string>
  switch (type) {
    case "ExternalName":
      return none(s.spec?.externalName)
    case "LoadBalancer": {
      const ingress = ((s.status?.loadBalancer?.ingress ?? []) as Array<Obj>).map((i) => i.ip ?? i.hostname)
      const all = [...ingress, ...external]
      return all.length === 0 ? "<pending>" : all.join(",")
    }
    default:
      return external.length === 0 ? "<none>" : external.join(",")
  }
}

const serviceColumns: ReadonlyArray<Column> = [
  nameColumn,
  col("Type", "string", "Service type.", (s) => String(s.spec?.type ?? "ClusterIP")),
  col("Cluster-IP", "string", "Cluster IP.", (s) => none(s.spec?.clusterIP)),
  col("External-IP", "string", "External addresses.", externalIP),
  col("Port(s)", "string", "Service ports.", servicePorts),
  ageColumn,
  col(
    "Selector",
    "string",
    "Pod selector.",
    (s) =>
      none(Object.entries((s.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",")),
    1
  )
]

const nodeAddress = (n: Obj, type: string) =>
  none(((n.status?.addresses ?? []) as Array<Obj>).find((a) => a.type === type)?.address)

const dataCount = (o: Obj) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length

const since = (
  v: unknown,
  now: number
) => (typeof v === "string" && v !== "" ? humanDuration(now - Date.parse(v)) : "<unknown>")

const eventColumns = (core: boolean): ReadonlyArray<Column> => {
  const regarding = (e: Obj): Obj => (core ? e.involvedObject : e.regarding) ?? {}
  const lastSeen = (e: Obj) =>
    core
      ? e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp
      : e.series?.lastObservedTime ?? e.deprecatedLastTimestamp ?? e.eventTime
  return [
    col("Last Seen", "string", "Time since the event was last seen.", (e, now) => since(lastSeen(e), now)),
    col("Type", "string", "Event type.", (e) => String(e.type ?? "")),
    col("Reason", "string", "Event reason.", (e) => String(e.reason ?? "")),
    col("Object", "string", "The object the event is about.", (e) => {
      const o = regarding(e)
      return `${String(o.kind ?? "").toLowerCase()}/${o.name ?? ""}`
    }),
    col("Subobject", "string", "Field of the object.", (e) => String(regarding(e).fieldPath ?? ""), 1),
    col("Source", "string", "Reporting component and host.", (e) => {
      const component = core ? e.source?.component ?? e.reportingComponent : e.reportingController
      const host = core ? e.source?.host : e.deprecatedSource?.host
      return host ? `${component ?? ""}, ${host}` : String(component ?? "")
    }, 1),
    col("Message", "string", "Event message.", (e) => String((core ? e.message : e.note) ?? "")),
    col(
      "First Seen",
      "string",
      "Time since the event was first seen.",
      (e, now) => since(core ? e.firstTimestamp ?? e.eventTime : e.deprecatedFirstTimestamp ?? e.eventTime, now),
      1
    ),
    col(
      "Count",
      "string",
      "How often the event occurred.",
      (e) => String(e.series?.count ?? (core ? e.count : e.deprecatedCount) ?? 1),
      1
    ),
    col("Name", "string", "Event name.", (e) => String(e.metadata?.name ?? ""), 1, "name")
  ]
}

const accessModes = (modes: unknown): string => {
  const short: Record<string, string> = {
    ReadWriteOnce: "RWO",
    ReadOnlyMany: "ROX",
    ReadWriteMany: "RWX",
    ReadWriteOncePod: "RWOP"
  }
  return Array.isArray(modes) ? modes.map((m) => short[m] ?? m).join(",") : ""
}

const ingressHosts = (i: Obj): string => {
  const hosts = ((i.spec?.rules ?? []) as Array<Obj>).map((r) => r.host).filter((h) =>
    typeof h === "string" && h !== ""
  )
  if (hosts.length === 0) return "*"
  return hosts.length > 3 ? `${hosts.slice(0, 3).join(",")} + ${hosts.length - 3} more...` : hosts.join(",")
}

const jobWide: ReadonlyArray<Column> = [
  col(
    "Containers",
    "string",
    "Container names.",
    (x) => containersOf(x.spec?.template).map((c) => c.name).join(","),
    1
  ),
  col("Images", "string", "Container images.", (x) => containersOf(x.spec?.template).map((c) => c.image).join(","), 1),
  col("Selector", "string", "Label selector.", (x) => none(labelSelectorToString(x.spec?.selector)), 1)
]

/** `listWithMoreString`: the first three, then how many more; `<unset>` for none. */
const firstThree = (list: ReadonlyArray<string>): string => {
  if (list.length === 0) return "<unset>"
  return list.length > 3 ? `${list.slice(0, 3).join(",")} + ${list.length - 3} more...` : list.join(",")
}

const endpointSliceColumns: ReadonlyArray<Column> = [
  nameColumn,
  col("AddressType", "string", "Type of the addresses.", (s) => String(s.addressType ?? "")),
  col("Ports", "string", "Ports served.", (s) =>
    firstThree(
      ((s.ports ?? []) as Array<Obj>).map((p) =>
        typeof p.port === "number" ? String(p.port) : typeof p.name === "string" ? p.name : "*"
      )
    )),
  col(
    "Endpoints",
    "string",
    "Endpoint addresses.",
    (s) => firstThree(((s.endpoints ?? []) as Array<Obj>).flatMap((e) => (e.addresses ?? []) as Array<string>))
  ),
  ageColumn
]

const controllerRevisionColumns: ReadonlyArray<Column> = [
  nameColumn,
  col("Controller", "string", "Controller of the revision.", (r) => {
    const ref = ((r.metadata?.ownerReferences ?? []) as Array<Obj>).find((o) => o.controller === true)
    if (ref === undefined) return "<none>"
    const apiVersion = String(ref.apiVersion ?? "")
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : ""
    return `${String(ref.kind).toLowerCase()}${group === "" ? "" : `.${group}`}/${ref.name}`
  }),
  col("Revision", "integer", "Revision number.", (r) => int(r.revision)),
  ageColumn
]

const extraColumns: Record<string, ReadonlyArray<Column>> = {
  "/events": eventColumns(true),
  "discovery.k8s.io/endpointslices": endpointSliceColumns,
  "apps/controllerrevisions": controllerRevisionColumns,
  "events.k8s.io/events": eventColumns(false),
  "apps/daemonsets": [
    nameColumn,
    col("Desired", "integer", "Nodes that should run the pod.", (d) => int(d.status?.desiredNumberScheduled)),
    col("Current", "integer", "Nodes running the pod.", (d) => int(d.status?.currentNumberScheduled)),
    col("Ready", "integer", "Nodes with a ready pod.", (d) => int(d.status?.numberReady)),
    col("Up-to-date", "integer", "Nodes with the latest pod.", (d) => int(d.status?.updatedNumberScheduled)),
    col("Available", "integer", "Nodes with an available pod.", (d) => int(d.status?.numberAvailable)),
    col("Node Selector", "string", "Node selector.", (d) =>
      none(
        Object.entries((d.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>).map(([k, v]) =>
          `${k}=${v}`
        ).join(",")
      )),
    ageColumn,
    ...jobWide
  ],
  "batch/cronjobs": [
    nameColumn,
    col("Schedule", "string", "Cron schedule.", (c) => String(c.spec?.schedule ?? "")),
    col("Timezone", "string", "Time zone of the schedule.", (c) => none(c.spec?.timeZone)),
    col(
      "Suspend",
      "boolean",
      "Whether the cron job is suspended.",
      (c) => (c.spec?.suspend === true ? "True" : "False")
    ),
    col("Active", "integer", "Running jobs.", (c) => ((c.status?.active ?? []) as Array<unknown>).length),
    col(
      "Last Schedule",
      "string",
      "Time since the last schedule.",
      (c, now) =>
        typeof c.status?.lastScheduleTime === "string"
          ? humanDuration(now - Date.parse(c.status.lastScheduleTime))
          : "<none>"
    ),
    ageColumn,
    col(
      "Containers",
      "string",
      "Container names.",
      (x) => containersOf(x.spec?.jobTemplate?.spec?.template).map((c) => c.name).join(","),
      1
    ),
    col(
      "Images",
      "string",
      "Container images.",
      (x) => containersOf(x.spec?.jobTemplate?.spec?.template).map((c) => c.image).join(","),
      1
    ),
    col(
      "Selector",
      "string",
      "Label selector.",
      (x) => none(labelSelectorToString(x.spec?.jobTemplate?.spec?.selector)),
      1
    )
  ],
  "networking.k8s.io/ingresses": [
    nameColumn,
    col("Class", "string", "Ingress class.", (i) => none(i.spec?.ingressClassName)),
    col("Hosts", "string", "Hosts served.", ingressHosts),
    col(
      "Address",
      "string",
      "Load balancer addresses.",
      (i) => ((i.status?.loadBalancer?.ingress ?? []) as Array<Obj>).map((x) => x.ip ?? x.hostname).join(",")
    ),
    col(
      "Ports",
      "string",
      "Ports served.",
      (i) => (((i.spec?.tls ?? []) as Array<unknown>).length > 0 ? "80, 443" : "80")
    ),
    ageColumn
  ],
  "/persistentvolumeclaims": [
    nameColumn,
    col(
      "Status",
      "string",
      "Claim phase.",
      (c) => c.metadata?.deletionTimestamp !== undefined ? "Terminating" : String(c.status?.phase ?? "")
    ),
    col("Volume", "string", "Bound volume.", (c) => String(c.spec?.volumeName ?? "")),
    col("Capacity", "string", "Bound capacity.", (c) => String(c.status?.capacity?.storage ?? "")),
    col("Access Modes", "string", "Access modes.", (c) => accessModes(c.status?.accessModes)),
    col("StorageClass", "string", "Storage class.", (c) => String(c.spec?.storageClassName ?? "")),
    col(
      "VolumeAttributesClass",
      "string",
      "Volume attributes class.",
      (c) => String(c.spec?.volumeAttributesClassName ?? "<unset>")
    ),
    ageColumn,
    col("VolumeMode", "string", "Volume mode.", (c) => String(c.spec?.volumeMode ?? "<unset>"), 1)
  ],
  "coordination.k8s.io/leases": [
    nameColumn,
    col("Holder", "string", "Lease holder.", (l) => String(l.spec?.holderIdentity ?? "")),
    ageColumn
  ]
}

const columnsByResource: Record<string, ReadonlyArray<Column>> = {
  ...extraColumns,
  "/pods": podColumns,
  "/services": serviceColumns,
  "/namespaces": [
    nameColumn,
    col("Status", "string", "Namespace phase.", (n) => String(n.status?.phase ?? "")),
    ageColumn
  ],
  "/configmaps": [nameColumn, col("Data", "integer", "Number of entries.", dataCount), ageColumn],
  "/secrets": [
    nameColumn,
    col("Type", "string", "Secret type.", (s) => String(s.type ?? "Opaque")),
    col("Data", "integer", "Number of entries.", dataCount),
    ageColumn
  ],
  "/nodes": [
    nameColumn,
    col("Status", "string", "Node readiness.", (n) => {
      const ready = ((n.status?.conditions ?? []) as Array<Obj>).find((c) => c.type === "Ready")
      const base = ready === undefined ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady"
      return n.spec?.unschedulable === true ? `${base},SchedulingDisabled` : base
    }),
    col("Roles", "string", "Node roles.", (n) => {
      const roles = Object.keys(n.metadata?.labels ?? {}).filter((k) => k.startsWith("node-role.kubernetes.io/"))
        .map((k) => k.slice("node-role.kubernetes.io/".length))
      return roles.length === 0 ? "<none>" : roles.join(",")
    }),
    ageColumn,
    col("Version", "string", "Kubelet version.", (n) => String(n.status?.nodeInfo?.kubeletVersion ?? "")),
    col("Internal-IP", "string", "Internal address.", (n) => nodeAddress(n, "InternalIP"), 1),
    col("External-IP", "string", "External address.", (n) => nodeAddress(n, "ExternalIP"), 1),
    col("OS-Image", "string", "OS image.", (n) => none(n.status?.nodeInfo?.osImage), 1),
    col("Kernel-Version", "string", "Kernel version.", (n) => none(n.status?.nodeInfo?.kernelVersion), 1),
    col(
      "Container-Runtime",
      "string",
      "Container runtime.",
      (n) => none(n.status?.nodeInfo?.containerRuntimeVersion),
      1
    )
  ],
  "/serviceaccounts": [nameColumn, ageColumn],
  "/replicationcontrollers": replicaSetColumns,
  "apps/deployments": deploymentColumns,
  "apps/replicasets": replicaSetColumns,
  "apps/statefulsets": statefulSetColumns,
  "batch/jobs": [
    nameColumn,
    col("Status", "string", "Job status.", (j) => {
      const conds = (j.status?.conditions ?? []) as Array<Obj>
      if (conds.some((c) => c.type === "Complete" && c.status === "True")) return "Complete"
      if (conds.some((c) => c.type === "Failed" && c.status === "True")) return "Failed"
      if (j.metadata?.deletionTimestamp !== undefined) return "Terminating"
      if (j.spec?.suspend === true) return "Suspended"
      return "Running"
    }),
    col(
      "Completions",
      "string",
      "Succeeded out of desired completions.",
      (j) => `${int(j.status?.succeeded)}/${typeof j.spec?.completions === "number" ? j.spec.completions : 1}`
    ),
    col("Duration", "string", "Time the job ran.", (j, now) => {
      const start = j.status?.startTime
      if (typeof start !== "string") return ""
      const end = typeof j.status?.completionTime === "string" ? Date.parse(j.status.completionTime) : now
      return humanDuration(end - Date.parse(start))
    }),
    ageColumn,
    ...jobWide
  ],
  "apiextensions.k8s.io/customresourcedefinitions": [
    nameColumn,
    col("Created At", "date", "Creation time.", (c) => String(c.metadata?.creationTimestamp ?? ""))
  ]
}

const customColumns = (served: Served): ReadonlyArray<Column> | undefined => {
  const declared = served.printerColumns
  if (declared === undefined || declared.length === 0) return undefined
  return [
    nameColumn,
    ...declared.map((c) =>
      col(
        c.name,
        c.type,
        c.description ?? "",
        (o, now) => {
          const v = readPath(o, c.jsonPath)
          if (v === undefined || v === null) return null
          if (c.type === "date" && typeof v === "string") return humanDuration(now - Date.parse(v))
          if (typeof v === "object") return JSON.stringify(v)
          return v as Cell
        },
        c.priority ?? 0,
        c.format ?? ""
      )
    )
  ]
}

export const columnsFor = (served: Served): ReadonlyArray<Column> =>
  customColumns(served) ?? columnsByResource[`${served.info.group}/${served.info.plural}`] ?? [nameColumn, ageColumn]

export interface TableOptions {
  readonly includeObject: "None" | "Metadata" | "Object"
  readonly includeColumns: boolean
}

/** Renders objects as a meta.k8s.io/v1 Table (rows carry PartialObjectMetadata unless asked otherwise). */
export const toTable = (
  served: Served,
  objects: ReadonlyArray<Obj>,
  now: number,
  listMeta: Obj,
  options: TableOptions
): Obj => {
  const columns = columnsFor(served)
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: options.includeColumns ? columns.map((c) => c.def) : [],
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      ...(options.includeObject === "None"
        ? {}
        : {
          object: options.includeObject === "Object"
            ? o
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata }
        })
    }))
  }
}
