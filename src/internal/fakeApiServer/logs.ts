/**
 * Container logs: text seeded per pod and container through the service, served by `pods/log`, with `follow`
 * streaming lines appended after the request.
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"

interface Entry {
  readonly lines: Array<string>
  readonly listeners: Set<(line: string) => void>
}

export class Logs {
  private readonly entries = new Map<string, Entry>()

  private entry(namespace: string, pod: string, container: string): Entry {
    const key = `${namespace}/${pod}/${container}`
    let e = this.entries.get(key)
    if (e === undefined) this.entries.set(key, e = { lines: [], listeners: new Set() })
    return e
  }

  /** Lines set without a container are what every container of the pod shows until it has its own. */
  private resolve(namespace: string, pod: string, container: string): Entry {
    const own = this.entries.get(`${namespace}/${pod}/${container}`)
    if (own !== undefined) return own
    return this.entries.get(`${namespace}/${pod}/`) ?? this.entry(namespace, pod, container)
  }

  set(namespace: string, pod: string, container: string, lines: ReadonlyArray<string>) {
    const e = this.entry(namespace, pod, container)
    e.lines.length = 0
    e.lines.push(...lines)
  }

  append(namespace: string, pod: string, container: string, lines: ReadonlyArray<string>) {
    const e = this.entry(namespace, pod, container)
    for (const l of lines) {
      e.lines.push(l)
      for (const listener of e.listeners) listener(l)
    }
  }

  read(
    namespace: string,
    pod: string,
    container: string,
    options: { readonly tailLines?: number | undefined; readonly limitBytes?: number | undefined }
  ): string {
    const lines = this.resolve(namespace, pod, container).lines
    const selected = options.tailLines === undefined
      ? lines
      : lines.slice(Math.max(0, lines.length - options.tailLines))
    const text = selected.map((l) => `${l}\n`).join("")
    return options.limitBytes === undefined ? text : text.slice(0, options.limitBytes)
  }

  follow(
    namespace: string,
    pod: string,
    container: string,
    options: { readonly tailLines?: number | undefined }
  ): Stream.Stream<string> {
    const e = this.resolve(namespace, pod, container)
    return Stream.unwrapScoped(Effect.gen(function*() {
      const queue = yield* Queue.unbounded<string>()
      const { existing, listener } = yield* Effect.sync(() => {
        const existing = options.tailLines === undefined
          ? [...e.lines]
          : e.lines.slice(Math.max(0, e.lines.length - options.tailLines))
        const listener = (l: string) => {
          queue.unsafeOffer(`${l}\n`)
        }
        e.listeners.add(listener)
        return { existing, listener }
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => e.listeners.delete(listener)))
      return Stream.concat(Stream.fromIterable(existing.map((l) => `${l}\n`)), Stream.fromQueue(queue))
    }))
  }

  dropPod(namespace: string, pod: string) {
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(`${namespace}/${pod}/`)) this.entries.delete(key)
    }
  }
}
