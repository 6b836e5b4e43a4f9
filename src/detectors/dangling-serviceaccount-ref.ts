import { defineDetector } from '../detect/define.js'
import { kindName, namespacesWith, startsPods } from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'dangling-serviceaccount-ref',
    title: 'Pod template names a ServiceAccount that does not exist',
    description:
      'The API server refuses to create a pod whose ServiceAccount does not exist ("serviceaccount not found"). The workload controller keeps retrying (ReplicaFailure FailedCreate), but no new pod appears: the next rollout, scale-up or replacement of a lost pod silently does nothing, while the pods already running keep going.',
    severity: 'warning',
    category: 'reliability',
    requires: ['v1/ServiceAccount'],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      missing:
        'ServiceAccount {{serviceAccount}} of {{workload}} does not exist in namespace {{namespace}}: the API server will refuse to create new pods for it.',
    },
    remediation:
      'Check: `kubectl get serviceaccount {{serviceAccount}} -n {{namespace}}` and `kubectl get events -n {{namespace}} --field-selector reason=FailedCreate`. Create it (`kubectl create serviceaccount {{serviceAccount}} -n {{namespace}}`, with the RBAC bindings and cloud IAM annotations the app needs, ideally from the same Git source as the workload), or fix `serviceAccountName` in the pod template of {{workload}}.',
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
    ],
  },
  detect({ snapshot, report }) {
    // Every live namespace has the `default` ServiceAccount: one without any was not collected.
    const collectedIn = namespacesWith(snapshot, 'v1/ServiceAccount')
    for (const t of podTemplates(snapshot)) {
      if (!collectedIn.has(t.namespace) || !startsPods(t)) continue
      const s = t.spec
      const name =
        typeof s.serviceAccountName === 'string' && s.serviceAccountName !== ''
          ? s.serviceAccountName
          : typeof s.serviceAccount === 'string' && s.serviceAccount !== ''
            ? s.serviceAccount
            : undefined
      // `default` is created with each namespace by the ServiceAccount controller.
      if (name === undefined || name === 'default') continue
      if (snapshot.get('v1/ServiceAccount', t.namespace, name)) continue
      report({
        object: t.owner,
        messageId: 'missing',
        data: { serviceAccount: name, workload: kindName(t.owner) },
        evidence: { serviceAccountName: name },
      })
    }
  },
})
