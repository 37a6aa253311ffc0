/**
 * The dynamic client's request building: one `ResourceClient` per GVR and namespace, every call a KubeRequest sent
 * through the RestClient and decoded as plain JSON.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type {
  DynamicResourceClient as ResourceClient,
  NamespaceableResourceClient,
  Subresource
} from "../../DynamicResourceClient.js"
import * as KubeRequest from "../../KubeRequest.js"
import type { Service as RestClientService } from "../../RestClient.js"
import { Unstructured, type UnstructuredList } from "../../Unstructured.js"
import type { GroupVersionResource } from "../discovery/gvk.js"

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Items of a typed list (`PodList`) come without apiVersion and kind; like client-go's unstructured list decoding,
 * fill them in from the list.
 */
export const fillItemKinds = (
  items: ReadonlyArray<Unstructured>,
  listApiVersion: string | undefined,
  listKind: string | undefined
): ReadonlyArray<Unstructured> => {
  const kind = listKind !== undefined && listKind.endsWith("List") ? listKind.slice(0, -4) : undefined
  if (kind === undefined || kind === "") return items
  return items.map((item) =>
    item.kind !== undefined && item.apiVersion !== undefined
      ? item
      : { apiVersion: listApiVersion, kind, ...item, ...(item.kind === undefined ? { kind } : {}) }
  )
}

const toList = (raw: Unstructured): UnstructuredList => {
  const items = Array.isArray(raw.items) ? raw.items.filter(isRecord) as ReadonlyArray<Unstructured> : []
  return {
    ...raw,
    items: fillItemKinds(items, raw.apiVersion, raw.kind)
  } as UnstructuredList
}

const nameOf = (obj: Unstructured): string | undefined => {
  const name = obj.metadata?.name
  return typeof name === "string" ? name : undefined
}

export const makeResourceClient = (
  rest: RestClientService,
  gvr: GroupVersionResource,
  namespace: string | undefined
): ResourceClient => {
  const target = (name?: string, subresource?: string): KubeRequest.Target => ({
    group: gvr.group,
    version: gvr.version,
    resource: gvr.resource,
    namespace,
    name,
    subresource
  })
  const run = (request: KubeRequest.KubeRequest) => rest.execute(request, Unstructured)
  const listRequest = (options: KubeRequest.ListOptions | undefined) =>
    KubeRequest.listOptions(KubeRequest.list(target()), options ?? {})

  const update = (obj: Unstructured, options: (KubeRequest.UpdateOptions & Subresource) | undefined) =>
    run(KubeRequest.updateOptions(KubeRequest.update(target(nameOf(obj), options?.subresource), obj), options ?? {}))

  return {
    gvr,
    targetNamespace: namespace,
    get: (name, options) =>
      run(KubeRequest.getOptions(KubeRequest.get(target(name, options?.subresource)), options ?? {})),
    list: (options) => Effect.map(run(listRequest(options)), toList),
    listPages: (options, pages) =>
      Stream.map(
        rest.listPages(listRequest(options), Unstructured, pages),
        (page) => ({ ...page, items: fillItemKinds(page.items, page.apiVersion, page.kind) })
      ),
    listAll: (options, pages) =>
      Stream.mapConcat(
        rest.listPages(listRequest(options), Unstructured, pages),
        (page) => fillItemKinds(page.items, page.apiVersion, page.kind)
      ),
    watch: (options) => rest.watch(KubeRequest.listOptions(KubeRequest.watch(target()), options ?? {}), Unstructured),
    create: (obj, options) =>
      run(
        KubeRequest.createOptions(
          KubeRequest.create(
            options?.subresource === undefined ? target() : target(nameOf(obj), options.subresource),
            obj
          ),
          options ?? {}
        )
      ),
    update,
    updateStatus: (obj, options) => update(obj, { ...options, subresource: "status" }),
    patch: (name, patchType, body, options) =>
      run(
        KubeRequest.patchOptions(KubeRequest.patch(target(name, options?.subresource), patchType, body), options ?? {})
      ),
    delete: (name, options) => {
      const request = KubeRequest.del(target(name))
      return run(options === undefined ? request : KubeRequest.deleteOptions(request, options))
    },
    deleteCollection: (options, listOptions) => {
      const request = KubeRequest.listOptions(KubeRequest.deleteCollection(target()), listOptions ?? {})
      return run(options === undefined ? request : KubeRequest.deleteOptions(request, options))
    }
  }
}

export const makeNamespaceable = (rest: RestClientService, gvr: GroupVersionResource): NamespaceableResourceClient => ({
  ...makeResourceClient(rest, gvr, undefined),
  namespace: (namespace) => makeResourceClient(rest, gvr, namespace)
})
