import { defineDetector } from '../detect/define.js'
import {
  bindingData,
  bindingEvidence,
  RBAC,
  RBAC_SUBJECT_PARAMS,
  rbacBindings,
  rulesAbout,
  subjectKey,
  trustedSubjectTest,
} from './lib/security.js'

export default defineDetector({
  meta: {
    id: 'rbac-cluster-admin-binding',
    title: 'Someone outside the platform is cluster-admin',
    description:
      "cluster-admin (or any ClusterRole allowing every verb on every resource) can do anything: read every Secret, run code in any pod, change RBAC to grant itself more, delete the cluster's workloads. Bound cluster-wide, a leaked credential of that user, group or service account is a full cluster compromise; bound in a namespace by a RoleBinding it is full control of that namespace, its Secrets and its RBAC. Kubernetes' own subjects (system:masters, system:*) and service accounts of platform namespaces are not reported.",
    severity: 'warning',
    category: 'security',
    requires: [],
    requiresAny: [RBAC.clusterRoleBinding, RBAC.roleBinding],
    optional: [RBAC.clusterRole, RBAC.role],
    messages: {
      clusterWide:
        '{{subject}} is cluster-admin: ClusterRoleBinding {{name}} grants it ClusterRole {{role}}, which allows every action on every resource in every namespace, including reading all Secrets and changing RBAC.',
      namespaceWide:
        '{{subject}} has full control of namespace {{namespace}}: RoleBinding {{name}} grants it ClusterRole {{role}}, which allows every action on every resource there, including its Secrets and RBAC.',
    },
    remediation:
      'See who holds it and what they can do: `kubectl get {{kind}} {{name}}{{nsFlag}} -o yaml` and `kubectl auth can-i --list {{as}}{{nsFlag}}`. Give {{subject}} a role with only what it needs (the built-in `edit` or `view` ClusterRoles through a RoleBinding in its own namespaces, or a custom Role), then remove it from the binding: `kubectl edit {{kind}} {{name}}{{nsFlag}}` (or delete the binding if it has no other subject). Humans who occasionally need admin rights can get them through a short-lived, audited path (impersonation, a break-glass group).',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    ],
    params: { ...RBAC_SUBJECT_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const trusted = trustedSubjectTest(params)
    for (const b of rbacBindings(snapshot)) {
      if (b.roleKind !== 'ClusterRole') continue
      if (b.roleName !== 'cluster-admin' && !b.grants.fullAccess) continue
      for (const s of b.subjects) {
        if (trusted(s)) continue
        report({
          object: b.binding,
          messageId: b.clusterWide ? 'clusterWide' : 'namespaceWide',
          key: subjectKey(s),
          data: bindingData(b, s),
          // For a custom role, the wildcard rule that makes it cluster-admin.
          evidence: bindingEvidence(
            b,
            s,
            b.roleName === 'cluster-admin' ? undefined : rulesAbout(b.role, ['*']),
          ),
        })
      }
    }
  },
})
