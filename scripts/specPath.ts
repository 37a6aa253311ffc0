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

/** Whether the spec is on this machine; a clone outside the workspace has no `shared/` beside it. */
export const specAvailable: boolean = Fs.existsSync(defaultSpecPath)

/**
 * Tests that read the spec skip where it is absent, so `npm test` passes on any clone (the generated code is
 * committed). `.ci/run` sets `EFFECT_KUBE_REQUIRE_SPEC=1`: there a missing spec fails instead of skipping.
 */
export const skipWithoutSpec: boolean = !specAvailable && process.env["EFFECT_KUBE_REQUIRE_SPEC"] !== "1"

/** The spec's JSON, or `fallback` when the tests that need it are skipped. */
export const readSpec = <A>(fallback: A): A =>
  skipWithoutSpec ? fallback : JSON.parse(Fs.readFileSync(defaultSpecPath, "utf8")) as A
