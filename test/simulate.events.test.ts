// The simulated controllers' Events, as kubectl describe and kubectl get events read them: the deployment
// controller's scaling, the replicaset controller's pods, the scheduler's bindings and the kubelet's containers.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FakeApiServer from "../src/FakeApiServer.js"
import { deployment, get, patch, post, statefulSet } from "./fixtures/fake/client.js"
import { eventually } from "./fixtures/fake/simulate.js"

const apps = "/apis/apps/v1/namespaces/default"
const events = (fieldSelector: string) =>
  Effect.map(
    get(`/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(fieldSelector)}`),
    (r) => (r.json?.items ?? []) as Array<any>
  )
const said = (list: Array<any>) => list.map((e) => `${e.source.component} ${e.reason}: ${e.message}`).sort()

describe("simulated events", () => {
  it.effect("scaling a Deployment up and down is told by each controller and the kubelet", () =>
    Effect.gen(function*() {
      expect((yield* post(`${apps}/deployments`, deployment("web", 2))).status).toBe(201)
      const [d] = (yield* get(`${apps}/deployments`)).json.items
      const ofDeployment = `involvedObject.kind=Deployment,involvedObject.name=web,involvedObject.uid=${d.metadata.uid}`
      yield* eventually(events(ofDeployment), (list) => list.length === 1, { step: "100 millis" })
      const rs = (yield* get(`${apps}/replicasets`)).json.items[0]
      expect(said(yield* events(ofDeployment))).toEqual([
        `deployment-controller ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 2`
      ])
      const ofReplicaSet = `involvedObject.kind=ReplicaSet,involvedObject.name=${rs.metadata.name}`
      const created = yield* eventually(events(ofReplicaSet), (list) => list.length === 2)
      const pods = ((yield* get("/api/v1/namespaces/default/pods")).json.items as Array<any>).map((p) =>
        p.metadata.name
      )
      expect(said(created)).toEqual(pods.map((p) => `replicaset-controller SuccessfulCreate: Created pod: ${p}`).sort())

      // Each pod: bound by the scheduler, then its container pulled, created and started on the node.
      const pod = pods[0]!
      const ofPod = `involvedObject.kind=Pod,involvedObject.name=${pod}`
      const told = yield* eventually(events(ofPod), (list) => list.length === 4, { step: "100 millis" })
      expect(said(told)).toEqual([
        `default-scheduler Scheduled: Successfully assigned default/${pod} to sim-node-0`,
        `kubelet Created: Created container: app`,
        `kubelet Pulled: Container image "nginx:1.27" already present on machine`,
        `kubelet Started: Started container app`
      ])
      const started = told.find((e) => e.reason === "Started")
      expect(started).toMatchObject({
        type: "Normal",
        count: 1,
        involvedObject: { apiVersion: "v1", kind: "Pod", namespace: "default", fieldPath: "spec.containers{app}" },
        source: { component: "kubelet", host: "sim-node-0" }
      })
      expect(started.metadata.name.startsWith(`${pod}.`)).toBe(true)
      expect(started.firstTimestamp).toBe(started.lastTimestamp)

      // Scaled down: the surplus pod deleted (its container stopped by the kubelet), and each step told.
      expect(
        (yield* patch(`${apps}/deployments/web`, { spec: { replicas: 1 } }, "application/merge-patch+json")).status
      )
        .toBe(200)
      yield* eventually(events(ofDeployment), (list) => list.length === 2, { step: "100 millis" })
      expect(said(yield* events(ofDeployment))).toContain(
        `deployment-controller ScalingReplicaSet: Scaled down replica set ${rs.metadata.name} from 2 to 1`
      )
      const deleted = (yield* eventually(
        events(ofReplicaSet),
        (list) => list.some((e) => e.reason === "SuccessfulDelete")
      )).find((e) => e.reason === "SuccessfulDelete")
      const gone = String(deleted.message).replace("Deleted pod: ", "")
      expect(pods).toContain(gone)
      const killing = yield* eventually(
        events(`involvedObject.name=${gone},reason=Killing`),
        (list) => list.length === 1,
        { step: "100 millis" }
      )
      expect(said(killing)).toEqual(["kubelet Killing: Stopping container app"])
    }).pipe(Effect.provide(FakeApiServer.layer({ simulate: true }))))

  it.effect("a StatefulSet's and a Job's pods are told by their controllers", () =>
    Effect.gen(function*() {
      const template = { spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox" }] } }
      expect((yield* post(`${apps}/statefulsets`, statefulSet("db", 2))).status).toBe(201)
      const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi" }, spec: { template } }
      expect((yield* post("/apis/batch/v1/namespaces/default/jobs", job)).status).toBe(201)
      const ofSet = yield* eventually(
        events("involvedObject.kind=StatefulSet,involvedObject.name=db"),
        (list) => list.length === 2,
        { step: "100 millis", tries: 100 }
      )
      expect(said(ofSet)).toEqual([
        "statefulset-controller SuccessfulCreate: create Pod db-0 in StatefulSet db successful",
        "statefulset-controller SuccessfulCreate: create Pod db-1 in StatefulSet db successful"
      ])
      const ofJob = yield* eventually(
        events("involvedObject.kind=Job,involvedObject.name=pi"),
        (list) => list.length > 0
      )
      const pod =
        ((yield* get("/api/v1/namespaces/default/pods?labelSelector=job-name%3Dpi")).json.items as Array<any>)[0]
      expect(said(ofJob)).toEqual([`job-controller SuccessfulCreate: Created pod: ${pod.metadata.name}`])
      const ended = yield* eventually(
        events("involvedObject.kind=Job,involvedObject.name=pi,reason=Completed"),
        (list) => list.length === 1,
        { step: "100 millis", tries: 100 }
      )
      expect(said(ended)).toEqual(["job-controller Completed: Job completed"])
    }).pipe(Effect.provide(FakeApiServer.layer({ simulate: true }))))
})
