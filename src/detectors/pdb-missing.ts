import { defineDetector } from '../detect/define.js'
import {
  EXCLUDE_NAMESPACES_PARAM,
  excludedNamespaces,
  hpaFor,
  kindName,
  pdbSelects,
  pdbsByNamespace,
  replicasOf,
} from './lib/reliability.js'

const KINDS = ['apps/v1/Deployment', 'apps/v1/StatefulSet']

export default defineDetector({
  meta: {
    id: 'pdb-missing',
    title: 'Multi-replica workload has no PodDisruptionBudget',
    description:
      'A node drain (a cluster upgrade, the cluster autoscaler removing a node, a maintenance) evicts pods through the eviction API, which only holds back when a PodDisruptionBudget says how many pods must stay up. Without one, a drain of nodes that happen to host all replicas evicts them at once, and the replicas that should have made the workload highly available all restart together.',
    severity: 'info',
    category: 'reliability',
    requires: ['policy/v1/PodDisruptionBudget'],
    requiresAny: KINDS,
    optional: ['autoscaling/v2/HorizontalPodAutoscaler'],
    messages: {
      missing:
        '{{workload}} runs {{replicas}} replicas but no PodDisruptionBudget selects its pods: a node drain or upgrade may evict all of them at once.',
    },
    remediation:
      'Create a PodDisruptionBudget for {{workload}} that selects its pod labels ({{labels}}) and lets one pod go at a time: `kubectl create poddisruptionbudget {{pdbName}} -n {{namespace}} --selector={{labels}} --max-unavailable=1` (better: add it beside the workload in Git). Check existing ones with `kubectl get pdb -n {{namespace}}`. Prefer maxUnavailable: 1 over a minAvailable equal to the replica count, which blocks drains entirely.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    const byNs = pdbsByNamespace(snapshot)
    for (const kind of KINDS) {
      if (!snapshot.has(kind)) continue
      for (const obj of snapshot.list(kind)) {
        const ns = obj.metadata.namespace ?? ''
        if (excluded.has(ns)) continue
        const spec = obj.spec?.replicas
        const scaler = hpaFor(snapshot, obj)
        // The HPA owns the size when there is one; a manifest may leave replicas out.
        const replicas = Math.max(replicasOf(obj) ?? 0, scaler?.min ?? 0)
        if (replicas < 2) continue
        const labels = obj.spec?.template?.metadata?.labels
        if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) continue
        const pdbs = byNs.get(ns)
        if (pdbs && pdbs.some((p) => pdbSelects(p, labels))) continue
        const selector = Object.entries(labels as Record<string, unknown>)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(',')
        report({
          object: obj,
          messageId: 'missing',
          data: { workload: kindName(obj), replicas, labels: selector, pdbName: obj.metadata.name },
          evidence: {
            ...(typeof spec === 'number' ? { replicas: spec } : {}),
            ...(scaler ? { hpa: { name: scaler.hpa.metadata.name, minReplicas: scaler.min } } : {}),
            podLabels: labels,
            pdbsInNamespace: (pdbs ?? []).slice(0, 10).map((p) => p.metadata.name),
          },
        })
      }
    }
  },
})
