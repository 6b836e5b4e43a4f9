import { defineDetector } from '../detect/define.js'
import { clip, conditionEvidence, conditionOf, humanDuration } from './lib/k8s.js'

const NEW_RS = /ReplicaSet "([^"]+)"/

export default defineDetector({
  meta: {
    id: 'deployment-progress-deadline',
    title: 'Deployment rollout is stuck',
    description:
      'A rollout replaces the old pods with new ones; the Deployment gives up waiting when the new pods do not become ready within its progress deadline (10 minutes by default) and marks the rollout failed (ProgressDeadlineExceeded). The old version keeps serving if it still runs, but the new version is not live, and Kubernetes does not roll back by itself.',
    severity: 'warning',
    category: 'workload',
    requires: ['apps/v1/Deployment'],
    messages: {
      deadlineExceeded:
        'The rollout of Deployment {{name}} is stuck: the new version did not become ready within {{deadline}} ({{updated}} of {{replicas}} pods updated, {{available}} available).',
    },
    remediation:
      "See why the new pods are not ready: `kubectl rollout status deployment/{{name}} -n {{namespace}}`, `kubectl get pods -n {{namespace}} -l <the Deployment's selector>` and `kubectl describe pod` on a new one (crash loop, image pull, unschedulable, failing readiness probe). Fix and roll forward, or go back: `kubectl rollout undo deployment/{{name}} -n {{namespace}}`.",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment',
      'https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_undo/',
    ],
  },
  detect({ snapshot, report, now }) {
    for (const dep of snapshot.list('apps/v1/Deployment')) {
      // Paused Deployments are not checked against their deadline, and their condition may be stale.
      if (dep.spec?.paused === true) continue
      const c = conditionOf(dep, 'Progressing')
      if (!c || c.status !== 'False' || c.reason !== 'ProgressDeadlineExceeded') continue
      const st = dep.status ?? {}
      const seconds =
        typeof dep.spec?.progressDeadlineSeconds === 'number' ? dep.spec.progressDeadlineSeconds : 600
      const replicas = typeof dep.spec?.replicas === 'number' ? dep.spec.replicas : 1
      const updated = st.updatedReplicas ?? 0
      const available = st.availableReplicas ?? 0
      const evidence: Record<string, unknown> = {
        condition: conditionEvidence({ ...c, message: clip(c.message) }, now),
        progressDeadlineSeconds: seconds,
        replicas: {
          desired: replicas,
          updated,
          ready: st.readyReplicas ?? 0,
          available,
          unavailable: st.unavailableReplicas ?? 0,
        },
      }
      const rs = NEW_RS.exec(c.message ?? '')
      if (rs) evidence.newReplicaSet = rs[1]
      report({
        object: dep,
        messageId: 'deadlineExceeded',
        data: { deadline: humanDuration(seconds * 1000), updated, replicas, available },
        evidence,
      })
    }
  },
})
