import type { KubeObject, ObjectRef } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { eventEvidence, parseDuration } from './lib/k8s.js'
import {
  CREATOR_KINDS,
  describeRef,
  eventMessage,
  eventWithin,
  failedCreateEvents,
  nameList,
  quotaResourceWords,
  quotaUses,
  workloadOfEvent,
} from './lib/scheduling-storage.js'

// The API server's refusal: "exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10".
const EXCEEDED = /exceeded quota: ([^,\s]+)(?:, requested: \S+, used: \S+, limited: ([^\s,]+(?:,[^\s,]+)*))?/

/** A refusal by a quota, read from a FailedCreate event. */
interface Refusal {
  quota: string
  /** The resources the quota limited; undefined when the message does not list them. */
  limited: Set<string> | undefined
  event: KubeObject
  workload: ObjectRef
}

function parseRefusals(snapshot: Snapshot, events: KubeObject[]): Refusal[] {
  const out: Refusal[] = []
  for (const e of events) {
    const m = EXCEEDED.exec(eventMessage(e))
    if (!m) continue
    const w = workloadOfEvent(snapshot, e)
    if (!w) continue
    const limited = m[2]
      ? new Set(m[2].split(',').map((p) => p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('='))))
      : undefined
    out.push({ quota: m[1] as string, limited, event: e, workload: w.ref })
  }
  return out
}

export default defineDetector({
  meta: {
    id: 'quota-exhausted',
    title: 'Namespace quota is used up',
    description:
      'A ResourceQuota caps what a namespace may use (CPU and memory requested, pods, storage, objects). When one of its resources is fully used, the API server refuses anything new that needs more of it: the pods of a rollout or a scale-up are never created, an HPA cannot add replicas, a Job does not start. Nothing crashes, so it goes unnoticed until someone wonders why a deployment is stuck.',
    severity: 'warning',
    category: 'scheduling',
    requires: ['v1/ResourceQuota'],
    optional: ['v1/Event', ...CREATOR_KINDS],
    messages: {
      exhausted:
        'ResourceQuota {{name}} in namespace {{namespace}} is used up for {{label}}: {{used}} used of {{hard}} allowed. New pods or objects that need more of it are refused until some is freed or the quota is raised.',
      blocking:
        'ResourceQuota {{name}} in namespace {{namespace}} is used up for {{label}} ({{used}} used of {{hard}} allowed) and is refusing what {{blocked}} tries to create right now.',
    },
    remediation:
      'See the usage and who is refused: `kubectl describe resourcequota {{name}} -n {{namespace}}` and `kubectl get events -n {{namespace}} --field-selector reason=FailedCreate`. Free some: scale down or delete what you no longer need, and lower requests far above real usage (`kubectl top pod -n {{namespace}}`). Or raise the limit for {{resource}} where the quota is defined (in Git, or `kubectl edit resourcequota {{name}} -n {{namespace}}`).',
    references: [
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
      'https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/quota-memory-cpu-namespace/',
    ],
    params: {
      eventWindow: {
        default: '1h',
        description:
          'FailedCreate events older than this are not cited as workloads blocked now (Kubernetes keeps events for an hour by default).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const window = parseDuration(params.eventWindow)
    const refusalsByNs = new Map<string, Refusal[]>()
    const refusalsIn = (ns: string): Refusal[] => {
      let r = refusalsByNs.get(ns)
      if (!r) {
        const recent = (failedCreateEvents(snapshot).get(ns) ?? []).filter((e) => eventWithin(e, now, window))
        refusalsByNs.set(ns, (r = parseRefusals(snapshot, recent)))
      }
      return r
    }

    for (const quota of snapshot.list('v1/ResourceQuota')) {
      const ns = quota.metadata.namespace ?? ''
      for (const u of quotaUses(quota)) {
        if (u.ratio < 1) continue
        // Newest refusal per workload, for this quota and resource.
        const byWorkload = new Map<string, Refusal>()
        for (const r of refusalsIn(ns)) {
          if (r.quota !== quota.metadata.name) continue
          if (r.limited && !r.limited.has(u.resource)) continue
          byWorkload.set(describeRef(r.workload), r)
        }
        const blocked = [...byWorkload.keys()].sort()
        const what = quotaResourceWords(u.resource)
        const data: Record<string, string> = {
          resource: u.resource,
          what,
          label: what === u.resource ? what : `${u.resource} (${what})`,
          used: u.used,
          hard: u.hard,
        }
        const evidence: Record<string, unknown> = {
          quota: { resource: u.resource, used: u.used, hard: u.hard },
        }
        if (u.ratio > 1)
          evidence.overQuota =
            'More is in use than the quota allows: it was lowered below current usage. Nothing new is admitted until usage falls under it.'
        const scopes: unknown = quota.spec?.scopes
        if (Array.isArray(scopes) && scopes.length) evidence.scopes = scopes
        if (quota.spec?.scopeSelector) evidence.scopeSelector = quota.spec.scopeSelector
        if (blocked.length) {
          data.blocked = nameList(blocked)
          evidence.blocked = blocked.slice(0, 10).map((name) => ({
            workload: name,
            event: eventEvidence((byWorkload.get(name) as Refusal).event),
          }))
          if (blocked.length > 10) evidence.blockedCount = blocked.length
        }
        report({
          object: quota,
          messageId: blocked.length ? 'blocking' : 'exhausted',
          key: u.resource,
          data,
          evidence,
        })
      }
    }
  },
})
