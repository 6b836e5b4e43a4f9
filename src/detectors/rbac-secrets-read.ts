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
    id: 'rbac-secrets-read',
    title: 'Someone may read every Secret of the cluster',
    description:
      "get, list or watch on secrets through a ClusterRoleBinding lets a subject read every Secret in every namespace: database passwords, API keys, TLS keys and other service accounts' tokens, and with them act as those apps. list and watch return the Secrets' contents, not just their names. Controllers that manage Secrets (cert-manager, external-secrets, ingress controllers) need it and usually live in platform namespaces, which are not reported. Hygiene; cluster-admin holders are reported by rbac-cluster-admin-binding instead.",
    severity: 'info',
    category: 'security',
    requires: [RBAC.clusterRoleBinding, RBAC.clusterRole],
    optional: [RBAC.roleBinding, RBAC.role],
    messages: {
      secretsRead:
        '{{subject}} can read every Secret in the cluster ({{verbs}} on secrets): ClusterRoleBinding {{name}} grants it ClusterRole {{role}}.',
    },
    remediation:
      'Check: `kubectl auth can-i list secrets --all-namespaces {{as}}` and `kubectl get clusterrole {{role}} -o yaml`. If {{subject}} only needs the Secrets of some namespaces, replace ClusterRoleBinding {{name}} with RoleBindings there (`kubectl create rolebinding <name> -n <ns> --clusterrole={{role}} ...`); if it only needs some Secrets, list them in `resourceNames`; if it needs none, remove secrets from the role.',
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
      'https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets',
    ],
    params: { ...RBAC_SUBJECT_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const trusted = trustedSubjectTest(params)
    for (const b of rbacBindings(snapshot)) {
      if (!b.clusterWide || b.grants.secretsRead.length === 0) continue
      if (b.grants.fullAccess || b.roleName === 'cluster-admin') continue
      for (const s of b.subjects) {
        if (trusted(s)) continue
        report({
          object: b.binding,
          messageId: 'secretsRead',
          key: subjectKey(s),
          data: { ...bindingData(b, s), verbs: b.grants.secretsRead.join(', ') },
          evidence: bindingEvidence(b, s, rulesAbout(b.role, ['secrets'])),
        })
      }
    }
  },
})
