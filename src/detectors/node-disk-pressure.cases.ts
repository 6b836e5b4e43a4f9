import { defineCases } from '../detect/cases.js'
import detector from './node-disk-pressure.js'
import { event, node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const full = node(
  'n1',
  { DiskPressure: ['True', 'KubeletHasDiskPressure', '2026-03-01T09:00:00Z', 'kubelet has disk pressure'] },
  { spec: { taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }] } },
)

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a node with free disk space', now: NOW, objects: [node('n1')] },
    {
      name: 'does not fire on an old image garbage collection failure once the disk has space again',
      now: NOW,
      objects: [
        node('n1'),
        event(node('n1'), 'ImageGCFailed', 'failed to garbage collect required amount of images', {
          at: '2026-03-01T08:00:00Z',
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the kubelet reports DiskPressure, with its image clean-up failures',
      now: NOW,
      objects: [
        full,
        event(
          full,
          'FreeDiskSpaceFailed',
          'Failed to garbage collect required amount of images. Wanted to free 4GB, but freed 0B',
          {
            at: '2026-03-01T11:50:00Z',
          },
        ),
      ],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'diskPressure', data: { for: '3h' } }],
    },
    {
      name: 'fires on every node under disk pressure',
      now: NOW,
      objects: [
        full,
        node('n2', { DiskPressure: ['True', 'KubeletHasDiskPressure', '2026-03-01T11:55:00Z'] }),
        node('n3'),
      ],
      findings: [
        { object: { kind: 'Node', name: 'n1' }, messageId: 'diskPressure' },
        { object: { kind: 'Node', name: 'n2' }, messageId: 'diskPressure', data: { for: '5m' } },
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
