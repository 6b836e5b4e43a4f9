import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { conditionOf } from './lib/k8s.js'
import { podIndex } from './lib/pods-workloads.js'

const MAX_EXAMPLES = 10

interface NamespaceFailures {
  pods: KubeObject[]
  reasons: Map<string, number>
}

function countsText(m: Map<string, number>): string {
  return [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')
}

function increment(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1)
}

export default defineDetector({
  meta: {
    id: 'pod-failed-evicted',
    title: 'Failed and evicted pods are piling up in a namespace',
    description:
      'Pods that failed (evicted under node pressure, stopped by a node shutdown, refused at admission) stay in the API as records until someone deletes them; Kubernetes only garbage-collects them past a cluster-wide threshold of thousands. They clutter `kubectl get pods`, slow down every list call, and their number tells of repeated node pressure or disruption.',
    severity: 'info',
    category: 'pod',
    requires: ['v1/Pod'],
    rollup: false,
    messages: {
      piling:
        'Namespace {{namespace}} holds {{count}} failed pods ({{reasons}}); they are kept as records until deleted.',
    },
    remediation:
      "List them and why they failed: `kubectl get pods -n {{namespace}} --field-selector=status.phase=Failed -o wide` and `kubectl describe pod <pod> -n {{namespace}}` on one. Evicted pods point at node pressure (see node-memory-pressure, node-disk-pressure and the pods' memory limits). Once understood, delete them: `kubectl delete pods -n {{namespace}} --field-selector=status.phase=Failed`.",
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection',
    ],
    params: {
      minFailed: {
        default: 10,
        description:
          'Failed pods (not counting pods of Jobs, which the Job keeps as its history) in one namespace from which the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const min = Number(params.minFailed)
    const byNs = new Map<string, NamespaceFailures>()
    for (const pod of podIndex(snapshot).failed) {
      if (pod.status?.phase !== 'Failed') continue
      // A Job keeps its failed pods as its record (job-failed reports the Job); they go with it.
      const refs = pod.metadata.ownerReferences
      if (Array.isArray(refs) && refs.some((r) => r && r.kind === 'Job')) continue
      const ns = pod.metadata.namespace ?? ''
      let f = byNs.get(ns)
      if (!f) byNs.set(ns, (f = { pods: [], reasons: new Map() }))
      f.pods.push(pod)
      increment(
        f.reasons,
        typeof pod.status.reason === 'string' && pod.status.reason ? pod.status.reason : 'Failed',
      )
    }
    for (const [ns, f] of byNs) {
      if (f.pods.length < min) continue
      const owners = new Map<string, number>()
      const disruptions = new Map<string, number>()
      for (const p of f.pods) {
        const root = snapshot.rootOwner(p)
        increment(owners, root === p ? 'no owner' : `${root.kind}/${root.metadata.name}`)
        const dt = conditionOf(p, 'DisruptionTarget')
        if (dt?.status === 'True' && dt.reason) increment(disruptions, dt.reason)
      }
      const evidence: Record<string, unknown> = {
        failedPods: f.pods.length,
        reasons: Object.fromEntries(f.reasons),
        owners: Object.fromEntries([...owners].sort((a, b) => b[1] - a[1]).slice(0, 5)),
        examples: f.pods.slice(0, MAX_EXAMPLES).map((p) => ({
          name: p.metadata.name,
          reason: p.status?.reason,
          message: typeof p.status?.message === 'string' ? p.status.message.slice(0, 200) : undefined,
        })),
      }
      if (disruptions.size) evidence.disruptionTargets = Object.fromEntries(disruptions)
      report({
        object: { apiVersion: 'v1', kind: 'Namespace', name: ns },
        messageId: 'piling',
        data: { namespace: ns, count: f.pods.length, reasons: countsText(f.reasons) },
        evidence,
      })
    }
  },
})
