/**
 * The `pod-template-hash` of a Deployment's ReplicaSets and the `controller-revision-hash` of StatefulSets and
 * DaemonSets: an FNV-32a hash of the template (and the collision count) written with the apiserver's safe
 * alphabet, as kube-controller-manager does. Go hashes its struct dump; we hash canonical JSON, so values differ
 * from a real cluster's but have the same shape, stability and collision handling.
 */
import type { Obj } from "../types.js"
import { isObj } from "../types.js"

export const podTemplateHashLabel = "pod-template-hash"

const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789"

/** Go's `rand.SafeEncodeString`: every character mapped onto an alphabet without vowels or look-alikes. */
export const safeEncodeString = (s: string): string => {
  let out = ""
  for (const ch of s) out += safeAlphabet[ch.codePointAt(0)! % safeAlphabet.length]
  return out
}

const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (isObj(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

export const fnv32a = (bytes: Uint8Array): number => {
  let hash = 0x811c9dc5
  for (const b of bytes) {
    hash ^= b
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

/** `controller.ComputeHash`: the template's hash, salted with the collision count when there is one. */
export const computeHash = (template: unknown, collisionCount?: number | undefined): string => {
  const text = new TextEncoder().encode(canonical(template))
  let bytes = text
  if (collisionCount !== undefined) {
    bytes = new Uint8Array(text.length + 4)
    bytes.set(text)
    new DataView(bytes.buffer).setUint32(text.length, collisionCount >>> 0, true)
  }
  return safeEncodeString(String(fnv32a(bytes)))
}

/** The template without the pod-template-hash label: what "the same template" means for a rollout. */
export const withoutHashLabel = (template: unknown): Obj => {
  const t: Obj = isObj(template) ? template : {}
  const labels = t.metadata?.labels
  if (!isObj(labels) || !(podTemplateHashLabel in labels)) return t
  const { [podTemplateHashLabel]: _h, ...rest } = labels
  return { ...t, metadata: { ...t.metadata, labels: rest } }
}
