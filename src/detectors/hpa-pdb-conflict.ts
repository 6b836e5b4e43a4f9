import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { matchesSelector } from '../snapshot/selectors.js'
import { HPA, TARGET_KINDS, refText, scaledWorkloads } from './lib/autoscaling.js'

const PDB = 'policy/v1/PodDisruptionBudget'
const PERCENT = /^(\d+(?:\.\d+)?)%$/

/** The pods an intOrString PDB field stands for at `pods` pods; percentages round up, as the disruption controller does. */
function scaled(v: unknown, pods: number): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v !== 'string') return undefined
  const m = PERCENT.exec(v.trim())
  if (!m) return undefined
  return Math.ceil((Number(m[1]) * pods) / 100)
}

export default defineDetector({
  meta: {
    id: 'hpa-pdb-conflict',
    title: 'PodDisruptionBudget blocks every eviction when the HPA is at its minimum',
    description:
      'A PodDisruptionBudget limits how many pods of a workload may be evicted at once (a node drain, a cluster upgrade, the cluster autoscaler removing a node). When it requires at least as many available pods as the HorizontalPodAutoscaler keeps at its minimum (minAvailable ≥ minReplicas), or allows none to go (maxUnavailable 0), then whenever load is low and the HPA has scaled down to minReplicas, no pod may be evicted at all: drains hang, node upgrades stall and the node autoscaler cannot remove nodes.',
    severity: 'warning',
    category: 'autoscaling',
    requires: [HPA, PDB],
    requiresAny: TARGET_KINDS,
    messages: {
      minAvailable:
        'PDB {{pdb}} requires minAvailable {{required}} for {{target}}, but HPA {{name}} scales it down to {{min}} pod(s): at that size no pod can be evicted, so node drains and cluster upgrades block.',
      maxUnavailableZero:
        'PDB {{pdb}} allows no pod of {{target}} to be evicted (maxUnavailable {{maxUnavailable}}), whatever HPA {{name}} scales it to (minimum {{min}}): node drains and cluster upgrades block on it.',
    },
    remediation:
      'Compare the two: `kubectl get pdb {{pdb}} -n {{namespace}}` (ALLOWED DISRUPTIONS) and `kubectl get hpa {{name}} -n {{namespace}}` (MINPODS). Let one pod go at a time instead: set `maxUnavailable: 1` on the PDB (and drop minAvailable), e.g. `kubectl patch pdb {{pdb}} -n {{namespace}} --type merge -p \'{"spec":{"minAvailable":null,"maxUnavailable":1}}\'`, or raise the HPA\'s minReplicas above the PDB\'s minAvailable ({{min}} is the HPA\'s floor today). Change it where both are defined (Git).',
    references: [
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions',
      'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
    ],
  },
  detect({ snapshot, report }) {
    const pdbsByNs = new Map<string, readonly KubeObject[]>()
    for (const w of scaledWorkloads(snapshot)) {
      let pdbs = pdbsByNs.get(w.namespace)
      if (!pdbs) pdbsByNs.set(w.namespace, (pdbs = snapshot.list(PDB, w.namespace)))
      if (pdbs.length === 0) continue
      for (const pdb of pdbs) {
        if (!matchesSelector(pdb.spec?.selector, w.labels)) continue
        for (const hpa of w.hpas) {
          const rawMin: unknown = hpa.spec?.minReplicas
          const min = rawMin === undefined ? 1 : rawMin
          // minReplicas 0 (scale to zero) leaves nothing to evict anyway.
          if (typeof min !== 'number' || min < 1) continue
          const data = { pdb: pdb.metadata.name, target: refText(w.target), min }
          const evidence = {
            pdb: {
              name: pdb.metadata.name,
              minAvailable: pdb.spec?.minAvailable,
              maxUnavailable: pdb.spec?.maxUnavailable,
              disruptionsAllowed: pdb.status?.disruptionsAllowed,
            },
            hpa: {
              minReplicas: min,
              maxReplicas: hpa.spec?.maxReplicas,
              currentReplicas: hpa.status?.currentReplicas,
            },
          }
          const maxUnavailable = scaled(pdb.spec?.maxUnavailable, min)
          if (maxUnavailable === 0) {
            report({
              object: hpa,
              key: pdb.metadata.name,
              messageId: 'maxUnavailableZero',
              data: { ...data, maxUnavailable: String(pdb.spec.maxUnavailable) },
              evidence,
            })
            continue
          }
          const required = scaled(pdb.spec?.minAvailable, min)
          if (required !== undefined && required >= min)
            report({
              object: hpa,
              key: pdb.metadata.name,
              messageId: 'minAvailable',
              data: { ...data, required: String(pdb.spec.minAvailable) },
              evidence,
            })
        }
      }
    }
  },
})
