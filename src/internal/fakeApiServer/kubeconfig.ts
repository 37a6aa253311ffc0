/**
 * The kubeconfig written for a listening fake: one cluster, one token user, one context. Written atomically
 * (temp file + rename) so a watcher of the path never reads half a file.
 *
 * The file holds the server's token, so the temp file gets an unpredictable name in the target's directory and is
 * created exclusively (`wx`: never through an existing file or a planted symlink) with mode 0600, and a target that
 * is a symlink is refused rather than followed or replaced.
 */
import * as Crypto from "node:crypto"
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
  const existing = await Fs.lstat(resolved).catch(() => undefined)
  if (existing?.isSymbolicLink()) {
    throw new Error(`refusing to write the kubeconfig through the symbolic link ${resolved}`)
  }
  if (existing !== undefined && !existing.isFile()) throw new Error(`${resolved} exists and is not a regular file`)
  const tmp = Path.join(
    Path.dirname(resolved),
    `.${Path.basename(resolved)}.${Crypto.randomBytes(12).toString("hex")}.tmp`
  )
  const handle = await Fs.open(tmp, "wx", 0o600)
  try {
    await handle.writeFile(content)
    await handle.close()
    await Fs.rename(tmp, resolved)
  } catch (cause) {
    await handle.close().catch(() => undefined)
    await Fs.rm(tmp, { force: true })
    throw cause
  }
}
