import { defineDetector } from '../detect/define.js'
import { boundServiceAccounts, RBAC, SYSTEM_NAMESPACE_PARAMS, systemNamespaceTest } from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'sa-token-automount',
    title: 'Pod mounts an API token it does not seem to need',
    description:
      'Every pod gets a token for its service account mounted at /var/run/secrets/kubernetes.io/serviceaccount unless automountServiceAccountToken is false on the pod or its ServiceAccount. Most apps never call the Kubernetes API, but anyone who gets code running in the container can use the token: to explore the cluster, and to use whatever RBAC grants to that account or to all accounts. When no RoleBinding or ClusterRoleBinding names the service account, the app almost certainly does not need it. Hygiene.',
    severity: 'info',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    optional: ['v1/ServiceAccount', RBAC.roleBinding, RBAC.clusterRoleBinding],
    messages: {
      unusedToken:
        '{{kind}} {{name}} mounts an API token for service account {{serviceAccount}}, but no RoleBinding or ClusterRoleBinding grants that account anything: the app most likely never calls the Kubernetes API, and the token only helps an attacker who gets into the container.',
      automounted:
        '{{kind}} {{name}} mounts an API token for service account {{serviceAccount}} (automountServiceAccountToken is not false); RBAC bindings were not collected, so whether the app needs it could not be checked.',
    },
    remediation:
      'If the app does not call the Kubernetes API, set `automountServiceAccountToken: false` in the pod template of {{kind}} {{name}}, or on the ServiceAccount for every pod using it: `kubectl patch serviceaccount {{serviceAccount}} -n {{namespace}} -p \'{"automountServiceAccountToken": false}\'`.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    const haveRbac = snapshot.has(RBAC.roleBinding) || snapshot.has(RBAC.clusterRoleBinding)
    const haveAccounts = snapshot.has('v1/ServiceAccount')
    for (const t of podTemplates(snapshot)) {
      const spec = t.spec
      const podSetting: unknown = spec.automountServiceAccountToken
      if (podSetting === false || system(t.namespace)) continue
      const sa =
        typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
          ? spec.serviceAccountName
          : typeof spec.serviceAccount === 'string' && spec.serviceAccount
            ? spec.serviceAccount
            : 'default'
      const account = haveAccounts ? snapshot.get('v1/ServiceAccount', t.namespace, sa) : undefined
      const accountSetting: unknown = (account as { automountServiceAccountToken?: unknown } | undefined)
        ?.automountServiceAccountToken
      // The pod's setting wins over its ServiceAccount's.
      if (podSetting === undefined && accountSetting === false) continue
      let messageId: 'unusedToken' | 'automounted' = 'automounted'
      if (haveRbac) {
        const bound = boundServiceAccounts(snapshot)
        if (bound.all || bound.namespaces.has(t.namespace) || bound.byName.has(`${t.namespace}/${sa}`))
          continue
        messageId = 'unusedToken'
      }
      report({
        object: t.owner,
        messageId,
        data: { serviceAccount: sa },
        evidence: {
          serviceAccount: sa,
          podAutomountServiceAccountToken: podSetting ?? null,
          ...(account ? { serviceAccountAutomountServiceAccountToken: accountSetting ?? null } : {}),
          rbacCollected: haveRbac,
        },
      })
    }
  },
})
