// The simulated endpointslice controller in-process under TestClock: a Service's slice follows its pods (IPs,
// ready / serving / terminating, nodeName, targetRef, ports resolved from named target ports), keeps a placeholder
// without pods, splits pods that resolve ports differently, and goes with the Service.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { del, get, patch, pod, post } from "./fixtures/fake/client.js"
import { eventually, quiesce } from "./fixtures/fake/simulate.js"

const withFake = (options: FakeApiServer.Options = {}) => Effect.provide(FakeApiServer.layer(options))
const core = "/api/v1/namespaces/default"
const slicesPath = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
const items = (path: string) => Effect.map(get(path), (r) => (r.json?.items ?? []) as Array<any>)
const slicesOf = (service: string) => items(`${slicesPath}?labelSelector=kubernetes.io/service-name=${service}`)

const service = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, labels: { team: "shop" } },
  spec
})

const webPod = (name: string, containerPort: number, extra: Record<string, any> = {}) =>
  pod(name, {
    metadata: { labels: { app: "web" }, ...(extra.metadata ?? {}) },
    spec: { containers: [{ name: "web", image: "nginx", ports: [{ name: "http", containerPort }] }] }
  })

const byPod = (slice: any) =>
  Object.fromEntries((slice.endpoints ?? []).map((e: any) => [e.targetRef.name, e.conditions]))

describe("simulated EndpointSlices", () => {
  it.effect("one slice per Service, following its pods from not ready to ready to terminating", () =>
    Effect.gen(function*() {
      const svc = (yield* post(
        `${core}/services`,
        service("web", {
          selector: { app: "web" },
          ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "admin", port: 9000, targetPort: 9001 }]
        })
      )).json
      // No pods yet: the placeholder.
      const [placeholder, ...none] = yield* eventually(slicesOf("web"), (s) => s.length === 1)
      expect(none).toEqual([])
      expect(placeholder).toMatchObject({ addressType: "IPv4", endpoints: [], ports: [] })
      expect(placeholder.metadata.name).toMatch(/^web-[a-z0-9]{5}$/)
      expect(placeholder.metadata.labels).toEqual({
        team: "shop",
        "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"
      })
      expect(placeholder.metadata.ownerReferences).toEqual([{
        apiVersion: "v1",
        kind: "Service",
        name: "web",
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true
      }])

      yield* post(`${core}/pods`, webPod("web-a", 8080))
      yield* post(`${core}/pods`, webPod("web-b", 8080, { metadata: { finalizers: ["example.com/hold"] } }))
      yield* post(`${core}/pods`, pod("other", { metadata: { labels: { app: "other" } } }))
      // Running with an IP but not Ready yet: listed, not ready.
      const starting = yield* eventually(
        slicesOf("web"),
        (s) => s[0]?.endpoints?.length === 2,
        { step: "50 millis" }
      )
      expect(Object.values(byPod(starting[0]))).toEqual([
        { ready: false, serving: false, terminating: false },
        { ready: false, serving: false, terminating: false }
      ])
      const [slice] = yield* eventually(
        slicesOf("web"),
        (s) => Object.values(byPod(s[0])).every((c: any) => c.ready === true),
        { step: "50 millis" }
      )
      expect(slice.metadata.name).toBe(placeholder.metadata.name)
      const pods = (yield* items(`${core}/pods`)).filter((p) => p.metadata.labels.app === "web")
      expect(slice.endpoints).toEqual(pods.map((p) => ({
        addresses: [p.status.podIP],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: "Pod", namespace: "default", name: p.metadata.name, uid: p.metadata.uid },
        nodeName: "sim-node-0"
      })))
      expect(slice.ports).toEqual([
        { name: "http", port: 8080, protocol: "TCP" },
        { name: "admin", port: 9001, protocol: "TCP" }
      ])

      // Deleted but held by a finalizer: terminating, no longer ready, still serving.
      yield* del(`${core}/pods/web-b`)
      const [terminating] = yield* eventually(slicesOf("web"), (s) => byPod(s[0])["web-b"]?.terminating === true)
      expect(byPod(terminating)).toEqual({
        "web-a": { ready: true, serving: true, terminating: false },
        "web-b": { ready: false, serving: true, terminating: true }
      })
      yield* patch(`${core}/pods/web-b`, { metadata: { finalizers: null } }, "application/merge-patch+json")
      const [gone] = yield* eventually(slicesOf("web"), (s) => s[0]?.endpoints?.length === 1)
      expect(Object.keys(byPod(gone))).toEqual(["web-a"])

      // The Service goes: its slices go with it (garbage collector, ownerReference).
      yield* del(`${core}/services/web`)
      yield* eventually(items(slicesPath), (s) => s.length === 0)
    }).pipe(withFake({ simulate: true })))

  it.effect("pods resolving a named port differently get slices of their own; no selector, no slices", () =>
    Effect.gen(function*() {
      yield* post(
        `${core}/services`,
        service("web", { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] })
      )
      yield* post(`${core}/services`, service("external", { ports: [{ port: 80 }] }))
      yield* post(`${core}/pods`, webPod("web-a", 8080))
      yield* post(`${core}/pods`, webPod("web-b", 8081))
      const slices = yield* eventually(
        slicesOf("web"),
        (s) => s.length === 2 && s.every((x) => x.endpoints.length === 1 && x.endpoints[0].conditions.ready),
        { step: "50 millis" }
      )
      const ports = Object.fromEntries(slices.map((s) => [s.endpoints[0].targetRef.name, s.ports]))
      expect(ports).toEqual({
        "web-a": [{ name: "", port: 8080, protocol: "TCP" }],
        "web-b": [{ name: "", port: 8081, protocol: "TCP" }]
      })
      yield* quiesce(5)
      expect(yield* slicesOf("external")).toEqual([])
    }).pipe(withFake({ simulate: true })))

  it.effect("switched off with endpoints: false", () =>
    Effect.gen(function*() {
      yield* post(`${core}/services`, service("web", { selector: { app: "web" }, ports: [{ port: 80 }] }))
      yield* post(`${core}/pods`, webPod("web-a", 80))
      yield* quiesce(100)
      expect(yield* items(slicesPath)).toEqual([])
    }).pipe(withFake({ simulate: { endpoints: false } })))
})
