import { defineCases } from '../detect/cases.js'
import detector from './rbac-cluster-admin-binding.js'
import { pod } from './lib/fixtures.js'
import { binding, group, role, sa, user } from './lib/security.js'

const clusterAdmin = {
  ...role('cluster-admin', [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ]),
  metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
}
const admin = { kind: 'ClusterRole' as const, name: 'cluster-admin' }
const crb = (name: string) => ({ kind: 'ClusterRoleBinding', name })

export default defineCases(detector, {
  valid: [
    {
      name: "does not fire on Kubernetes' own cluster-admin binding to system:masters",
      objects: [clusterAdmin, binding('cluster-admin', admin, [group('system:masters')])],
    },
    {
      name: "does not fire on kubeadm's kubeadm:cluster-admins group",
      objects: [clusterAdmin, binding('kubeadm:cluster-admins', admin, [group('kubeadm:cluster-admins')])],
    },
    {
      name: 'does not fire on service accounts of platform namespaces (kube-system, argocd, flux-system)',
      objects: [
        clusterAdmin,
        binding('argocd-application-controller', admin, [sa('argocd', 'argocd-application-controller')]),
        binding('cluster-reconciler-flux-system', admin, [sa('flux-system', 'kustomize-controller')]),
        binding('legacy-tiller', admin, [sa('kube-system', 'tiller')]),
      ],
    },
    {
      name: 'does not fire on the edit and view roles bound to people',
      objects: [
        binding('devs-edit', { kind: 'ClusterRole', name: 'edit' }, [group('developers')], 'shop'),
        binding('everyone-view', { kind: 'ClusterRole', name: 'view' }, [group('engineering')]),
      ],
    },
    {
      name: 'does not fire on a ClusterRole with every verb on every resource of one API group only',
      objects: [
        role('apps-admin', [{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }]),
        binding('ops-apps-admin', { kind: 'ClusterRole', name: 'apps-admin' }, [group('ops')]),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires once per subject of a cluster-admin ClusterRoleBinding',
      objects: [
        clusterAdmin,
        binding('platform-admins', admin, [
          user('alice@example.com'),
          group('platform-oncall'),
          sa('ci', 'deployer'),
          group('system:masters'),
        ]),
      ],
      findings: [
        {
          object: crb('platform-admins'),
          messageId: 'clusterWide',
          key: 'User:alice@example.com',
          data: { subject: 'User alice@example.com', role: 'cluster-admin', as: '--as=alice@example.com' },
        },
        {
          object: crb('platform-admins'),
          messageId: 'clusterWide',
          key: 'Group:platform-oncall',
          data: { as: '--as=someone --as-group=platform-oncall' },
        },
        {
          object: crb('platform-admins'),
          messageId: 'clusterWide',
          key: 'ServiceAccount:ci/deployer',
          data: { subject: 'ServiceAccount ci/deployer', as: '--as=system:serviceaccount:ci:deployer' },
        },
      ],
    },
    {
      name: 'fires on cluster-admin granted in one namespace by a RoleBinding',
      objects: [clusterAdmin, binding('team-shop-admin', admin, [group('team-shop')], 'shop')],
      findings: [
        {
          object: { kind: 'RoleBinding', namespace: 'shop', name: 'team-shop-admin' },
          messageId: 'namespaceWide',
          key: 'Group:team-shop',
          data: { nsFlag: ' -n shop' },
        },
      ],
    },
    {
      name: 'fires on a custom ClusterRole equivalent to cluster-admin',
      objects: [
        role('god-mode', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
        binding('contractor', { kind: 'ClusterRole', name: 'god-mode' }, [user('bob')]),
      ],
      findings: [{ object: crb('contractor'), messageId: 'clusterWide', data: { role: 'god-mode' } }],
    },
    {
      name: 'fires on cluster-admin by name even when ClusterRoles were not collected',
      objects: [binding('ci-admin', admin, [{ kind: 'User', name: 'system:serviceaccount:ci:deployer' }])],
      findings: [
        { object: crb('ci-admin'), messageId: 'clusterWide', key: 'User:system:serviceaccount:ci:deployer' },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no binding was collected', objects: [pod('p'), clusterAdmin] }],
})
