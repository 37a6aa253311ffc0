/**
 * The kubeconfig written for a listening fake: one cluster, one token user, one context. Written atomically
 * (temp file + rename) so a watcher of the path never reads half a file.
 */
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as YAML from "yaml"

export interface KubeconfigInput {
  readonly server: string
  readonly caPem?: string | undefined
  readonly token: string
  readonly namespace: string
}

export const kubeconfigYaml = (input: KubeconfigInput): string =>
  YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: "fake-apiserver",
      cluster: {
        server: input.server,
        ...(input.caPem !== undefined
          ? { "certificate-authority-data": Buffer.from(input.caPem).toString("base64") }
          : {})
      }
    }],
    users: [{ name: "fake-apiserver", user: { token: input.token } }],
    contexts: [{
      name: "fake-apiserver",
      context: { cluster: "fake-apiserver", user: "fake-apiserver", namespace: input.namespace }
    }],
    "current-context": "fake-apiserver",
    preferences: {}
  })

export const writeAtomically = async (file: string, content: string): Promise<void> => {
  const resolved = Path.resolve(file)
  await Fs.mkdir(Path.dirname(resolved), { recursive: true })
  const tmp = `${resolved}.${process.pid}.${Date.now()}.tmp`
  await Fs.writeFile(tmp, content, { mode: 0o600 })
  await Fs.rename(tmp, resolved)
}
