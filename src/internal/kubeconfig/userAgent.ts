/**
 * The default User-Agent, in client-go's shape: `<command>/<version> (<os>/<arch>) <component>/<commit>`.
 */
import * as NodeFs from "node:fs"

const goOs = (platform: string): string => platform === "win32" ? "windows" : platform

const goArch = (arch: string): string =>
  arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch === "ppc64" ? "ppc64le" : arch

// package.json sits three levels above this file both in src/internal/kubeconfig and dist/internal/kubeconfig.
const readVersion = (): string => {
  try {
    const text = NodeFs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8")
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") {
      return parsed.version
    }
  } catch {
    // A bundler may have moved this file away from package.json; the agent still needs a version slot.
  }
  return "unknown"
}

let cached: string | undefined

export const version = (): string => cached ??= readVersion()

export const defaultUserAgent = (): string =>
  `effect-kube/${version()} (${goOs(process.platform)}/${goArch(process.arch)}) effect-kube/unknown`
