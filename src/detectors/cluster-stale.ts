import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { conditionOf, humanDuration, parseDuration } from './lib/k8s.js'
import { SYSTEM_NAMESPACE_PARAMS, systemNamespaceTest } from './lib/node-fleet.js'

// Kubernetes writes metadata and condition times as `2026-01-10T08:00:00Z`; in that form the newest
// is the greatest string, so most times are compared without parsing (the scan sees every ReplicaSet).
function canonical(t: string): boolean {
  return (
    t.length === 20 &&
    t.charCodeAt(4) === 45 && // -
    t.charCodeAt(7) === 45 &&
    t.charCodeAt(10) === 84 && // T
    t.charCodeAt(13) === 58 && // :
    t.charCodeAt(16) === 58 &&
    t.charCodeAt(19) === 90 // Z
  )
}

/** The newest of the times it is shown. */
class Newest {
  text: string | undefined
  ms = NaN
  private canonical = false

  /** Takes `t` if it is a time newer than the newest so far; says whether it did. */
  offer(t: unknown): boolean {
    if (typeof t !== 'string') return false
    const fast = this.canonical && canonical(t)
    if (fast && t <= (this.text as string)) return false
    const ms = Date.parse(t)
    if (Number.isNaN(ms) || (!fast && ms <= this.ms)) return false
    this.text = t
    this.ms = ms
    this.canonical = canonical(t)
    return true
  }
}

const ref = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`

export default defineDetector({
  meta: {
    id: 'cluster-stale',
    title: 'Nothing has been deployed to the cluster for a long time',
    description:
      'No Deployment outside the system namespaces has been created or rolled out for weeks. The cluster may be forgotten (a test or migration cluster nobody uses any more), or its teams moved on; either way it costs money, and a cluster nobody deploys to is also one nobody upgrades or patches.',
    severity: 'info',
    category: 'fleet',
    requires: [],
    requiresAny: ['apps/v1/Deployment', 'apps/v1/ReplicaSet'],
    rollup: false,
    messages: {
      stale:
        'Nothing has been deployed to cluster {{name}} for {{for}}: the newest change outside system namespaces is {{latest}} ({{at}}). It may be forgotten or frozen; find out whether it is still needed.',
    },
    remediation:
      "See the newest rollouts: `kubectl get rs -A --sort-by=.metadata.creationTimestamp | tail` and `kubectl get deploy -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,UPDATED:.status.conditions[?(@.type=='Progressing')].lastUpdateTime`. Ask the owners (the cluster labels in the fleet file: team, env) whether it is still used. If not, delete it; if it is frozen on purpose (a long-lived appliance cluster), raise `maxAge` or turn the detector off for it, but keep it patched.",
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status'],
    params: {
      maxAge: {
        default: '30d',
        description: 'How long without a new ReplicaSet or a Deployment rollout before the detector fires.',
      },
      ...SYSTEM_NAMESPACE_PARAMS,
    },
  },
  detect({ snapshot, report, params, now }) {
    const maxAge = parseDuration(params.maxAge)
    const isSystem = systemNamespaceTest(params)
    const newest = new Newest()
    let latestObj: KubeObject | undefined
    let latestWhat = ''
    let apps = 0
    for (const rs of snapshot.list('apps/v1/ReplicaSet')) {
      if (isSystem(rs.metadata.namespace)) continue
      apps++
      if (newest.offer(rs.metadata.creationTimestamp)) {
        latestObj = rs
        latestWhat = 'created'
      }
    }
    for (const d of snapshot.list('apps/v1/Deployment')) {
      if (isSystem(d.metadata.namespace)) continue
      apps++
      if (newest.offer(d.metadata.creationTimestamp)) {
        latestObj = d
        latestWhat = 'created'
      }
      // The controller refreshes lastUpdateTime of Progressing as a rollout moves forward.
      if (newest.offer(conditionOf(d, 'Progressing')?.lastUpdateTime)) {
        latestObj = d
        latestWhat = 'rolled out'
      }
    }
    // No workloads at all is cluster-idle's finding; no timestamps at all (manifests) proves nothing.
    const latest = newest.text
    if (apps === 0 || latest === undefined || !latestObj) return
    const age = now.getTime() - newest.ms
    if (age < maxAge) return
    const what = `${ref(latestObj)} ${latestWhat}`
    report({
      object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
      messageId: 'stale',
      data: { for: humanDuration(age), latest: what, at: latest },
      evidence: {
        newestChange: { what, at: latest, ago: humanDuration(age) },
        deploymentsAndReplicaSets: apps,
      },
    })
  },
})
