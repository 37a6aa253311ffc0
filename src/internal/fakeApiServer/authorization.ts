/**
 * Who the fake's caller is and what it may do. Without rules everything is allowed (a cluster admin); with
 * `authorize` rules (RBAC PolicyRules, optionally limited to namespaces) every resource request is checked and a
 * refusal is the apiserver's 403 Forbidden. The review APIs answer from the same rules.
 */
import { TokenSigner } from "./serviceAccountTokens.js"
import * as S from "./status.js"
import type { ApiReply } from "./types.js"

/** An RBAC PolicyRule, optionally limited to some namespaces (a RoleBinding's reach). */
export interface Rule {
  readonly verbs: ReadonlyArray<string>
  readonly apiGroups?: ReadonlyArray<string> | undefined
  readonly resources?: ReadonlyArray<string> | undefined
  readonly resourceNames?: ReadonlyArray<string> | undefined
  readonly nonResourceURLs?: ReadonlyArray<string> | undefined
  /** Namespaces the rule applies in; all (and cluster scope) when absent. */
  readonly namespaces?: ReadonlyArray<string> | undefined
}

export interface UserInfo {
  readonly username: string
  readonly uid?: string | undefined
  readonly groups: ReadonlyArray<string>
}

export interface Attributes {
  readonly verb: string
  readonly group: string
  readonly resource: string
  readonly subresource?: string | undefined
  readonly name?: string | undefined
  readonly namespace?: string | undefined
}

export const defaultUser: UserInfo = {
  username: "kubernetes-admin",
  groups: ["kubeadm:cluster-admins", "system:authenticated"]
}

export class Authorizer {
  rules: ReadonlyArray<Rule> | undefined = undefined
  user: UserInfo = defaultUser
  /** Signs the tokens TokenRequest hands out. */
  readonly signer = new TokenSigner()
  /** Tokens handed out by TokenRequest, for TokenReview. */
  readonly issued = new Map<string, UserInfo & { readonly audiences: ReadonlyArray<string> }>()

  allows(a: Attributes): boolean {
    if (this.rules === undefined) return true
    return this.rules.some((rule) => matchesResource(rule, a))
  }

  allowsPath(verb: string, path: string): boolean {
    if (this.rules === undefined) return true
    return this.rules.some((rule) =>
      (rule.nonResourceURLs ?? []).some((u) =>
        u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1)))
      ) &&
      (rule.verbs.includes("*") || rule.verbs.includes(verb))
    )
  }

  /** The rules that apply in a namespace, as SelfSubjectRulesReview reports them. */
  rulesIn(namespace: string | undefined): { resourceRules: Array<object>; nonResourceRules: Array<object> } {
    const rules = this.rules ?? [
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verbs: ["*"], nonResourceURLs: ["*"] }
    ]
    const resourceRules: Array<object> = []
    const nonResourceRules: Array<object> = []
    for (const r of rules) {
      if (r.namespaces !== undefined && (namespace === undefined || !r.namespaces.includes(namespace))) continue
      if (r.nonResourceURLs !== undefined) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })
      if (r.resources !== undefined || r.apiGroups !== undefined) {
        resourceRules.push({
          verbs: r.verbs,
          apiGroups: r.apiGroups ?? [""],
          resources: r.resources ?? [],
          ...(r.resourceNames !== undefined ? { resourceNames: r.resourceNames } : {})
        })
      }
    }
    return { resourceRules, nonResourceRules }
  }
}

const matchesResource = (rule: Rule, a: Attributes): boolean => {
  if (!(rule.verbs.includes("*") || rule.verbs.includes(a.verb))) return false
  const groups = rule.apiGroups ?? [""]
  if (!(groups.includes("*") || groups.includes(a.group))) return false
  const full = a.subresource !== undefined && a.subresource !== "" ? `${a.resource}/${a.subresource}` : a.resource
  const resources = rule.resources ?? []
  if (!resources.some((r) => r === "*" || r === full || (r === `*/${a.subresource}` && a.subresource !== undefined))) {
    return false
  }
  if (rule.resourceNames !== undefined && rule.resourceNames.length > 0) {
    if (a.name === undefined || !rule.resourceNames.includes(a.name)) return false
  }
  if (rule.namespaces !== undefined) {
    if (a.namespace === undefined || !rule.namespaces.includes(a.namespace)) return false
  }
  return true
}

/** The apiserver's refusal: `deployments.apps "web" is forbidden: User "u" cannot get resource ... `. */
export const forbidden = (user: UserInfo, a: Attributes): ApiReply => {
  const full = a.subresource !== undefined && a.subresource !== "" ? `${a.resource}/${a.subresource}` : a.resource
  const qualified = a.group === "" ? a.resource : `${a.resource}.${a.group}`
  const subject = a.name !== undefined && a.name !== "" ? `${qualified} ${JSON.stringify(a.name)}` : qualified
  const scope = a.namespace !== undefined && a.namespace !== ""
    ? `in the namespace ${JSON.stringify(a.namespace)}`
    : "at the cluster scope"
  const message = `${subject} is forbidden: User ${JSON.stringify(user.username)} cannot ${a.verb} resource ${
    JSON.stringify(full)
  } in API group ${JSON.stringify(a.group)} ${scope}`
  return S.failure(403, "Forbidden", message, { name: a.name, group: a.group, kind: a.resource })
}
