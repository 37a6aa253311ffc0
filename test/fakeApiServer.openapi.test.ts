// /openapi/v2 and /openapi/v3 with the spec's schemas: kubectl explain against the fake, and the documents' shape.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { crd, get, post } from "./fixtures/fake/client.js"
import { kubectl, listenWithHome } from "./fixtures/fake/kubectl.js"

describe("FakeApiServer OpenAPI", () => {
  it.live("kubectl explain reads the v3 schemas", () =>
    Effect.gen(function*() {
      const { home, kubeconfig } = yield* listenWithHome("fake-apiserver-openapi-")
      const spec = yield* kubectl(home, kubeconfig, ["explain", "deployment.spec"])
      expect(spec.stderr).toBe("")
      expect(spec.stdout).toMatch(/^KIND:\s+Deployment\nVERSION:\s+v1\n/m)
      expect(spec.stdout).toMatch(/^  selector\t<LabelSelector> -required-$/m)
      expect(spec.stdout).toMatch(/^  replicas\t<integer>$/m)
      const ports = yield* kubectl(home, kubeconfig, ["explain", "pods.spec.containers.ports"])
      expect(ports.stdout).toMatch(/^FIELD: ports <\[\]ContainerPort>$/m)
      expect(ports.stdout).toMatch(/^  containerPort\t<integer> -required-$/m)
      // kubectl validates through the server (fieldValidation=Strict): unknown fields are refused.
      const bad = Path.join(home, "bad.yaml")
      yield* Effect.promise(() =>
        Fs.writeFile(
          bad,
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replica: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, imagePolicy: x}]}\n"
        )
      )
      const refused = yield* kubectl(home, kubeconfig, ["create", "-f", bad, "--validate=strict"])
      expect(refused.stderr).toBe(
        `Error from server (BadRequest): error when creating "${bad}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagePolicy"\n`
      )
      const lenient = yield* kubectl(home, kubeconfig, ["create", "-f", bad, "--validate=false"])
      expect(lenient.stdout).toBe("deployment.apps/web created\n")
    }).pipe(Effect.scoped), 60_000)

  it.effect("v3 group/version documents carry the kinds' schemas and their references; v2 has definitions", () =>
    Effect.gen(function*() {
      const apps = (yield* get("/openapi/v3/apis/apps/v1")).json
      const deployment = apps.components.schemas["io.k8s.api.apps.v1.Deployment"]
      expect(deployment["x-kubernetes-group-version-kind"]).toStrictEqual([
        { group: "apps", version: "v1", kind: "Deployment" }
      ])
      expect(deployment.properties.spec.$ref).toBe("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec")
      expect(apps.components.schemas["io.k8s.api.core.v1.PodSpec"].required).toStrictEqual(["containers"])
      expect(apps.components.schemas["io.k8s.api.core.v1.ConfigMap"]).toBeUndefined()
      expect(JSON.stringify(apps.components)).not.toMatch(/"description"/)
      const v2 = (yield* get("/openapi/v2")).json
      expect(v2.swagger).toBe("2.0")
      expect(v2.definitions["io.k8s.api.core.v1.Pod"].properties.spec.$ref).toBe(
        "#/definitions/io.k8s.api.core.v1.PodSpec"
      )
      // Custom resources: their CRD's schema.
      yield* post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd())
      const custom = (yield* get("/openapi/v3/apis/example.com/v1")).json
      expect(custom.components.schemas["com.example.v1.Widget"]).toMatchObject({
        type: "object",
        "x-kubernetes-group-version-kind": [{ group: "example.com", version: "v1", kind: "Widget" }]
      })
    }).pipe(Effect.provide(FakeApiServer.layer())))
})
