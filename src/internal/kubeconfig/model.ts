/**
 * The merged kubeconfig: what client-go keeps in `clientcmdapi.Config` after applying the loading rules. Every named
 * entry remembers the file that defined it, because relative paths inside it resolve against that file's directory.
 */
import type * as S from "../../KubeconfigModel.js"
import type { Entry, Kubeconfig, KubeconfigFile } from "../../KubeconfigModel.js"

export type { Entry, Kubeconfig, KubeconfigFile } from "../../KubeconfigModel.js"

export const empty: Kubeconfig = {
  files: [],
  clusters: [],
  users: [],
  contexts: [],
  currentContext: "",
  preferences: {},
  extensions: []
}

const firstWins = <A>(
  files: ReadonlyArray<KubeconfigFile>,
  pick: (file: KubeconfigFile) => ReadonlyArray<{ readonly name: string; readonly value: A }>
): Array<Entry<A>> => {
  const seen = new Set<string>()
  const out: Array<Entry<A>> = []
  for (const file of files) {
    for (const { name, value } of pick(file)) {
      if (seen.has(name)) continue
      seen.add(name)
      out.push({ name, value, origin: file.path })
    }
  }
  return out
}

const mergeExtensions = (
  lists: ReadonlyArray<ReadonlyArray<S.NamedExtension> | undefined>
): Array<S.NamedExtension> => {
  const seen = new Set<string>()
  const out: Array<S.NamedExtension> = []
  for (const list of lists) {
    for (const ext of list ?? []) {
      if (seen.has(ext.name)) continue
      seen.add(ext.name)
      out.push(ext)
    }
  }
  return out
}

/**
 * client-go's merge: a named cluster, user or context comes whole from the first file that defines the name; scalar
 * fields (current-context, preferences.colors) come from the first file that sets them to a non-zero value; named
 * extensions merge by name, first wins.
 */
export const merge = (files: ReadonlyArray<KubeconfigFile>): Kubeconfig => {
  const colors = files.some((file) => file.config.preferences?.colors === true)
  const prefExtensions = mergeExtensions(files.map((file) => file.config.preferences?.extensions))
  const preferences: S.Preferences = {
    ...(colors ? { colors: true } : {}),
    ...(prefExtensions.length > 0 ? { extensions: prefExtensions } : {})
  }
  return {
    files: files.map((file) => file.path),
    clusters: firstWins(files, (f) => (f.config.clusters ?? []).map((c) => ({ name: c.name, value: c.cluster ?? {} }))),
    users: firstWins(files, (f) => (f.config.users ?? []).map((u) => ({ name: u.name, value: u.user ?? {} }))),
    contexts: firstWins(files, (f) => (f.config.contexts ?? []).map((c) => ({ name: c.name, value: c.context ?? {} }))),
    currentContext: files.map((file) => file.config.currentContext ?? "").find((name) => name !== "") ?? "",
    preferences,
    extensions: mergeExtensions(files.map((file) => file.config.extensions))
  }
}
