// @kubernetes/client-node 2.0.1 used as its README shows: KubeConfig.loadFromFile, CoreV1Api with the object-style
// parameters, and Watch. It decodes bodies through its ObjectSerializer (typed models, Date fields).
import type * as K8s from "@kubernetes/client-node"
import { register } from "node:module"
import { type Contender, promiseLanes, type Rate, type Target, withTimeout } from "../contender.js"

export const make = async (target: Target): Promise<Contender> => {
  // client-node imports undici 8, which throws under Node 20; see undiciHook.mjs. The hook must be in place before
  // client-node is first imported, so the import below is dynamic.
  register("../undiciHook.mjs", import.meta.url)
  const k8s: typeof K8s = await import("@kubernetes/client-node")
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(target.kubeconfig)
  const api = kc.makeApiClient(k8s.CoreV1Api)

  const list = async (namespace: string) => (await api.listNamespacedPod({ namespace })).items

  const listPaged = async (namespace: string, limit: number) => {
    const items: Array<unknown> = []
    let token: string | undefined
    for (let page = 0; page < 10_000; page++) {
      const list = await api.listNamespacedPod(
        token === undefined ? { namespace, limit } : { namespace, limit, _continue: token }
      )
      for (const item of list.items) items.push(item)
      token = list.metadata?._continue
      if (token === undefined || token === "") break
    }
    return items
  }

  const gets = (namespace: string, names: ReadonlyArray<string>, concurrency: number, max: number, maxMs: number) =>
    promiseLanes(
      concurrency,
      max,
      maxMs,
      (i) => api.readNamespacedPod({ namespace, name: names[i % names.length]! })
    )

  const watch = (namespace: string, maxMs: number): Promise<Rate> => {
    let controller: AbortController | undefined
    const run = new Promise<Rate>((resolve, reject) => {
      const start = performance.now()
      let count = 0
      new k8s.Watch(kc).watch(
        `/api/v1/namespaces/${namespace}/pods`,
        {},
        (phase) => {
          if (phase !== "ERROR") count++
        },
        (error: unknown) => error ? reject(error) : resolve({ count, ms: performance.now() - start })
      ).then((c) => {
        controller = c
      }, reject)
    })
    return withTimeout("client-node watch", maxMs, run, () => controller?.abort())
  }

  const informerSync = async (namespace: string) => {
    const informer = k8s.makeInformer(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => api.listNamespacedPod({ namespace })
    )
    // start() resolves once the list is cached and the watch is being opened.
    await informer.start()
    const items = informer.list()
    await informer.stop()
    return items
  }

  const informerWatch = (namespace: string, count: number, maxMs: number): Promise<Rate> => {
    const informer = k8s.makeInformer(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      () => api.listNamespacedPod({ namespace })
    )
    let start = 0
    let seen = 0
    const run = new Promise<Rate>((resolve, reject) => {
      informer.on("update", () => {
        if (++seen === count) {
          resolve({ count: seen, ms: performance.now() - start })
          void informer.stop()
        }
      })
      informer.on("error", reject)
      // start() resolves once the list is cached and the watch is being opened.
      informer.start().then(() => {
        start = performance.now()
      }, reject)
    })
    return withTimeout("client-node informer watch", maxMs, run, () => void informer.stop())
  }

  return { list, listPaged, gets, watch, informerSync, informerWatch, close: async () => {} }
}
