/** Work-queue keys of namespaced objects (`namespace/name`), as client-go's MetaNamespaceKeyFunc makes them. */
import type { Obj } from "../types.js"

export const keyOf = (obj: Obj): string => `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}`

export const splitKey = (key: string): { readonly namespace: string; readonly name: string } => {
  const slash = key.indexOf("/")
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) }
}

/** The key of the object's controller of a given kind, if it has one. */
export const ownerKey = (obj: Obj, kind: string): string | undefined => {
  const ref = ((obj.metadata?.ownerReferences ?? []) as Array<Obj>).find((r) => r.controller === true)
  return ref !== undefined && ref.kind === kind ? `${obj.metadata?.namespace ?? ""}/${ref.name}` : undefined
}

export const isKind = (obj: Obj, apiVersion: string, kind: string) => obj.apiVersion === apiVersion && obj.kind === kind
