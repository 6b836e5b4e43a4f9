import { defineCases } from '../detect/cases.js'
import detector from './node-memory-pressure.js'
import { event, node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const pressured = node(
  'n1',
  {
    MemoryPressure: [
      'True',
      'KubeletHasInsufficientMemory',
      '2026-03-01T11:40:00Z',
      'kubelet has insufficient memory available',
    ],
  },
  { spec: { taints: [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }] } },
)

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a node with enough memory', now: NOW, objects: [node('n1')] },
    {
      name: 'does not fire once the pressure has cleared, even with eviction events left behind',
      now: NOW,
      objects: [
        node('n1', { MemoryPressure: ['False', 'KubeletHasSufficientMemory', '2026-03-01T11:58:00Z'] }),
        event(node('n1'), 'EvictionThresholdMet', 'Attempting to reclaim memory', {
          at: '2026-03-01T11:30:00Z',
        }),
      ],
    },
    {
      name: 'does not fire when the condition is Unknown because the node stopped reporting (node-not-ready covers that)',
      now: NOW,
      objects: [
        node('n1', {
          Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T11:00:00Z'],
          MemoryPressure: ['Unknown', 'NodeStatusUnknown', '2026-03-01T11:00:00Z'],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the kubelet reports MemoryPressure',
      now: NOW,
      objects: [
        pressured,
        node('n2'),
        event(pressured, 'EvictionThresholdMet', 'Attempting to reclaim memory', {
          at: '2026-03-01T11:41:00Z',
        }),
      ],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'memoryPressure', data: { for: '20m' } }],
    },
    {
      name: 'fires without events when events were not collected',
      now: NOW,
      objects: [pressured],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'memoryPressure' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when nodes were not collected',
      objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }],
    },
  ],
})
