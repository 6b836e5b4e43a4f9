import { defineCases } from '../detect/cases.js'
import detector from './sa-token-automount.js'
import { node } from './lib/fixtures.js'
import { binding, group, hardenedContainer, role, sa, serviceAccount, workload } from './lib/security.js'

const app = (extra: Record<string, unknown> = {}) => ({ containers: [hardenedContainer()], ...extra })
const reader = role('config-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], 'shop')
// Every cluster binds all service accounts to issuer discovery: that is not a sign the token is used.
const discovery = binding(
  'system:service-account-issuer-discovery',
  { kind: 'ClusterRole', name: 'system:service-account-issuer-discovery' },
  [group('system:serviceaccounts')],
)
const cart = { kind: 'Deployment', namespace: 'shop', name: 'cart' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the pod opts out of the token',
      objects: [
        workload('Deployment', 'cart', app({ automountServiceAccountToken: false }), 'shop'),
        discovery,
      ],
    },
    {
      name: 'does not fire when its ServiceAccount opts out',
      objects: [
        workload('Deployment', 'cart', app({ serviceAccountName: 'cart' }), 'shop'),
        serviceAccount('cart', 'shop', false),
        discovery,
      ],
    },
    {
      name: 'does not fire when a RoleBinding grants the service account something (the app uses the API)',
      objects: [
        workload('Deployment', 'cart', app({ serviceAccountName: 'cart' }), 'shop'),
        serviceAccount('cart', 'shop'),
        reader,
        binding('cart-reads-config', { kind: 'Role', name: 'config-reader' }, [sa('shop', 'cart')], 'shop'),
        discovery,
      ],
    },
    {
      name: 'does not fire when a binding grants every service account of the namespace',
      objects: [
        workload('Deployment', 'cart', app(), 'shop'),
        binding(
          'all-read-config',
          { kind: 'Role', name: 'config-reader' },
          [group('system:serviceaccounts:shop')],
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire in kube-system',
      objects: [
        workload('Deployment', 'coredns', app({ serviceAccountName: 'coredns' }), 'kube-system'),
        discovery,
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the service account has no binding at all',
      objects: [
        workload('Deployment', 'cart', app({ serviceAccountName: 'cart' }), 'shop'),
        serviceAccount('cart', 'shop'),
        discovery,
      ],
      findings: [{ object: cart, messageId: 'unusedToken', data: { serviceAccount: 'cart' } }],
    },
    {
      name: 'fires on the default service account when the pod names none',
      objects: [workload('StatefulSet', 'postgres', app(), 'data'), discovery],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'data', name: 'postgres' },
          messageId: 'unusedToken',
          data: { serviceAccount: 'default' },
        },
      ],
    },
    {
      name: 'fires when the pod turns the token back on although its ServiceAccount opts out',
      objects: [
        workload(
          'Deployment',
          'cart',
          app({ serviceAccountName: 'cart', automountServiceAccountToken: true }),
          'shop',
        ),
        serviceAccount('cart', 'shop', false),
        discovery,
      ],
      findings: [{ object: cart, messageId: 'unusedToken' }],
    },
    {
      name: 'fires with a weaker message when RBAC bindings were not collected',
      objects: [workload('Deployment', 'cart', app({ serviceAccountName: 'cart' }), 'shop')],
      findings: [{ object: cart, messageId: 'automounted', data: { serviceAccount: 'cart' } }],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1'), discovery] }],
})
