import { defineCases } from '../detect/cases.js'
import detector from './rbac-pods-exec.js'
import { pod } from './lib/fixtures.js'
import { binding, group, role, sa, user } from './lib/security.js'

const edit = role('edit', [
  {
    apiGroups: [''],
    resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
])
const view = role('view', [
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
])
const clusterAdmin = role('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on the view role, which reads pods and logs only',
      objects: [
        view,
        binding('devs-view', { kind: 'ClusterRole', name: 'view' }, [group('developers')], 'shop'),
      ],
    },
    {
      name: 'does not fire on get of pods/exec without create',
      objects: [
        role('exec-get', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }]),
        binding('devs', { kind: 'ClusterRole', name: 'exec-get' }, [group('developers')]),
      ],
    },
    {
      name: 'does not fire on exec rights of Kubernetes and platform subjects',
      objects: [
        edit,
        binding('system:controller:x', { kind: 'ClusterRole', name: 'edit' }, [
          user('system:kube-controller-manager'),
        ]),
        binding('argo-workflows', { kind: 'ClusterRole', name: 'edit' }, [sa('argocd', 'argocd-server')]),
      ],
    },
    {
      name: 'does not fire on cluster-admin (rbac-cluster-admin-binding reports it)',
      objects: [clusterAdmin, binding('ops', { kind: 'ClusterRole', name: 'cluster-admin' }, [group('ops')])],
    },
  ],
  invalid: [
    {
      name: 'fires on the edit role bound to a team in its namespace',
      objects: [
        edit,
        binding('devs-edit', { kind: 'ClusterRole', name: 'edit' }, [group('developers')], 'shop'),
      ],
      findings: [
        {
          object: { kind: 'RoleBinding', namespace: 'shop', name: 'devs-edit' },
          messageId: 'exec',
          key: 'Group:developers',
          data: {
            scope: 'in namespace shop',
            access: 'create pods/exec, pods/attach',
            role: 'edit',
            roleNsFlag: '',
          },
        },
      ],
    },
    {
      name: 'fires cluster-wide on a CI service account through a custom ClusterRole with pods/*',
      objects: [
        role('debugger', [{ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] }]),
        binding('ci-debug', { kind: 'ClusterRole', name: 'debugger' }, [sa('ci', 'runner')]),
      ],
      findings: [
        {
          object: { kind: 'ClusterRoleBinding', name: 'ci-debug' },
          messageId: 'exec',
          key: 'ServiceAccount:ci/runner',
          data: { scope: 'in every namespace', scopeFlag: ' --all-namespaces' },
        },
      ],
    },
    {
      name: 'fires on a namespaced Role with a wildcard verb on pods/exec',
      collected: ['rbac.authorization.k8s.io/v1/ClusterRole'],
      objects: [
        role('shell', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['*'] }], 'shop'),
        binding('oncall-shell', { kind: 'Role', name: 'shell' }, [user('carol')], 'shop'),
      ],
      findings: [
        {
          object: { kind: 'RoleBinding', namespace: 'shop', name: 'oncall-shell' },
          messageId: 'exec',
          data: { access: 'create pods/exec', roleKind: 'Role', roleNsFlag: ' -n shop' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when ClusterRoles were not collected',
      objects: [pod('p'), binding('b', { kind: 'ClusterRole', name: 'edit' }, [user('u')])],
    },
  ],
})
