/**
 * Requests built with KubeRequest must render the URLs kubectl v1.35 sends for the same operations. The reference is
 * recorded live: a small node:http server on 127.0.0.1 serves just enough discovery for kubectl, records every other
 * request, and each case runs the real kubectl against its own path prefix on that server.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { ensureKubectl } from "../scripts/kubectl.mjs"
import { formatDuration } from "../src/internal/restClient/goUrl.js"
import * as KubeRequest from "../src/KubeRequest.js"

interface Recorded {
  readonly method: string
  readonly url: string
  readonly contentType: string | undefined
  readonly body: string
}

const resource = (name: string, kind: string, namespaced: boolean, verbs?: ReadonlyArray<string>) => ({
  name,
  singularName: "",
  namespaced,
  kind,
  verbs: verbs ?? ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
})

const discovery: Record<string, unknown> = {
  "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
  "/apis": {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: ["apps", "example.com"].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" }
    }))
  },
  "/api/v1": {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: [
      resource("pods", "Pod", true),
      resource("pods/log", "Pod", true, ["get"]),
      resource("pods/status", "Pod", true, ["get", "patch", "update"]),
      resource("namespaces", "Namespace", false),
      resource("nodes", "Node", false),
      resource("configmaps", "ConfigMap", true)
    ]
  },
  "/apis/apps/v1": {
    kind: "APIResourceList",
    groupVersion: "apps/v1",
    resources: [
      resource("deployments", "Deployment", true),
      resource("deployments/scale", "Scale", true, ["get", "patch", "update"])
    ]
  },
  "/apis/example.com/v1": {
    kind: "APIResourceList",
    groupVersion: "example.com/v1",
    resources: [resource("widgets", "Widget", false)]
  }
}

const kinds: Record<string, string> = {
  pods: "Pod",
  namespaces: "Namespace",
  nodes: "Node",
  configmaps: "ConfigMap",
  deployments: "Deployment",
  widgets: "Widget"
}

/** Answers like an API server would for the shapes kubectl needs to finish each command. */
const answer = (pathname: string, query: URLSearchParams, method: string): { type: string; body: string } => {
  const segs = pathname.split("/").filter(Boolean)
  const gv = segs[0] === "api" ? "v1" : `${segs[1]}/${segs[2]}`
  let rest = segs[0] === "api" ? segs.slice(2) : segs.slice(3)
  let namespace: string | undefined
  if (rest[0] === "namespaces" && rest.length > 2) {
    namespace = rest[1]
    rest = rest.slice(2)
  }
  const kind = kinds[rest[0] ?? ""] ?? "Thing"
  if (query.get("watch") === "true") return { type: "application/json", body: "" }
  if (rest[2] === "log") return { type: "text/plain", body: "line1\n" }
  if (rest.length === 1 && method === "GET") {
    return {
      type: "application/json",
      body: JSON.stringify({ kind: `${kind}List`, apiVersion: gv, metadata: { resourceVersion: "1" }, items: [] })
    }
  }
  if (rest[2] === "scale") {
    return {
      type: "application/json",
      body: JSON.stringify({
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: { name: rest[1], namespace },
        spec: { replicas: 1 }
      })
    }
  }
  return {
    type: "application/json",
    body: JSON.stringify({
      kind,
      apiVersion: gv,
      metadata: { name: rest[1] ?? "created", namespace, resourceVersion: "5", uid: "u1" },
      spec: { containers: [{ name: "c", image: "i" }] }
    })
  }
}

const recorded = new Map<string, Array<Recorded>>()
let server: http.Server
let port = 0
let tmp = ""
let kubectl = ""

beforeAll(async () => {
  kubectl = ensureKubectl()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "effect-kube-kubectl-"))
  fs.writeFileSync(
    path.join(tmp, "pod.yaml"),
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p2, namespace: ns2}\nspec: {containers: [{name: c, image: i}]}\n"
  )
  server = http.createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => body += chunk)
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const [, prefix = "", ...restSegs] = url.pathname.split("/")
      const pathname = "/" + restSegs.join("/")
      const disco = discovery[pathname]
      if (disco !== undefined) {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify(disco))
        return
      }
      if (pathname.startsWith("/openapi") || pathname.includes("customresourcedefinitions")) {
        res.writeHead(404, { "content-type": "application/json" })
        res.end("{}")
        return
      }
      const list = recorded.get(prefix) ?? []
      list.push({ method: req.method ?? "", url: req.url ?? "", contentType: req.headers["content-type"], body })
      recorded.set(prefix, list)
      const reply = answer(pathname, url.searchParams, req.method ?? "GET")
      res.writeHead(200, { "content-type": reply.type })
      res.end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (tmp !== "") fs.rmSync(tmp, { recursive: true, force: true })
})

const runKubectl = (prefix: string, args: ReadonlyArray<string>): Promise<void> => {
  const dir = path.join(tmp, prefix)
  fs.mkdirSync(dir, { recursive: true })
  const kubeconfig = path.join(dir, "kubeconfig")
  fs.writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: c\n  cluster:\n    server: http://127.0.0.1:${port}/${prefix}`,
      "contexts:",
      "- name: c\n  context: {cluster: c, user: u, namespace: defns}",
      "current-context: c",
      "users:",
      "- name: u\n  user: {token: abc}",
      ""
    ].join("\n")
  )
  return new Promise((resolve) => {
    execFile(
      kubectl,
      ["--kubeconfig", kubeconfig, "--request-timeout=5s", "--cache-dir", path.join(dir, "cache"), ...args],
      { cwd: tmp, env: { PATH: process.env.PATH ?? "", HOME: dir }, timeout: 20_000 },
      () => resolve()
    )
  })
}

interface Case {
  readonly name: string
  readonly kubectl: ReadonlyArray<string>
  readonly request: KubeRequest.KubeRequest
  /** Which recorded request to compare: the first with this method (kubectl often GETs the object first). */
  readonly method?: string
  /** Compare the request body as JSON text (delete options) */
  readonly compareBody?: boolean
}

const pods = (namespace: string | undefined, name?: string) =>
  ({ resource: "pods", namespace, ...(name === undefined ? {} : { name }) }) as const
const weird = "a:b@c$d&e+f,g;h=i!j'k(l)m*n~o"

const cases: ReadonlyArray<Case> = [
  {
    name: "list with label and field selectors",
    kubectl: ["get", "pods", "-n", "x", "-l", "a=b", "--field-selector=status.phase=Running"],
    request: KubeRequest.list(pods("x")).pipe(
      KubeRequest.listOptions({ labelSelector: "a=b", fieldSelector: "status.phase=Running", limit: 500 })
    )
  },
  {
    name: "selectors needing query escaping",
    kubectl: ["get", "pods", "-n", "x", "-l", "app in (a,b),x!=y", "--field-selector", "metadata.name=a~*"],
    request: KubeRequest.list(pods("x")).pipe(
      KubeRequest.listOptions({ labelSelector: "app in (a,b),x!=y", fieldSelector: "metadata.name=a~*", limit: 500 })
    )
  },
  {
    name: "get a name with a space",
    kubectl: ["get", "pod", "we ird"],
    request: KubeRequest.get(pods("defns", "we ird"))
  },
  {
    name: "get a name with reserved characters",
    kubectl: ["get", "pod", weird],
    request: KubeRequest.get(pods("defns", weird))
  },
  {
    name: "list across namespaces with a chunk size",
    kubectl: ["get", "pods", "--chunk-size=2", "-A"],
    request: KubeRequest.list(pods(undefined)).pipe(KubeRequest.listOptions({ limit: 2 }))
  },
  {
    name: "cluster-scoped list",
    kubectl: ["get", "nodes"],
    request: KubeRequest.list({ resource: "nodes" }).pipe(KubeRequest.listOptions({ limit: 500 }))
  },
  {
    name: "cluster-scoped get with escaping",
    kubectl: ["get", "namespace", "a b"],
    request: KubeRequest.get({ resource: "namespaces", name: "a b" })
  },
  {
    name: "named group, cluster-scoped",
    kubectl: ["get", "widgets", "w1"],
    request: KubeRequest.get({ group: "example.com", version: "v1", resource: "widgets", name: "w1" })
  },
  {
    name: "named group, namespaced",
    kubectl: ["get", "deployments", "web", "-n", "y"],
    request: KubeRequest.get({ group: "apps", version: "v1", resource: "deployments", namespace: "y", name: "web" })
  },
  {
    name: "watch",
    kubectl: ["get", "pods", "-w"],
    request: KubeRequest.watch(pods("defns")).pipe(KubeRequest.listOptions({ resourceVersion: "1" })),
    method: "WATCH"
  },
  {
    name: "create",
    kubectl: ["create", "-f", "pod.yaml", "--validate=false"],
    request: KubeRequest.create(pods("ns2"), {}).pipe(
      KubeRequest.createOptions({ fieldManager: "kubectl-create", fieldValidation: "Ignore" })
    ),
    method: "POST"
  },
  {
    name: "create, server dry run",
    kubectl: ["create", "-f", "pod.yaml", "--validate=false", "--dry-run=server"],
    request: KubeRequest.create(pods("ns2"), {}).pipe(
      KubeRequest.createOptions({ dryRun: ["All"], fieldManager: "kubectl-create", fieldValidation: "Ignore" })
    ),
    method: "POST"
  },
  {
    name: "update",
    kubectl: ["replace", "-f", "pod.yaml", "--validate=false"],
    request: KubeRequest.update(pods("ns2", "p2"), {}).pipe(
      KubeRequest.updateOptions({ fieldManager: "kubectl-replace", fieldValidation: "Ignore" })
    ),
    method: "PUT"
  },
  {
    name: "merge patch",
    kubectl: ["patch", "pod", "p1", "--type=merge", "-p", `{"a":1}`],
    request: KubeRequest.patch(pods("defns", "p1"), "merge", { a: 1 }).pipe(
      KubeRequest.patchOptions({ fieldManager: "kubectl-patch" })
    ),
    method: "PATCH"
  },
  {
    name: "json patch",
    kubectl: ["patch", "pod", "p1", "--type=json", "-p", `[{"op":"add","path":"/a","value":1}]`],
    request: KubeRequest.patch(pods("defns", "p1"), "json", [{ op: "add", path: "/a", value: 1 }]).pipe(
      KubeRequest.patchOptions({ fieldManager: "kubectl-patch" })
    ),
    method: "PATCH",
    compareBody: true
  },
  {
    name: "strategic merge patch",
    kubectl: ["patch", "pod", "p1", "-p", `{"a":1}`],
    request: KubeRequest.patch(pods("defns", "p1"), "strategic", { a: 1 }).pipe(
      KubeRequest.patchOptions({ fieldManager: "kubectl-patch" })
    ),
    method: "PATCH"
  },
  {
    name: "patch of the status subresource",
    kubectl: ["patch", "pod", "p1", "-p", `{"a":1}`, "--subresource=status"],
    request: KubeRequest.patch({ ...pods("defns", "p1"), subresource: "status" }, "strategic", { a: 1 }).pipe(
      KubeRequest.patchOptions({ fieldManager: "kubectl-patch" })
    ),
    method: "PATCH"
  },
  {
    name: "server-side apply with force",
    kubectl: [
      "apply",
      "--server-side",
      "--force-conflicts",
      "--field-manager=me",
      "-f",
      "pod.yaml",
      "--validate=false"
    ],
    request: KubeRequest.patch(pods("ns2", "p2"), "apply", {}).pipe(
      KubeRequest.patchOptions({ fieldManager: "me", fieldValidation: "Ignore", force: true })
    ),
    method: "PATCH"
  },
  {
    name: "scale subresource in a named group",
    kubectl: ["scale", "deployment", "web", "--replicas=3", "-n", "y"],
    request: KubeRequest.patch(
      { group: "apps", version: "v1", resource: "deployments", namespace: "y", name: "web", subresource: "scale" },
      "merge",
      { spec: { replicas: 3 } }
    ),
    method: "PATCH",
    compareBody: true
  },
  {
    name: "delete with grace period and orphan propagation",
    kubectl: ["delete", "pod", "p1", "--grace-period=5", "--cascade=orphan", "--wait=false"],
    request: KubeRequest.del(pods("defns", "p1")).pipe(
      KubeRequest.deleteOptions({ gracePeriodSeconds: 5, propagationPolicy: "Orphan" })
    ),
    method: "DELETE",
    compareBody: true
  },
  {
    name: "delete, server dry run",
    kubectl: ["delete", "pod", "p1", "--dry-run=server"],
    request: KubeRequest.del(pods("defns", "p1")).pipe(
      KubeRequest.deleteOptions({ propagationPolicy: "Background", dryRun: ["All"] })
    ),
    method: "DELETE",
    compareBody: true
  },
  {
    name: "delete a cluster-scoped object",
    kubectl: ["delete", "namespace", "ns1", "--wait=false"],
    request: KubeRequest.del({ resource: "namespaces", name: "ns1" }).pipe(
      KubeRequest.deleteOptions({ propagationPolicy: "Background" })
    ),
    method: "DELETE",
    compareBody: true
  },
  {
    name: "logs",
    kubectl: ["logs", "p1", "-c", "c", "--tail=10"],
    request: KubeRequest.get({ ...pods("defns", "p1"), subresource: "log" }).pipe(
      KubeRequest.setParams({ container: "c", tailLines: 10 })
    ),
    method: "LOG"
  },
  {
    name: "followed logs",
    kubectl: ["logs", "-f", "p1", "-c", "c", "--since=5s"],
    request: KubeRequest.get({ ...pods("defns", "p1"), subresource: "log" }).pipe(
      KubeRequest.setParams({ container: "c", follow: true, sinceSeconds: 5 })
    ),
    method: "LOG"
  },
  {
    name: "raw path with a query",
    kubectl: ["get", "--raw", "/api/v1/x?y=2&y=1&a=b%20c&z=*~"],
    request: KubeRequest.raw("/api/v1/x?y=2&y=1&a=b%20c&z=*~")
  },
  {
    name: "raw path with a trailing slash",
    kubectl: ["get", "--raw", "/healthz/"],
    request: KubeRequest.raw("/healthz/")
  },
  { name: "raw root", kubectl: ["get", "--raw", "/"], request: KubeRequest.raw("/") }
]

const pick = (list: ReadonlyArray<Recorded>, method: string | undefined): Recorded | undefined => {
  if (method === "WATCH") return list.find((r) => r.url.includes("watch=true"))
  if (method === "LOG") return list.find((r) => r.url.includes("/log"))
  return list.find((r) => r.method === (method ?? "GET"))
}

describe("KubeRequest.url matches kubectl v1.35", () => {
  it("renders the same requests for the same operations", { timeout: 180_000 }, async () => {
    const prefixes = cases.map((_, i) => `case${i}`)
    // Three kubectl processes at a time: each case has its own prefix, so recordings do not mix.
    for (let i = 0; i < cases.length; i += 3) {
      await Promise.all(cases.slice(i, i + 3).map((c, j) => runKubectl(prefixes[i + j]!, c.kubectl)))
    }
    const mismatches: Array<string> = []
    cases.forEach((c, i) => {
      const seen = recorded.get(prefixes[i]!) ?? []
      const actual = pick(seen, c.method)
      const request = KubeRequest.timeout(c.request, "5 seconds")
      const ours = KubeRequest.url(request, `http://127.0.0.1:${port}/${prefixes[i]}`)
      const expectedUrl = actual === undefined ? "(kubectl sent nothing)" : `http://127.0.0.1:${port}${actual.url}`
      if (ours !== expectedUrl) mismatches.push(`${c.name}:\n  kubectl ${expectedUrl}\n  ours    ${ours}`)
      if (actual !== undefined && actual.method !== request.method) {
        mismatches.push(`${c.name}: method ${actual.method} vs ${request.method}`)
      }
      if (
        actual !== undefined && request.body !== undefined && actual.contentType !== KubeRequest.contentType(request)
      ) {
        mismatches.push(`${c.name}: content-type ${actual.contentType} vs ${KubeRequest.contentType(request)}`)
      }
      if (c.compareBody === true && request.body?._tag === "Json") {
        const theirs = actual?.body.trim() ?? ""
        const mine = JSON.stringify(request.body.value)
        if (theirs !== mine) mismatches.push(`${c.name}: body ${theirs} vs ${mine}`)
      }
    })
    expect(mismatches).toEqual([])
  })
})

describe("KubeRequest", () => {
  it("deletecollection: ListOptions in the query, DeleteOptions in the body (client-go's DeleteCollection)", () => {
    const request = KubeRequest.deleteCollection(pods("ns")).pipe(
      KubeRequest.listOptions({ labelSelector: "app=web" }),
      KubeRequest.deleteOptions({ gracePeriodSeconds: 0, preconditions: { uid: "u" }, dryRun: ["All"] })
    )
    expect(request.method).toBe("DELETE")
    expect(KubeRequest.url(request, "https://h:6443")).toBe(
      "https://h:6443/api/v1/namespaces/ns/pods?labelSelector=app%3Dweb"
    )
    expect(request.body).toEqual({
      _tag: "Json",
      value: { gracePeriodSeconds: 0, preconditions: { uid: "u" }, dryRun: ["All"] }
    })
    expect(JSON.stringify(request.body?._tag === "Json" ? request.body.value : null)).toBe(
      `{"gracePeriodSeconds":0,"preconditions":{"uid":"u"},"dryRun":["All"]}`
    )
  })

  it("combinators are dual and the value is immutable", () => {
    const base = KubeRequest.list({ resource: "pods" })
    const a = KubeRequest.namespace(base, "a")
    const b = base.pipe(KubeRequest.namespace("b"), KubeRequest.param("x", 1), KubeRequest.param("x", 2))
    expect(base.namespace).toBeUndefined()
    expect(KubeRequest.url(a, "https://h")).toBe("https://h/api/v1/namespaces/a/pods")
    expect(KubeRequest.url(b, "https://h")).toBe("https://h/api/v1/namespaces/b/pods?x=1&x=2")
    expect(KubeRequest.isKubeRequest(b)).toBe(true)
    const replaced = KubeRequest.listOptions(b, { limit: 5 }).pipe(
      KubeRequest.listOptions({ limit: 7, labelSelector: "" })
    )
    expect(KubeRequest.query(replaced)).toBe("limit=7&x=1&x=2")
  })

  it("zero values are left out as client-go does; explicit false pointers are kept", () => {
    const r = KubeRequest.list({ resource: "pods" }).pipe(
      KubeRequest.listOptions({ limit: 0, allowWatchBookmarks: false, sendInitialEvents: false, timeoutSeconds: 0 })
    )
    expect(KubeRequest.query(r)).toBe("sendInitialEvents=false&timeoutSeconds=0")
    const p = KubeRequest.patch({ resource: "pods", name: "p" }, "apply", {}).pipe(
      KubeRequest.patchOptions({ force: false, fieldManager: "m" })
    )
    expect(KubeRequest.query(p)).toBe("fieldManager=m&force=false")
  })

  it("server path prefixes, trailing slashes and userinfo", () => {
    const r = KubeRequest.get({ group: "apps", version: "v1", resource: "Deployments", namespace: "n", name: "d" })
    expect(KubeRequest.url(r, "https://h:1/")).toBe("https://h:1/apis/apps/v1/namespaces/n/deployments/d")
    expect(KubeRequest.url(r, "https://h:1/a/b/")).toBe("https://h:1/a/b/apis/apps/v1/namespaces/n/deployments/d")
    expect(KubeRequest.url(r, "https://u:p@h:1/k8s")).toBe("https://h:1/k8s/apis/apps/v1/namespaces/n/deployments/d")
    expect(KubeRequest.url(KubeRequest.raw("/"), "https://h")).toBe("https://h/")
    expect(KubeRequest.url(KubeRequest.raw("/metrics"), "https://h/p")).toBe("https://h/p/metrics")
  })

  it("validates names and namespaces as client-go does", () => {
    const problem = (r: KubeRequest.KubeRequest) =>
      Either.match(KubeRequest.validate(r), { onLeft: (e) => e.message, onRight: () => "ok" })
    expect(problem(KubeRequest.get(pods("ns", "ok")))).toBe("ok")
    expect(problem(KubeRequest.get(pods("ns", "a/b")))).toBe(`invalid resource name "a/b": [may not contain '/']`)
    expect(problem(KubeRequest.get(pods("ns", "..")))).toBe(`invalid resource name "..": [may not be '..']`)
    expect(problem(KubeRequest.get(pods("ns", "")))).toBe("resource name may not be empty")
    expect(problem(KubeRequest.list(pods("a%b")))).toBe(`invalid namespace "a%b": [may not contain '%']`)
    expect(problem(KubeRequest.get({ name: "x" }))).toBe("a resource is required with a name or subresource")
  })

  it("formats timeouts as Go durations", () => {
    expect(formatDuration(Duration.seconds(5))).toBe("5s")
    expect(formatDuration(Duration.seconds(90))).toBe("1m30s")
    expect(formatDuration(Duration.millis(1500))).toBe("1.5s")
    expect(formatDuration(Duration.millis(250))).toBe("250ms")
    expect(formatDuration(Duration.hours(1))).toBe("1h0m0s")
  })
})
