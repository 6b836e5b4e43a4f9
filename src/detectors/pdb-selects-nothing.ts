import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { pdbIndex, pdbSelects, replicasOf } from './lib/reliability.js'

const SCALABLE = ['apps/v1/Deployment', 'apps/v1/StatefulSet']

// The values pods of the namespace have for the selector's label keys: shows a typo at a glance.
function labelValuesNearby(pods: readonly KubeObject[], keys: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const k of keys) {
    const seen = new Set<string>()
    for (const p of pods) {
      const v = p.metadata.labels?.[k]
      if (typeof v === 'string') seen.add(v)
      if (seen.size >= 10) break
    }
    out[k] = [...seen].sort()
  }
  return out
}

function selectorKeys(sel: unknown): string[] {
  if (!sel || typeof sel !== 'object') return []
  const s = sel as { matchLabels?: unknown; matchExpressions?: unknown }
  const keys = new Set<string>()
  if (s.matchLabels && typeof s.matchLabels === 'object')
    for (const k of Object.keys(s.matchLabels)) keys.add(k)
  if (Array.isArray(s.matchExpressions))
    for (const e of s.matchExpressions) if (e && typeof e.key === 'string') keys.add(e.key)
  return [...keys]
}

function describeSelector(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return 'no selector'
  const s = sel as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown }
  const parts: string[] = []
  if (s.matchLabels && typeof s.matchLabels === 'object')
    for (const [k, v] of Object.entries(s.matchLabels)) parts.push(`${k}=${String(v)}`)
  if (Array.isArray(s.matchExpressions))
    for (const e of s.matchExpressions)
      if (e && typeof e.key === 'string')
        parts.push(
          `${e.key} ${String(e.operator)}${Array.isArray(e.values) ? ` (${e.values.join(',')})` : ''}`,
        )
  return parts.length ? parts.join(', ') : 'an empty selector'
}

export default defineDetector({
  meta: {
    id: 'pdb-selects-nothing',
    title: 'PodDisruptionBudget selects no pods',
    description:
      'A PodDisruptionBudget protects the pods its selector matches. When it matches none (a label typo, a selector left behind after the app was relabelled, an empty selector of a policy/v1beta1 budget), the workload it was written for has no protection at all: a node drain may evict all its replicas at once, while everyone believes a budget is in place.',
    severity: 'warning',
    category: 'reliability',
    requires: ['policy/v1/PodDisruptionBudget', 'v1/Pod'],
    optional: SCALABLE,
    messages: {
      noPods:
        'PodDisruptionBudget {{name}} selects no pod ({{selector}}): whatever it was meant to protect can be evicted all at once by a node drain.',
      noSelector: 'PodDisruptionBudget {{name}} has no selector, so it selects no pod and protects nothing.',
    },
    remediation:
      'Compare the selector with the labels of the pods it should protect: `kubectl get pdb {{name}} -n {{namespace}} -o jsonpath="{.spec.selector}"` and `kubectl get pods -n {{namespace}} --show-labels`. Fix the selector to match them (in Git, where the budget is defined), or delete the budget if its workload is gone: `kubectl delete pdb {{name}} -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget',
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/',
    ],
  },
  detect({ snapshot, report }) {
    const { podsOf } = pdbIndex(snapshot)
    for (const [pdb, pods] of podsOf) {
      if (pods.length > 0) continue
      const ns = pdb.metadata.namespace ?? ''
      const sel = pdb.spec?.selector
      // A workload scaled to zero on purpose still owns its budget: nothing is unprotected.
      let scaledToZero: KubeObject | undefined
      for (const kind of SCALABLE) {
        if (scaledToZero || !snapshot.has(kind)) continue
        scaledToZero = snapshot
          .list(kind, ns)
          .find((w) => replicasOf(w) === 0 && pdbSelects(pdb, w.spec?.template?.metadata?.labels))
      }
      if (scaledToZero) continue
      const evidence: Record<string, unknown> = { selector: sel ?? null }
      if (typeof pdb.status?.expectedPods === 'number') evidence.expectedPods = pdb.status.expectedPods
      if (!sel || typeof sel !== 'object') {
        report({ object: pdb, messageId: 'noSelector', evidence })
        continue
      }
      const keys = selectorKeys(sel)
      if (keys.length) evidence.podLabelValues = labelValuesNearby(snapshot.list('v1/Pod', ns), keys)
      if (pdb.apiVersion === 'policy/v1beta1' && keys.length === 0)
        evidence.note = 'an empty selector selects no pod in policy/v1beta1 (and every pod in policy/v1)'
      report({ object: pdb, messageId: 'noPods', data: { selector: describeSelector(sel) }, evidence })
    }
  },
})
