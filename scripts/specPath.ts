import * as Path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The bundled Kubernetes 1.36 spec sits in `shared/` beside the repository (never inside it: users of the package
 * never need it). `EFFECT_KUBE_SPEC` points elsewhere.
 */
export const defaultSpecPath: string = process.env["EFFECT_KUBE_SPEC"] ??
  Path.resolve(
    Path.dirname(fileURLToPath(import.meta.url)),
    "..",
    "..",
    "shared",
    "kubernetes-openapi",
    "swagger-v1.36.json"
  )
