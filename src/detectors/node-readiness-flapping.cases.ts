import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './node-readiness-flapping.js'
import { event, node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const n1 = node('n1')

function change(
  reason: 'NodeNotReady' | 'NodeReady',
  at: string,
  opts: { count?: number; first?: string; by?: string; name?: string } = {},
): KubeObject {
  const by = opts.by ?? 'kubelet'
  const e = event(n1, reason, `Node n1 status is now: ${reason}`, {
    type: 'Normal',
    at,
    count: opts.count ?? 1,
    name: opts.name ?? `n1.${reason.toLowerCase()}.${by}`,
  })
  const r = e as Record<string, unknown>
  r.source = { component: by, host: 'n1' }
  if (opts.first) r.firstTimestamp = opts.first
  return e
}

// One kubelet restart: the kubelet reports NotReady then Ready, and the node controller saw the NotReady too.
const oneRestart = [
  change('NodeNotReady', '2026-03-01T11:55:00Z'),
  change('NodeNotReady', '2026-03-01T11:55:10Z', { by: 'node-controller' }),
  change('NodeReady', '2026-03-01T11:56:00Z'),
]

const seriesEvent = (reason: string, count: number): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: `n1.${reason}.series`, namespace: 'default', creationTimestamp: '2026-03-01T11:48:00Z' },
  regarding: { kind: 'Node', name: 'n1', uid: 'n1' },
  reason,
  note: `Node n1 status is now: ${reason}`,
  type: 'Normal',
  reportingController: 'kubelet',
  eventTime: '2026-03-01T11:48:00.000000Z',
  series: { count, lastObservedTime: '2026-03-01T11:58:00.000000Z' },
})

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on one kubelet restart (NotReady then Ready, reported by two components)',
      now: NOW,
      objects: [n1, ...oneRestart],
    },
    {
      name: 'does not fire on flapping that ended an hour ago',
      now: NOW,
      objects: [
        n1,
        change('NodeNotReady', '2026-03-01T11:00:00Z', { count: 4, first: '2026-03-01T10:50:00Z' }),
        change('NodeReady', '2026-03-01T11:00:30Z', { count: 4, first: '2026-03-01T10:50:30Z' }),
      ],
    },
    {
      name: 'does not fire when a few changes spread over ten hours end with one inside the window',
      now: NOW,
      objects: [
        n1,
        change('NodeNotReady', '2026-03-01T11:55:00Z', { count: 4, first: '2026-03-01T02:00:00Z' }),
        change('NodeReady', '2026-03-01T11:56:00Z', { count: 4, first: '2026-03-01T02:01:00Z' }),
      ],
    },
    {
      name: 'does not fire on other node events',
      now: NOW,
      objects: [n1, event(n1, 'Rebooted', 'Node n1 has been rebooted', { at: '2026-03-01T11:55:00Z' })],
    },
  ],
  invalid: [
    {
      name: 'fires when the node went NotReady and back twice in fifteen minutes',
      now: NOW,
      objects: [
        n1,
        node('n2'),
        change('NodeNotReady', '2026-03-01T11:58:00Z', { count: 2, first: '2026-03-01T11:50:00Z' }),
        change('NodeNotReady', '2026-03-01T11:58:05Z', {
          count: 2,
          first: '2026-03-01T11:50:05Z',
          by: 'node-controller',
        }),
        change('NodeReady', '2026-03-01T11:59:00Z', { count: 2, first: '2026-03-01T11:51:00Z' }),
        event(n1, 'Rebooted', 'Node n1 has been rebooted, boot id: 1234', { at: '2026-03-01T11:50:30Z' }),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'flapping',
          data: { transitions: 4, notReady: 2, ready: 2, window: '15m' },
        },
      ],
    },
    {
      name: 'fires on events.k8s.io events counted in a series',
      now: NOW,
      objects: [n1, seriesEvent('NodeNotReady', 3), seriesEvent('NodeReady', 3)],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'flapping', data: { transitions: 6 } }],
    },
    {
      name: 'fires on long-running flapping aggregated into one event per direction',
      now: NOW,
      objects: [
        n1,
        change('NodeNotReady', '2026-03-01T11:59:00Z', { count: 40, first: '2026-03-01T09:59:00Z' }),
        change('NodeReady', '2026-03-01T11:59:30Z', { count: 40, first: '2026-03-01T09:59:30Z' }),
      ],
      findings: [
        { object: { kind: 'Node', name: 'n1' }, messageId: 'flapping', data: { notReady: 5, ready: 5 } },
      ],
    },
    {
      name: 'fires on a single restart when the allowed number of changes is lowered',
      now: NOW,
      params: { transitions: 1 },
      objects: [n1, ...oneRestart],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'flapping', data: { transitions: 2 } }],
    },
  ],
  skip: [
    {
      name: 'is skipped when events were not collected',
      objects: [n1],
    },
  ],
})
