import { defineCases } from '../detect/cases.js'
import detector from './rbac-secrets-read.js'
import { pod } from './lib/fixtures.js'
import { binding, group, role, sa, user } from './lib/security.js'

const secretReader = role('secret-reader', [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
])
const reader = { kind: 'ClusterRole' as const, name: 'secret-reader' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the ClusterRole is bound in one namespace only',
      collected: ['rbac.authorization.k8s.io/v1/ClusterRoleBinding'],
      objects: [secretReader, binding('app-secrets', reader, [sa('shop', 'cart')], 'shop')],
    },
    {
      name: 'does not fire on access limited to named Secrets',
      objects: [
        role('one-secret', [
          { apiGroups: [''], resources: ['secrets'], resourceNames: ['shared-ca'], verbs: ['get'] },
        ]),
        binding('read-ca', { kind: 'ClusterRole', name: 'one-secret' }, [group('developers')]),
      ],
    },
    {
      name: 'does not fire on create or delete rights without read',
      objects: [
        role('secret-writer', [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'delete'] }]),
        binding('writers', { kind: 'ClusterRole', name: 'secret-writer' }, [group('developers')]),
      ],
    },
    {
      name: 'does not fire on controllers in platform namespaces (cert-manager, kube-system)',
      objects: [
        secretReader,
        binding('cert-manager-controller', reader, [sa('cert-manager', 'cert-manager')]),
        binding('system:controller:x', reader, [user('system:kube-controller-manager')]),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a ClusterRoleBinding that lets a team read every Secret',
      objects: [secretReader, binding('devs-secrets', reader, [group('developers'), sa('ci', 'runner')])],
      findings: [
        {
          object: { kind: 'ClusterRoleBinding', name: 'devs-secrets' },
          messageId: 'secretsRead',
          key: 'Group:developers',
          data: { verbs: 'get, list, watch', role: 'secret-reader' },
        },
        {
          object: { kind: 'ClusterRoleBinding', name: 'devs-secrets' },
          messageId: 'secretsRead',
          key: 'ServiceAccount:ci/runner',
        },
      ],
    },
    {
      name: 'fires on list alone (it returns the contents) and on a wildcard resource',
      objects: [
        role('lister', [
          { apiGroups: [''], resources: ['*'], verbs: ['list'] },
          { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
        ]),
        binding('auditor', { kind: 'ClusterRole', name: 'lister' }, [user('dave')]),
      ],
      findings: [
        {
          object: { kind: 'ClusterRoleBinding', name: 'auditor' },
          messageId: 'secretsRead',
          data: { verbs: 'list' },
        },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when ClusterRoleBindings were not collected', objects: [pod('p'), secretReader] },
  ],
})
