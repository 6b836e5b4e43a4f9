import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import { deployment } from './lib/fixtures.js'
import { servicePod } from './lib/networking.js'
import detector from './networkpolicy-selects-nothing.js'

function policy(name: string, podSelector: Record<string, unknown>, namespace = 'shop'): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, uid: `uid-networkpolicy-${namespace}-${name}` },
    spec: {
      podSelector,
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }] }],
    },
  }
}
const shopPod = (name: string, labels: Record<string, string>) =>
  servicePod(name, labels, { namespace: 'shop' })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the policy selects pods',
      objects: [policy('api-ingress', { matchLabels: { app: 'api' } }), shopPod('api-1', { app: 'api' })],
    },
    {
      name: 'does not fire on a default-deny policy with an empty podSelector, even in an empty namespace',
      objects: [policy('default-deny', {}, 'empty'), shopPod('api-1', { app: 'api' })],
    },
    {
      name: 'does not fire when a matchExpressions selector matches pods',
      objects: [
        policy('tiers', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'data'] }] }),
        shopPod('db-1', { app: 'db', tier: 'data' }),
      ],
    },
    {
      name: 'does not fire when the workload it protects is scaled to zero',
      objects: [
        policy('web', { matchLabels: { app: 'web' } }),
        ...deployment('web', { namespace: 'shop', replicas: 0 }),
      ],
      collected: ['v1/Pod'],
    },
  ],
  invalid: [
    {
      name: 'fires when no pod has the selected labels',
      objects: [
        policy('api-ingress', { matchLabels: { app: 'api-server' } }),
        shopPod('api-1', { app: 'api' }),
      ],
      findings: [
        {
          object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'api-ingress' },
          messageId: 'selectsNothing',
          data: { selector: 'app=api-server', hint: '' },
        },
      ],
    },
    {
      name: 'fires and names the namespace where the pods it was meant for run',
      objects: [
        policy('db-ingress', { matchLabels: { app: 'db' } }),
        servicePod('db-0', { app: 'db' }, { namespace: 'data' }),
      ],
      findings: [
        {
          object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'db-ingress' },
          messageId: 'selectsNothing',
          data: {
            hint: '; pods with these labels run in namespace data, but a NetworkPolicy only applies to its own namespace',
          },
        },
      ],
    },
    {
      name: 'fires on a matchExpressions selector that matches nothing',
      objects: [
        policy('tiers', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }),
        shopPod('db-1', { app: 'db', tier: 'data' }),
      ],
      findings: [
        {
          object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'tiers' },
          messageId: 'selectsNothing',
          data: { selector: 'tier In (backend)' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when pods were not collected',
      objects: [policy('api-ingress', { matchLabels: { app: 'api' } })],
    },
  ],
})
