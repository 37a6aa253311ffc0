/**
 * The order objects are applied in: Namespaces and CustomResourceDefinitions first (so what lives in them can be
 * created in the same run), then helm's install order by kind, unknown kinds (custom resources) last. Deleting
 * walks the same order backwards.
 */
const kinds = [
  "Namespace",
  "CustomResourceDefinition",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration"
]

const rank = new Map(kinds.map((kind, i) => [kind, i]))

export const kindRank = (kind: string | undefined): number => rank.get(kind ?? "") ?? kinds.length

/** Indices of `items` in apply order; stable, so objects of one kind keep their order in the manifest. */
export const applyOrder = <A>(items: ReadonlyArray<A>, kindOf: (a: A) => string | undefined): ReadonlyArray<number> =>
  items.map((item, index) => ({ index, rank: kindRank(kindOf(item)) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((e) => e.index)
