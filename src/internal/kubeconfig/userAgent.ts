/**
 * The default User-Agent, in client-go's shape: `<command>/<version> (<os>/<arch>) <component>/<commit>`.
 */
import { packageVersion } from "../version.js"

const goOs = (platform: string): string => platform === "win32" ? "windows" : platform

const goArch = (arch: string): string =>
  arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch === "ppc64" ? "ppc64le" : arch

export const defaultUserAgent = (): string =>
  `effect-kube/${packageVersion} (${goOs(process.platform)}/${goArch(process.arch)}) effect-kube/unknown`
