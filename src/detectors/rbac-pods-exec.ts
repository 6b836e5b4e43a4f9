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

const EXEC_RESOURCES = ['pods/exec', 'pods/attach', 'pods/*']

export default defineDetector({
  meta: {
    id: 'rbac-pods-exec',
    title: 'Someone may open a shell in running pods',
    description:
      '`create` on pods/exec (kubectl exec) or pods/attach lets a subject run commands inside running containers: read their environment, mounted Secrets and tokens, and act as the app. Teams often get it through the built-in edit or admin roles on their own namespaces, which may be intended; it is worth knowing who has it, in particular cluster-wide and for service accounts (a CI token that can exec into production). Hygiene; cluster-admin holders are reported by rbac-cluster-admin-binding instead.',
    severity: 'info',
    category: 'security',
    requires: [RBAC.clusterRole],
    requiresAny: [RBAC.clusterRoleBinding, RBAC.roleBinding],
    optional: [RBAC.role],
    messages: {
      exec: '{{subject}} can run commands inside pods {{scope}} ({{access}}): {{kind}} {{name}} grants it {{roleKind}} {{role}}.',
    },
    remediation:
      'Check: `kubectl auth can-i create pods/exec {{as}}{{scopeFlag}}` and `kubectl get {{roleKind}} {{role}}{{roleNsFlag}} -o yaml`. If {{subject}} does not need to exec into pods, bind it a role without pods/exec and pods/attach (`view`, or a custom Role), or remove those resources from {{roleKind}} {{role}}; if it does, prefer a namespace-scoped RoleBinding over a cluster-wide one, and keep kubectl exec in the API server audit log.',
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources',
    ],
    params: { ...RBAC_SUBJECT_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const trusted = trustedSubjectTest(params)
    for (const b of rbacBindings(snapshot)) {
      if (b.grants.podsExec.length === 0 || b.grants.fullAccess || b.roleName === 'cluster-admin') continue
      for (const s of b.subjects) {
        if (trusted(s)) continue
        const roleNs = b.roleKind === 'Role' ? (b.binding.metadata.namespace ?? '') : ''
        report({
          object: b.binding,
          messageId: 'exec',
          key: subjectKey(s),
          data: {
            ...bindingData(b, s),
            access: `create ${b.grants.podsExec.join(', ')}`,
            roleNsFlag: roleNs ? ` -n ${roleNs}` : '',
          },
          evidence: bindingEvidence(b, s, rulesAbout(b.role, EXEC_RESOURCES)),
        })
      }
    }
  },
})
