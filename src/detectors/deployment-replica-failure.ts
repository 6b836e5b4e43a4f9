import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { clip, conditionEvidence, conditionOf, type Condition } from './lib/k8s.js'

// Compiled once. The API server's wording for the usual reasons a pod is refused.
const LIST = '([^\\s,]+(?:,[^\\s,]+)*)'
const QUOTA_EXCEEDED = new RegExp(
  `exceeded quota: ([^,\\s]+), requested: ${LIST}, used: ${LIST}, limited: ${LIST}`,
)
const QUOTA_MUST_SPECIFY = /failed quota: ([^:\s]+): must specify ([^;\n]+)/
const SERVICE_ACCOUNT = /serviceaccount "([^"]+)" not found/i
const WEBHOOK = /admission webhook "([^"]+)" denied the request/
const POD_SECURITY = /violates PodSecurity "([^"]+)"/
const LIMIT_RANGE = /(?:maximum|minimum) \S+ usage per (?:Container|Pod)|LimitRange/

// "limits.memory=512Mi,requests.cpu=1" → { 'limits.memory': '512Mi', 'requests.cpu': '1' }
function resourceList(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return out
}

export default defineDetector({
  meta: {
    id: 'deployment-replica-failure',
    title: 'Deployment cannot create its pods',
    description:
      'The Deployment wants more pods, but the API server refuses to create them (ReplicaFailure, FailedCreate): the namespace quota is used up, the service account is missing, an admission webhook or Pod Security rejects the pods, or a LimitRange forbids their resources. Nothing crashes; the pods simply never exist, so a rollout or scale-up silently stalls.',
    severity: 'warning',
    category: 'workload',
    requires: ['apps/v1/Deployment'],
    optional: ['apps/v1/ReplicaSet', 'v1/ResourceQuota'],
    messages: {
      quotaExceeded:
        '{{kind}} {{name}} cannot create pods: the namespace quota {{quota}} is used up for {{resource}} ({{used}} of {{hard}} used; one more pod needs {{requested}}).',
      quotaNeedsResources:
        '{{kind}} {{name}} cannot create pods: the namespace quota {{quota}} requires every container to set {{resources}}.',
      serviceAccountMissing:
        '{{kind}} {{name}} cannot create pods: their service account {{serviceAccount}} does not exist.',
      admissionDenied:
        '{{kind}} {{name}} cannot create pods: the admission webhook {{webhook}} rejects them.',
      podSecurity:
        '{{kind}} {{name}} cannot create pods: they break the namespace Pod Security level {{level}} (for example privileged settings or running as root).',
      limitRange:
        '{{kind}} {{name}} cannot create pods: their CPU or memory settings are outside the namespace LimitRange.',
      failedCreate: '{{kind}} {{name}} cannot create pods: {{detail}}',
    },
    remediation:
      'See the refusal: `kubectl describe deployment {{name}} -n {{namespace}}` and `kubectl get events -n {{namespace}} --field-selector reason=FailedCreate`. Quota: `kubectl describe resourcequota -n {{namespace}}`, then free some (scale down or delete unused workloads) or raise the quota. Service account: create it or fix `serviceAccountName`. Webhook or Pod Security: change the pod spec to satisfy the policy. LimitRange: `kubectl describe limitrange -n {{namespace}}` and adjust requests and limits.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment',
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
      'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
    ],
  },
  detect({ snapshot, report, now }) {
    const reported = new Set<KubeObject>()
    const withQuotas = snapshot.has('v1/ResourceQuota')

    const reportFailure = (target: KubeObject, c: Condition, from: KubeObject) => {
      if (reported.has(target)) return
      reported.add(target)
      const message = c.message ?? ''
      const ns = target.metadata.namespace
      const data: Record<string, string> = {}
      const evidence: Record<string, unknown> = {
        condition: conditionEvidence({ ...c, message: clip(c.message, 400) }, now),
      }
      if (from !== target) evidence.reportedBy = `${from.kind} ${from.metadata.name}`
      if (typeof target.spec?.replicas === 'number')
        evidence.replicas = { desired: target.spec.replicas, current: target.status?.replicas ?? 0 }
      let messageId = 'failedCreate'
      let m: RegExpExecArray | null
      if ((m = QUOTA_EXCEEDED.exec(message))) {
        const [, quota, requested, used, limited] = m as unknown as [string, string, string, string, string]
        const limitedList = resourceList(limited)
        const resource = Object.keys(limitedList)[0] ?? 'resources'
        messageId = 'quotaExceeded'
        data.quota = quota
        data.resource = resource
        const q: Record<string, unknown> = {
          name: quota,
          resource,
          requested: resourceList(requested)[resource],
          used: resourceList(used)[resource],
          hard: limitedList[resource],
        }
        // The quota object, when collected, has the numbers as of the scan (the message has them as of the refusal).
        const obj = withQuotas ? snapshot.get('v1/ResourceQuota', ns, quota) : undefined
        if (obj) {
          q.used = obj.status?.used?.[resource] ?? q.used
          q.hard = obj.status?.hard?.[resource] ?? obj.spec?.hard?.[resource] ?? q.hard
        }
        evidence.quota = q
        data.used = String(q.used ?? '?')
        data.hard = String(q.hard ?? '?')
        data.requested = String(q.requested ?? '?')
      } else if ((m = QUOTA_MUST_SPECIFY.exec(message))) {
        messageId = 'quotaNeedsResources'
        data.quota = m[1] as string
        data.resources = (m[2] as string).trim()
      } else if ((m = SERVICE_ACCOUNT.exec(message))) {
        messageId = 'serviceAccountMissing'
        data.serviceAccount = m[1] as string
      } else if ((m = WEBHOOK.exec(message))) {
        messageId = 'admissionDenied'
        data.webhook = m[1] as string
      } else if ((m = POD_SECURITY.exec(message))) {
        messageId = 'podSecurity'
        data.level = m[1] as string
      } else if (LIMIT_RANGE.test(message)) {
        messageId = 'limitRange'
      } else {
        data.detail = clip(message, 200) || 'the API server refused them without a message.'
      }
      report({ object: target, messageId, data, evidence })
    }

    for (const dep of snapshot.list('apps/v1/Deployment')) {
      const c = conditionOf(dep, 'ReplicaFailure')
      if (c?.status === 'True' && c.reason === 'FailedCreate') reportFailure(dep, c, dep)
    }
    // The Deployment copies its ReplicaSet's condition on its next sync; a dump can fall in between.
    if (snapshot.has('apps/v1/ReplicaSet'))
      for (const rs of snapshot.list('apps/v1/ReplicaSet')) {
        const c = conditionOf(rs, 'ReplicaFailure')
        if (c?.status !== 'True' || c.reason !== 'FailedCreate') continue
        const owner = snapshot.ownersOf(rs).find((o) => o.kind === 'Deployment')
        reportFailure(owner ?? rs, c, rs)
      }
  },
})
