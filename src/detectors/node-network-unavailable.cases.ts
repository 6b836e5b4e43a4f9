import { defineCases } from '../detect/cases.js'
import detector from './node-network-unavailable.js'
import { node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the network plugin reports the network is up',
      now: NOW,
      objects: [node('n1', { NetworkUnavailable: ['False', 'CalicoIsUp', '2026-02-01T00:00:00Z'] })],
    },
    {
      name: 'does not fire on a node without the condition (most CNIs never set it)',
      now: NOW,
      objects: [node('n1')],
    },
  ],
  invalid: [
    {
      name: 'fires when the route for the node was not created',
      now: NOW,
      objects: [
        node(
          'n1',
          {
            NetworkUnavailable: [
              'True',
              'NoRouteCreated',
              '2026-03-01T11:00:00Z',
              'Node created without a route',
            ],
          },
          { spec: { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] } },
        ),
        node('n2', { NetworkUnavailable: ['False', 'RouteCreated', '2026-02-01T00:00:00Z'] }),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'networkUnavailable',
          data: { for: '1h', reason: 'NoRouteCreated' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when nodes were not collected',
      objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }],
    },
  ],
})
