import { defineCases } from '../detect/cases.js'
import detector from './node-not-ready.js'
import { node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a Ready node', now: NOW, objects: [node('n1')] },
    {
      name: 'does not fire yet when the node went NotReady two minutes ago',
      now: NOW,
      objects: [node('n1', { Ready: ['False', 'KubeletNotReady', '2026-03-01T11:58:00Z'] })],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '1h' },
      objects: [node('n1', { Ready: ['False', 'KubeletNotReady', '2026-03-01T11:30:00Z'] })],
    },
  ],
  invalid: [
    {
      name: 'fires when the node has been NotReady for ten minutes',
      now: NOW,
      objects: [node('n1', { Ready: ['False', 'KubeletNotReady', '2026-03-01T11:50:00Z'] }), node('n2')],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'notReady', data: { for: '10m' } }],
    },
    {
      name: 'fires with unknown when the kubelet stopped posting status',
      now: NOW,
      objects: [node('n1', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T10:00:00Z'] })],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'unknown', data: { for: '2h' } }],
    },
  ],
  skip: [
    {
      name: 'is skipped when nodes were not collected',
      objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }],
    },
  ],
})
