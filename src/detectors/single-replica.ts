import { defineDetector } from '../detect/define.js'
import {
  EXCLUDE_NAMESPACES_PARAM,
  excludedNamespaces,
  hpaFor,
  kindName,
  replicasOf,
} from './lib/reliability.js'

const KINDS = ['apps/v1/Deployment', 'apps/v1/StatefulSet']

export default defineDetector({
  meta: {
    id: 'single-replica',
    title: 'Workload runs a single replica',
    description:
      'With one replica, every event that stops the pod stops the service: a rollout of a StatefulSet or a Recreate Deployment, a node drain for an upgrade, the cluster autoscaler removing the node, a node failure, an OOM kill. Two replicas on different nodes turn each of these into a non-event. Reported as hygiene (info): a single replica is often a deliberate choice for a singleton or a non-critical tool, and nothing is broken until the pod goes away.',
    severity: 'info',
    category: 'reliability',
    requires: [],
    requiresAny: KINDS,
    optional: ['autoscaling/v2/HorizontalPodAutoscaler'],
    messages: {
      single:
        '{{workload}} runs a single replica: a node drain, an upgrade or a node failure takes it offline until a new pod is scheduled and ready.',
      hpaMinOne:
        '{{workload}} runs a single replica, and its HorizontalPodAutoscaler {{hpa}} may scale it down to {{min}}: in quiet hours a node drain or node failure takes it offline.',
    },
    remediation:
      'If {{workload}} must stay available, run at least two replicas (in Git, or `kubectl scale {{workload}} -n {{namespace}} --replicas=2` to try it), spread them over nodes (topologySpreadConstraints) and protect them with a PodDisruptionBudget; with an HPA, set `minReplicas: 2` instead. Check the current size with `kubectl get {{workload}} -n {{namespace}}`. If one replica is deliberate (a singleton, a dev tool), silence this finding for it.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment',
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    for (const kind of KINDS) {
      if (!snapshot.has(kind)) continue
      for (const obj of snapshot.list(kind)) {
        if (excluded.has(obj.metadata.namespace ?? '')) continue
        // 0 is scaled down on purpose; an unreadable value is another problem.
        if (replicasOf(obj) !== 1) continue
        const scaler = hpaFor(snapshot, obj)
        if (scaler && scaler.min >= 2) continue
        const workload = kindName(obj)
        if (scaler)
          report({
            object: obj,
            messageId: 'hpaMinOne',
            data: { workload, hpa: scaler.hpa.metadata.name, min: scaler.min },
            evidence: {
              replicas: obj.spec?.replicas ?? 1,
              hpa: { name: scaler.hpa.metadata.name, minReplicas: scaler.min },
            },
          })
        else
          report({
            object: obj,
            messageId: 'single',
            data: { workload },
            evidence: { replicas: obj.spec?.replicas ?? '1 (default)' },
          })
      }
    }
  },
})
