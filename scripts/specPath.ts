import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))
// The repository checkout, or a git worktree one level further down.
const candidates = [
  Path.resolve(here, "../../shared/kubernetes-openapi/swagger-v1.36.json"),
  Path.resolve(here, "../../../shared/kubernetes-openapi/swagger-v1.36.json")
]

/**
 * The bundled Kubernetes 1.36 spec sits in `shared/` beside the repository (never inside it: users of the package
 * never need it). `EFFECT_KUBE_SPEC` points elsewhere.
 */
export const defaultSpecPath: string = process.env["EFFECT_KUBE_SPEC"] ??
  candidates.find((c) => Fs.existsSync(c)) ?? candidates[0]!
