import { defineDetector } from '../detect/define.js'
import { EXCLUDE_NAMESPACES_PARAM, excludedNamespaces } from './lib/reliability.js'

const MIRROR = 'kubernetes.io/config.mirror'

export default defineDetector({
  meta: {
    id: 'bare-pod',
    title: 'Pod is not managed by a controller',
    description:
      'A pod created directly (`kubectl run`, a Pod manifest) has no controller to look after it: if its node fails, is drained or is scaled away, the pod is deleted and nothing recreates it; it is not replaced when it is evicted, and it cannot be rolled out, scaled or rolled back. Often a leftover debug pod, or a service deployed the quick way and never migrated.',
    severity: 'info',
    category: 'reliability',
    requires: ['v1/Pod'],
    messages: {
      unmanaged:
        'Pod {{name}} has no controller: if its node fails or is drained, the pod is gone and nothing recreates it, and it cannot be rolled out or scaled.',
    },
    remediation:
      'Find out who created it and whether it is still needed: `kubectl get pod {{name}} -n {{namespace}} -o yaml` (labels, annotations, `kubectl.kubernetes.io/last-applied-configuration`, creation time). A leftover: `kubectl delete pod {{name}} -n {{namespace}}`. A service: move its spec into the pod template of a Deployment (a StatefulSet for stable identity and storage, a Job for run-to-completion work) and delete the pod once the new pods are ready.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/#working-with-pods',
      'https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    // Runs over every pod of the fleet: the usual pod (one with an owner) costs one field read.
    for (const pod of snapshot.list('v1/Pod')) {
      const refs = pod.metadata.ownerReferences
      if (Array.isArray(refs) && refs.length > 0) continue
      if (excluded.has(pod.metadata.namespace ?? '')) continue
      // A static pod's mirror: the kubelet runs it from a file on the node and recreates it itself.
      const annotations = pod.metadata.annotations
      if (annotations && typeof annotations === 'object' && MIRROR in annotations) continue
      const phase = pod.status?.phase
      if (phase === 'Succeeded' || phase === 'Failed') continue
      report({
        object: pod,
        messageId: 'unmanaged',
        evidence: {
          phase: typeof phase === 'string' ? phase : '',
          nodeName: typeof pod.spec?.nodeName === 'string' ? pod.spec.nodeName : '',
          createdAt: pod.metadata.creationTimestamp ?? '',
        },
      })
    }
  },
})
