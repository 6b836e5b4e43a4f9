import { defineCases } from '../detect/cases.js'
import detector from './node-pid-pressure.js'
import { node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a node with process ids to spare', now: NOW, objects: [node('n1')] },
    {
      name: 'does not fire on a node whose PID pressure just ended',
      now: NOW,
      objects: [node('n1', { PIDPressure: ['False', 'KubeletHasSufficientPID', '2026-03-01T11:59:00Z'] })],
    },
  ],
  invalid: [
    {
      name: 'fires when the kubelet reports PIDPressure',
      now: NOW,
      objects: [
        node(
          'n1',
          {
            PIDPressure: [
              'True',
              'KubeletHasInsufficientPID',
              '2026-03-01T11:45:00Z',
              'kubelet has insufficient PID available',
            ],
          },
          { spec: { taints: [{ key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' }] } },
        ),
        node('n2'),
      ],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'pidPressure', data: { for: '15m' } }],
    },
  ],
  skip: [
    {
      name: 'is skipped when nodes were not collected',
      objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }],
    },
  ],
})
