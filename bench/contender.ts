// What every contender implements, so the worker measures them all the same way. Each operation is what a user of
// that client would write; `names` are pod names the server knows.

export interface Rate {
  /** Requests (or events) completed. */
  readonly count: number
  readonly ms: number
  /** CPU time (user + system) of the contender's process over the sample, in microseconds; set by the worker. */
  readonly cpuMicros?: number | undefined
}

export interface Contender {
  /** One unpaged list of the namespace; the items. */
  readonly list: (namespace: string) => Promise<ReadonlyArray<unknown>>
  /** Every item, fetched `limit` at a time following continue tokens. */
  readonly listPaged: (namespace: string, limit: number) => Promise<ReadonlyArray<unknown>>
  /** GETs of pods by name, `concurrency` in flight, until `maxCount` requests or `maxMs` have passed. */
  readonly gets: (
    namespace: string,
    names: ReadonlyArray<string>,
    concurrency: number,
    maxCount: number,
    maxMs: number
  ) => Promise<Rate>
  /** Reads one watch to its end (the server closes it after its events), failing after `maxMs`. */
  readonly watch: (namespace: string, maxMs: number) => Promise<Rate>
  /** An informer's initial sync of the namespace's pods (list, then the watch started); the cached objects. */
  readonly informerSync?: ((namespace: string) => Promise<ReadonlyArray<unknown>>) | undefined
  /** The same, caching only each pod's metadata (PartialObjectMetadata). */
  readonly metadataInformerSync?: ((namespace: string) => Promise<ReadonlyArray<unknown>>) | undefined
  /**
   * An informer over the namespace, synced, then its update events counted until `count`: the rate from the end of
   * the sync to the `count`th update, failing after `maxMs`.
   */
  readonly informerWatch?: ((namespace: string, count: number, maxMs: number) => Promise<Rate>) | undefined
  readonly close: () => Promise<void>
}

export interface Target {
  readonly server: string
  readonly kubeconfig: string
}

/** Runs `worker` on `concurrency` lanes over a shared counter: the same loop for every promise-based contender. */
export const promiseLanes = async (
  concurrency: number,
  maxCount: number,
  maxMs: number,
  one: (i: number) => Promise<unknown>
): Promise<Rate> => {
  let issued = 0
  const start = performance.now()
  const deadline = start + maxMs
  const lane = async () => {
    while (issued < maxCount && performance.now() < deadline) {
      await one(issued++)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return { count: issued, ms: performance.now() - start }
}

export const withTimeout = <A>(what: string, ms: number, promise: Promise<A>, onTimeout?: () => void): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.()
      reject(new Error(`${what} did not finish within ${ms} ms`))
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })
