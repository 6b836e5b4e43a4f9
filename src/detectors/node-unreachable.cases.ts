import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './node-unreachable.js'
import { node, pod } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function lost(name: string, key: string, timeAdded: string | undefined, effect = 'NoExecute'): KubeObject {
  const n = node(name, { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T11:40:00Z'] })
  n.spec = {
    taints: [
      { key, effect: 'NoSchedule', timeAdded },
      { key, effect, ...(timeAdded ? { timeAdded } : {}) },
    ],
  }
  return n
}

function onNode(
  name: string,
  nodeName: string,
  extra: { evicted?: boolean; sts?: boolean } = {},
): KubeObject {
  const p = pod(name, {
    namespace: 'shop',
    ...(extra.sts ? { owner: { kind: 'StatefulSet', name: 'db' } } : {}),
    spec: { nodeName, containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
    status: extra.evicted
      ? {
          conditions: [
            {
              type: 'DisruptionTarget',
              status: 'True',
              reason: 'DeletionByTaintManager',
              message: 'Taint manager: deleting due to NoExecute taint',
              lastTransitionTime: '2026-03-01T11:46:00Z',
            },
          ],
        }
      : {},
  })
  if (extra.evicted) p.metadata.deletionTimestamp = '2026-03-01T11:46:30Z'
  return p
}

const db = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop', uid: 'uid-statefulset-shop-db' },
  spec: { replicas: 1 },
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a healthy node without eviction taints',
      now: NOW,
      objects: [node('n1'), onNode('web-1', 'n1')],
    },
    {
      name: 'does not fire yet when the node became unreachable two minutes ago and nothing is evicted',
      now: NOW,
      objects: [lost('n1', 'node.kubernetes.io/unreachable', '2026-03-01T11:58:00Z'), onNode('web-1', 'n1')],
    },
    {
      name: 'does not fire on the NoSchedule taint alone (pods stay; only new ones are kept away)',
      now: NOW,
      objects: [
        lost('n1', 'node.kubernetes.io/unreachable', '2026-03-01T11:00:00Z', 'PreferNoSchedule'),
        onNode('web-1', 'n1'),
      ],
    },
    {
      name: 'does not fire on a NoExecute taint of another key (a dedicated node)',
      now: NOW,
      objects: [
        { ...node('n1'), spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] } },
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when pods are being evicted from an unreachable node, counting StatefulSet pods that wait',
      now: NOW,
      objects: [
        lost('n1', 'node.kubernetes.io/unreachable', '2026-03-01T11:41:00Z'),
        node('n2'),
        db,
        onNode('web-1', 'n1', { evicted: true }),
        onNode('db-0', 'n1', { evicted: true, sts: true }),
        onNode('node-exporter-x', 'n1'),
        onNode('web-2', 'n2'),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'evictingStatefulSet',
          data: { for: '19m', pods: 3, evicting: 2, stuck: 1, taint: 'node.kubernetes.io/unreachable' },
        },
      ],
    },
    {
      name: 'fires at once when pods with a short toleration are already evicted from a node tainted a minute ago',
      now: NOW,
      objects: [
        lost('n1', 'node.kubernetes.io/not-ready', '2026-03-01T11:59:00Z'),
        onNode('web-1', 'n1', { evicted: true }),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'evicting',
          data: { for: '1m', evicting: 1, state: 'not ready' },
        },
      ],
    },
    {
      name: 'fires when the taint has held past the default toleration but only DaemonSet pods remain',
      now: NOW,
      objects: [
        lost('n1', 'node.kubernetes.io/unreachable', '2026-03-01T11:50:00Z'),
        onNode('fluent-bit-x', 'n1'),
      ],
      findings: [
        { object: { kind: 'Node', name: 'n1' }, messageId: 'tainted', data: { for: '10m', pods: 1 } },
      ],
    },
    {
      name: 'fires with an unknown duration when the taint has no timeAdded, once every pod is gone',
      now: NOW,
      objects: [lost('n1', 'node.kubernetes.io/unreachable', undefined)],
      collected: ['v1/Pod'],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'evicted',
          data: { for: 'an unknown time', pods: 0 },
        },
      ],
    },
    {
      name: 'fires from the taint alone when pods were not collected',
      now: NOW,
      objects: [lost('n1', 'node.kubernetes.io/unreachable', '2026-03-01T11:00:00Z')],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'taintOnly', data: { for: '1h' } }],
    },
  ],
  skip: [
    {
      name: 'is skipped when nodes were not collected',
      objects: [onNode('web-1', 'n1')],
    },
  ],
})
