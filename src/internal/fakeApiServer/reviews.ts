/**
 * The review APIs, answered rather than stored as the apiserver answers them: access reviews (self, local and for
 * any subject) and rules reviews from the fake's authorization rules, SelfSubjectReview from the caller's
 * identity, TokenReview from the tokens the fake handed out.
 */
import type { Attributes } from "./authorization.js"
import type { EngineState, ResourceRequest } from "./engineState.js"
import { isReply } from "./engineState.js"
import { apiVersionOf } from "./objects.js"
import type { ApiReply, Obj } from "./types.js"
import { isObj, json } from "./types.js"
import { parseBody } from "./writes.js"

/** Storage keys of the kinds answered here. */
export const reviewKinds = new Set([
  "authorization.k8s.io/selfsubjectaccessreviews",
  "authorization.k8s.io/subjectaccessreviews",
  "authorization.k8s.io/localsubjectaccessreviews",
  "authorization.k8s.io/selfsubjectrulesreviews",
  "authentication.k8s.io/selfsubjectreviews",
  "authentication.k8s.io/tokenreviews"
])

const attributesOf = (spec: Obj, namespace: string | undefined): Attributes | undefined => {
  const ra = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined
  if (ra === undefined) return undefined
  return {
    verb: String(ra.verb ?? ""),
    group: String(ra.group ?? ""),
    resource: String(ra.resource ?? ""),
    subresource: typeof ra.subresource === "string" ? ra.subresource : undefined,
    name: typeof ra.name === "string" && ra.name !== "" ? ra.name : undefined,
    namespace: namespace ?? (typeof ra.namespace === "string" && ra.namespace !== "" ? ra.namespace : undefined)
  }
}

export const review = (e: EngineState, r: ResourceRequest): ApiReply => {
  const body = parseBody(r)
  if (isReply(body)) return body
  const info = r.served.info
  const spec: Obj = isObj(body.spec) ? body.spec : {}
  const metadata: Obj = { ...(isObj(body.metadata) ? body.metadata : {}), creationTimestamp: null }
  const reply = (status: Obj) =>
    json(201, { kind: info.kind, apiVersion: apiVersionOf(info.group, info.version), metadata, spec, status })
  const authz = e.authorizer
  switch (info.kind) {
    case "SelfSubjectAccessReview":
    case "SubjectAccessReview":
    case "LocalSubjectAccessReview": {
      const attrs = attributesOf(spec, info.kind === "LocalSubjectAccessReview" ? r.namespace : undefined)
      const nra = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined
      const allowed = attrs !== undefined
        ? authz.allows(attrs)
        : nra !== undefined
        ? authz.allowsPath(String(nra.verb ?? ""), String(nra.path ?? ""))
        : false
      return reply(allowed ? { allowed: true, reason: "allowed by the fake apiserver's rules" } : { allowed: false })
    }
    case "SelfSubjectRulesReview": {
      const namespace = typeof spec.namespace === "string" && spec.namespace !== "" ? spec.namespace : undefined
      return reply({ ...authz.rulesIn(namespace), incomplete: false })
    }
    case "SelfSubjectReview":
      return reply({ userInfo: { username: authz.user.username, groups: authz.user.groups } })
    case "TokenReview": {
      const token = String(spec.token ?? "")
      const issued = authz.issued.get(token)
      if (issued === undefined) return reply({ authenticated: false, error: "invalid bearer token", user: {} })
      return reply({
        authenticated: true,
        user: {
          username: issued.username,
          ...(issued.uid !== undefined ? { uid: issued.uid } : {}),
          groups: issued.groups
        },
        audiences: issued.audiences
      })
    }
  }
  return reply({})
}
